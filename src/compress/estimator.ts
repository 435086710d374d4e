/**
 * What `compress` asks before it fits anything: how fast would this candidate run? A
 * `LatencyEstimator` answers in ms; the default measures the candidate on the engine (whole
 * model, median of a short timing). A latency model (src/latency/) can stand in for it.
 * The search corrects any estimator each step by the ratio of the measured to the estimated
 * latency of the model it chose (NetAdapt re-measures; so does leannet).
 * // predicted(cand) = correction × estimate(cand) / estimate(original), correction = measured / predicted of the last chosen
 */
import { prepareGraph, summarize, timeRuns, type Engine } from '../engine/index.js';
import type { Graph } from '../ir/index.js';
import type { BindOptions } from '../ops/index.js';

export interface LatencyEstimator {
  /** Milliseconds per run of `graph` (at the batch the estimator was made for). */
  estimate(graph: Graph): Promise<number>;
  /** One line: what it is (printed with the results). */
  readonly description?: string;
}

export interface MeasuredLatencyOptions {
  /** Batch the model is timed at. */
  batch: number;
  /** Timed runs at least (default 5). */
  minRuns?: number;
  /** Time budget per estimate (default 400 ms). */
  budgetMs?: number;
  /** Untimed runs first (default 2). */
  warmup?: number;
  /** Shape options beyond the batch (--input / --dim). */
  bind?: BindOptions;
}

/** The default estimator: load the candidate on `engine` and time it (median of a short run). */
export function measuredLatency(engine: Engine, o: MeasuredLatencyOptions): LatencyEstimator {
  const minRuns = o.minRuns ?? 5;
  const budgetMs = o.budgetMs ?? 400;
  return {
    description: `measured on ${engine.info.engine} (${engine.info.threads} thread(s)), batch ${o.batch}, median of ≥ ${minRuns} runs / ${budgetMs} ms`,
    async estimate(graph: Graph): Promise<number> {
      const p = prepareGraph(graph, 'candidate', { ...o.bind, batch: o.batch });
      const s = await engine.load(p.model);
      try {
        return summarize(await timeRuns(s, p.feeds, { warmup: o.warmup ?? 2, minRuns, budgetMs })).median;
      } finally {
        await s.release();
      }
    },
  };
}
