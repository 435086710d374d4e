/**
 * IDX files (the MNIST format): a 4-byte big-endian magic 0x0000TTNN (TT the element type,
 * NN the number of dims), NN uint32 dims, then the elements big-endian. Images are 0x00000803
 * (uint8, [N,H,W]), labels 0x00000801 (uint8, [N]).
 */
import { DataError } from '../errors.js';
import { dimsText, type ArrayDType, type NdArray } from './arrays.js';
import { grouped } from '../text.js';

const TYPES: Record<number, { dtype: ArrayDType; bytes: number }> = {
  0x08: { dtype: 'uint8', bytes: 1 },
  0x09: { dtype: 'int8', bytes: 1 },
  0x0b: { dtype: 'int16', bytes: 2 },
  0x0c: { dtype: 'int32', bytes: 4 },
  0x0d: { dtype: 'float32', bytes: 4 },
  0x0e: { dtype: 'float64', bytes: 8 },
};

/** Decode an IDX file's bytes (already gunzipped); `file` names it in errors. uint8 data is a view, not a copy. */
export function parseIdx(bytes: Uint8Array, file: string): NdArray {
  const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;
  if (bytes.length < 4) throw new DataError(`${file}: truncated: ${bytes.length} bytes, shorter than an IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const type = TYPES[bytes[2]!];
  const rank = bytes[3]!;
  if (bytes[0] !== 0 || bytes[1] !== 0 || !type || rank === 0) {
    throw new DataError(`${file}: not an IDX file: magic ${hex(magic)}, expected 0x00000803 (images) or 0x00000801 (labels)`);
  }
  const start = 4 + 4 * rank;
  if (bytes.length < start) throw new DataError(`${file}: truncated: the header needs ${start} bytes, the file has ${bytes.length}`);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const n = dims.reduce((a, b) => a * b, 1);
  const need = n * type.bytes;
  if (bytes.length - start < need) {
    throw new DataError(`${file}: truncated: the header says ${dimsText(dims)} ${type.dtype} (${grouped(need)} bytes of data), the file has ${grouped(bytes.length - start)}`);
  }
  const body = bytes.subarray(start, start + need);
  switch (type.dtype) {
    case 'uint8':
      return { dtype: 'uint8', dims, data: body };
    case 'int8':
      return { dtype: 'int8', dims, data: new Int8Array(body.buffer, body.byteOffset, n) };
    default: {
      // Big-endian elements: read each through a DataView.
      const dv = new DataView(body.buffer, body.byteOffset, need);
      if (type.dtype === 'int16') return { dtype: 'int16', dims, data: Int16Array.from({ length: n }, (_, i) => dv.getInt16(2 * i)) };
      if (type.dtype === 'int32') return { dtype: 'int32', dims, data: Int32Array.from({ length: n }, (_, i) => dv.getInt32(4 * i)) };
      if (type.dtype === 'float32') return { dtype: 'float32', dims, data: Float32Array.from({ length: n }, (_, i) => dv.getFloat32(4 * i)) };
      return { dtype: 'float64', dims, data: Float64Array.from({ length: n }, (_, i) => dv.getFloat64(8 * i)) };
    }
  }
}

/** The labels file that usually sits beside an images file: `x-images-idx3-ubyte(.gz)` → `x-labels-idx1-ubyte(.gz)`. */
export function idxLabelsCandidates(imagesFile: string): string[] {
  const m = /^(.*)images-idx3-ubyte(\.gz)?$/.exec(imagesFile);
  if (!m) return [];
  const base = `${m[1]}labels-idx1-ubyte`;
  return m[2] ? [`${base}.gz`, base] : [base, `${base}.gz`];
}
