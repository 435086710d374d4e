/** The median interval against exact binomial order statistics (counted with BigInt), and compare's verdict from it. */
import { describe, expect, it } from 'vitest';
import { compareOutcome, medianInterval, verdictLine } from '../src/index.js';
import { sampleIndices } from '../src/random.js';

/** The largest k with P(Bin(n, ½) ≤ k−1) ≤ 2.5%, from exact binomial coefficients. */
function exactK(n: number): number {
  const total = 1n << BigInt(n);
  let c = 1n; // C(n, 0)
  let cum = 0n; // P(X ≤ k−1)·2^n
  let k = 0;
  while (k + 1 <= n / 2) {
    cum += c; // now P(X ≤ k)·2^n
    if (cum * 40n > total) break;
    k++;
    c = (c * BigInt(n - k + 1)) / BigInt(k);
  }
  return k;
}

describe('medianInterval', () => {
  it('picks the order statistics of the published table (n = 10: x2–x9, n = 20: x6–x15, n = 100: x40–x61)', () => {
    const ranks = (n: number) => medianInterval(Array.from({ length: n }, (_, i) => i + 1));
    expect(ranks(10)).toMatchObject({ lo: 2, hi: 9 });
    expect(ranks(20)).toMatchObject({ lo: 6, hi: 15 });
    expect(ranks(100)).toMatchObject({ lo: 40, hi: 61 });
  });

  it('agrees with exact binomial sums for n = 6 … 2000 and for 100,000 values', () => {
    for (const n of [6, 7, 8, 9, 11, 15, 31, 64, 99, 257, 1000, 2000, 100_000]) {
      // Shuffled values 1…n: the interval's ends are the k-th and (n−k+1)-th smallest.
      const values = Array.from({ length: n }, (_, i) => ((i * 7919) % n) + 1);
      const k = exactK(n);
      expect(medianInterval(values)).toMatchObject({ lo: k, hi: n - k + 1 });
    }
  });
});

describe("compare's verdict from the interval of tA/tB", () => {
  const ci = (lo: number, hi: number) => ({ lo, hi, median: (lo + hi) / 2 });
  it('faster or slower only when the whole interval is beyond the ±1% noise threshold', () => {
    expect(compareOutcome(ci(1.02, 1.05))).toBe('faster');
    expect(compareOutcome(ci(0.9, 0.95))).toBe('slower');
    expect(compareOutcome(ci(0.99, 1.01))).toBe('same');
    // Significant (1 is outside) but small: no difference.
    expect(compareOutcome(ci(1.002, 1.007))).toBe('same');
    expect(compareOutcome(ci(0.993, 0.998))).toBe('same');
    // Beyond a wider threshold only.
    expect(compareOutcome(ci(1.02, 1.05), 0.03)).toBe('same');
  });

  it('says which kind of "same" it is', () => {
    expect(verdictLine('A', 'B', ci(0.99, 1.01), 'same')).toBe('no significant difference between A and B: ratio 1.00 (95% interval 0.99–1.01 contains 1)');
    expect(verdictLine('A', 'B', ci(1.002, 1.006), 'same')).toBe('no difference beyond the ±1% noise threshold between A and B: ratio 1.004 (95% interval 1.002–1.006)');
    expect(verdictLine('A', 'B', ci(1.8, 1.9), 'faster')).toBe('B is 1.85× faster than A (1.80–1.90)');
  });
});

describe('sampleIndices (the positions calibration fits and energy scores sample)', () => {
  it('draws distinct ascending indices in range, the same for a seed, every index when asked for as many or more', () => {
    const a = sampleIndices(1000, 100, 7);
    expect(a.length).toBe(100);
    for (let i = 1; i < a.length; i++) expect(a[i]!).toBeGreaterThan(a[i - 1]!);
    expect(a[0]!).toBeGreaterThanOrEqual(0);
    expect(a[a.length - 1]!).toBeLessThan(1000);
    expect(Array.from(sampleIndices(1000, 100, 7))).toEqual(Array.from(a));
    expect(Array.from(sampleIndices(1000, 100, 8))).not.toEqual(Array.from(a));
    expect(Array.from(sampleIndices(5, 9, 1))).toEqual([0, 1, 2, 3, 4]);
    // Uniform: over many seeds, each decile of [0, 1000) gets about a tenth of the draws.
    const deciles = new Array(10).fill(0);
    for (let seed = 0; seed < 200; seed++) for (const v of sampleIndices(1000, 50, seed)) deciles[Math.floor(v / 100)]++;
    for (const d of deciles) expect(Math.abs(d - 1000)).toBeLessThan(150);
  });
});
