/**
 * G2 (ShuffleNet V2, Table 2): 10 1×1 group convs at 56×56, g ∈ {1, 2, 4, 8}, widths chosen to
 * hold the madds fixed (c ≈ c₁·√g); ×1, ×2, ×4 scales.
 */
import { channelsFor, conv, stack } from '../blocks.js';
import { compared } from '../claims.js';
import { relative, TABLE2_G2 } from '../published.js';
import type { Experiment, LabConfig } from '../types.js';

export const G2_GROUPS = [1, 2, 4, 8] as const;

/** (c1, c2), multiples of g, whose g-group 1×1 conv has the madds of a c×c one. */
export function g2Widths(c: number, g: number): [number, number] {
  return channelsFor(c * Math.sqrt(g), g, c * c);
}

export const g2Experiment: Experiment = {
  id: 'g2',
  title: 'G2: many groups raise memory access',
  source: 'Ma et al. 2018, Table 2; the CPU column\'s width 64 at ×1, scaled ×2 and ×4',
  claim: compared('at equal madds, more groups are slower: g=8 is slower than g=1', ['g=8'], 'slower'),
  configs({ quick }) {
    const scales = quick ? [1] : [1, 2, 4];
    return scales.flatMap((s, si) =>
      G2_GROUPS.map((g): LabConfig => {
        const [c1, c2] = g2Widths(64 * s, g);
        const row = `g=${g}`;
        return {
          row,
          column: `x${s} (c=${64 * s} at g=1)`,
          detail: `10 × 1x1 conv, ${g} groups, ${c1}↔${c2}${c1 === c2 ? '' : ' alternating'} at 56x56`,
          published: relative(TABLE2_G2, row, si),
          build: () => stack(`g2-g${g}-${c1}-${c2}`, [1, c1, 56, 56], 10, (b, x, i) => conv(b, x, { out: i % 2 === 0 ? c2 : c1, kernel: 1, groups: g })),
        };
      }),
    );
  },
  explain: ({ holds, rows }) => {
    if (holds) return undefined;
    const last = rows[rows.length - 1]!;
    return `g=8 moves ${((last.memAccess / rows[0]!.memAccess - 1) * 100).toFixed(0)}% more memory than g=1 for the same madds, which this CPU's caches largely absorb; the paper's largest G2 penalty was on GPU.`;
  },
};
