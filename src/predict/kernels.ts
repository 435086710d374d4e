/**
 * The kernels a model runs as: ORT's optimised graph (what its fusions, constant folding and
 * NCHWc layout rewrite left), one kernel per optimised node, each with the shapes it ran at and
 * a signature that names what its time depends on (op with domain, attributes, input shapes
 * and dtypes, small integer constants) and not what it does not (weight values, node names).
 * Shapes come from one run of the optimised graph with every value as an output, so the
 * runtime's own layouts (NCHWc channel padding) are what the signature records.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EngineError } from '../errors.js';
import { loadOnnx } from '../formats/node/index.js';
import { writeOnnx } from '../formats/onnx/index.js';
import { mapOptimised, type Engine, type HostTensor, type NodeStatus, type PreparedModel } from '../engine/index.js';
import type { Attribute, Graph, Node, Tensor } from '../ir/index.js';

/** One input of a kernel: a constant the optimised graph holds, or an activation (with the value one run gave it). */
export interface KernelInput {
  name: string;
  dtype: string;
  dims: readonly number[];
  constant?: Tensor;
  value?: HostTensor;
}

export interface Kernel {
  /** The optimised node's name. */
  name: string;
  /** Its op, with the domain when not ai.onnx (`com.microsoft.nchwc:Conv`). */
  op: string;
  /** What its time depends on, as a string: the cache key of a sampled time. */
  signature: string;
  /** leannet's Graph nodes it covers (empty for nodes ORT inserted, such as NCHWc reorders). */
  nodes: string[];
  node: Node;
  /** The optimised graph's opsets (a one-kernel model needs its domains). */
  opsets: ReadonlyMap<string, number>;
  inputs: (KernelInput | undefined)[];
  outputs: { name: string; dtype: string; dims: readonly number[] }[];
}

export interface KernelList {
  kernels: Kernel[];
  /** Every Graph node and what became of it in ORT's optimised graph. */
  accounting: { name: string; opType: string; status: NodeStatus; kernel: string | null }[];
  /** Bytes fed to and returned from a run of the whole model (the engine copies outputs). */
  inputBytes: number;
  outputBytes: number;
  /** Bytes one run touches: every kernel's constants (weights) and outputs. */
  footprintBytes: number;
}

const BYTES: Record<string, number> = { float32: 4, float64: 8, float16: 2, int64: 8, int32: 4, int8: 1, uint8: 1, bool: 1, int16: 2, uint16: 2 };
/** Bytes of a tensor of ORT dtype `dtype` (4 per element where unknown). */
export const bytesOf = (dtype: string, dims: readonly number[]) => (BYTES[dtype] ?? 4) * dims.reduce((a, b) => a * b, 1);

/**
 * Kernels of a prepared model on `engine` (at its optimisation level). `plain` is the same engine
 * with graph optimisation disabled: it runs the optimised graph once for the shapes.
 */
export async function extractKernels(prepared: PreparedModel, engine: Engine, plain: Engine): Promise<KernelList> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leannet-kernels-'));
  let optimised: Graph;
  try {
    const file = path.join(dir, 'optimized.onnx');
    const s = await engine.load(prepared.model, { optimizedModelPath: file });
    await s.release();
    optimised = loadOnnx(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // Models of IR version < 4 list initializers as inputs (overridable, so ORT keeps them as inputs
  // of its optimised graph): they are the model's constants, not something a run is fed.
  for (const x of [...optimised.inputs]) {
    const t = prepared.graph.initializers.get(x);
    if (t && !(x in prepared.feeds)) {
      optimised.setInitializer(x, t);
      optimised.setGraphInputs(optimised.inputs.filter((i) => i !== x));
    }
  }
  const values = await runAllValues(optimised, prepared, plain);
  const mapping = mapOptimised(prepared.graph, optimised);
  const kernels: Kernel[] = [];
  for (const n of optimised.nodes) {
    const inputs = n.inputs.map((x): KernelInput | undefined => {
      if (!x) return undefined;
      const t = optimised.initializers.get(x);
      if (t) return { name: x, dtype: t.dtype, dims: t.dims, constant: t };
      const v = values.get(x);
      if (!v) throw new EngineError(`${n.label} in onnxruntime's optimised graph reads '${x}', which one run did not produce`);
      return { name: x, dtype: v.dtype, dims: v.dims, value: v };
    });
    const outputs = n.outputs.map((o) => {
      const v = o ? values.get(o) : undefined;
      return { name: o, dtype: v?.dtype ?? 'float32', dims: v?.dims ?? [] };
    });
    kernels.push({
      name: n.name,
      op: n.domain ? `${n.domain}:${n.opType}` : n.opType,
      signature: signature(n, inputs, outputs.length),
      nodes: (mapping.groups.get(n.name) ?? []).map((m) => m.name),
      node: n,
      opsets: optimised.opsets,
      inputs,
      outputs,
    });
  }
  let inputBytes = 0;
  for (const t of Object.values(prepared.feeds)) inputBytes += bytesOf(t.dtype, t.dims);
  let outputBytes = 0;
  for (const o of optimised.outputs) {
    const v = values.get(o);
    if (v) outputBytes += bytesOf(v.dtype, v.dims);
  }
  let footprintBytes = 0;
  for (const k of kernels) {
    for (const x of k.inputs) if (x?.constant) footprintBytes += bytesOf(x.dtype, x.dims);
    for (const o of k.outputs) footprintBytes += bytesOf(o.dtype, o.dims);
  }
  return {
    kernels,
    footprintBytes,
    accounting: mapping.accounting.map((a) => ({ name: a.node.name, opType: a.node.opType, status: a.status, kernel: a.group ?? null })),
    inputBytes,
    outputBytes,
  };
}

/** Run the optimised graph once, unoptimised, with every node output as a graph output: each value's dtype, shape and data. */
async function runAllValues(optimised: Graph, prepared: PreparedModel, plain: Engine): Promise<Map<string, HostTensor>> {
  const out = new Map<string, HostTensor>();
  for (const [name, t] of Object.entries(prepared.feeds)) out.set(name, t);
  const outs = new Set(optimised.outputs);
  const extra: string[] = [];
  for (const n of optimised.nodes) {
    for (const o of n.outputs) {
      if (o && !outs.has(o)) {
        outs.add(o);
        extra.push(o);
      }
    }
  }
  const saved = optimised.outputs;
  optimised.setGraphOutputs([...saved, ...extra]);
  for (const o of extra) optimised.value(o).declared = { dtype: undefined, shape: undefined, raw: {} };
  let bytes: Uint8Array;
  try {
    bytes = writeOnnx(optimised).model;
  } finally {
    optimised.setGraphOutputs(saved);
    for (const o of extra) optimised.value(o).declared = undefined;
  }
  const session = await plain.load({ bytes });
  try {
    const r = await session.run(prepared.feeds);
    for (const [name, t] of Object.entries(r)) out.set(name, t);
  } finally {
    await session.release();
  }
  return out;
}

let unique = 0;

function attrKey(a: Attribute): unknown {
  switch (a.type) {
    case 'tensor':
      return { t: a.value.dtype, d: a.value.dims, v: a.value.numel <= 16 ? a.value.toNumbers() : undefined };
    case 'tensors':
      return a.value.map((t) => ({ t: t.dtype, d: t.dims }));
    case 'graph':
    case 'graphs':
    case 'opaque':
      return { unique: ++unique }; // never shared: a subgraph's time depends on its body
    default:
      return a.value;
  }
}

/** The kernel's signature: a JSON string of op, domain, sorted attributes, inputs (dtype, shape, constant or not, small integer constants' values) and output count. */
export function signature(n: Node, inputs: readonly (KernelInput | undefined)[], outputs: number): string {
  const attrs: [string, unknown][] = [];
  for (const k of [...n.attrs.keys()].sort()) attrs.push([k, attrKey(n.attrs.get(k)!)]);
  const ins = inputs.map((x) => {
    if (!x) return null;
    const small = x.constant && x.constant.numel <= 64 && !x.dtype.startsWith('float') ? x.constant.toNumbers() : undefined;
    return [x.dtype, x.dims, x.constant ? 'c' : 'x', ...(small ? [small] : [])];
  });
  return JSON.stringify([n.domain, n.opType, attrs, ins, outputs]);
}
