/**
 * TF.js weights: the `weightsManifest` of a model.json (groups of shard files, each weight's
 * name, shape, dtype and the converter's quantisation) decoded into Tensors. Quantised weights
 * are dequantised to their original float32 as TF.js does when it loads them: uint8/uint16
 * affine `q·scale + min`, float16 widened. Shards of a group are one byte stream, in order.
 */
import { ModelFormatError } from '../../errors.js';
import { float16ToFloat32, Tensor, type DType } from '../../ir/index.js';

/** One entry of a manifest group's `weights`. */
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  group?: string;
  quantization?: { dtype: string; min?: number; scale?: number; original_dtype?: string };
}

export interface TfjsWeightGroup {
  paths: string[];
  weights: TfjsWeightSpec[];
}

/** Reads one shard file by its path relative to model.json; throws ModelFormatError when missing. */
export type ShardReader = (path: string) => Uint8Array;

const STORED_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, int8: 1, int16: 2 };

/** Bytes a weight takes in its shard (its quantised dtype when quantised). */
function storedBytes(w: TfjsWeightSpec, what: string): number {
  const dt = w.quantization?.dtype ?? w.dtype;
  const size = STORED_BYTES[dt];
  if (size === undefined) throw new ModelFormatError(`${what}: weight '${w.name}' has dtype '${dt}', which leannet does not read (float32, int32, bool; quantised uint8, uint16, float16)`);
  const n = w.shape.reduce((a, b) => a * b, 1);
  return n * size;
}

/** Number of elements of a weight spec. */
export function weightNumel(w: TfjsWeightSpec): number {
  return w.shape.reduce((a, b) => a * b, 1);
}

/** Decode every weight of the manifest into float32 / int32 / bool tensors, by name. */
export function readWeights(manifest: readonly TfjsWeightGroup[], readShard: ShardReader, what: string): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  if (!Array.isArray(manifest)) throw new ModelFormatError(`${what}: weightsManifest is not a list`);
  for (const group of manifest) {
    if (!group || !Array.isArray(group.paths) || !Array.isArray(group.weights)) throw new ModelFormatError(`${what}: a weightsManifest group has no paths or weights`);
    const shards: Uint8Array[] = group.paths.map((p: string) => readShard(p));
    const total = shards.reduce((a: number, s: Uint8Array) => a + s.byteLength, 0);
    let need = 0;
    for (const w of group.weights) need += storedBytes(w, what);
    if (need !== total) {
      throw new ModelFormatError(`${what}: the manifest's weights need ${need} bytes but the shards ${group.paths.join(', ')} hold ${total}`);
    }
    const bytes = shards.length === 1 ? shards[0]! : concat(shards, total);
    let at = 0;
    for (const w of group.weights) {
      const size = storedBytes(w, what);
      out.set(w.name, decodeWeight(w, bytes.subarray(at, at + size), what));
      at += size;
    }
  }
  return out;
}

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  const b = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    b.set(p, at);
    at += p.byteLength;
  }
  return b;
}

function decodeWeight(w: TfjsWeightSpec, bytes: Uint8Array, what: string): Tensor {
  const n = weightNumel(w);
  const dims = w.shape.slice();
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes);
  const q = w.quantization;
  if (q) {
    const target = (q.original_dtype ?? w.dtype) as string;
    let values: Float32Array;
    if (q.dtype === 'float16') {
      values = float16ToFloat32(new Uint16Array(new Uint8Array(aligned).buffer, 0, n));
    } else if (q.dtype === 'uint8' || q.dtype === 'uint16') {
      if (typeof q.scale !== 'number' || typeof q.min !== 'number') throw new ModelFormatError(`${what}: weight '${w.name}' is ${q.dtype}-quantised without min and scale`);
      const src = q.dtype === 'uint8' ? aligned : new Uint16Array(new Uint8Array(aligned).buffer, 0, n);
      values = new Float32Array(n);
      for (let i = 0; i < n; i++) values[i] = src[i]! * q.scale + q.min;
    } else {
      throw new ModelFormatError(`${what}: weight '${w.name}' has quantisation dtype '${q.dtype}' (known: uint8, uint16, float16)`);
    }
    if (target === 'int32') return Tensor.fromArray('int32', dims, Int32Array.from(values, Math.round));
    return Tensor.fromArray('float32', dims, values);
  }
  const copy = new Uint8Array(aligned.byteLength);
  copy.set(aligned);
  switch (w.dtype) {
    case 'float32':
      return Tensor.fromArray('float32', dims, new Float32Array(copy.buffer, 0, n));
    case 'int32':
      return Tensor.fromArray('int32', dims, new Int32Array(copy.buffer, 0, n));
    case 'bool':
      return Tensor.fromArray('bool', dims, copy);
    default:
      throw new ModelFormatError(`${what}: weight '${w.name}' has dtype '${w.dtype}', which leannet does not read`);
  }
}

/** TF DataType enum names (as in GraphDef JSON) to leannet dtypes. */
export function dtypeOfTf(tf: string | undefined): DType | undefined {
  switch (tf) {
    case 'DT_FLOAT': return 'float32';
    case 'DT_INT32': return 'int32';
    case 'DT_INT64': return 'int64';
    case 'DT_BOOL': return 'bool';
    case 'DT_HALF': return 'float16';
    case 'DT_DOUBLE': return 'float64';
    case 'DT_UINT8': return 'uint8';
    case 'DT_INT8': return 'int8';
    case 'DT_INT16': return 'int16';
    case 'DT_STRING': return 'string';
    default: return undefined;
  }
}
