/** Number formatting for terminal reports: SI prefixes, percentages, bytes. */

const SI = [
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
] as const;

/** 3,504,872 → "3.50 M"; small numbers as integers. */
export function si(n: number, digits = 3): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  for (const [v, p] of SI) if (a >= v) return `${(n / v).toPrecision(digits)} ${p}`;
  return Number.isInteger(n) ? String(n) : n.toPrecision(digits);
}

export { grouped } from '../text.js';

/** 0.1234 → "12.3%". */
export function pct(share: number, digits = 1): string {
  return `${(share * 100).toFixed(digits)}%`;
}

/** Bytes with binary prefixes. */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${Math.round(v)} B` : `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${units[u]}`;
}

/** A shape as `1x3x224x224`, `?` when unknown. */
export function shapeText(shape: readonly (number | string)[] | undefined): string {
  if (!shape) return '?';
  if (shape.length === 0) return 'scalar';
  return shape.map((d) => (typeof d === 'string' && d.startsWith('?') ? '?' : d)).join('x');
}

/** Milliseconds with sensible precision. */
export function ms(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3);
}
