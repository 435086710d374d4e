/**
 * G1 (ShuffleNet V2, Table 1): 10 blocks of two 1×1 convs (c1 → c2 → c1) at 56×56 with
 * c1:c2 ∈ {1:1, 1:2, 1:6, 1:12} and the madds held fixed; ×1, ×2, ×4 scales.
 */
import { conv, stack } from '../blocks.js';
import { compared } from '../claims.js';
import { relative, TABLE1_G1 } from '../published.js';
import type { Experiment, LabConfig } from '../types.js';

export const RATIOS = [1, 2, 6, 12] as const;

/** Widths for ratio 1:r at the madds of (c, c): c1 ≈ c/√r, c2 = c²/c1, rounded. */
export function g1Widths(c: number, r: number): [number, number] {
  const c1 = Math.max(1, Math.round(c / Math.sqrt(r)));
  return [c1, Math.round((c * c) / c1)];
}

export const g1Experiment: Experiment = {
  id: 'g1',
  title: 'G1: equal channel widths minimise memory access',
  source: 'Ma et al. 2018, Table 1; the CPU column\'s widths (32,32) at ×1, scaled ×2 and ×4',
  claim: compared('at equal madds, 1×1 convs with c1 = c2 are fastest: 1:12 is slower than 1:1', ['1:12'], 'slower'),
  configs({ quick }) {
    const scales = quick ? [1] : [1, 2, 4];
    return scales.flatMap((s, si) =>
      RATIOS.map((r): LabConfig => {
        const [c1, c2] = g1Widths(32 * s, r);
        const row = `1:${r}`;
        return {
          row,
          column: `x${s} (${32 * s},${32 * s})`,
          detail: `10 × (1x1 ${c1}→${c2}, 1x1 ${c2}→${c1}) at 56x56`,
          published: relative(TABLE1_G1, row, si),
          build: () => stack(`g1-${c1}-${c2}`, [1, c1, 56, 56], 10, (b, x) => conv(b, conv(b, x, { out: c2, kernel: 1 }), { out: c1, kernel: 1 })),
        };
      }),
    );
  },
  explain: ({ holds, rows }) => {
    if (holds) return undefined;
    const last = rows[rows.length - 1]!;
    return `At these widths 1:12 does ${((last.memAccess / rows[0]!.memAccess - 1) * 100).toFixed(0)}% more memory access than 1:1 for the same madds; on this CPU the 1×1 convs (large GEMMs) are limited by arithmetic, not memory, so the extra access barely shows.`;
  },
};
