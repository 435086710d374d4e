/** group: a k×k conv at fixed width with g groups does 1/g of the madds — does it take 1/g of the time? */
import { conv, stack } from '../blocks.js';
import type { Experiment, LabConfig } from '../types.js';
import { atLeast } from '../claims.js';

export const groupExperiment: Experiment = {
  id: 'group',
  title: 'Group convolution: madds and params × 1/g, and time?',
  source: 'group convolution (AlexNet, ResNeXt); 10 layers of 3×3 convs, c = 128',
  claim: atLeast('a g-group conv takes 1/g of the time of the standard one (its madds ratio)', 0.8),
  configs({ quick }) {
    const c = 128;
    const size = quick ? 28 : 56;
    const groups = quick ? [1, 4, 16, 128] : [1, 2, 4, 8, 16, 32, 64, 128];
    return groups.map((g): LabConfig => ({
      row: `g=${g}`,
      column: `c=${c}, ${size}x${size}, 3x3`,
      detail: `10 × conv 3x3 ${c}→${c}, ${g} group${g > 1 ? 's' : ''}${g === c ? ' (depthwise)' : ''}`,
      theoryTimeRatio: 1 / g,
      build: () => stack(`group-g${g}`, [1, c, size, size], 10, (b, x) => conv(b, x, { out: c, kernel: 3, groups: g })),
    }));
  },
  explain: ({ holds, rows }) => {
    if (holds) return undefined;
    const last = rows[rows.length - 1]!;
    return `Group convs cut madds but not the activations they read and write: at ${last.config.row} the layer moves ${(last.memAccess / rows[0]!.memAccess * 100).toFixed(0)}% of the g=1 memory access for ${(last.madds / rows[0]!.madds * 100).toFixed(1)}% of its madds, so it runs far below the machine's peak arithmetic rate (G2).`;
  },
};
