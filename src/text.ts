/** Number text shared by every layer (errors, data descriptions, reports). */

/**
 * 1234567 → "1,234,567", by hand: the first `toLocaleString` call loads ICU data (59–180 ms
 * measured on the loaded 2-core VM, 2026-11-30). Rounds to a whole number; beyond 2^53 falls back to `toLocaleString`.
 */
export function grouped(n: number): string {
  const r = Math.round(n);
  if (!Number.isSafeInteger(r)) return r.toLocaleString('en-US');
  return String(r).replace(/\B(?=(\d{3})+$)/g, ',');
}
