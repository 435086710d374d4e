/**
 * Timing kernels alone. Each kernel not yet timed becomes a model of that one node (the optimised
 * node itself: same op, domain, attributes, weights and input shapes), run with graph
 * optimisation disabled, so ORT runs exactly that kernel, NCHWc ones included, under ORT's
 * profiler; its time is the median of its profiled kernel time over the runs. What it meets in
 * the model is rebuilt around it: its activation inputs are written by a copy just before it (in
 * cache, as its producer leaves them), its outputs stay in ORT's arena (not returned), and it is
 * timed twice, with its weights warm (run after run) and cold (a cache flush before each run);
 * the model (model.ts) takes a point between the two. The engine's own time per run (launch,
 * per-node dispatch, copies in and out) and the profiler's cost in each sampled time are
 * measured once on small models of known shape: `overhead`. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EngineError } from '../errors.js';
import { writeOnnx } from '../formats/onnx/index.js';
import { nodeTimes, summarize, timeRuns, type Engine, type Feeds, type HostTensor } from '../engine/index.js';
import { Graph, Node, Tensor, type Attribute, type DType } from '../ir/index.js';
import type { Kernel } from './kernels.js';

export interface KernelTime {
  /** Median profiled kernel time (ms), run again and again: its weights in cache. */
  ms: number;
  /** The same with the caches flushed before each run (its input still just written). */
  coldMs: number;
  p10: number;
  p90: number;
  runs: number;
}

export interface SampleOptions {
  /** Timed runs of one sampling model go on until this much time (default 100 ms)… */
  budgetMs?: number;
  /** …and at least this many runs (default 10). */
  minRuns?: number;
  /**
   * Kernels per sampling model at most (default 1) and their input + output bytes at most
   * (default 96 MiB). More than one is faster to sample but less true: ORT runs every input's
   * copy first (they are all ready at the start), so a kernel then reads an input long out of
   * cache (MobileNet V2's stride-2 depthwise conv measured 2.5× its time in the model).
   */
  maxKernels?: number;
  maxBytes?: number;
  onProgress?: (done: number, total: number) => void;
}

/** The engine's time per run beyond its kernels': `perRun` + `perKernel`·kernels + `perByteIn`·input bytes + `perByteOut`·output bytes (ms). */
export interface Overhead {
  perRun: number;
  perKernel: number;
  perByteIn: number;
  perByteOut: number;
}

const BYTES: Record<string, number> = { float32: 4, float64: 8, float16: 2, int64: 8, int32: 4, int8: 1, uint8: 1, bool: 1, int16: 2, uint16: 2 };
const bytesOf = (dtype: string, dims: readonly number[]) => (BYTES[dtype] ?? 4) * dims.reduce((a, b) => a * b, 1);

function kernelBytes(k: Kernel): number {
  let b = 0;
  for (const x of k.inputs) if (x && !x.constant) b += bytesOf(x.dtype, x.dims);
  for (const o of k.outputs) b += bytesOf(o.dtype, o.dims);
  return b;
}

/**
 * Time `kernels` (one per distinct signature is enough: pass them deduplicated) on `plain`, an
 * engine with graph optimisation disabled and the same threads as the one predicted for.
 */
export async function sampleKernels(plain: Engine, kernels: readonly Kernel[], o: SampleOptions = {}): Promise<Map<string, KernelTime>> {
  if (plain.info.optLevel !== 'disabled') throw new EngineError(`kernels are sampled with graph optimisation disabled, not '${plain.info.optLevel}'`);
  const maxKernels = o.maxKernels ?? 1;
  const maxBytes = o.maxBytes ?? 96 * 2 ** 20;
  const batches: Kernel[][] = [];
  let cur: Kernel[] = [];
  let curBytes = 0;
  for (const k of kernels) {
    const b = kernelBytes(k);
    if (cur.length && (cur.length >= maxKernels || curBytes + b > maxBytes)) {
      batches.push(cur);
      cur = [];
      curBytes = 0;
    }
    cur.push(k);
    curBytes += b;
  }
  if (cur.length) batches.push(cur);
  const result = new Map<string, KernelTime>();
  let done = 0;
  o.onProgress?.(0, kernels.length);
  for (const batch of batches) {
    const times = await sampleBatch(plain, batch, o);
    batch.forEach((k, i) => result.set(k.signature, times[i]!));
    done += batch.length;
    o.onProgress?.(done, kernels.length);
  }
  return result;
}

/** One model holding `batch` side by side (kernel i is node `k<i>`, reading inputs `k<i>_<j>`). */
function batchModel(batch: readonly Kernel[], cold: boolean): { bytes: Uint8Array; feeds: Feeds } {
  const g = new Graph();
  g.name = 'leannet-kernel-sample';
  for (const k of batch) for (const [d, v] of k.opsets) g.opsets.set(d, Math.max(v, g.opsets.get(d) ?? 0));
  const feeds: Feeds = {};
  if (cold) {
    // First, a copy of twice the last-level cache: the kernel's weights come from memory, as in a model too large to stay in cache.
    g.addGraphInput('flush_in');
    g.value('flush_in').declared = { dtype: 'float32', shape: [FLUSH] };
    g.addNode(new Node('Relu', 'flush', ['flush_in'], ['flush_out']));
    flushData ??= new Float32Array(FLUSH).fill(1);
    feeds['flush_in'] = { dtype: 'float32', dims: [FLUSH], data: flushData };
  }
  batch.forEach((k, i) => {
    const ins = k.inputs.map((x, j) => {
      if (!x) return '';
      const name = `k${i}_${j}`;
      if (x.constant) g.setInitializer(name, x.constant);
      else {
        g.addGraphInput(name);
        g.value(name).declared = { dtype: x.dtype as DType, shape: [...x.dims] };
        feeds[name] = x.value as HostTensor;
        // In the model an activation arrives just written by its producer, in cache and in the
        // arena: a copy right before the kernel gives it the same (its time is not counted). Not
        // an Identity, which ORT runs as an alias of its input: a multiplication by one.
        if (x.dtype !== 'float32') return name;
        if (!g.initializers.has('one')) g.setInitializer('one', Tensor.fromArray('float32', [], new Float32Array([1])));
        g.addNode(new Node('Mul', `k${i}_copy${j}`, [name, 'one'], [`${name}_hot`]));
        return `${name}_hot`;
      }
      return name;
    });
    // Outputs are not graph outputs: ORT would return each in a fresh buffer every run, and a
    // kernel writing to memory never touched before runs up to twice as slow as in the model,
    // where its output reuses the arena. ORT keeps nodes whose outputs nobody reads.
    const outs = k.outputs.map((out, j) => (out.name ? `k${i}_out${j}` : ''));
    g.addNode(new Node(k.node.opType, `k${i}`, ins, outs, k.node.attrs, k.node.domain));
  });
  // The graph needs an output: a one-element Identity of its own input.
  g.addGraphInput('sink_in');
  g.value('sink_in').declared = { dtype: 'float32', shape: [1] };
  g.addNode(new Node('Identity', 'sink', ['sink_in'], ['sink_out']));
  g.addGraphOutput('sink_out');
  g.value('sink_out').declared = { dtype: 'float32', shape: [1] };
  feeds['sink_in'] = { dtype: 'float32', dims: [1], data: new Float32Array(1) };
  return { bytes: writeOnnx(g).model, feeds };
}

/** Floats in the cache flush: 64 MiB, twice this machine's 32 MiB L3 (more than most CPUs' share per core). */
const FLUSH = 16 * 2 ** 20;
let flushData: Float32Array | undefined;

async function sampleBatch(plain: Engine, batch: readonly Kernel[], o: SampleOptions): Promise<KernelTime[]> {
  const warm = await profileBatch(plain, batch, false, o);
  // Each cold run pays the flush (tens of ms): fewer runs.
  const cold = await profileBatch(plain, batch, true, { ...o, minRuns: Math.min(5, o.minRuns ?? 5) });
  return warm.map((w, i) => ({ ...w, coldMs: cold[i]!.ms }));
}

async function profileBatch(plain: Engine, batch: readonly Kernel[], flush: boolean, o: SampleOptions): Promise<Omit<KernelTime, 'coldMs'>[]> {
  const { bytes, feeds } = batchModel(batch, flush);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leannet-sample-'));
  try {
    const session = await plain.load({ bytes }, { profileDir: dir });
    const warmup = 2;
    let trace: string | undefined;
    try {
      await timeRuns(session, feeds, { warmup, minRuns: o.minRuns ?? 10, maxRuns: 200, budgetMs: o.budgetMs ?? 100 });
      trace = session.endProfiling();
    } finally {
      await session.release();
    }
    if (!trace) throw new EngineError('onnxruntime wrote no profile while sampling kernels');
    const t = nodeTimes(JSON.parse(fs.readFileSync(trace, 'utf8')), warmup);
    return batch.map((k, i) => {
      if (!t.median.has(`k${i}`)) throw new EngineError(`onnxruntime's profile has no time for kernel ${k.op} '${k.name}'`);
      const s = summarize(t.perRun.map((m) => m.get(`k${i}`) ?? 0));
      return { ms: s.median, p10: s.p10, p90: s.p90, runs: s.runs };
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
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

/** Wall time per run (median) and profiled kernel time per run (median) of a model. */
async function wallAndKernels(plain: Engine, m: { bytes: Uint8Array; feeds: Feeds }, budgetMs: number): Promise<{ wall: number; kernels: number }> {
  const s = await plain.load({ bytes: m.bytes });
  let wall: number;
  try {
    wall = summarize(await timeRuns(s, m.feeds, { warmup: 5, minRuns: 20, budgetMs })).median;
  } finally {
    await s.release();
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
 * The engine's overhead per run, beyond the kernels' profiled times. Chains of 1, 8 and 32 tiny
 * Relus give two lines against the chain length: wall time per run, and profiled kernel time per
 * run. The difference of intercepts is the fixed part; the difference of slopes is the part per
 * kernel — negative where the profiler's own cost, which every sampled kernel time includes
 * (about 4 µs here), exceeds the engine's dispatch per node (about 1 µs here), so the sum of
 * sampled times is corrected by it. One Relu on a 4 MiB input and output, and one ReduceMax on a
 * 4 MiB input with a 1-element output, give the cost per byte copied in and out.
 */
export async function measureOverhead(plain: Engine, budgetMs = 300): Promise<Overhead> {
  const ks = [1, 8, 32];
  const walls: number[] = [];
  const profiled: number[] = [];
  for (const k of ks) {
    const r = await wallAndKernels(plain, tinyModel(k, 16), budgetMs);
    walls.push(r.wall);
    profiled.push(r.kernels);
  }
  const [wa, wb] = line(ks, walls);
  const [pa, pb] = line(ks, profiled);
  const perKernel = wb - pb;
  const perRun = Math.max(0, wa - pa);
  const n = 2 ** 20;
  const big = await wallAndKernels(plain, tinyModel(1, n), budgetMs);
  const reduce = await wallAndKernels(plain, tinyModel(1, n, 'ReduceMax'), budgetMs);
  const bytes = 4 * n;
  const perByteIn = Math.max(0, (reduce.wall - reduce.kernels - perRun - perKernel) / bytes);
  const perByteOut = Math.max(0, (big.wall - big.kernels - perRun - perKernel) / bytes - perByteIn);
  return { perRun, perKernel, perByteIn, perByteOut };
}
