/**
 * What `compress` asks before it fits anything: how fast would this candidate run? A
 * `LatencyEstimator` answers in ms; the default measures the candidate on the engine (whole
 * model, the fastest of a short timing: other load only ever adds time, so on a shared machine
 * the minimum is the steadiest figure). The latency model (src/predict/, through `predictedLatency`) can stand in for it.
 * The search corrects any estimator each step by the ratio of the measured to the estimated
 * latency of the model it chose (NetAdapt re-measures; so does leannet).
 * // predicted(cand) = measured(current) × correction × estimate(cand) / estimate(current), correction from measured / predicted of the last chosen
 */
import { prepareGraph, timeRuns, type Engine } from '../engine/index.js';
import type { Graph } from '../ir/index.js';
import { inferShapes, type BindOptions } from '../ops/index.js';
import { costModel } from '../cost/index.js';

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

/** The default estimator: load the candidate on `engine` and time it (the fastest of a short run). */
export function measuredLatency(engine: Engine, o: MeasuredLatencyOptions): LatencyEstimator {
  const minRuns = o.minRuns ?? 5;
  const budgetMs = o.budgetMs ?? 400;
  return {
    description: `measured on ${engine.info.engine} (${engine.info.threads} thread(s)), batch ${o.batch}, fastest of ≥ ${minRuns} runs / ${budgetMs} ms`,
    async estimate(graph: Graph): Promise<number> {
      const p = prepareGraph(graph, 'candidate', { ...o.bind, batch: o.batch });
      const s = await engine.load(p.model);
      try {
        return Math.min(...(await timeRuns(s, p.feeds, { warmup: o.warmup ?? 2, minRuns, budgetMs })));
      } finally {
        await s.release();
      }
    },
  };
}

/**
 * A proxy for when timing every probe costs too much: multiply-adds per image (madds are not
 * speed, but the search uses only ratios of estimates, and corrects them by measurement each step).
 */
export function maddsLatency(bind: BindOptions = {}): LatencyEstimator {
  return {
    description: 'madds proxy (cost model), corrected each step by the measured speed-up',
    async estimate(graph: Graph): Promise<number> {
      inferShapes(graph, bind);
      return costModel(graph).totals.madds;
    },
  };
}
