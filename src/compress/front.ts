/**
 * The accuracy–latency front: the points no other point beats on both axes (at least as fast
 * and at least as accurate, better on one).
 * // p ∈ front ⇔ ∄ q: q.speedup ≥ p.speedup ∧ q.accuracy ≥ p.accuracy ∧ (q.speedup > p.speedup ∨ q.accuracy > p.accuracy)
 */
export interface FrontPoint {
  /** Step index (0 = the original). */
  step: number;
  /** Measured speed-up over the original (median of interleaved pairs). */
  speedup: number;
  /** Held-out accuracy in [0, 1]. */
  accuracy: number;
}

/** The non-dominated points, fastest first (sort by speed-up, then keep each one more accurate than all faster ones). */
export function paretoFront<P extends FrontPoint>(points: readonly P[]): P[] {
  const sorted = [...points].sort((a, b) => b.speedup - a.speedup || b.accuracy - a.accuracy);
  const out: P[] = [];
  let best = -Infinity;
  for (const p of sorted) {
    if (p.accuracy > best) {
      out.push(p);
      best = p.accuracy;
    }
  }
  return out;
}
