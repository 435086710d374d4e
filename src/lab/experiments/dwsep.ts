/** dwsep: a standard k×k conv vs depthwise k×k + pointwise 1×1 — theory says time × (1/c2 + 1/k²). */
import { conv, stack } from '../blocks.js';
import { atLeast } from '../claims.js';
import type { Experiment, LabConfig } from '../types.js';

/** Feature-map size for a width, as networks have them (wide layers are small). */
const sizeFor = (c: number) => (c <= 64 ? 56 : c <= 128 ? 28 : 14);

export const dwsepExperiment: Experiment = {
  id: 'dwsep',
  title: 'Depthwise-separable convolution: time × (1/c2 + 1/k²)?',
  source: 'MobileNet (Howard et al. 2017); 4 layers of c→c, feature map 56/28/14 for c ≤ 64 / 128 / ≥ 256',
  claim: atLeast('depthwise k×k + pointwise 1×1 takes (1/c2 + 1/k²) of the time of a standard k×k conv', 0.8),
  configs({ quick }) {
    const widths = quick ? [64, 256] : [32, 64, 128, 256, 512];
    const kernels = quick ? [3] : [3, 5];
    const out: LabConfig[] = [];
    for (const k of kernels) {
      for (const c of widths) {
        const s = sizeFor(c);
        const column = `c=${c}, k=${k}, ${s}x${s}`;
        out.push({
          row: 'standard',
          column,
          detail: `4 × conv ${k}x${k} ${c}→${c}`,
          build: () => stack(`dwsep-std-c${c}-k${k}`, [1, c, s, s], 4, (b, x) => conv(b, x, { out: c, kernel: k })),
        });
        out.push({
          row: 'dw + pw',
          column,
          detail: `4 × (depthwise ${k}x${k} + pointwise 1x1 ${c}→${c})`,
          theoryTimeRatio: 1 / c + 1 / (k * k),
          build: () => stack(`dwsep-dw-c${c}-k${k}`, [1, c, s, s], 4, (b, x) => conv(b, conv(b, x, { out: c, kernel: k, groups: c, name: 'dw' }), { out: c, kernel: 1, name: 'pw' })),
        });
      }
    }
    return out;
  },
  explain: ({ holds }) =>
    holds
      ? undefined
      : 'A depthwise conv does k² multiply-adds per element it reads, so it is bound by memory traffic, not arithmetic (the paper counts it with the element-wise ops, G4); its time does not fall as far as its madds.',
};
