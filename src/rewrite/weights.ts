/** Reading and writing float32 weights for rewrites, and small graph-surgery helpers. */
import { UnsupportedOpError } from '../errors.js';
import { Tensor, float16ToFloat32, float32ToFloat16, type Attribute, type Graph, type Node } from '../ir/index.js';
import type { ConvAttrs } from '../ops/index.js';
import { FLOAT_TYPES, VALUE_PATH, staticDims } from '../patterns/index.js';

export { isFloatConstant } from '../patterns/index.js';

/**
 * A constant float tensor's values as float32 (any stored form: initializer, Constant, fill, float16),
 * also when it reaches `name` through Identity, Reshape/Squeeze/Unsqueeze/Flatten (same values, the
 * value's own dims) and Cast to a float type (rounded as the Cast rounds). Undefined when it is not
 * a constant.
 */
export function floatWeights(graph: Graph, name: string | undefined, what: string, depth = 0): { data: Float32Array; dims: readonly number[] } | undefined {
  if (!name || depth > 16) return undefined;
  const v = graph.values.get(name);
  const t = v?.tensor;
  if (t) {
    if (!FLOAT_TYPES.has(t.dtype)) {
      if (depth > 0) return undefined;
      throw new UnsupportedOpError(`${what}: weights of type ${t.dtype} cannot be rewritten`);
    }
    // toFloat32 copies: the tensor may be a view on the model file, which must not change.
    return { data: t.toFloat32(), dims: t.dims };
  }
  const p = graph.producer(name);
  if (!p || p.domain) return undefined;
  const dims = staticDims(v?.shape);
  if (VALUE_PATH.has(p.opType)) {
    const src = floatWeights(graph, p.inputs[0], what, depth + 1);
    if (!src) return undefined;
    const out = dims ?? (p.opType === 'Identity' ? src.dims : undefined);
    return out && out.reduce((a, b) => a * b, 1) === src.data.length ? { data: src.data, dims: out } : undefined;
  }
  if (p.opType === 'Cast') {
    const to = graph.values.get(name)?.dtype;
    const src = floatWeights(graph, p.inputs[0], what, depth + 1);
    if (!src || !to || !FLOAT_TYPES.has(to)) return undefined;
    // float32 holds every float16 value and float64 values rounded as the Cast rounds them;
    // a Cast to float16 rounds once more.
    const data = to === 'float16' ? float16ToFloat32(float32ToFloat16(src.data)) : src.data;
    return { data, dims: src.dims };
  }
  return undefined;
}

/** Add a float32 initializer under a fresh name based on `base`; returns the name. */
export function addWeight(graph: Graph, base: string, dims: readonly number[], data: Float32Array): string {
  const name = graph.uniqueValueName(base);
  graph.setInitializer(name, Tensor.fromArray('float32', dims, data));
  return name;
}

/** Attributes of a new conv with `kernel` and `group`, sliding like an existing conv `a` (strides, dilations, padding). */
export function convAttrsLike(a: ConvAttrs, kernel: readonly number[], group: number): Map<string, Attribute> {
  const attrs = new Map<string, Attribute>([
    ['kernel_shape', { type: 'ints', value: kernel }],
    ['group', { type: 'int', value: group }],
  ]);
  if (a.strides) attrs.set('strides', { type: 'ints', value: a.strides });
  if (a.dilations) attrs.set('dilations', { type: 'ints', value: a.dilations });
  if (a.pads) attrs.set('pads', { type: 'ints', value: a.pads });
  else if (a.autoPad !== 'NOTSET') attrs.set('auto_pad', { type: 'string', value: a.autoPad });
  return attrs;
}

/** Set input `slot` of `node` to a fresh float32 initializer named after `base` (omitted inputs before it are padded). */
export function setWeight(graph: Graph, node: Node, slot: number, base: string, dims: readonly number[], data: Float32Array): void {
  const name = addWeight(graph, base, dims, data);
  graph.setInput(node, slot, name);
}

/** A conv-like node's weight (slot 1) and bias (slot 2) from a fit on data. */
export function setFitted(graph: Graph, node: Node, base: string, weightDims: readonly number[], fit: { weight: Float32Array; bias: Float32Array }): void {
  setWeight(graph, node, 1, `${base}.weight`, weightDims, fit.weight);
  setWeight(graph, node, 2, `${base}.bias`, [weightDims[0]!], fit.bias);
}

/** What `Change.detail` says of a fit on data: its output errors on the fit and held-out samples. */
export function fitDetail(fit: { fitError: number; heldOutError?: number | undefined }): Record<string, number | string> {
  return { fit: 'data', fitError: fit.fitError, ...(fit.heldOutError !== undefined ? { heldOutError: fit.heldOutError } : {}) };
}
