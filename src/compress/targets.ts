/**
 * `--target latency=0.33x | latency=12ms | madds=50% | madds=0.5x | madds=200M | params=1.5M`:
 * what `compress` reduces and to what, as a share of the original or an absolute figure.
 * // goal = ratio × original (x, %) or the absolute figure (ms; K/M/G for madds and params)
 */
import { UsageError } from '../errors.js';

export type TargetMetric = 'latency' | 'madds' | 'params';

export interface Target {
  metric: TargetMetric;
  /** A share of the original ('ratio', 0 < value < 1) or an absolute figure (ms, madds per image, params). */
  kind: 'ratio' | 'absolute';
  value: number;
  /** As written. */
  text: string;
}

const SCALE: Record<string, number> = { '': 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6, g: 1e9, G: 1e9 };

export function parseTarget(text: string): Target {
  const bad = (why: string) => new UsageError(`--target '${text}': ${why}`);
  const m = /^\s*(\w+)\s*=\s*(.*?)\s*$/.exec(text);
  if (!m) throw bad("expected metric=value, e.g. latency=0.33x, latency=12ms, madds=50%, madds=200M, params=1.5M");
  const metric = m[1]!.toLowerCase();
  const v = m[2]!;
  if (metric !== 'latency' && metric !== 'madds' && metric !== 'params') throw bad(`unknown metric '${m[1]}'; metrics: latency, madds, params`);
  const num = /^(\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?/i.exec(v);
  if (!num) throw bad(`'${v}' is not a number with a unit`);
  const x = Number(num[0]);
  const unit = v.slice(num[0].length).trim();
  const ratio = (r: number): Target => {
    if (!(r > 0 && r < 1)) throw bad(`a share of the original must be between 0 and 1 (exclusive), got ${r}`);
    return { metric, kind: 'ratio', value: r, text };
  };
  if (unit === 'x' || unit === '×') return ratio(x);
  if (unit === '%') return ratio(x / 100);
  if (metric === 'latency') {
    if (unit !== 'ms' && unit !== 's') throw bad(`latency takes a share (0.33x, 33%) or a time (12ms, 0.5s), got unit '${unit || 'none'}'`);
    const ms = unit === 's' ? x * 1000 : x;
    if (!(ms > 0)) throw bad('a latency must be above 0');
    return { metric, kind: 'absolute', value: ms, text };
  }
  if (!(unit in SCALE)) throw bad(`${metric} takes a share (0.5x, 50%) or a count (200M, 1.5M, 40000), got unit '${unit}'`);
  const n = x * SCALE[unit]!;
  if (!(n >= 1)) throw bad(`${metric} must be at least 1`);
  return { metric, kind: 'absolute', value: n, text };
}

/** The goal in the metric's units, given the original's value of it. */
export function goalOf(t: Target, original: number): number {
  return t.kind === 'ratio' ? t.value * original : t.value;
}

/** `latency 0.33× the original`, `madds ≤ 200M per image`. */
export function describeTarget(t: Target): string {
  if (t.kind === 'ratio') return `${t.metric} ≤ ${+t.value.toFixed(4)}× the original (${+(1 / t.value).toFixed(2)}× smaller)`;
  if (t.metric === 'latency') return `latency ≤ ${+t.value.toFixed(3)} ms`;
  return `${t.metric} ≤ ${t.value.toLocaleString('en')}${t.metric === 'madds' ? ' per image' : ''}`;
}
