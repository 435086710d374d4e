/**
 * Which constant tensors are trainable parameters and which are buffers, counted once each.
 * A param slot (conv/gemm weights and bias, normalisation scale and shift, PRelu slope) may be
 * fed through DequantizeLinear/Cast/Reshape/Transpose from the stored constant: the stored
 * tensor is what counts. Constants used only as shapes, axes or indices are neither, and
 * neither are 32/64-bit integer constants outside param slots: those are shape arithmetic and
 * counters (PyTorch's num_batches_tracked), not weights.
 */
import { isFloat, type Graph, type Node, type Value } from '../ir/index.js';
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
function storedConstant(v: Value | undefined, depth = 0): Value | undefined {
  if (!v || depth > 8) return undefined;
  const producer = v.producedBy;
  if (!producer || producer.opType === 'Constant' || producer.opType === 'ConstantOfShape') return v.tensor ? v : undefined;
  if (WEIGHT_PATH.has(producer.opType)) return storedConstant(producer.inValues[0], depth + 1);
  return undefined;
}

/** `isStoredConstant` for a value of an indexed graph. */
function stored(v: Value): boolean {
  const p = v.producedBy;
  return v.tensor !== undefined && (!p || p.opType === 'Constant' || p.opType === 'ConstantOfShape');
}

/** True for a value stored in the model: an initializer, or the output of Constant / ConstantOfShape. */
export function isStoredConstant(graph: Graph, name: string): boolean {
  graph.index();
  const v = graph.values.get(name);
  return v !== undefined && stored(v);
}

/** Roles keyed by Value (what the cost model uses; `weightRoles` names them). */
export function valueRoles(graph: Graph): Map<Value, WeightRole> {
  graph.index();
  const role = new Map<Value, WeightRole>();
  const nodes = graph.nodes;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    const slots = opOf(graph, n)?.params;
    if (!slots) continue;
    for (let k = 0; k < slots.length; k++) {
      const src = storedConstant(n.inValues[slots[k]!]);
      if (src && !role.has(src)) role.set(src, { role: 'param', owner: n });
    }
  }
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    const shapeSlots = opOf(graph, n)?.shapeInputs;
    const ins = n.inValues;
    for (let slot = 0; slot < ins.length; slot++) {
      const v = ins[slot];
      if (!v || !v.tensor || role.has(v) || (shapeSlots !== undefined && shapeSlots.includes(slot))) continue;
      if (slot === 0 && WEIGHT_PATH.has(n.opType) && isParamPath(n.outValues[0], role)) continue;
      if (stored(v) && holdsWeights(v)) role.set(v, { role: 'buffer', owner: n });
    }
  }
  return role;
}

/** True when `v` only leads (through weight-path ops) into a value already counted as a param. */
function isParamPath(v: Value | undefined, role: Map<Value, WeightRole>): boolean {
  const src = storedConstant(v);
  return src !== undefined && role.get(src)?.role === 'param';
}

export function weightRoles(graph: Graph): WeightRoles {
  const role = new Map<string, WeightRole>();
  for (const [v, r] of valueRoles(graph)) role.set(v.name, r);
  return { role };
}

/** Floating-point and 8-bit (quantised) tensors hold weights; wider integers hold shapes and indices. */
export function holdsWeights(v: Value): boolean {
  const dtype = v.tensor?.dtype;
  return dtype !== undefined && (isFloat(dtype) || dtype === 'int8' || dtype === 'uint8' || dtype === 'int4' || dtype === 'uint4');
}

/** `holdsWeights` by value name. */
export function isWeightType(graph: Graph, name: string): boolean {
  const v = graph.values.get(name);
  return v !== undefined && holdsWeights(v);
}
