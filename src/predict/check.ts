/**
 * A prediction against the model measured now (`leannet predict --check`): the model timed in
 * short blocks with the speed probe timed before each block and after the last, so that the raw
 * prediction (kernel times as sampled) and the speed-corrected one (in probe units, times the
 * probe's time during the measurement) are both scored, and the user sees whether the machine
 * ran at another speed than when the kernels were sampled.
 */
import { summarize, timeRuns, type BenchOptions, type PreparedModel, type Stats } from '../engine/index.js';
import { atSpeed, type LatencyModel, type LatencyPrediction, type SpeedCorrected } from './model.js';

/** A model measured in short blocks with the probe around each. */
export interface ProbedRuns {
  /** Every timed run (ms), in order. */
  times: number[];
  /** Each run over the probe time around its block (the geometric mean of the probe just before and just after): the runs in probe units. */
  units: number[];
  /** The probe's times (ms): before each block and after the last. */
  probeMs: number[];
}

/**
 * Run `prepared` on the latency model's engine (one session; `warmup` untimed runs first) in
 * blocks of `blockMs` (default 250: this VM's speed phases last seconds, and a probe around a
 * block of 1 s tracked a model's time worse than around blocks of 300 ms, bench:probe) until
 * `budgetMs`, at least `minRuns` runs in all, timing the probe before each block and after the last.
 */
export async function measureProbed(lm: LatencyModel, prepared: PreparedModel, o: BenchOptions & { blockMs?: number } = {}): Promise<ProbedRuns> {
  const budget = o.budgetMs ?? 3000;
  const blockMs = Math.min(budget, o.blockMs ?? 250);
  const minRuns = o.minRuns ?? 10;
  const session = await lm.engine.load(prepared.model);
  try {
    await timeRuns(session, prepared.feeds, { warmup: o.warmup ?? 5, minRuns: 0, maxRuns: 0, budgetMs: 0 });
    const probeMs = [(await lm.measureProbe()).ms];
    const times: number[] = [];
    const units: number[] = [];
    const t0 = performance.now();
    const blocks = Math.max(1, Math.round(budget / blockMs));
    for (let b = 0; b < blocks || times.length < minRuns; b++) {
      const t = await timeRuns(session, prepared.feeds, { warmup: 1, minRuns: Math.max(1, Math.ceil((minRuns - times.length) / Math.max(1, blocks - b))), budgetMs: blockMs });
      probeMs.push((await lm.measureProbe()).ms);
      const around = Math.sqrt(probeMs.at(-2)! * probeMs.at(-1)!);
      times.push(...t);
      units.push(...t.map((x) => x / around));
      o.onProgress?.({ phase: 'measure', runs: times.length, elapsedMs: performance.now() - t0, budgetMs: budget });
    }
    return { times, units, probeMs };
  } finally {
    await session.release();
  }
}

export interface PredictionCheck {
  /** The model's runs, all blocks together. */
  measured: Stats;
  /** (raw prediction / measured median − 1) × 100. */
  errorPct: number;
  /** The probe's times (ms) before each block and after the last. */
  probeMs: number[];
  /** The prediction at the speed of the measurement (probe time: the median of `probeMs`), and its error; null without probe units. */
  speed: (SpeedCorrected & { errorPct: number }) | null;
  /** The model's runs each over the probe time around its block: the measurement in probe units, to compare with `probeUnits`. */
  measuredUnits: Stats;
}

/** Measure `prepared` (`measureProbed`) and score `p` against it, raw and at the speed of the measurement. */
export async function checkPrediction(lm: LatencyModel, prepared: PreparedModel, p: LatencyPrediction, o: BenchOptions & { blockMs?: number } = {}): Promise<PredictionCheck> {
  const r = await measureProbed(lm, prepared, o);
  const measured = summarize(r.times);
  const s = atSpeed(p, summarize(r.probeMs).median);
  return {
    measured,
    errorPct: (p.ms / measured.median - 1) * 100,
    probeMs: r.probeMs,
    speed: s ? { ...s, errorPct: (s.ms / measured.median - 1) * 100 } : null,
    measuredUnits: summarize(r.units),
  };
}
