/**
 * Timing kernels alone. Each kernel not yet timed becomes a model of that one node (the optimised
 * node itself: same op, domain, attributes, weights and input shapes), run with graph
 * optimisation disabled, so ORT runs exactly that kernel, NCHWc ones included. Its time is what
 * it adds to a run's wall time: copies of it (enough to take ≥ 0.25 ms) against none,
 * interleaved, over the copies, so that ORT's dispatch of each node is in it as in a model and
 * the profiler's cost (some µs per node, as much as a small kernel's whole time) is not. What it
 * meets in the model is rebuilt around it: its activation inputs are written by a copy just
 * before it (in cache, as its producer leaves them), its outputs stay in ORT's arena (not
 * returned), and its weights stay in cache from run to run; the price of weights read from
 * memory instead is a measured cost per byte (`overhead.perWeightByte`) that the model
 * (model.ts) charges by the model's footprint. Its time under the profiler is kept beside, to
 * compare with a profile of a model. The engine's own time per run (launch, copies in and out)
 * is measured once on small models of known shape (engine-costs.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EngineError } from '../errors.js';
import { writeOnnx } from '../formats/onnx/index.js';
import { nodeTimes, summarize, timeRuns, type Engine, type Feeds, type HostTensor, type Session } from '../engine/index.js';
import { Graph, Node, Tensor, type DType } from '../ir/index.js';
import { bytesOf, type Kernel } from './kernels.js';
import { lastLevelCache } from './caches.js';
import { between, type ProbeReading } from './probe.js';

export interface KernelTime {
  /**
   * What the kernel adds to a run's wall time (ms), its weights in cache: `copies` copies of it
   * after its input's copy, against the same model without them, interleaved, the difference of
   * medians over `copies`. It holds ORT's dispatch of the node and its output's allocation, as
   * in a model, and not the profiler's cost.
   */
  ms: number;
  /** Its constant inputs' bytes (weights): what it reads from memory when they are not cached. */
  weightBytes: number;
  /**
   * What it adds with its weights out of cache (ms), for kernels with ≥ 32 KiB of weights: copies
   * of it each reading weights of its own, together a quarter of the last-level cache where at
   * most 512 copies and 5 ms a run allow, so that each finds its weights evicted by the others',
   * as in a model, where every other kernel's weights and activations pass through the cache
   * between two runs of it. Timed interleaved with the warm copies and the baseline, in the
   * same budget. A quarter is enough here: on a calibration net's 20 kernels (ResNet-18 w0.35 at
   * 112 px) Σcold/Σwarm was 1.07–1.11 at 8 MiB, 1.12–1.13 at 16 and 1.08–1.09 at 32, the
   * sampling 6.6, 7.3 and 9.1 s (3.7 s warm only). Absent for lighter kernels (their weights at
   * `overhead.perWeightByte` stand in).
   */
  coldMs?: number;
  /** Copies in the cold sample. */
  coldCopies?: number;
  /** Its time under ORT's profiler (ms, the profiler's own cost included): to compare with a profile of a model. */
  profiledMs: number;
  /** Copies of the kernel in the timed model, and the p10 / p90 of the marginal time (ms). */
  copies: number;
  p10: number;
  p90: number;
  runs: number;
  /**
   * The speed probes' times (ms) while the kernel was sampled: the geometric mean of the probes
   * timed just before and just after it (probe.ts). A kernel's time divided by its probe's is its
   * time in probe units, comparable with kernels sampled while the machine ran at another speed.
   * Absent when sampled without probes.
   */
  probes?: ProbeReading;
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
  /** Weight bytes the copies of a cold sample hold together (default a quarter of the last-level cache; 0: no cold samples). */
  coldBytes?: number;
  /** The speed probes, timed around every sampling model (their times are kept in `KernelTime.probes`). */
  probes?: { measure(): Promise<ProbeReading> };
  onProgress?: (done: number, total: number) => void;
}

function weightBytes(k: Kernel): number {
  let b = 0;
  for (const x of k.inputs) if (x?.constant) b += bytesOf(x.dtype, x.dims);
  return b;
}

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
  // The probe just after one batch is the probe just before the next.
  let before = o.probes ? await o.probes.measure() : undefined;
  for (const batch of batches) {
    const times = await sampleBatch(plain, batch, o);
    const after = o.probes ? await o.probes.measure() : undefined;
    const probes = before !== undefined && after !== undefined ? between(before, after) : undefined;
    before = after;
    batch.forEach((k, i) => result.set(k.signature, probes !== undefined ? { ...times[i]!, probes } : times[i]!));
    done += batch.length;
    o.onProgress?.(done, kernels.length);
  }
  return result;
}

/**
 * One model holding `batch` side by side (kernel i is node `k<i>`, reading inputs `k<i>_<j>`),
 * each kernel `copies` times (copy c > 0 is node `k<i>_<c>`, reading the same inputs; 0: only
 * the inputs' copies, the baseline of a wall-clock sample).
 */
function batchModel(batch: readonly Kernel[], copies = 1, distinct = false): { bytes: Uint8Array; feeds: Feeds } {
  const g = new Graph();
  g.name = 'leannet-kernel-sample';
  for (const k of batch) for (const [d, v] of k.opsets) g.opsets.set(d, Math.max(v, g.opsets.get(d) ?? 0));
  const feeds: Feeds = {};
  // onnxruntime runs the nodes nobody reads (all but the inputs' copies) last added first, each
  // after what it reads: they are added in the reverse of the order wanted.
  const leaves: Node[] = [];
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
    for (let c = 0; c < copies; c++) {
      const outs = k.outputs.map((out, j) => (out.name ? `k${i}_out${j}${c ? `_${c}` : ''}` : ''));
      // `distinct`: each copy reads weights of its own (the same values under another name), so
      // that copies do not find each other's weights in cache, as a model's kernels do not.
      const cins = distinct && c ? ins.map((name, j) => {
        const x = k.inputs[j];
        if (!x?.constant || !x.dtype.startsWith('float')) return name;
        g.setInitializer(`${name}_w${c}`, x.constant);
        return `${name}_w${c}`;
      }) : ins;
      leaves.push(new Node(k.node.opType, c ? `k${i}_${c}` : `k${i}`, cins, outs, k.node.attrs, k.node.domain));
    }
  });
  // The graph needs an output: a one-element Identity of its own input.
  g.addGraphInput('sink_in');
  g.value('sink_in').declared = { dtype: 'float32', shape: [1] };
  g.addNode(new Node('Identity', 'sink', ['sink_in'], ['sink_out']));
  g.addGraphOutput('sink_out');
  g.value('sink_out').declared = { dtype: 'float32', shape: [1] };
  feeds['sink_in'] = { dtype: 'float32', dims: [1], data: new Float32Array(1) };
  for (const n of leaves.reverse()) g.addNode(n);
  return { bytes: writeOnnx(g).model, feeds };
}

async function sampleBatch(plain: Engine, batch: readonly Kernel[], o: SampleOptions): Promise<KernelTime[]> {
  const profiled = await profileBatch(plain, batch, { ...o, budgetMs: (o.budgetMs ?? 100) / 4 });
  const wall = batch.length === 1 ? [await wallTime(plain, batch[0]!, o)] : batch.map(() => null);
  return profiled.map((w, i) => {
    // Several kernels per model (a coarse, faster sample): their profiled times stand in.
    const x: Omit<KernelTime, 'weightBytes' | 'profiledMs'> = wall[i] ?? { ms: w.ms, p10: w.p10, p90: w.p90, runs: w.runs, copies: 1 };
    return { ...x, weightBytes: weightBytes(batch[i]!), profiledMs: w.ms };
  });
}

/** Wall-clock time of a run of each session (ms per run, all runs), alternating short blocks so that drift hits both alike. */
async function interleaved(sessions: readonly Session[], feeds: Feeds, budgetMs: number, blocks: number): Promise<number[][]> {
  const times = sessions.map(() => [] as number[]);
  for (let b = 0; b < blocks; b++) {
    for (let i = 0; i < sessions.length; i++) {
      times[i]!.push(...(await timeRuns(sessions[i]!, feeds, { warmup: b ? 1 : 3, minRuns: 5, maxRuns: 2000, budgetMs: budgetMs / blocks / sessions.length })));
    }
  }
  return times;
}

/** Copies in a wall-clock sample at most, and the time they should add up to at least (ms). */
const MAX_COPIES = 16;
const COPIES_MS = 0.25;
/** The cold sample: for kernels with this many weight bytes or more, copies with weights of their own adding up to this many last-level caches, at most this many copies and (by a first estimate) ms per run. */
const COLD_MIN_BYTES = 32 * 2 ** 10;
const COLD_FOOTPRINT = 0.25;
const MAX_COLD_COPIES = 512;
const COLD_RUN_MS = 5;

/**
 * A kernel's wall-clock time as a model sees it: a model with `copies` copies of it (enough for
 * ≥ 0.25 ms, at most 16, sized by a first estimate from one copy) against the same model with
 * none, interleaved; the difference of medians over the copies. What the engine spends per node
 * (dispatch, the output's allocation from the arena, the kernel's set-up) is in it, and the
 * profiler's cost is not.
 */
async function wallTime(plain: Engine, k: Kernel, o: SampleOptions): Promise<{ ms: number; p10: number; p90: number; runs: number; copies: number; coldMs?: number; coldCopies?: number }> {
  const budget = o.budgetMs ?? 100;
  const base = batchModel([k], 0);
  const loaded: Session[] = [];
  try {
    const s0 = await plain.load({ bytes: base.bytes });
    loaded.push(s0);
    const s1 = await plain.load({ bytes: batchModel([k], 1).bytes });
    loaded.push(s1);
    const [t0, t1] = await interleaved([s0, s1], base.feeds, budget / 4, 2);
    const est = summarize(t1!).median - summarize(t0!).median;
    const copies = Math.max(1, Math.min(MAX_COPIES, Math.ceil(COPIES_MS / Math.max(est, 0.001))));
    let sk = s1;
    if (copies > 1) {
      sk = await plain.load({ bytes: batchModel([k], copies).bytes });
      loaded.push(sk);
    }
    const wb = weightBytes(k);
    let coldCopies = 0;
    const coldBytes = o.coldBytes ?? COLD_FOOTPRINT * lastLevelCache();
    if (wb >= COLD_MIN_BYTES && coldBytes > 0) {
      coldCopies = Math.max(copies, Math.min(MAX_COLD_COPIES, Math.ceil(coldBytes / wb), Math.floor(COLD_RUN_MS / Math.max(est, 0.001))));
      loaded.push(await plain.load({ bytes: batchModel([k], coldCopies, true).bytes }));
    }
    const [a, b, c] = await interleaved(coldCopies ? [s0, sk, loaded.at(-1)!] : [s0, sk], base.feeds, budget, 4);
    const m0 = summarize(a!).median;
    const s = summarize(b!);
    // A marginal time within noise of zero (a Flatten takes well under a µs) is kept at 0.1 µs.
    const per = (t: number, n = copies) => Math.max(1e-4, (t - m0) / n);
    const warm = { ms: per(s.median), p10: per(s.p10), p90: per(s.p90), runs: s.runs, copies };
    return c ? { ...warm, coldMs: Math.max(warm.ms, per(summarize(c).median, coldCopies)), coldCopies } : warm;
  } finally {
    for (const s of loaded) await s.release();
  }
}

async function profileBatch(plain: Engine, batch: readonly Kernel[], o: SampleOptions): Promise<Pick<KernelTime, 'ms' | 'p10' | 'p90' | 'runs'>[]> {
  const { bytes, feeds } = batchModel(batch);
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
