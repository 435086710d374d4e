/**
 * A prediction against the model measured now (`leannet predict --check`): the model timed in
 * blocks with the speed probe timed before each block and after the last, so that the raw
 * prediction (kernel times as sampled) and the speed-corrected one (in probe units, times the
 * probe's time during the measurement) are both scored, and the user sees whether the machine
 * ran at another speed than when the kernels were sampled.
 */
import { bench, summarize, type BenchOptions, type PreparedModel, type Stats } from '../engine/index.js';
import { atSpeed, type LatencyModel, type LatencyPrediction, type SpeedCorrected } from './model.js';

export interface PredictionCheck {
  /** The model's runs, all blocks together. */
  measured: Stats;
  /** (raw prediction / measured median − 1) × 100. */
  errorPct: number;
  /** The probe's times (ms) before each block and after the last. */
  probeMs: number[];
  /** The prediction at the speed of the measurement (probe time: the median of `probeMs`), and its error; null without probe units. */
  speed: (SpeedCorrected & { errorPct: number }) | null;
  /** The model's runs each over the probe time around its block (geometric mean of the probe before and after): the measurement in probe units. */
  measuredUnits: Stats;
}

/** Measure `prepared` on the latency model's engine in `blocks` blocks (default 4) of `budgetMs / blocks`, the probe around each, and score `p` against it. */
export async function checkPrediction(lm: LatencyModel, prepared: PreparedModel, p: LatencyPrediction, o: BenchOptions & { blocks?: number } = {}): Promise<PredictionCheck> {
  const blocks = Math.max(1, o.blocks ?? 4);
  const budget = o.budgetMs ?? 3000;
  const probes = [(await lm.measureProbe()).ms];
  const times: number[] = [];
  const units: number[] = [];
  for (let b = 0; b < blocks; b++) {
    const r = await bench(prepared, lm.engine, {
      ...o,
      budgetMs: budget / blocks,
      minRuns: Math.max(1, Math.ceil((o.minRuns ?? 10) / blocks)),
      ...(o.onProgress ? { onProgress: (x) => o.onProgress!({ ...x, elapsedMs: (b * budget) / blocks + x.elapsedMs, budgetMs: budget }) } : {}),
    });
    probes.push((await lm.measureProbe()).ms);
    const around = Math.sqrt(probes.at(-2)! * probes.at(-1)!);
    times.push(...r.times);
    units.push(...r.times.map((t) => t / around));
  }
  const measured = summarize(times);
  const probeNow = summarize(probes).median;
  const s = atSpeed(p, probeNow);
  return {
    measured,
    errorPct: (p.ms / measured.median - 1) * 100,
    probeMs: probes,
    speed: s ? { ...s, errorPct: (s.ms / measured.median - 1) * 100 } : null,
    measuredUnits: summarize(units),
  };
}
