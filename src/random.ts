/**
 * Seeded, deterministic random numbers for weights: each tensor gets its own stream derived
 * from (seed, tensor name), so a weight does not change when another layer is added, and the
 * same seed always gives byte-identical files. mulberry32 + Box–Muller: small, fast, and far
 * better than needed for initial weights (this is not cryptography).
 */

/** FNV-1a hash of a string, mixed with a seed. */
export function hashSeed(seed: number, text: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A uniform [0, 1) generator. */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` samples of N(mean, std²). */
export function normal(n: number, mean: number, std: number, rand: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    // Box–Muller: two independent normals from two uniforms; 1 − u keeps log away from 0.
    const r = Math.sqrt(-2 * Math.log(1 - rand()));
    const a = 2 * Math.PI * rand();
    out[i] = mean + std * r * Math.cos(a);
    if (i + 1 < n) out[i + 1] = mean + std * r * Math.sin(a);
  }
  return out;
}

/** `n` samples of U(lo, hi). */
export function uniform(n: number, lo: number, hi: number, rand: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * rand();
  return out;
}

/**
 * `count` distinct indices of [0, total), ascending, drawn with the seed (all of them when
 * `count` ≥ `total`). Floyd's algorithm: no array of `total`.
 */
export function sampleIndices(total: number, count: number, seed: number): Int32Array {
  const take = Math.min(count, total);
  const out = new Int32Array(take);
  if (take === total) {
    for (let i = 0; i < total; i++) out[i] = i;
    return out;
  }
  const rand = mulberry32(seed);
  const set = new Set<number>();
  for (let j = total - take; j < total; j++) {
    const t = Math.floor(rand() * (j + 1));
    set.add(set.has(t) ? j : t);
  }
  let i = 0;
  set.forEach((v) => (out[i++] = v));
  return out.sort();
}
