/** The statistical tests behind the verdicts: 95% intervals of relative speed against thresholds. */
import type { Claim, RowResult } from './types.js';

const f = (x: number) => x.toFixed(2);

/** Holds when every row's speed-up is at least `fraction` of what its madds predict (interval lower bound). */
export function atLeast(text: string, fraction: number): Claim {
  return {
    text,
    holds(rows) {
      const checked = rows.filter((r) => r.config.theoryTimeRatio !== undefined && r.config.theoryTimeRatio < 1);
      const short = checked.filter((r) => r.relSpeed.lo < fraction / r.config.theoryTimeRatio!);
      const worst = [...checked].sort((a, b) => a.relSpeed.median * a.config.theoryTimeRatio! - b.relSpeed.median * b.config.theoryTimeRatio!)[0];
      if (!worst) return { holds: true, because: 'no row to check' };
      const because = `${worst.config.row}: ${f(worst.relSpeed.median)}× faster (95% interval ${f(worst.relSpeed.lo)}–${f(worst.relSpeed.hi)}) where the madds predict ${f(1 / worst.config.theoryTimeRatio!)}×`;
      return short.length === 0
        ? { holds: true, because: `every row reaches ${fraction * 100}% of its predicted speed-up; closest: ${because}` }
        : { holds: false, because: `${short.length} of ${checked.length} rows fall short of ${fraction * 100}% of the predicted speed-up; furthest: ${because}` };
    },
  };
}

/** Holds when `row` is significantly slower (or, with `faster`, significantly faster) than the column's first row. */
export function compared(text: string, rowNames: readonly string[], expect: 'slower' | 'faster'): Claim {
  return {
    text,
    holds(rows) {
      const first = rows[0]!;
      const results = rowNames.map((name) => {
        const r = rows.find((x) => x.config.row === name);
        if (!r) return undefined;
        const ok = expect === 'slower' ? r.relSpeed.hi < 1 : r.relSpeed.lo > 1;
        return { ok, text: `${name} runs at ${f(r.relSpeed.median)}× the speed of ${first.config.row} (95% interval ${f(r.relSpeed.lo)}–${f(r.relSpeed.hi)})` };
      }).filter((x): x is { ok: boolean; text: string } => !!x);
      const holds = results.length > 0 && results.every((r) => r.ok);
      return { holds, because: results.map((r) => r.text).join('; ') };
    },
  };
}

/** Share of columns where the claim holds: the experiment's verdict holds when most columns agree. */
export function majority(columns: readonly { holds: boolean }[]): boolean {
  return columns.filter((c) => c.holds).length * 2 > columns.length;
}

export type { RowResult };
