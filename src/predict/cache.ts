/**
 * The sampled kernel times and the engine's overhead, kept in one JSON file per user
 * (`~/.cache/leannet/latency.json`, or under $LEANNET_CACHE_DIR / $XDG_CACHE_HOME), one entry per
 * machine, engine, runtime version and settings: a time measured under one of them says nothing
 * about another. Batch size is not in the key: it is in every kernel's shapes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EngineInfo } from '../engine/index.js';
import type { Machine } from '../host.js';
import type { Overhead } from './engine-costs.js';
import type { KernelTime } from './sampler.js';

/**
 * The version of how kernel times are measured and stored, part of every key: times sampled by
 * another sampler are never mixed with these (6: two speed probes' times, a dense and a depthwise
 * conv, kept with every kernel and the overhead; 5: one probe's; 4: a cold time per weighted
 * kernel; 3: wall-clock marginal times; 2: profiled times).
 */
export const LATENCY_MODEL_VERSION = 6;

/** What a latency measurement depends on besides the kernel itself. */
export type LatencySettings = Pick<EngineInfo, 'engine' | 'runtime' | 'version' | 'provider' | 'threads' | 'interOpThreads' | 'executionMode' | 'optLevel' | 'spinning'>;

/** The cache entry's key: machine (CPU model, cores, platform), engine and runtime version, threads, optimisation level and the other settings, and the sampler's version. */
export function latencyCacheKey(machine: Pick<Machine, 'cpu' | 'cores' | 'platform'>, s: LatencySettings, version = LATENCY_MODEL_VERSION): string {
  return [
    `${machine.cpu}|${machine.cores} cores|${machine.platform}`,
    `${s.engine} (${s.runtime} ${s.version}, ${s.provider})`,
    `${s.threads} threads|inter-op ${s.interOpThreads ?? 'default'}|${s.executionMode}|opt ${s.optLevel}|spinning ${s.spinning ? 'on' : 'off'}`,
    `sampler ${version}`,
  ].join(' / ');
}

export interface CacheEntry {
  overhead?: Overhead;
  /** Share of a run's bytes read from memory, by footprint (key: round(4·log2 bytes)): `measureResidency`. */
  residency?: Record<string, number>;
  /** Kernel signature → its sampled time. */
  kernels: Record<string, KernelTime>;
  updated: string;
}

interface CacheFile {
  schema: 'leannet.latency-cache/3';
  entries: Record<string, CacheEntry>;
}

export function latencyCacheDir(dir?: string): string {
  if (dir) return dir;
  if (process.env['LEANNET_CACHE_DIR']) return process.env['LEANNET_CACHE_DIR'];
  const base = process.env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache');
  return path.join(base, 'leannet');
}

function readAll(file: string): CacheFile {
  try {
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as CacheFile;
    if (doc.schema === 'leannet.latency-cache/3' && doc.entries && typeof doc.entries === 'object') return doc;
  } catch {
    // no cache yet, or unreadable: start afresh
  }
  return { schema: 'leannet.latency-cache/3', entries: {} };
}

export function readCacheEntry(dir: string, key: string): CacheEntry {
  return readAll(path.join(dir, 'latency.json')).entries[key] ?? { kernels: {}, updated: new Date().toISOString() };
}

/** Merge `entry` into the file (re-read first: another process may have added kernels), written atomically. A read-only home is fine: the times still serve this process. */
export function writeCacheEntry(dir: string, key: string, entry: CacheEntry): void {
  const file = path.join(dir, 'latency.json');
  try {
    fs.mkdirSync(dir, { recursive: true });
    const all = readAll(file);
    const old = all.entries[key];
    all.entries[key] = { overhead: entry.overhead ?? old?.overhead, residency: { ...old?.residency, ...entry.residency }, kernels: { ...old?.kernels, ...entry.kernels }, updated: new Date().toISOString() };
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(all));
    fs.renameSync(tmp, file);
  } catch {
    // not writable: keep going without a persistent cache
  }
}
