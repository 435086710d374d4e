/**
 * A prediction against the model measured now (`leannet predict --check`): the model timed in
 * short blocks with the speed probes timed before each block and after the last, so that the raw
 * prediction (kernel times as sampled) and the speed-corrected one (probe units times the probes'
 * times during the measurement) are both scored, and the user sees whether the machine ran at
 * another speed than when the kernels were sampled.
 */
import { summarize, timeRuns, type BenchOptions, type PreparedModel, type Stats } from '../engine/index.js';
import { atSpeed, type LatencyModel, type LatencyPrediction, type SpeedCorrected } from './model.js';
import { between, medianReading, type ProbeReading } from './probe.js';

/** A model measured in short blocks with the probes around each. */
export interface ProbedRuns {
  /** Every timed run (ms), in order. */
  times: number[];
  /** How many of `times` each block holds, in order. */
  blocks: number[];
  /** The probes' times (ms): before each block and after the last. */
  probes: ProbeReading[];
}

/**
 * Run `prepared` on the latency model's engine (one session; `warmup` untimed runs first) in
 * blocks of `blockMs` (default 250: this VM's speed phases last seconds, and a probe around a
 * block of 1 s tracked a model's time worse than around blocks of 300 ms, bench:probe) until
 * `budgetMs`, at least `minRuns` runs in all, timing the probes before each block and after the last.
 */
export async function measureProbed(lm: LatencyModel, prepared: PreparedModel, o: BenchOptions & { blockMs?: number } = {}): Promise<ProbedRuns> {
  const budget = o.budgetMs ?? 3000;
  const blockMs = Math.min(budget, o.blockMs ?? 250);
  const minRuns = o.minRuns ?? 10;
  const session = await lm.engine.load(prepared.model);
  try {
    await timeRuns(session, prepared.feeds, { warmup: o.warmup ?? 5, minRuns: 0, maxRuns: 0, budgetMs: 0 });
    const probes = [await lm.measureProbes()];
    const times: number[] = [];
    const blocks: number[] = [];
    const t0 = performance.now();
    const count = Math.max(1, Math.round(budget / blockMs));
    for (let b = 0; b < count || times.length < minRuns; b++) {
      const t = await timeRuns(session, prepared.feeds, { warmup: 1, minRuns: Math.max(1, Math.ceil((minRuns - times.length) / Math.max(1, count - b))), budgetMs: blockMs });
      probes.push(await lm.measureProbes());
      times.push(...t);
      blocks.push(t.length);
      o.onProgress?.({ phase: 'measure', runs: times.length, elapsedMs: performance.now() - t0, budgetMs: budget });
    }
    return { times, blocks, probes };
  } finally {
    await session.release();
  }
}

/**
 * Each run over the prediction at the speed of its block (the probes before and after it, by
 * their geometric mean): 1 where the prediction is right at whatever speed the machine ran.
 * Empty when the prediction has no probe units.
 */
export function relativeRuns(r: ProbedRuns, p: Pick<LatencyPrediction, 'ms' | 'probeUnits'>): number[] {
  const out: number[] = [];
  let at = 0;
  for (let b = 0; b < r.blocks.length; b++) {
    const s = atSpeed(p, between(r.probes[b]!, r.probes[b + 1]!));
    if (!s) return [];
    for (let i = 0; i < r.blocks[b]!; i++) out.push(r.times[at + i]! / s.ms);
    at += r.blocks[b]!;
  }
  return out;
}

export interface PredictionCheck {
  /** The model's runs, all blocks together. */
  measured: Stats;
  /** (raw prediction / measured median − 1) × 100. */
  errorPct: number;
  /** The probes' times (ms) before each block and after the last. */
  probes: ProbeReading[];
  /** The prediction at the speed of the measurement (the probes' median times), and its error; null without probe units. */
  speed: (SpeedCorrected & { errorPct: number }) | null;
  /** Each run over the prediction at its block's speed (`relativeRuns`); null without probe units. */
  relative: Stats | null;
}

/** Measure `prepared` (`measureProbed`) and score `p` against it, raw and at the speed of the measurement. */
export async function checkPrediction(lm: LatencyModel, prepared: PreparedModel, p: LatencyPrediction, o: BenchOptions & { blockMs?: number } = {}): Promise<PredictionCheck> {
  const r = await measureProbed(lm, prepared, o);
  const measured = summarize(r.times);
  const s = atSpeed(p, medianReading(r.probes));
  const rel = relativeRuns(r, p);
  return {
    measured,
    errorPct: (p.ms / measured.median - 1) * 100,
    probes: r.probes,
    speed: s ? { ...s, errorPct: (s.ms / measured.median - 1) * 100 } : null,
    relative: rel.length ? summarize(rel) : null,
  };
}
