/**
 * The latency model: a model's predicted time on an engine is the engine's overhead per run
 * (fixed, per byte in and out: measured once) plus the sum of its kernels' times, each kernel
 * sampled alone once and cached (nn-Meter's idea: find the kernels the runtime really runs, here
 * by asking ORT for its optimised graph rather than by re-implementing its fusion rules, and
 * time each kind). A kernel's time is what it adds to a run's wall time with its weights in
 * cache (warm), and with them evicted (cold: for a kernel with ≥ 32 KiB of weights timed so, as
 * copies each with weights of their own; for a lighter one its weight bytes at the measured cost
 * of a byte from memory); in a model it is charged between the two by the model's cold share:
 * the share of a run's bytes this machine reads from memory at the model's footprint (measured:
 * `measureResidency`), and at least the footprint's share of the last-level cache. Nothing is
 * fitted to the models being predicted.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../errors.js';
import { createEngine, prepareGraph, type Engine, type PreparedModel } from '../engine/index.js';
import type { Graph } from '../ir/index.js';
import type { BindOptions } from '../ops/index.js';
import { host } from '../host.js';
import { latencyCacheDir, latencyCacheKey, readCacheEntry, writeCacheEntry, type CacheEntry } from './cache.js';
import { extractKernels, type Kernel, type KernelList } from './kernels.js';
import { measureOverhead, measureResidency, type Overhead } from './engine-costs.js';
import { sampleKernels, type SampleOptions } from './sampler.js';
import { between, SpeedProbes, type ProbeReading } from './probe.js';
import { lastLevelCache } from './caches.js';

/**
 * Which probe a kernel's time follows when the machine's speed moves (probe.ts): `conv` for a
 * dense conv or matrix product (one group) of at least DENSE_MS, `dw` for everything else —
 * depthwise and group convs, element-wise ops, pooling, reorders, and any kernel so short that
 * its time is mostly ORT's dispatch — and for the engine's overhead.
 */
export type ProbeClass = keyof ProbeReading;
/** Below this warm time (ms) a dense kernel counts as dispatch-bound (a chain of tiny Relus moved more than the depthwise probe). */
const DENSE_MS = 0.05;
const DENSE_OPS = new Set(['Conv', 'FusedConv', 'Gemm', 'MatMul', 'FusedMatMul', 'FusedGemm', 'QLinearConv', 'ConvInteger', 'MatMulInteger']);

/** A dense conv or matrix product: one of DENSE_OPS (any domain) with one group. */
function isDense(k: Kernel): boolean {
  const op = k.op.slice(k.op.lastIndexOf(':') + 1);
  if (!DENSE_OPS.has(op)) return false;
  const g = k.node.attrs.get('group');
  return !g || g.type !== 'int' || g.value === 1;
}

export interface PredictedKernel {
  /** The kernel (ORT's optimised node) name. */
  name: string;
  op: string;
  /** The Graph nodes it covers (empty for nodes ORT inserted). */
  nodes: string[];
  /** Its predicted time in this model (ms): between its warm and cold times by the model's `coldShare`. */
  ms: number;
  /** Its time alone with its weights in cache (wall-clock, dispatch included), and with them evicted (timed so for ≥ 32 KiB of weights, else plus its weight bytes at the engine's measured cost per byte). */
  warmMs: number;
  coldMs: number;
  /** Whether `coldMs` was timed (≥ 32 KiB of weights) rather than estimated from its weight bytes. */
  coldTimed: boolean;
  /** Its constant inputs' bytes. */
  weightBytes: number;
  /** Its time alone under ORT's profiler (the profiler's own cost included), for comparison with a profile of the model. */
  profiledMs: number;
  /** Whether its time came from the cache (false: sampled by this call). */
  cached: boolean;
  /** The probe its time follows when the machine's speed moves. */
  probe: ProbeClass;
  /** The speed probes' times (ms) when it was sampled (null: sampled without probes). */
  probes: ProbeReading | null;
}

export interface LatencyPrediction {
  /** Predicted median time per run (ms). */
  ms: number;
  /** The engine's own part of it (ms). */
  overheadMs: number;
  kernels: PredictedKernel[];
  /** Graph nodes ORT folded away or removed (no kernel of their own and none they were fused into). */
  notRun: { name: string; opType: string; status: string }[];
  /** Kernels this call had to time. */
  sampled: number;
  /** Bytes one run touches (weights and activations). */
  footprintBytes: number;
  /** The share of those bytes this machine reads from memory run after run, measured by a reduction over that many bytes. */
  residency: number;
  /** How far each kernel's time is charged from its warm to its cold time: the larger of `residency` and the footprint's share of the last-level cache. */
  coldShare: number;
  /**
   * The prediction in units of the speed probes' times (probe.ts), per probe class: each kernel's
   * time over its class's probe time when that kernel was sampled, and the overhead over the
   * depthwise probe's time when it was measured, summed by class; kernels sampled at different
   * times (cache hits from earlier runs) are so put on one scale. Times the probes now, it is the
   * prediction at the machine's speed now (`atSpeed`). Null where a time has no probe times.
   */
  probeUnits: ProbeReading | null;
  /** The raw prediction's ms by probe class (they add up to `ms`). */
  classMs: ProbeReading;
}

/** A prediction at the machine's speed now: each probe class's terms scaled by its probe now against its probe at sampling. */
export interface SpeedCorrected {
  /** The speed-corrected prediction (ms): Σ over the two probes of probeUnits × the probe's time now. */
  ms: number;
  /** The raw prediction (ms): kernel times as sampled. */
  rawMs: number;
  /** The probes' times now (ms). */
  probeNow: ProbeReading;
  /** ms ÷ rawMs: above 1 when the machine runs slower now than when the kernels were sampled. */
  ratio: number;
}

/** Scale a prediction to the speed the probes measure now (`LatencyModel.measureProbes`); null when it has no probe units. */
export function atSpeed(p: Pick<LatencyPrediction, 'ms' | 'probeUnits'>, now: ProbeReading): SpeedCorrected | null {
  const u = p.probeUnits;
  if (u === null || !(now.conv > 0) || !(now.dw > 0)) return null;
  const ms = u.conv * now.conv + u.dw * now.dw;
  return { ms, rawMs: p.ms, probeNow: now, ratio: ms / p.ms };
}

export interface LatencyModelOptions {
  /** Where the cache file lives (default ~/.cache/leannet, or $LEANNET_CACHE_DIR). */
  cacheDir?: string;
  /** Sampling progress: kernels timed of those to time. */
  onProgress?: (done: number, total: number) => void;
  sample?: SampleOptions;
}

interface Extracted {
  /** Each kernel, and whether it is a matrix-vector product (see `gemv`). */
  kernels: (Omit<Kernel, 'node' | 'inputs' | 'outputs' | 'opsets'> & { gemv: boolean; dense: boolean })[];
  notRun: LatencyPrediction['notRun'];
  inputBytes: number;
  outputBytes: number;
  footprintBytes: number;
}

/** What identifies a prepared model's kernels: its bytes (or file, size and time), and its input shapes. */
function modelHash(prepared: PreparedModel): string {
  const h = createHash('sha1');
  if ('bytes' in prepared.model) h.update(prepared.model.bytes);
  else {
    const st = fs.statSync(prepared.model.path);
    h.update(`${path.resolve(prepared.model.path)}|${st.size}|${st.mtimeMs}`);
  }
  return h.update(JSON.stringify(Object.values(prepared.feeds).map((f) => f.dims))).digest('hex');
}

/** Whether a kernel is a matrix-vector product: Gemm or MatMul whose activation input has one row and whose second input is a constant (its weights). */
function gemv(k: Kernel): boolean {
  if (k.op !== 'Gemm' && k.op !== 'MatMul') return false;
  const [a, w] = k.inputs;
  return !!a && !a.constant && !!w?.constant && a.dims.slice(0, -1).reduce((x, y) => x * y, 1) === 1;
}

/** How many models' kernel lists are kept in memory (a search predicts a candidate more than once). */
const MEMO = 64;

export class LatencyModel {
  /** Calls to the sampler (one per batch of new kernels) and extractions made, for checks. */
  samplerCalls = 0;
  extractions = 0;
  private readonly memo = new Map<string, Extracted>();

  constructor(
    readonly engine: Engine,
    private readonly plain: Engine,
    readonly key: string,
    private readonly dir: string,
    private readonly entry: CacheEntry,
    readonly overhead: Overhead,
    private readonly options: LatencyModelOptions,
    /** The speed probes on the engine, timed around every kernel the sampler times. */
    readonly probes: SpeedProbes,
  ) {}

  /** The speed probes' times now (each the median of its runs over `budgetMs`, default 15 ms): pass them to `atSpeed`. */
  measureProbes(budgetMs?: number): Promise<ProbeReading> {
    return this.probes.measure(budgetMs);
  }

  /** Release the probes' sessions. */
  release(): Promise<void> {
    return this.probes.release();
  }

  /** Predict a Graph's median time per run, its inputs bound as `bind` says (batch 1 by default). */
  async predict(graph: Graph, bind: BindOptions = {}): Promise<LatencyPrediction> {
    return this.predictPrepared(prepareGraph(graph, graph.name, bind));
  }

  /** The same for a model already prepared (a file, `zoo:…`). */
  async predictPrepared(prepared: PreparedModel): Promise<LatencyPrediction> {
    const hash = modelHash(prepared);
    let ex = this.memo.get(hash);
    const fresh = new Set<string>();
    if (!ex) {
      const list = await extractKernels(prepared, this.engine, this.plain);
      this.extractions++;
      await this.sampleMissing(list, fresh);
      ex = {
        kernels: list.kernels.map((k) => ({ name: k.name, op: k.op, signature: k.signature, nodes: k.nodes, gemv: gemv(k), dense: isDense(k) })),
        notRun: list.accounting.filter((a) => !a.kernel).map((a) => ({ name: a.name, opType: a.opType, status: a.status })),
        inputBytes: list.inputBytes,
        outputBytes: list.outputBytes,
        footprintBytes: list.footprintBytes,
      };
      if (this.memo.size >= MEMO) this.memo.delete(this.memo.keys().next().value!);
      this.memo.set(hash, ex);
    }
    const o = this.overhead;
    // How far each kernel is charged from its warm to its cold time: the share of a run's bytes a
    // reduction over that many bytes reads from memory (measured), and at least the footprint's
    // share of the last-level cache (as if each byte a run touches evicted a random one: this
    // VM's L3 is shared and its reduction residency stays ~0 up to ~9 MiB, where models' cold
    // kernels ran well above their warm times). Chosen on the calibration set (bench:predict
    // LEANNET_BENCH_SET=calibration, zoo nets at widths and resolutions the scored set does not
    // hold; `bench:predict-rules` on four of its dumps, paired): at each block's speed RMSE 6.4,
    // 12.2, 7.8, 5.1% (41 of 48 within ±10%) against 16.6, 7.7, 13.0, 8.2% (38 of 48) for the
    // rule before, which charged every kernel timed cold its cold time in full and over-predicted
    // small-footprint nets (ShuffleNet V2 w0.5 112 px +14–39% in the four). Nothing fitted to the models.
    const residency = await this.residency(ex.footprintBytes);
    const cold = Math.max(residency, Math.min(1, ex.footprintBytes / lastLevelCache()));
    const kernels: PredictedKernel[] = ex.kernels.map((k) => {
      const t = this.entry.kernels[k.signature]!;
      // A kernel with ≥ 32 KiB of weights was timed cold (copies with weights of their own); a
      // lighter one pays its weight bytes at the measured cost of a byte from memory.
      const byBytes = t.ms + t.weightBytes * o.perWeightByte;
      // A matrix-vector product (Gemm / MatMul with one row) reads each weight once, and copies
      // with weights of their own do not show its stream from memory (a 4.9 MiB classifier Gemm:
      // 134–153 µs with 2, 7 or 20 copies, warm alike): its cold time is at least its weight
      // bytes at the cost of a byte from memory. (In MobileNet V2 w0.35 112 px it added 519 µs
      // in an interleaved A/B and profiled 0.36 ms in the model; at that net's cold share, 0.29,
      // it is charged 0.25 ms, too little for this kernel, but charging every cold time in full
      // over-predicted the calibration set's small nets as a whole.)
      const coldMs = k.gemv ? Math.max(t.coldMs ?? 0, byBytes) : t.coldMs ?? byBytes;
      const ms = t.ms + cold * (coldMs - t.ms);
      const probe: ProbeClass = k.dense && t.ms >= DENSE_MS ? 'conv' : 'dw';
      return { name: k.name, op: k.op, nodes: k.nodes, ms, warmMs: t.ms, coldMs, coldTimed: t.coldMs !== undefined, weightBytes: t.weightBytes, profiledMs: t.profiledMs, cached: !fresh.has(k.signature), probe, probes: t.probes ?? null };
    });
    const overheadMs = o.perRun + o.perKernel * kernels.length + o.perByteIn * ex.inputBytes + o.perByteOut * ex.outputBytes;
    let sum = overheadMs;
    for (const k of kernels) sum += k.ms;
    // By probe class, and in probe units: each term over its class's probe time when it was
    // measured. A kernel's cold part priced by the overhead's cost per byte is counted with the
    // kernel (one reading per kernel); the overhead (dispatch, copies) follows the depthwise probe.
    const classMs: ProbeReading = { conv: 0, dw: overheadMs };
    let units: ProbeReading | null = o.probes ? { conv: 0, dw: overheadMs / o.probes.dw } : null;
    for (const k of kernels) {
      classMs[k.probe] += k.ms;
      if (units !== null && k.probes) units[k.probe] += k.ms / k.probes[k.probe];
      else units = null;
    }
    return { ms: sum, overheadMs, kernels, notRun: ex.notRun, sampled: fresh.size, footprintBytes: ex.footprintBytes, residency, coldShare: cold, probeUnits: units, classMs };
  }

  /** The share of a run's bytes read from memory at this footprint (measured once per quarter octave, cached). */
  private async residency(bytes: number): Promise<number> {
    const bucket = String(Math.round(4 * Math.log2(Math.max(1, bytes))));
    const known = this.entry.residency?.[bucket];
    if (known !== undefined) return known;
    const share = await measureResidency(this.plain, 2 ** (Number(bucket) / 4));
    (this.entry.residency ??= {})[bucket] = share;
    writeCacheEntry(this.dir, this.key, { kernels: {}, residency: { [bucket]: share }, updated: new Date().toISOString() });
    return share;
  }

  private async sampleMissing(list: KernelList, fresh: Set<string>): Promise<void> {
    const unsampled = new Map<string, Kernel>();
    for (const k of list.kernels) if (!this.entry.kernels[k.signature] && !unsampled.has(k.signature)) unsampled.set(k.signature, k);
    if (!unsampled.size) return;
    this.samplerCalls++;
    const times = await sampleKernels(this.plain, [...unsampled.values()], { ...this.options.sample, probes: this.probes, ...(this.options.onProgress ? { onProgress: this.options.onProgress } : {}) });
    const added: CacheEntry['kernels'] = {};
    times.forEach((t, sig) => {
      this.entry.kernels[sig] = t;
      added[sig] = t;
      fresh.add(sig);
    });
    writeCacheEntry(this.dir, this.key, { kernels: added, updated: new Date().toISOString() });
  }
}

/**
 * A latency model for `engine` (onnxruntime-node: it needs ORT's optimised graph and profiler),
 * with the kernel times cached for this machine and these settings so far; the engine's overhead
 * is measured on first use of a cache entry.
 */
export async function createLatencyModel(engine: Engine, options: LatencyModelOptions = {}): Promise<LatencyModel> {
  const info = engine.info;
  if (info.runtime !== 'onnxruntime-node') {
    throw new EngineError(`the latency model needs onnxruntime's optimised graph and per-node profiler (engine 'ort'), not '${info.engine}'`);
  }
  const plain = await createEngine(info.engine, {
    threads: info.threads,
    ...(info.interOpThreads !== null ? { interOpThreads: info.interOpThreads } : {}),
    executionMode: info.executionMode,
    optLevel: 'disabled',
    spinning: info.spinning,
  });
  const key = latencyCacheKey(host.machine(), info);
  const dir = latencyCacheDir(options.cacheDir);
  const entry = readCacheEntry(dir, key);
  const probes = await SpeedProbes.create(engine);
  let overhead = entry.overhead;
  if (!overhead) {
    const before = await probes.measure();
    overhead = await measureOverhead(plain);
    overhead.probes = between(before, await probes.measure());
    entry.overhead = overhead;
    writeCacheEntry(dir, key, { overhead, kernels: {}, updated: new Date().toISOString() });
  }
  return new LatencyModel(engine, plain, key, dir, entry, overhead, options, probes);
}
