/**
 * Each step's re-measurement: the candidate against the start model on the timing engine,
 * interleaved (a ratio per pair, so load that drifts during the run cancels), and the start
 * model against itself once, for its time per run (what a target in ms is a share of).
 * // speed-up = median_pairs(t_start / t_candidate), 95% interval over the pairs
 */
import { compare, prepareGraph, type CompareOptions } from '../engine/index.js';
import type { Graph } from '../ir/index.js';
import { clone, type SearchContext } from './state.js';

export interface Measured {
  speedup: number;
  lo: number;
  hi: number;
  pairs: number;
  /** The candidate's median ms per run, and the start model's in the same pairs. */
  ms: number;
  originalMs: number;
}

export interface Meter {
  /** The start model's median ms per run (timed against itself). */
  originalMs: number;
  measure(g: Graph): Promise<Measured>;
}

export async function startMeter(ctx: SearchContext, start: Graph): Promise<Meter> {
  const { o, bind } = ctx;
  const cmpOpts: CompareOptions = { budgetMs: 3000, minPairs: 10, ...o.compare };
  const prepStart = prepareGraph(clone(start, bind), 'original', { ...bind, batch: o.batch });
  // The original's time (ms targets are turned into a share of it; it drifts with the machine's load).
  const self = await compare(prepStart, prepareGraph(clone(start, bind), 'original again', { ...bind, batch: o.batch }), o.timer, { ...cmpOpts, budgetMs: Math.min(cmpOpts.budgetMs ?? 3000, 1500) });
  return {
    originalMs: self.a.stats.median,
    async measure(g: Graph): Promise<Measured> {
      const r = await compare(prepStart, prepareGraph(clone(g, bind), 'candidate', { ...bind, batch: o.batch }), o.timer, cmpOpts);
      return { speedup: r.ratio.median, lo: r.ratio.lo, hi: r.ratio.hi, pairs: r.ratio.pairs, ms: r.b.stats.median, originalMs: r.a.stats.median };
    },
  };
}
