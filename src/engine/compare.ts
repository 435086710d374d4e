/**
 * A/B comparison: A and B run interleaved on the same inputs (A B, B A, A B, … so neither
 * always goes first); the ratio tA/tB of each pair is the measurement. The verdict comes from
 * the 95% interval of the median ratio, not from two separately measured medians, and a
 * difference inside the noise threshold is no difference (as criterion.rs reports it): two
 * sessions of one model differ by a few tenths of a percent, which many pairs make significant.
 */
import { environment, type Environment } from './environment.js';
import type { PreparedModel } from './prepare.js';
import { medianInterval, summarize, type Stats } from './stats.js';
import type { Engine, EngineInfo } from './types.js';

export interface CompareOptions {
  warmup?: number;
  /** Pairs at least (default 20). */
  minPairs?: number;
  maxPairs?: number;
  /** Keep pairing until this much time has passed (default 6000 ms). */
  budgetMs?: number;
  onProgress?: (p: { pairs: number; elapsedMs: number; budgetMs: number }) => void;
  /** A change smaller than this share counts as none, however significant (default 0.01). */
  noise?: number;
}

export type Outcome = 'faster' | 'slower' | 'same';

/** B against A from the interval of tA/tB: faster or slower only when the whole interval is beyond the noise threshold. */
export function compareOutcome(ci: { lo: number; hi: number }, noise = 0.01): Outcome {
  return ci.lo > 1 + noise ? 'faster' : ci.hi < 1 / (1 + noise) ? 'slower' : 'same';
}

export interface CompareResult {
  a: { model: string; stats: Stats };
  b: { model: string; stats: Stats };
  /** tA / tB per pair: above 1 means B is faster. */
  ratio: { median: number; lo: number; hi: number; pairs: number };
  verdict: string;
  /** B relative to A, decided by the interval and the noise threshold. */
  outcome: Outcome;
  engine: EngineInfo;
  env: Environment;
  ratios: number[];
  /** Which inputs were fed: seeded random, or real samples (set by the caller that chose them). */
  inputSource?: string;
}

export async function compare(a: PreparedModel, b: PreparedModel, engine: Engine, o: CompareOptions = {}): Promise<CompareResult> {
  const sa = await engine.load(a.model);
  const sb = await engine.load(b.model);
  try {
    const warmup = o.warmup ?? 5;
    for (let i = 0; i < warmup; i++) {
      await sa.run(a.feeds);
      await sb.run(b.feeds);
    }
    const minPairs = o.minPairs ?? 20;
    const maxPairs = o.maxPairs ?? 100_000;
    const budget = o.budgetMs ?? 6000;
    const ta: number[] = [];
    const tb: number[] = [];
    const t0 = performance.now();
    let last = t0;
    const time = async (s: typeof sa, feeds: typeof a.feeds) => {
      const t = performance.now();
      await s.run(feeds);
      return performance.now() - t;
    };
    const timeA = () => time(sa, a.feeds);
    const timeB = () => time(sb, b.feeds);
    while (ta.length < maxPairs && (ta.length < minPairs || performance.now() - t0 < budget)) {
      if (ta.length % 2 === 0) {
        ta.push(await timeA());
        tb.push(await timeB());
      } else {
        tb.push(await timeB());
        ta.push(await timeA());
      }
      const now = performance.now();
      if (o.onProgress && now - last > 100) {
        last = now;
        o.onProgress({ pairs: ta.length, elapsedMs: now - t0, budgetMs: budget });
      }
    }
    const ratios = ta.map((t, i) => t / tb[i]!);
    const ci = medianInterval(ratios);
    const noise = o.noise ?? 0.01;
    const outcome = compareOutcome(ci, noise);
    return {
      a: { model: a.label, stats: summarize(ta) },
      b: { model: b.label, stats: summarize(tb) },
      ratio: { ...ci, pairs: ratios.length },
      verdict: verdictLine(a.label, b.label, ci, outcome, noise),
      outcome,
      engine: engine.info,
      env: environment(),
      ratios,
    };
  } finally {
    await sa.release();
    await sb.release();
  }
}

/** `B is 1.84× faster than A (1.79–1.90)`, or the other way round, or no (meaningful) difference. */
export function verdictLine(a: string, b: string, ci: { median: number; lo: number; hi: number }, outcome: Outcome, noise = 0.01): string {
  const f = (x: number) => x.toFixed(2);
  if (outcome === 'faster') return `${b} is ${f(ci.median)}× faster than ${a} (${f(ci.lo)}–${f(ci.hi)})`;
  if (outcome === 'slower') return `${b} is ${f(1 / ci.median)}× slower than ${a} (${f(1 / ci.hi)}–${f(1 / ci.lo)})`;
  if (ci.lo <= 1 && ci.hi >= 1) return `no significant difference between ${a} and ${b}: ratio ${f(ci.median)} (95% interval ${f(ci.lo)}–${f(ci.hi)} contains 1)`;
  const x = (v: number) => v.toFixed(3);
  return `no difference beyond the ±${+(noise * 100).toFixed(2)}% noise threshold between ${a} and ${b}: ratio ${x(ci.median)} (95% interval ${x(ci.lo)}–${x(ci.hi)})`;
}
