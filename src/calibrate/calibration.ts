/**
 * A calibration set for data-aware rewrites: the ORIGINAL network (a private copy, so rewriting
 * the caller's graph cannot change it), an engine, fit batches and held-out batches. Passes ask
 * for the original's activations (what a layer must reproduce) and for the current graph's (what
 * the layer will be fed, given every layer compressed before it), fit, and record their errors.
 * // layer ℓ: min ‖f_ℓ(x̂_ℓ) − y_ℓ‖, x̂ from the compressed network, y from the original
 */
import type { Engine, Feeds } from '../engine/index.js';
import { readOnnx, writeOnnx } from '../formats/onnx/index.js';
import { topoOrder, type Graph, type Node } from '../ir/index.js';
import { GraphError } from '../errors.js';
import { inferShapes, parseConv, windowGeometry } from '../ops/index.js';
import { captureValues, type Activation } from './capture.js';
import { fitConv, type ConvFit } from './fit-conv.js';

export interface CalibrationOptions {
  engine: Engine;
  /** Batches the fits use. */
  fit: readonly Feeds[];
  /** Batches never fitted on, for `heldOutError`. */
  heldOut: readonly Feeds[];
  /** Output positions sampled per layer fit (default 16384). */
  sampleRows?: number;
  seed?: number;
  /** Relative ridge of the least-squares fits (default 1e-5). */
  ridge?: number;
  /** Bytes of original activations kept between requests (default 512 MiB). */
  cacheBytes?: number;
}

/** One layer's fit: relative output reconstruction errors ‖Y − Ŷ‖/‖Y‖. */
export interface LayerFit {
  node: string;
  pass: string;
  /** On the sampled positions of the fit images. */
  fitError: number;
  /** On sampled positions of the held-out images. */
  heldOutError: number | undefined;
  rows: number;
}

/** Activations of one value on the fit images and on the held-out images. */
export interface SplitActivation {
  fit: Activation;
  heldOut: Activation | undefined;
}

export class Calibration {
  readonly layers: LayerFit[] = [];
  private readonly original_: Graph;
  private readonly cache = new Map<string, SplitActivation>();

  constructor(
    original: Graph,
    readonly options: CalibrationOptions,
  ) {
    this.original_ = readOnnx(writeOnnx(original).model, { source: 'calibration copy' });
    inferShapes(this.original_);
  }

  /**
   * A calibration with its own per-layer records that shares this one's copy of the original
   * network and its cached activations: each build of a rewrite (`--keep` makes one per change)
   * fits on the same original outputs without capturing them again.
   */
  fork(): Calibration {
    const c = Object.create(Calibration.prototype) as Calibration;
    Object.assign(c, this, { layers: [] });
    return c;
  }

  get engine(): Engine {
    return this.options.engine;
  }

  /**
   * The original network's value `name`. A miss also captures the outputs of the Conv nodes
   * after it in node order, as many as `cacheBytes` holds: a layer-by-layer pass asks for
   * those next, and one run of the original then serves several layers. Least recently
   * captured values are dropped first.
   */
  async original(name: string): Promise<SplitActivation> {
    const hit = this.cache.get(name);
    if (hit) return hit;
    const budget = this.options.cacheBytes ?? 512 * 2 ** 20;
    const names = [name];
    let bytes = this.bytesOf(name);
    const producer = this.original_.producer(name);
    const order = topoOrder(this.original_);
    for (const n of order.slice(producer ? order.indexOf(producer) + 1 : 0)) {
      const out = n.outputs[0];
      if (n.opType !== 'Conv' || !out || this.cache.has(out) || names.includes(out)) continue;
      const more = this.bytesOf(out);
      if (!(bytes + more <= budget)) break;
      names.push(out);
      bytes += more;
    }
    const got = await this.capture(this.original_, names);
    for (const [i, n] of names.entries()) this.cache.set(n, got[i]!);
    const held = () => [...this.cache.values()].reduce((s, a) => s + a.fit.data.byteLength + (a.heldOut?.data.byteLength ?? 0), 0);
    while (this.cache.size > names.length && held() > budget) this.cache.delete(this.cache.keys().next().value!);
    return got[0]!;
  }

  /** Bytes a value of the original takes over all calibration images (Infinity when its shape is unknown). */
  private bytesOf(name: string): number {
    const shape = this.original_.values.get(name)?.shape;
    if (!shape || shape.slice(1).some((d) => typeof d !== 'number')) return Infinity;
    const images = [...this.options.fit, ...this.options.heldOut].reduce((s, f) => s + Number(Object.values(f)[0]?.dims[0] ?? 1), 0);
    return 4 * images * (shape.slice(1) as number[]).reduce((a, b) => a * b, 1);
  }

  /** Values of `graph` as it is now (the network compressed so far); never cached. */
  async current(graph: Graph, names: readonly string[]): Promise<SplitActivation[]> {
    return this.capture(graph, names);
  }

  /** One capture model and session over the fit and held-out images together, split after. */
  private async capture(graph: Graph, names: readonly string[]): Promise<SplitActivation[]> {
    const got = await captureValues(graph, this.engine, [...this.options.fit, ...this.options.heldOut], names.map((name) => ({ name })));
    const nFit = this.options.fit.reduce((s, f) => s + Number(Object.values(f)[0]?.dims[0] ?? 1), 0);
    return names.map((n) => {
      const a = got.get(n)!;
      const per = a.data.length / (a.dims[0] || 1);
      const part = (from: number, to: number): Activation => ({ dims: [to - from, ...a.dims.slice(1)], data: a.data.subarray(from * per, to * per) });
      return { fit: part(0, nFit), heldOut: a.dims[0]! > nFit ? part(nFit, a.dims[0]!) : undefined };
    });
  }

  /**
   * Fit the weights of `conv` (a node of `graph`, with `group`) so that, fed `input` from the
   * current graph, it reproduces `target` of the original; records and returns the fit.
   */
  async fitConvNode(graph: Graph, conv: Node, pass: string, input: string, target: string, label = conv.name, targetChannels?: readonly number[]): Promise<ConvFit> {
    const a = parseConv(conv);
    const w = graph.value(conv.inputs[1]!).shape as number[];
    const [x] = await this.current(graph, [input]);
    const y = pickChannels(await this.original(target), targetChannels);
    const kernel = w.slice(2);
    const win = windowGeometry(a, x!.fit.dims.slice(2), kernel, (m) => {
      throw new GraphError(`${conv.label}: ${m}`);
    });
    const fit = await fitConv({
      x: x!.fit,
      y: y.fit,
      kernel,
      strides: win.strides,
      pads: win.padsBegin,
      dilations: win.dilations,
      group: a.group,
      ...(x!.heldOut && y.heldOut ? { heldOut: { x: x!.heldOut, y: y.heldOut } } : {}),
      ...(this.options.sampleRows ? { sampleRows: this.options.sampleRows } : {}),
      ...(this.options.ridge ? { ridge: this.options.ridge } : {}),
      seed: this.options.seed ?? 0,
      engine: this.engine,
    });
    this.layers.push({ node: label, pass, fitError: fit.fitError, heldOutError: fit.heldOutError, rows: fit.rows });
    return fit;
  }

  /**
   * Fit a fully connected layer y = W·x + b (the weights of a Gemm or MatMul + Add, [out, in]) fed
   * `input` of the current graph to reproduce `target` of the original (its `targetChannels` when
   * given): the same least squares as a 1×1 conv over [N, in, 1, 1].
   */
  async fitLinear(graph: Graph, pass: string, input: string, target: string, label: string, targetChannels?: readonly number[]): Promise<ConvFit> {
    const [x] = await this.current(graph, [input]);
    const y = pickChannels(await this.original(target), targetChannels);
    const flat = (t: Activation): Activation => {
      if (t.dims.length !== 2) throw new GraphError(`${label}: a linear layer's input and output must be [N, features], got [${t.dims.join(', ')}]`);
      return { dims: [t.dims[0]!, t.dims[1]!, 1, 1], data: t.data };
    };
    const fit = await fitConv({
      x: flat(x!.fit),
      y: flat(y.fit),
      kernel: [1, 1],
      ...(x!.heldOut && y.heldOut ? { heldOut: { x: flat(x!.heldOut), y: flat(y.heldOut) } } : {}),
      ...(this.options.ridge ? { ridge: this.options.ridge } : {}),
      seed: this.options.seed ?? 0,
      engine: this.engine,
    });
    this.layers.push({ node: label, pass, fitError: fit.fitError, heldOutError: fit.heldOutError, rows: fit.rows });
    return fit;
  }
}

/** Channels (axis 1) `keep` of both splits; all of them when `keep` is undefined. */
function pickChannels(a: SplitActivation, keep: readonly number[] | undefined): SplitActivation {
  if (!keep) return a;
  const one = (t: Activation): Activation => {
    const [n, c, ...rest] = t.dims as [number, number, ...number[]];
    const per = rest.reduce((p, d) => p * d, 1);
    const data = new Float32Array(n * keep.length * per);
    for (let i = 0; i < n; i++) {
      keep.forEach((ch, j) => {
        if (ch >= c) throw new GraphError(`channel ${ch} of a value with ${c} channels`);
        data.set(t.data.subarray((i * c + ch) * per, (i * c + ch + 1) * per), (i * keep.length + j) * per);
      });
    }
    return { dims: [n, keep.length, ...rest], data };
  };
  return { fit: one(a.fit), heldOut: a.heldOut && one(a.heldOut) };
}
