/**
 * The latency model (src/predict/) as a compress estimator: each candidate's time per run
 * predicted from its kernels, each timed alone on this machine and cached, so a candidate whose
 * kernels were seen before costs milliseconds (a new width costs a few kernel samples once).
 */
import type { Graph } from '../ir/index.js';
import type { BindOptions } from '../ops/index.js';
import { atSpeed, type LatencyModel } from '../predict/index.js';
import type { LatencyEstimator } from './estimator.js';

export function predictedLatency(model: LatencyModel, batch: number, bind: BindOptions = {}): LatencyEstimator {
  return {
    description: `latency model (kernels timed alone on this machine, cached), batch ${batch}, at one machine speed (the speed probes), corrected each step by the measured speed-up`,
    async estimate(graph: Graph): Promise<number> {
      const p = await model.predict(graph, { ...bind, batch });
      // Every candidate at one machine speed (the probes' when the engine's overhead was
      // measured): candidates share most kernels with the model, but new widths' kernels are
      // sampled later, perhaps while the machine ran at another speed.
      const ref = model.overhead.probes;
      return (ref && atSpeed(p, ref)?.ms) ?? p.ms;
    },
  };
}
