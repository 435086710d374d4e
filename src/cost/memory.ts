/**
 * Peak activation memory from tensor lifetimes in execution order (topological order, file
 * order kept). The rule:
 * - An activation is a graph input or a node output that is not a constant (values folded from
 *   constants are constants, as the runtime folds them). It is allocated when its producer runs
 *   (graph inputs before the first node) and freed after the last node that reads it (graph
 *   outputs live to the end; an output nobody reads is freed at once).
 * - View ops (Reshape, Flatten, Squeeze, Unsqueeze, Identity) alias their data input: no new
 *   buffer, and the input's buffer lives as long as the alias.
 * - A single-pass element-wise op (cost category `elementwise`, normalisations excepted) writes
 *   in place into an input of the same dtype and element count whose buffer dies at that node and
 *   is not a graph input (onnxruntime's planner reuses such buffers).
 * - While a node runs, its inputs and outputs are live with everything still needed later.
 * Weights (stored constants, each once) are a separate figure. Sizes need static shapes; a tensor
 * of unknown size counts 0 and is counted in `unknownTensors`.
 */
import { byteSize, numel, topoOrder, type Graph, type Value } from '../ir/index.js';
import { graphOps } from '../ops/index.js';

const VIEWS = new Set(['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Identity']);
const NORMALISATIONS = new Set(['BatchNormalization', 'LayerNormalization', 'InstanceNormalization', 'GroupNormalization', 'LpNormalization', 'MeanVarianceNormalization', 'RMSNormalization']);

export interface ActivationMemory {
  /** Largest sum of live activation bytes while one node runs. */
  peakBytes: number;
  /** The node running at the peak (the first, if several reach it), and its position in execution order. */
  peakNode: string | undefined;
  peakIndex: number;
  /** Live activation bytes while each node runs, in execution order (`order`). */
  curve: Float64Array;
  /** Node names in execution order, one per `curve` entry. */
  order: string[];
  /** Bytes of the stored constants, each counted once. */
  weightBytes: number;
  /** Bytes of the graph inputs (included in the curve from the first node on). */
  inputBytes: number;
  /** Activations whose size is unknown (non-static shape or dtype), counted as 0. */
  unknownTensors: number;
  /** Node outputs that reuse a buffer: views, and element-wise ops run in place. */
  aliased: { views: number; inPlace: number };
}

interface Buffer {
  bytes: number;
  start: number;
  end: number;
  /** A graph input's buffer is never written in place. */
  input: boolean;
}

/** Peak activation memory and its curve over the nodes, for a graph whose shapes are inferred. */
export function activationMemory(graph: Graph): ActivationMemory {
  graph.index();
  const order = topoOrder(graph);
  const ops = graphOps(graph);
  const n = order.length;
  // Last reader of each value, in execution order.
  const lastUse = new Map<Value, number>();
  const use = (v: Value | undefined, i: number) => {
    if (v && !(lastUse.get(v)! >= i)) lastUse.set(v, i);
  };
  for (let i = 0; i < n; i++) {
    const node = order[i]!;
    node.inValues.forEach((v) => use(v, i));
    node.outerValues.forEach((v) => use(v, i));
  }
  const END = n;
  for (const o of graph.outputs) {
    const v = graph.values.get(o);
    if (v) lastUse.set(v, END);
  }
  const bufferOf = new Map<Value, Buffer>();
  const buffers: Buffer[] = [];
  let unknownTensors = 0;
  const sizeOf = (v: Value): number => {
    const count = v.shape ? numel(v.shape) : undefined;
    if (count === undefined || !v.dtype) {
      unknownTensors++;
      return 0;
    }
    return byteSize(v.dtype, count);
  };
  const extend = (b: Buffer, v: Value, i: number) => {
    b.end = Math.max(b.end, lastUse.get(v) ?? i);
  };
  let inputBytes = 0;
  for (const name of graph.inputs) {
    const v = graph.values.get(name);
    if (!v || v.tensor) continue;
    const b: Buffer = { bytes: sizeOf(v), start: 0, end: 0, input: true };
    extend(b, v, 0);
    inputBytes += b.bytes;
    buffers.push(b);
    bufferOf.set(v, b);
  }
  let views = 0;
  let inPlace = 0;
  for (let i = 0; i < n; i++) {
    const node = order[i]!;
    const outs = node.outValues;
    if (VIEWS.has(node.opType) && !node.domain) {
      const src = node.inValues[0] ? bufferOf.get(node.inValues[0]) : undefined;
      const out = outs[0];
      if (src && out && !out.tensor) {
        bufferOf.set(out, src);
        extend(src, out, i);
        views++;
        continue;
      }
    }
    const elementwise = !node.domain && !NORMALISATIONS.has(node.opType) && ops.def(node)?.category === 'elementwise';
    for (let k = 0; k < outs.length; k++) {
      const out = outs[k];
      if (!out || out.tensor || bufferOf.has(out)) continue;
      if (elementwise && k === 0) {
        const reuse = inPlaceBuffer(node.inValues, out, bufferOf, i);
        if (reuse) {
          bufferOf.set(out, reuse);
          extend(reuse, out, i);
          inPlace++;
          continue;
        }
      }
      const b: Buffer = { bytes: sizeOf(out), start: i, end: i, input: false };
      extend(b, out, i);
      buffers.push(b);
      bufferOf.set(out, b);
    }
  }
  // Live bytes per node: + at start, − after end.
  const delta = new Float64Array(n + 1);
  for (const b of buffers) {
    delta[b.start]! += b.bytes;
    if (b.end < n) delta[b.end + 1]! -= b.bytes;
  }
  const curve = new Float64Array(n);
  let live = 0;
  let peakBytes = 0;
  let peakIndex = -1;
  for (let i = 0; i < n; i++) {
    live += delta[i]!;
    curve[i] = live;
    if (live > peakBytes) {
      peakBytes = live;
      peakIndex = i;
    }
  }
  let weightBytes = 0;
  graph.initializers.forEach((t) => (weightBytes += byteSize(t.dtype, t.numel)));
  for (let i = 0; i < n; i++) {
    const node = order[i]!;
    const t = node.opType === 'Constant' && !node.domain ? node.outValues[0]?.tensor : undefined;
    if (t && !graph.initializers.has(node.outputs[0]!)) weightBytes += byteSize(t.dtype, t.numel);
  }
  return {
    peakBytes,
    peakNode: peakIndex >= 0 ? order[peakIndex]!.name : undefined,
    peakIndex,
    curve,
    order: order.map((x) => x.name),
    weightBytes,
    inputBytes,
    unknownTensors,
    aliased: { views, inPlace },
  };
}

/** An input buffer the element-wise output may overwrite: same dtype and size, dying here, not a graph input. */
function inPlaceBuffer(ins: readonly (Value | undefined)[], out: Value, bufferOf: Map<Value, Buffer>, i: number): Buffer | undefined {
  const count = out.shape ? numel(out.shape) : undefined;
  if (count === undefined) return undefined;
  for (let k = 0; k < ins.length; k++) {
    const v = ins[k];
    if (!v || v.dtype !== out.dtype || !v.shape || numel(v.shape) !== count) continue;
    const b = bufferOf.get(v);
    if (b && !b.input && b.end === i) return b;
  }
  return undefined;
}
