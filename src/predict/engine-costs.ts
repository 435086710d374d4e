/**
 * The engine's own costs, measured once per cache entry on small models of known shape: its
 * overhead per run and per byte fed in and returned (`measureOverhead`), what a byte of weights
 * read from memory costs beyond one read from cache, and how much of a footprint this machine
 * reads from memory run after run (`measureResidency`). The latency model (model.ts) adds them
 * to the kernels' sampled times (sampler.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeOnnx } from '../formats/onnx/index.js';
import { nodeTimes, summarize, timeRuns, type Engine, type Feeds } from '../engine/index.js';
import { Graph, Node, type Attribute } from '../ir/index.js';
import type { ProbeReading } from './probe.js';
import { lastLevelCache } from './caches.js';

/**
 * The engine's time per run beyond its kernels': `perRun` + `perKernel`·kernels + `perByteIn`·input
 * bytes + `perByteOut`·output bytes (ms); and `perWeightByte`, what a byte read from memory costs
 * beyond one read from cache (ms), the price of a kernel's weights when a run evicts them.
 */
export interface Overhead {
  perRun: number;
  perKernel: number;
  perByteIn: number;
  perByteOut: number;
  perWeightByte: number;
  /** The speed probes' times (ms) while these were measured (set by the latency model; probe.ts). */
  probes?: ProbeReading;
}

/** A chain of `k` Relus on a [1, n] float32 input (n = 16: the kernels take microseconds), or one `op` on [1, n]. */
function tinyModel(k: number, n: number, op = 'Relu'): { bytes: Uint8Array; feeds: Feeds } {
  const g = new Graph();
  g.opsets.set('', 13);
  g.addGraphInput('x');
  g.value('x').declared = { dtype: 'float32', shape: [1, n] };
  let prev = 'x';
  for (let i = 0; i < k; i++) {
    const out = i === k - 1 ? 'y' : `t${i}`;
    const attrs = new Map<string, Attribute>(op === 'ReduceMax' ? [['keepdims', { type: 'int', value: 1 }]] : []);
    g.addNode(new Node(op, `n${i}`, [prev], [out], attrs));
    prev = out;
  }
  g.addGraphOutput('y');
  g.value('y').declared = { dtype: 'float32', shape: [1, op === 'ReduceMax' ? 1 : n] };
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = ((i * 7919) % 1000) / 500 - 1;
  return { bytes: writeOnnx(g).model, feeds: { x: { dtype: 'float32', dims: [1, n], data } } };
}

/** Wall time per run (median; NaN without `wall`) and profiled kernel time per run (median) of a model. */
async function wallAndKernels(plain: Engine, m: { bytes: Uint8Array; feeds: Feeds }, budgetMs: number, timeWall = true): Promise<{ wall: number; kernels: number }> {
  let wall = NaN;
  if (timeWall) {
    const s = await plain.load({ bytes: m.bytes });
    try {
      wall = summarize(await timeRuns(s, m.feeds, { warmup: 5, minRuns: 20, budgetMs })).median;
    } finally {
      await s.release();
    }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leannet-overhead-'));
  try {
    const p = await plain.load({ bytes: m.bytes }, { profileDir: dir });
    let trace: string | undefined;
    try {
      await timeRuns(p, m.feeds, { warmup: 3, minRuns: 20, budgetMs: budgetMs / 2 });
      trace = p.endProfiling();
    } finally {
      await p.release();
    }
    const t = nodeTimes(JSON.parse(fs.readFileSync(trace!, 'utf8')), 3);
    return { wall, kernels: t.medianTotal };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Least-squares line through (x, y): [intercept, slope]. */
function line(xs: readonly number[], ys: readonly number[]): [number, number] {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i]! - my);
    sxx += (x - mx) ** 2;
  });
  const slope = sxy / sxx;
  return [my - slope * mx, slope];
}

/**
 * The engine's overhead per run, beyond its kernels' wall-clock times. Chains of 1, 8 and 32 tiny
 * Relus: the intercept of wall time per run against the chain length is the fixed part per run.
 * There is no part per kernel (`perKernel` is 0): a kernel's sampled time is what it adds to a
 * run's wall time, ORT's dispatch of it included (the profiled slope, by contrast, holds the
 * profiler's own cost of some µs per node, which is why sampled times are not profiled ones).
 * One Relu on a 4 MiB input and output, and one ReduceMax on a 4 MiB input with a 1-element
 * output, give the cost per byte copied in and out. The ReduceMax's time per byte on twice the
 * last-level cache (read from memory every run) less that on 4 MiB (in cache) is the cost of a
 * byte of weights read from memory.
 */
export async function measureOverhead(plain: Engine, budgetMs = 300): Promise<Overhead> {
  const ks = [1, 8, 32];
  const walls: number[] = [];
  for (const k of ks) walls.push((await wallAndKernels(plain, tinyModel(k, 16), budgetMs)).wall);
  const [wa] = line(ks, walls);
  const perRun = Math.max(0, wa);
  const n = 2 ** 20;
  const big = await wallAndKernels(plain, tinyModel(1, n), budgetMs);
  const reduce = await wallAndKernels(plain, tinyModel(1, n, 'ReduceMax'), budgetMs);
  const bytes = 4 * n;
  const perByteIn = Math.max(0, (reduce.wall - reduce.kernels - perRun) / bytes);
  const perByteOut = Math.max(0, (big.wall - big.kernels - perRun) / bytes - perByteIn);
  const far = Math.max(n, lastLevelCache() / 2);
  const memory = await wallAndKernels(plain, tinyModel(1, far, 'ReduceMax'), budgetMs, false);
  const perWeightByte = Math.max(0, memory.kernels / (4 * far) - reduce.kernels / bytes);
  return { perRun, perKernel: 0, perByteIn, perByteOut, perWeightByte };
}

/**
 * How much of what a run touches is read from memory rather than cache when `bytes` are touched
 * run after run, on this machine as it is now (its cache shared with whatever else runs): a
 * ReduceMax over `bytes`, run after run, its profiled time per byte placed between that over
 * 4 MiB (cached) and over twice the last-level cache (memory), the three timed one after the
 * other. 0 at 4 MiB or less. Measured, not set from the cache's size: here (32 MiB L3, the other
 * core busy) 8 MiB stayed cached and 12 MiB mostly did not.
 */
export async function measureResidency(plain: Engine, bytes: number, budgetMs = 150): Promise<number> {
  const small = 2 ** 20;
  if (bytes <= 4 * small) return 0;
  const perByte = async (n: number) => (await wallAndKernels(plain, tinyModel(1, n, 'ReduceMax'), budgetMs, false)).kernels / (4 * n);
  const cached = await perByte(small);
  const n = Math.ceil(bytes / 4);
  const at = await perByte(n);
  const memory = await perByte(Math.max(2 * n, lastLevelCache() / 2));
  if (memory <= cached) return 0;
  return Math.min(1, Math.max(0, (at - cached) / (memory - cached)));
}
