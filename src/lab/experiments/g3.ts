/**
 * G3 (ShuffleNet V2, Table 3): fragmented blocks of 1×1 convs, 10 repeats at 56×56, the madds of
 * the 1-fragment block kept. Our reading of the paper's appendix figure: k-fragment-series is k
 * convs of width c/√k in a row; k-fragment-parallel is k convs c → c/k reading the same input,
 * concatenated.
 */
import { concat, conv, stack } from '../blocks.js';
import { compared } from '../claims.js';
import { relative, TABLE3_G3 } from '../published.js';
import type { Experiment, LabConfig } from '../types.js';
import type { Builder, T } from '../../zoo/index.js';

type Structure = { row: string; width: (c: number) => number; block: (b: Builder, x: T, c: number) => T; detail: (c: number) => string };

const series = (k: number, row = `${k}-fragment-series`): Structure => ({
  row,
  width: (c) => Math.round(c / Math.sqrt(k)),
  block: (b, x, w) => {
    let y = x;
    for (let i = 0; i < k; i++) y = conv(b, y, { out: w, kernel: 1 });
    return y;
  },
  detail: (w) => `${k} × 1x1 ${w}→${w} in series`,
});

const parallel = (k: number): Structure => ({
  row: `${k}-fragment-parallel`,
  width: (c) => c,
  block: (b, x, w) => concat(b, Array.from({ length: k }, () => conv(b, x, { out: w / k, kernel: 1 }))),
  detail: (w) => `${k} × 1x1 ${w}→${w / k} in parallel, concatenated`,
});

export const STRUCTURES: readonly Structure[] = [series(1, '1-fragment'), series(2), series(4), parallel(2), parallel(4)];

export const g3Experiment: Experiment = {
  id: 'g3',
  title: 'G3: network fragmentation reduces parallelism',
  source: 'Ma et al. 2018, Table 3 and appendix; the CPU column\'s widths c = 64, 128, 256',
  claim: compared('at equal madds, 4 fragments (in series or in parallel) are slower than 1', ['4-fragment-series', '4-fragment-parallel'], 'slower'),
  configs({ quick }) {
    const widths = quick ? [64] : [64, 128, 256];
    return widths.flatMap((c, si) =>
      STRUCTURES.map((st): LabConfig => {
        const w = st.width(c);
        return {
          row: st.row,
          column: `c=${c}`,
          detail: `10 × (${st.detail(w)}) at 56x56`,
          published: relative(TABLE3_G3, st.row, si),
          build: () => stack(`g3-${st.row}-${c}`, [1, w, 56, 56], 10, (b, x) => st.block(b, x, w)),
        };
      }),
    );
  },
  explain: ({ holds }) =>
    holds
      ? undefined
      : "onnxruntime's CPU executor runs one node at a time (sequential mode), so splitting a conv into fragments adds only a little launch overhead per node on top of the same madds; the paper's G3 penalty comes mostly from GPUs, whose parallelism small kernels cannot fill.",
};
