/**
 * Keep only what pays (`rewrite --keep faster`, `--max-drop`, `--min-agreement`): every change an
 * approximate pass made is a candidate. Each is measured alone — the original model with that one
 * change, against the original, interleaved on the engine — and, with a scorer, its accuracy on
 * held-out data. Changes that are not faster (the whole 95% interval beyond the noise threshold)
 * or that cost more accuracy than the budget are reverted; the kept set is then built and scored
 * as a whole, and while it misses the budget the kept change with the worst accuracy cost per
 * unit of time saved is reverted too. Exact passes are never candidates: they always apply.
 */
import { compare, prepareGraph, type CompareOptions, type Engine, type Outcome, type PreparedModel } from '../engine/index.js';
import type { Graph } from '../ir/index.js';
import type { BindOptions } from '../ops/index.js';
import type { PassReport } from '../rewrite/index.js';

/** Accuracy of a model on held-out data: top-1 (with labels) and agreement with the original's top-1. */
export interface Score {
  /** Top-1 accuracy in [0, 1], when the data has labels. */
  top1?: number;
  /** Share of samples whose top-1 class equals the original model's. */
  agreement: number;
}

export interface Candidate {
  pass: string;
  /** The nodes the change replaced: selecting them again rebuilds this change alone. */
  nodes: string[];
  summary: string;
  /** tOriginal / tWithThisChange per interleaved pair: above 1 means the change is faster. */
  timing?: { median: number; lo: number; hi: number; pairs: number; outcome: Outcome };
  /** The original model with this change alone. */
  score?: Score;
  kept: boolean;
  /** Why it was kept or reverted, in words. */
  why: string;
}

export interface KeepOptions {
  /** Revert changes that are not measurably faster. */
  faster: boolean;
  /** Largest top-1 drop allowed, in points (needs labels). */
  maxDrop?: number;
  /** Smallest top-1 agreement with the original allowed, in [0, 1]. */
  minAgreement?: number;
  /** Scores a model on held-out data (needed by maxDrop / minAgreement). */
  score?: (model: PreparedModel) => Promise<Score>;
  /** Interleaved timing of each candidate against the original. */
  compare?: CompareOptions;
  onProgress?: (done: number, total: number, what: string) => void;
}

export interface KeepResult {
  candidates: Candidate[];
  /** Names of the nodes whose changes are kept. */
  selected: Set<string>;
  baseline?: Score;
  /** The kept set, scored as a whole. */
  final?: Score;
}

/**
 * Builds the original model with the approximate passes applied only to the selected nodes (all
 * when undefined); `forAccuracy` asks for the weights fitted on data when the rewrite has data
 * (a timing does not depend on the weights, so it need not pay for the fit).
 */
export type BuildWith = (selected: ReadonlySet<string> | undefined, forAccuracy: boolean) => Promise<Graph>;

/** The candidates: every change an approximate pass made. */
export function candidatesOf(reports: readonly PassReport[]): Candidate[] {
  return reports.filter((r) => !r.exact).flatMap((r) => r.changes.map((c) => ({ pass: r.id, nodes: [...(c.selectBy ?? c.replaced)], summary: c.summary, kept: true, why: '' })));
}

/** Points of accuracy lost (top-1, ×100) or agreement missing, against the budget: positive when over it. */
function overBudget(s: Score, base: Score | undefined, o: KeepOptions): number {
  let over = -Infinity;
  if (o.maxDrop !== undefined && s.top1 !== undefined && base?.top1 !== undefined) over = Math.max(over, (base.top1 - s.top1) * 100 - o.maxDrop);
  if (o.minAgreement !== undefined) over = Math.max(over, (o.minAgreement - s.agreement) * 100);
  return over;
}

const fmtScore = (s: Score) => `${s.top1 !== undefined ? `top-1 ${(s.top1 * 100).toFixed(2)}%, ` : ''}agreement ${(s.agreement * 100).toFixed(2)}%`;

export async function chooseChanges(candidates: Candidate[], build: BuildWith, engine: Engine, bind: BindOptions | undefined, o: KeepOptions): Promise<KeepResult> {
  const wantsAccuracy = o.maxDrop !== undefined || o.minAgreement !== undefined;
  if (wantsAccuracy && !o.score) throw new Error('chooseChanges: an accuracy budget needs a scorer');
  const steps = candidates.length * ((o.faster ? 1 : 0) + (wantsAccuracy ? 1 : 0)) + (wantsAccuracy ? 2 : 0);
  let done = 0;
  const tick = (what: string) => o.onProgress?.(++done, steps, what);
  const original = await build(new Set(), false);
  const prepOriginal = prepareGraph(original, 'original', bind);
  const baseline = wantsAccuracy ? await o.score!(prepOriginal) : undefined;
  if (wantsAccuracy) tick('original scored');
  for (const c of candidates) {
    const built = wantsAccuracy || o.faster ? await build(new Set(c.nodes), wantsAccuracy) : undefined;
    // Prepared once (shapes, encoding) for both the timing and the score.
    const alone = built && prepareGraph(built, c.nodes[0] ?? c.pass, bind);
    const reasons: string[] = [];
    if (o.faster && alone) {
      const r = await compare(prepOriginal, alone, engine, o.compare);
      c.timing = { median: r.ratio.median, lo: r.ratio.lo, hi: r.ratio.hi, pairs: r.ratio.pairs, outcome: r.outcome };
      tick(`timed ${c.nodes[0]}`);
      if (r.outcome !== 'faster') {
        c.kept = false;
        reasons.push(`not faster: ${r.ratio.median.toFixed(3)}× (${r.ratio.lo.toFixed(3)}–${r.ratio.hi.toFixed(3)}, ${r.outcome})`);
      } else reasons.push(`${r.ratio.median.toFixed(2)}× faster (${r.ratio.lo.toFixed(2)}–${r.ratio.hi.toFixed(2)})`);
    }
    if (wantsAccuracy && alone && c.kept) {
      c.score = await o.score!(alone);
      tick(`scored ${c.nodes[0]}`);
      const over = overBudget(c.score, baseline, o);
      if (over > 0) {
        c.kept = false;
        reasons.push(`alone over the accuracy budget (${fmtScore(c.score)})`);
      } else reasons.push(fmtScore(c.score));
    } else if (wantsAccuracy) tick('skipped');
    c.why = reasons.join('; ') || 'kept';
  }
  const selected = () => new Set(candidates.filter((c) => c.kept).flatMap((c) => c.nodes));
  let final: Score | undefined;
  if (wantsAccuracy) {
    // Changes that pass alone can still miss the budget together: revert the worst value first.
    for (;;) {
      const kept = candidates.filter((c) => c.kept);
      if (!kept.length) break;
      final = await o.score!(prepareGraph(await build(selected(), true), 'kept', bind));
      if (overBudget(final, baseline, o) <= 0) break;
      const cost = (c: Candidate) => {
        const lost = baseline?.top1 !== undefined && c.score?.top1 !== undefined ? baseline.top1 - c.score.top1 : 1 - (c.score?.agreement ?? 0);
        const gained = c.timing ? Math.max(c.timing.median - 1, 1e-3) : 1;
        return lost / gained;
      };
      const worst = kept.reduce((a, b) => (cost(b) > cost(a) ? b : a));
      worst.kept = false;
      worst.why += `; reverted: together the kept changes missed the budget (${fmtScore(final)})`;
    }
    tick('kept set scored');
  }
  return { candidates, selected: selected(), ...(baseline ? { baseline } : {}), ...(final ? { final } : {}) };
}
