/** This machine's CPU caches, from Linux's sysfs (the sizes of a common server core where it cannot be read). */
import fs from 'node:fs';
import path from 'node:path';

const DEFAULTS: Record<number, number> = { 1: 32 * 2 ** 10, 2: 512 * 2 ** 10, 3: 32 * 2 ** 20 };
const sizes = new Map<number, number>();

/** The size in bytes of cpu0's cache at `level` (data or unified; the largest at that level), or the last level's for `level` 0. */
export function cacheSize(level: number): number {
  const hit = sizes.get(level);
  if (hit !== undefined) return hit;
  const found = new Map<number, number>();
  try {
    const base = '/sys/devices/system/cpu/cpu0/cache';
    for (const d of fs.readdirSync(base)) {
      if (!d.startsWith('index')) continue;
      const read = (f: string) => fs.readFileSync(path.join(base, d, f), 'utf8').trim();
      if (read('type') === 'Instruction') continue;
      const l = Number(read('level'));
      const m = /^(\d+)([KMG]?)/.exec(read('size'));
      if (m) found.set(l, Math.max(found.get(l) ?? 0, Number(m[1]) * { '': 1, K: 1024, M: 2 ** 20, G: 2 ** 30 }[m[2] as '' | 'K' | 'M' | 'G']));
    }
  } catch {
    // not Linux: the defaults
  }
  const last = found.size ? found.get(Math.max(...found.keys()))! : DEFAULTS[3]!;
  const size = level === 0 ? last : found.get(level) ?? DEFAULTS[level] ?? last;
  sizes.set(level, size);
  return size;
}

/** The last-level cache in bytes. */
export function lastLevelCache(): number {
  return cacheSize(0);
}
