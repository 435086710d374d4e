/**
 * Which constant tensors are trainable parameters and which are buffers, counted once each.
 * A param slot (conv/gemm weights and bias, normalisation scale and shift, PRelu slope) may be
 * fed through DequantizeLinear/Cast/Reshape/Transpose from the stored constant: the stored
 * tensor is what counts. Constants used only as shapes, axes or indices are neither, and
 * neither are 32/64-bit integer constants outside param slots: those are shape arithmetic and
 * counters (PyTorch's num_batches_tracked), not weights.
 */
import { isFloat, type Graph, type Node } from '../ir/index.js';
import { opOf } from '../ops/index.js';

/** Ops that turn a stored weight into the tensor a param slot consumes. */
const WEIGHT_PATH = new Set(['DequantizeLinear', 'Cast', 'Identity', 'Reshape', 'Transpose', 'Squeeze', 'Unsqueeze', 'Flatten']);

/** A stored constant that counts: its role, and the node it is charged to (the one that uses it). */
export interface WeightRole {
  role: 'param' | 'buffer';
  owner: Node;
}

export interface WeightRoles {
  /** Value name → role and owner, for every constant that counts. */
  role: Map<string, WeightRole>;
}

/** The stored constant behind a value, following weight-path ops back through their data input. */
function storedConstant(graph: Graph, name: string, depth = 0): string | undefined {
  const v = graph.values.get(name);
  if (!v || depth > 8) return undefined;
  const producer = graph.producer(name);
  if (!producer) return v.tensor ? name : undefined;
  if (producer.opType === 'Constant' || producer.opType === 'ConstantOfShape') return v.tensor ? name : undefined;
  if (WEIGHT_PATH.has(producer.opType) && producer.inputs[0]) return storedConstant(graph, producer.inputs[0], depth + 1);
  return undefined;
}

/** True for a value stored in the model: an initializer, or the output of Constant / ConstantOfShape. */
export function isStoredConstant(graph: Graph, name: string): boolean {
  const v = graph.values.get(name);
  if (!v?.tensor) return false;
  const p = graph.producer(name);
  return !p || p.opType === 'Constant' || p.opType === 'ConstantOfShape';
}

export function weightRoles(graph: Graph): WeightRoles {
  const role = new Map<string, WeightRole>();
  const defs = graph.nodes.map((n) => opOf(graph, n));
  graph.nodes.forEach((n, k) => {
    for (const slot of defs[k]?.params ?? []) {
      const name = n.inputs[slot];
      const src = name ? storedConstant(graph, name) : undefined;
      if (src && !role.has(src)) role.set(src, { role: 'param', owner: n });
    }
  });
  graph.nodes.forEach((n, k) => {
    const shapeSlots = defs[k]?.shapeInputs ?? [];
    n.inputs.forEach((name, slot) => {
      if (!name || role.has(name) || shapeSlots.includes(slot)) return;
      if (WEIGHT_PATH.has(n.opType) && slot === 0 && isParamPath(graph, n.outputs[0], role)) return;
      if (isStoredConstant(graph, name) && isWeightType(graph, name)) role.set(name, { role: 'buffer', owner: n });
    });
  });
  return { role };
}

/** True when `name` only leads (through weight-path ops) into a value already counted as a param. */
function isParamPath(graph: Graph, name: string | undefined, role: Map<string, WeightRole>): boolean {
  if (!name) return false;
  const src = storedConstant(graph, name);
  return src !== undefined && role.get(src)?.role === 'param';
}

/** Floating-point and 8-bit (quantised) tensors hold weights; wider integers hold shapes and indices. */
export function isWeightType(graph: Graph, name: string): boolean {
  const dtype = graph.values.get(name)?.tensor?.dtype;
  return dtype !== undefined && (isFloat(dtype) || dtype === 'int8' || dtype === 'uint8' || dtype === 'int4' || dtype === 'uint4');
}
