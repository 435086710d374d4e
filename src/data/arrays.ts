/**
 * N-dimensional arrays as the array formats (IDX, .npy) hold them, before preprocessing, and
 * the helpers that read class labels out of one.
 */
import { DataError } from '../errors.js';
import { grouped } from '../text.js';

export type ArrayDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64';

/** A decoded array: row-major data of `dims`. */
export interface NdArray {
  dtype: ArrayDType;
  dims: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array;
}

export const isFloat = (d: ArrayDType): boolean => d === 'float32' || d === 'float64';

/** `10,000×28×28` */
export const dimsText = (dims: readonly number[]): string => dims.map((d) => grouped(d)).join('×');

/** Class indices from a label array ([N] or [N,1] integers), checked to be `count` long when given. */
export function labelsOf(a: NdArray, file: string, count?: number): Int32Array {
  if (!(a.dims.length === 1 || (a.dims.length === 2 && a.dims[1] === 1))) {
    throw new DataError(`${file}: labels must be a 1-D array of class indices, got shape [${a.dims.join(',')}]`);
  }
  if (isFloat(a.dtype)) throw new DataError(`${file}: labels must be integers, got ${a.dtype}`);
  const n = a.dims[0]!;
  if (count !== undefined && n !== count) {
    throw new DataError(`${file}: ${grouped(n)} labels for ${grouped(count)} samples`);
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = Number(a.data[i]!);
  return out;
}
