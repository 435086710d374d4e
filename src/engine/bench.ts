/**
 * The measurement loop: warm-up runs, then timed runs until a time budget (and at least a
 * minimum count) — a distribution, reported as median and spread, never a single number.
 */
import { environment, type Environment } from './environment.js';
import type { PreparedModel } from './prepare.js';
import { summarize, type Stats } from './stats.js';
import type { Engine, EngineInfo, Feeds, Session } from './types.js';

export interface BenchOptions {
  /** Untimed runs first (default 5). */
  warmup?: number;
  /** Timed runs at least (default 10). */
  minRuns?: number;
  /** Timed runs at most (default 100000). */
  maxRuns?: number;
  /** Keep running until this much time has passed (default 3000 ms). */
  budgetMs?: number;
  /** Called at most every 100 ms while running. */
  onProgress?: (p: { phase: 'warmup' | 'measure'; runs: number; elapsedMs: number; budgetMs: number }) => void;
}

export interface BenchResult {
  model: string;
  batch: number;
  inputs: { name: string; shape: readonly number[] }[];
  engine: EngineInfo;
  env: Environment;
  /** Milliseconds per run. */
  stats: Stats;
  /** Images (batch items) per second at the median. */
  throughput: number;
  /** Every timed run, in order (ms). */
  times: number[];
  /** Which inputs were fed: seeded random, or real samples (set by the caller that chose them). */
  inputSource?: string;
}

/** Time `session.run(feeds)` repeatedly. */
export async function timeRuns(session: Session, feeds: Feeds, o: BenchOptions = {}): Promise<number[]> {
  const warmup = o.warmup ?? 5;
  const minRuns = o.minRuns ?? 10;
  const maxRuns = o.maxRuns ?? 100_000;
  const budget = o.budgetMs ?? 3000;
  const start = performance.now();
  let lastReport = start;
  for (let i = 0; i < warmup; i++) {
    await session.run(feeds);
    if (o.onProgress && performance.now() - lastReport > 100) {
      lastReport = performance.now();
      o.onProgress({ phase: 'warmup', runs: i + 1, elapsedMs: 0, budgetMs: budget });
    }
  }
  const times: number[] = [];
  const t0 = performance.now();
  let now = t0;
  while (times.length < maxRuns && (times.length < minRuns || now - t0 < budget)) {
    const t = performance.now();
    await session.run(feeds);
    now = performance.now();
    times.push(now - t);
    if (o.onProgress && now - lastReport > 100) {
      lastReport = now;
      o.onProgress({ phase: 'measure', runs: times.length, elapsedMs: now - t0, budgetMs: budget });
    }
  }
  return times;
}

/** Load a prepared model on an engine and measure it. */
export async function bench(prepared: PreparedModel, engine: Engine, options: BenchOptions = {}): Promise<BenchResult> {
  const session = await engine.load(prepared.model);
  try {
    const times = await timeRuns(session, prepared.feeds, options);
    const stats = summarize(times);
    return {
      model: prepared.label,
      batch: prepared.batch,
      inputs: Object.entries(prepared.feeds).map(([name, t]) => ({ name, shape: t.dims })),
      engine: engine.info,
      env: environment(),
      stats,
      throughput: (prepared.batch * 1000) / stats.median,
      times,
    };
  } finally {
    await session.release();
  }
}
