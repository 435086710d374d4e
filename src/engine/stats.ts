/**
 * Statistics for timings: quantiles, and a distribution-free 95% interval for a median from
 * binomial order statistics (no resampling, no normality assumption).
 */

export interface Stats {
  runs: number;
  median: number;
  p10: number;
  p90: number;
  q1: number;
  q3: number;
  iqr: number;
  min: number;
  max: number;
  mean: number;
}

/** Linear-interpolated quantile of sorted values (p in 0..1). */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function summarize(values: ArrayLike<number>): Stats {
  const sorted = Float64Array.from(values).sort();
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
  return {
    runs: sorted.length,
    median: quantile(sorted, 0.5),
    p10: quantile(sorted, 0.1),
    p90: quantile(sorted, 0.9),
    q1,
    q3,
    iqr: q3 - q1,
    min: sorted[0] ?? NaN,
    max: sorted[sorted.length - 1] ?? NaN,
    mean: sorted.length ? sum / sorted.length : NaN,
  };
}

/**
 * 95% confidence interval for the median of `values`: [x_(k), x_(n−k+1)] (1-based order
 * statistics) with the largest k such that P(Bin(n, ½) ≤ k−1) ≤ 2.5%. Needs n ≥ 6.
 */
export function medianInterval(values: ArrayLike<number>, confidence = 0.95): { median: number; lo: number; hi: number } {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const median = quantile(sorted, 0.5);
  const alpha = (1 - confidence) / 2;
  // P(X ≤ k) for X ~ Binomial(n, ½), one term added per step (in log space, so large n stays
  // exact enough): summing from 0 for every k made the search quadratic in the number of values.
  const logHalfN = n * Math.log(0.5);
  let logC = 0; // log C(n, k)
  let cdf = Math.exp(logHalfN);
  let k = 0;
  while (k + 1 <= n / 2 && cdf <= alpha) {
    k++;
    logC += Math.log(n - k + 1) - Math.log(k);
    cdf += Math.exp(logC + logHalfN);
  }
  if (k === 0) return { median, lo: sorted[0] ?? NaN, hi: sorted[n - 1] ?? NaN };
  return { median, lo: sorted[k - 1]!, hi: sorted[n - k]! };
}
