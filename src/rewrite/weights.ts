/** Reading and writing float32 weights for rewrites, and small graph-surgery helpers. */
import { UnsupportedOpError } from '../errors.js';
import { Tensor, type Attribute, type Graph } from '../ir/index.js';
import type { ConvAttrs } from '../ops/index.js';

/** A constant float tensor's values as float32 (any stored form: initializer, Constant, fill, float16). */
export function floatWeights(graph: Graph, name: string | undefined, what: string): { data: Float32Array; dims: readonly number[] } | undefined {
  if (!name) return undefined;
  const v = graph.values.get(name);
  const t = v?.tensor;
  if (!t) return undefined;
  if (t.dtype !== 'float32' && t.dtype !== 'float16' && t.dtype !== 'float64') {
    throw new UnsupportedOpError(`${what}: weights of type ${t.dtype} cannot be rewritten`);
  }
  // toFloat32 copies: the tensor may be a view on the model file, which must not change.
  return { data: t.toFloat32(), dims: t.dims };
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
