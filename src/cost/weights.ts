/**
 * Which constant tensors are trainable parameters and which are buffers, counted once each.
 * A param slot (conv/gemm weights and bias, normalisation scale and shift, PRelu slope) may be
 * fed through DequantizeLinear/Cast/Reshape/Transpose/Expand from the stored constant: the stored
 * tensor is what counts. Constants used only as shapes, axes or indices are neither, and
 * neither are 32/64-bit integer constants outside param slots: those are shape arithmetic and
 * counters (PyTorch's num_batches_tracked), not weights.
 *
 * Exporters also split PyTorch layers into plain arithmetic; the stored float constants of these
 * patterns are params, as PyTorch counts them (`exportParamSlots`):
 * - the bias of a layer split into MatMul/Gemm/Conv + Add (Linear on 3-D input);
 * - LayerNorm's scale and shift decomposed at opsets < 17: the Mul of the normalised value
 *   ((x − mean) / std, or (x − mean) · 1/std) and the Add after that Mul;
 * - learned tokens and embeddings: a constant concatenated with activations (a class token), a
 *   constant added to activations that has their shape on every axis but leading 1s, with at
 *   least two axes over 1 (a position embedding, not a bias);
 * - layer scale: a Mul of activations by a per-channel constant (one axis over 1) whose result
 *   feeds an Add (the residual, or the shift of a per-channel affine, a param too) — except
 *   right after a BatchNormalization, whose slots already count its affine (Caffe's BN + Scale).
 * Anything else stored and float is a buffer (BN statistics, masks, scalars like ε).
 */
import { isFloat, type Graph, type Node, type Value } from '../ir/index.js';
import { graphOps } from '../ops/index.js';

/** Ops that turn a stored weight into the tensor a param slot consumes. */
const WEIGHT_PATH = new Set(['DequantizeLinear', 'Cast', 'Identity', 'Reshape', 'Transpose', 'Squeeze', 'Unsqueeze', 'Flatten', 'Expand']);

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
  const ops = graphOps(graph);
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    const slots = ops.def(n)?.params;
    if (!slots) continue;
    for (let k = 0; k < slots.length; k++) {
      const src = storedConstant(n.inValues[slots[k]!]);
      if (src && !role.has(src)) role.set(src, { role: 'param', owner: n });
    }
  }
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    const slots = exportParamSlots(graph, n);
    for (let k = 0; k < slots.length; k++) {
      const src = storedConstant(n.inValues[slots[k]!]);
      if (src && !role.has(src) && holdsWeights(src)) role.set(src, { role: 'param', owner: n });
    }
  }
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    const shapeSlots = ops.def(n)?.shapeInputs;
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

const NO_SLOTS: readonly number[] = [];
const LINEAR = new Set(['MatMul', 'Gemm', 'Conv', 'ConvTranspose']);

/** A float stored constant (through weight-path ops), or undefined. */
function floatConstant(v: Value | undefined): Value | undefined {
  const src = storedConstant(v);
  return src && holdsWeights(src) && src.tensor!.dtype !== 'int8' && src.tensor!.dtype !== 'uint8' ? src : undefined;
}

/** (x − mean) / std or (x − mean) · (1/std): the normalised value of a decomposed LayerNorm. */
function isNormalised(v: Value | undefined): boolean {
  const p = v?.producedBy;
  if (!p || p.domain) return false;
  const a = p.inValues[0]?.producedBy;
  const b = p.inValues[1]?.producedBy;
  if (p.opType === 'Div') return a?.opType === 'Sub';
  if (p.opType === 'Mul') return (a?.opType === 'Sub' && b?.opType === 'Reciprocal') || (b?.opType === 'Sub' && a?.opType === 'Reciprocal');
  return false;
}

/** A Mul by a stored float constant of a normalised value: LayerNorm's scale. */
function isNormScale(n: Node | undefined): boolean {
  if (!n || n.opType !== 'Mul' || n.domain || n.inValues.length !== 2) return false;
  const k = floatConstant(n.inValues[0]) ? 0 : floatConstant(n.inValues[1]) ? 1 : -1;
  return k >= 0 && isNormalised(n.inValues[1 - k]);
}

/** Axes over 1 in a static shape (undefined when not static). */
function bigAxes(shape: readonly (number | string)[] | undefined): number | undefined {
  if (!shape || shape.some((d) => typeof d !== 'number')) return undefined;
  return (shape as number[]).filter((d) => d > 1).length;
}

/**
 * The input slots of `n` whose stored float constants are params by the export patterns in the
 * header: split biases, decomposed LayerNorm, tokens and embeddings, layer scale.
 */
export function exportParamSlots(graph: Graph, n: Node): readonly number[] {
  if (n.domain) return NO_SLOTS;
  const ins = n.inValues;
  if (n.opType === 'Concat') {
    const slots: number[] = [];
    let activations = 0;
    for (let k = 0; k < ins.length; k++) {
      const c = floatConstant(ins[k]);
      if (!c) activations++;
      else if ((c.tensor!.dims.length > 0 && c.tensor!.numel > 1)) slots.push(k);
    }
    return activations > 0 ? slots : NO_SLOTS;
  }
  if ((n.opType !== 'Add' && n.opType !== 'Mul') || ins.length !== 2) return NO_SLOTS;
  const k = floatConstant(ins[0]) && !floatConstant(ins[1]) ? 0 : floatConstant(ins[1]) && !floatConstant(ins[0]) ? 1 : -1;
  if (k < 0) return NO_SLOTS;
  const c = ins[k]!;
  const x = ins[1 - k]!;
  // Scalars (ε, 0.5, √d) are arithmetic, not layers.
  if (floatConstant(c)!.tensor!.numel <= 1) return NO_SLOTS;
  const producer = x.producedBy;
  if (n.opType === 'Add') {
    // A bias split from its layer, LayerNorm's shift.
    if (producer && !producer.domain && (LINEAR.has(producer.opType) || isNormScale(producer))) return k === 0 ? [0] : [1];
    // The shift of a per-channel affine whose scale is a param (Caffe's Scale layer, layer norms).
    if (producer && producer.opType === 'Mul' && !producer.domain && bigAxes(c.shape) === 1 && exportParamSlots(graph, producer).length) return k === 0 ? [0] : [1];
    // A position embedding: the activation's shape on every axis but leading 1s, added to patch
    // embeddings (a linear layer or a concat with a class token, seen through view ops) — not
    // anchors added to decoded boxes.
    const cs = c.shape;
    const xs = x.shape;
    const source = throughViews(producer);
    if (source && (LINEAR.has(source.opType) || source.opType === 'Concat') && cs && xs && cs.length === xs.length && (bigAxes(cs) ?? 0) >= 2) {
      let same = true;
      let lead = true;
      for (let a = 0; a < cs.length; a++) {
        if (lead && cs[a] === 1) continue;
        lead = false;
        if (cs[a] !== xs[a]) same = false;
      }
      if (same) return k === 0 ? [0] : [1];
    }
    return NO_SLOTS;
  }
  // Mul: LayerNorm's scale, or a layer scale feeding a residual Add.
  if (isNormalised(x)) return k === 0 ? [0] : [1];
  // After a BatchNormalization it is the BN's own affine split off (Caffe's BatchNorm + Scale,
  // whose BN holds γ = 1, β = 0 in its param slots): counted there already.
  if (bigAxes(c.shape) === 1 && producer?.opType !== 'BatchNormalization') {
    const out = n.outputs[0];
    if (out && graph.consumers(out).some((u) => u.opType === 'Add' && !u.domain)) return k === 0 ? [0] : [1];
  }
  return NO_SLOTS;
}

const VIEWS = new Set(['Reshape', 'Flatten', 'Transpose', 'Identity', 'Squeeze', 'Unsqueeze']);

/** The first producer up the chain that is not a view op. */
function throughViews(n: Node | undefined): Node | undefined {
  for (let i = 0; n && VIEWS.has(n.opType) && i < 16; i++) n = n.inValues[0]?.producedBy;
  return n;
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
