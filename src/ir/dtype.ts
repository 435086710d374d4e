/**
 * One map for element types (STYLE.md #8): ONNX code, size in bits, and the typed array that
 * holds little-endian data. Every other file uses `DType` (a key of this map), never raw codes.
 */

type TypedArrayCtor =
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor;

interface DTypeInfo {
  /** TensorProto.DataType code. */
  readonly onnx: number;
  /** Bits per element (4 for int4, 128 for complex128). 0 for string (variable size). */
  readonly bits: number;
  /** Typed array of the little-endian storage, where one exists (float16 is stored as Uint16). */
  readonly array?: TypedArrayCtor;
  /** True for element types whose values are floating point (counted as weights when constant). */
  readonly float: boolean;
}

export const DTYPES = {
  float32: { onnx: 1, bits: 32, array: Float32Array, float: true },
  uint8: { onnx: 2, bits: 8, array: Uint8Array, float: false },
  int8: { onnx: 3, bits: 8, array: Int8Array, float: false },
  uint16: { onnx: 4, bits: 16, array: Uint16Array, float: false },
  int16: { onnx: 5, bits: 16, array: Int16Array, float: false },
  int32: { onnx: 6, bits: 32, array: Int32Array, float: false },
  int64: { onnx: 7, bits: 64, array: BigInt64Array, float: false },
  string: { onnx: 8, bits: 0, float: false },
  bool: { onnx: 9, bits: 8, array: Uint8Array, float: false },
  float16: { onnx: 10, bits: 16, array: Uint16Array, float: true },
  float64: { onnx: 11, bits: 64, array: Float64Array, float: true },
  uint32: { onnx: 12, bits: 32, array: Uint32Array, float: false },
  uint64: { onnx: 13, bits: 64, array: BigUint64Array, float: false },
  complex64: { onnx: 14, bits: 64, float: true },
  complex128: { onnx: 15, bits: 128, float: true },
  bfloat16: { onnx: 16, bits: 16, array: Uint16Array, float: true },
  float8e4m3fn: { onnx: 17, bits: 8, array: Uint8Array, float: true },
  float8e4m3fnuz: { onnx: 18, bits: 8, array: Uint8Array, float: true },
  float8e5m2: { onnx: 19, bits: 8, array: Uint8Array, float: true },
  float8e5m2fnuz: { onnx: 20, bits: 8, array: Uint8Array, float: true },
  uint4: { onnx: 21, bits: 4, float: false },
  int4: { onnx: 22, bits: 4, float: false },
  float4e2m1: { onnx: 23, bits: 4, float: true },
  float8e8m0: { onnx: 24, bits: 8, array: Uint8Array, float: true },
  uint2: { onnx: 25, bits: 2, float: false },
  int2: { onnx: 26, bits: 2, float: false },
} as const satisfies Record<string, DTypeInfo>;

export type DType = keyof typeof DTYPES;

/** DType by ONNX code (an array: the codes are small integers). */
const BY_CODE: (DType | undefined)[] = [];
for (const [k, v] of Object.entries(DTYPES)) BY_CODE[v.onnx] = k as DType;

/** The DType of an ONNX TensorProto.DataType code, or undefined for 0 / unknown codes. */
export function dtypeFromOnnx(code: number): DType | undefined {
  return Number.isInteger(code) && code >= 0 ? BY_CODE[code] : undefined;
}

export function dtypeInfo(dtype: DType): DTypeInfo {
  return DTYPES[dtype];
}

/** Bytes needed for `numel` elements of `dtype` (sub-byte types packed, rounded up). */
export function byteSize(dtype: DType, numel: number): number {
  const bits = DTYPES[dtype].bits;
  return bits === 0 ? 0 : Math.ceil((numel * bits) / 8);
}

/** Bytes per element, fractional for packed sub-byte types (used for memAccess in bytes). */
export function bytesPerElement(dtype: DType): number {
  return DTYPES[dtype].bits / 8;
}

export function isFloat(dtype: DType): boolean {
  return DTYPES[dtype].float;
}

/** Integer element types whose values fit a JS number exactly enough for shape arithmetic. */
export function isInteger(dtype: DType): boolean {
  return /^u?int(8|16|32|64)$/.test(dtype);
}
