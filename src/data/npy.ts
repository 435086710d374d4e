/**
 * NumPy .npy (format versions 1, 2 and 3) and .npz (a zip of .npy files, stored or deflated).
 * A .npy file is the magic `\x93NUMPY`, a version, a header length (2 bytes in v1, 4 in v2/v3),
 * a Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (N, 28, 28), }`, then
 * the elements in C order.
 */
import { unzipSync } from 'fflate';
import { DataError } from '../errors.js';
import type { ArrayDType, NdArray } from './arrays.js';
import { grouped } from '../text.js';

const DESCR: Record<string, { dtype: ArrayDType; bytes: number }> = {
  u1: { dtype: 'uint8', bytes: 1 },
  b1: { dtype: 'uint8', bytes: 1 },
  i1: { dtype: 'int8', bytes: 1 },
  i2: { dtype: 'int16', bytes: 2 },
  i4: { dtype: 'int32', bytes: 4 },
  i8: { dtype: 'int64', bytes: 8 },
  f4: { dtype: 'float32', bytes: 4 },
  f8: { dtype: 'float64', bytes: 8 },
};

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export const isNpy = (b: Uint8Array): boolean => MAGIC.every((m, i) => b[i] === m);

/** Decode a .npy file's bytes; `file` names it in errors. */
export function parseNpy(bytes: Uint8Array, file: string): NdArray {
  if (!isNpy(bytes)) throw new DataError(`${file}: not a .npy file (no \\x93NUMPY magic)`);
  if (bytes.length < 10) throw new DataError(`${file}: truncated: ${bytes.length} bytes, shorter than a .npy header`);
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw new DataError(`${file}: .npy format version ${major}.${bytes[7]} is not one of 1, 2, 3`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) throw new DataError(`${file}: truncated .npy header`);
  const hlen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes + hlen;
  if (bytes.length < start) throw new DataError(`${file}: truncated: the .npy header says ${hlen} bytes, the file ends first`);
  // v3 headers are UTF-8, v1/v2 latin-1; the fields we read are ASCII either way.
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(8 + lenBytes, start));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new DataError(`${file}: unreadable .npy header ${JSON.stringify(header.trim())}`);
  if (fortran === 'True') throw new DataError(`${file}: Fortran-order arrays are not supported; save it with np.ascontiguousarray(a)`);
  const dims = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new DataError(`${file}: bad shape (${shapeText}) in the .npy header`);
  const m = /^([<>|=])([a-z]\d+)$/.exec(descr);
  const type = m ? DESCR[m[2]!] : undefined;
  if (!m || !type) throw new DataError(`${file}: dtype '${descr}' is not supported (u1, i1, i2, i4, i8, f4, f8)`);
  const n = dims.reduce((a, b) => a * b, 1);
  const need = n * type.bytes;
  if (bytes.length - start < need) {
    throw new DataError(`${file}: truncated: shape (${dims.join(', ')}) ${descr} needs ${grouped(need)} bytes of data, the file has ${grouped(bytes.length - start)}`);
  }
  const body = bytes.subarray(start, start + need);
  if (type.bytes === 1) return { dtype: type.dtype, dims, data: type.dtype === 'int8' ? new Int8Array(body.buffer, body.byteOffset, n) : body };
  const little = m[1] !== '>';
  // Copy: the body need not be aligned to the element size inside the file's buffer.
  const dv = new DataView(body.buffer, body.byteOffset, need);
  switch (type.dtype) {
    case 'int16':
      return { dtype: 'int16', dims, data: Int16Array.from({ length: n }, (_, i) => dv.getInt16(2 * i, little)) };
    case 'int32':
      return { dtype: 'int32', dims, data: Int32Array.from({ length: n }, (_, i) => dv.getInt32(4 * i, little)) };
    case 'int64':
      return { dtype: 'int64', dims, data: BigInt64Array.from({ length: n }, (_, i) => dv.getBigInt64(8 * i, little)) };
    case 'float32':
      return { dtype: 'float32', dims, data: little ? new Float32Array(body.slice().buffer) : Float32Array.from({ length: n }, (_, i) => dv.getFloat32(4 * i, false)) };
    default:
      return { dtype: 'float64', dims, data: little ? new Float64Array(body.slice().buffer) : Float64Array.from({ length: n }, (_, i) => dv.getFloat64(8 * i, false)) };
  }
}

/** The arrays of a .npz file by name (without `.npy`), in the archive's order. */
export function parseNpz(bytes: Uint8Array, file: string): Map<string, NdArray> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (e) {
    throw new DataError(`${file}: cannot read as a .npz (zip) archive: ${(e as Error).message}`);
  }
  const out = new Map<string, NdArray>();
  for (const [name, data] of Object.entries(entries)) {
    if (!name.endsWith('.npy')) continue;
    out.set(name.slice(0, -4), parseNpy(data, `${file}:${name}`));
  }
  if (out.size === 0) throw new DataError(`${file}: the .npz archive holds no .npy arrays`);
  return out;
}

/** The images and labels of a .npz: `x`/`images`/`data` else the first array; `y`/`labels` else another 1-D integer array. */
export function pickNpzArrays(arrays: Map<string, NdArray>): { images: [string, NdArray]; labels?: [string, NdArray] } {
  const names = [...arrays.keys()];
  const imgName = ['x', 'images', 'data'].find((n) => arrays.has(n)) ?? names[0]!;
  // The second array is taken as labels only when it looks like them: 1-D integers.
  const looksLikeLabels = (a: NdArray): boolean => a.dims.length === 1 && !a.dtype.startsWith('float');
  const lblName = ['y', 'labels'].find((n) => arrays.has(n)) ?? names.find((n) => n !== imgName && looksLikeLabels(arrays.get(n)!));
  const out: { images: [string, NdArray]; labels?: [string, NdArray] } = { images: [imgName, arrays.get(imgName)!] };
  if (lblName !== undefined) out.labels = [lblName, arrays.get(lblName)!];
  return out;
}
