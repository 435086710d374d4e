/**
 * Constant tensor data, kept lazily: raw bytes stay a view on the file's buffer, external data
 * is read only when someone asks for the values, and a ConstantOfShape output is a fill value
 * with a shape (its elements are never materialised for counting).
 */
import { byteSize, dtypeInfo, type DType } from './dtype.js';
import { numel } from './shape.js';
import { float16ToFloat32 } from './float16.js';

/** Where a tensor's elements live. */
export type TensorSource =
  /** Little-endian bytes (a view, not a copy). */
  | { readonly kind: 'raw'; readonly bytes: Uint8Array }
  /** Typed protobuf fields (`float_data`, `int32_data`, …), kept in their field so a writer can restore it. */
  | { readonly kind: 'values'; readonly field: ValueField; readonly values: readonly number[] | readonly Uint8Array[] }
  /** Bytes in another file, loaded on first use. */
  | { readonly kind: 'external'; readonly location: string; readonly offset: number; readonly length: number; readonly read: () => Uint8Array }
  /** Every element equal to `value` (ConstantOfShape). */
  | { readonly kind: 'fill'; readonly value: number }
  /** Values computed on first use (seeded weights of a built network): counting never calls it. */
  | { readonly kind: 'generated'; readonly generate: () => Uint8Array };

export type ValueField = 'float_data' | 'int32_data' | 'int64_data' | 'double_data' | 'uint64_data' | 'string_data';

/** Refuse to materialise more than this many bytes of a fill tensor (a guard against declared sizes). */
const MAX_MATERIALISE = 2 ** 31;

export class Tensor {
  readonly numel: number;
  private cache: Uint8Array | undefined;

  constructor(
    readonly dtype: DType,
    readonly dims: readonly number[],
    readonly source: TensorSource,
  ) {
    this.numel = numel(dims, 'tensor') ?? 0;
  }

  /** Build a tensor that owns a typed array (for the zoo, rewrites and tests). */
  static fromArray(dtype: DType, dims: readonly number[], data: ArrayBufferView): Tensor {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return new Tensor(dtype, dims, { kind: 'raw', bytes });
  }

  get byteLength(): number {
    return byteSize(this.dtype, this.numel);
  }

  /** True when the values are in memory or in the model file (not an external file, not a fill). */
  get isInline(): boolean {
    return this.source.kind === 'raw' || this.source.kind === 'values';
  }

  /** The elements as little-endian bytes. Loads external data on first call. */
  bytes(): Uint8Array {
    if (this.cache) return this.cache;
    const s = this.source;
    let out: Uint8Array;
    switch (s.kind) {
      case 'raw':
        return s.bytes;
      case 'external':
        out = s.read();
        break;
      case 'generated':
        out = s.generate();
        if (out.byteLength !== this.byteLength) throw new Error(`generated ${out.byteLength} bytes for a ${this.byteLength}-byte tensor`);
        break;
      case 'fill':
        out = this.materialiseFill(s.value);
        break;
      case 'values':
        out = valuesToBytes(this.dtype, s.field, s.values, this.numel);
        break;
    }
    this.cache = out;
    return out;
  }

  /**
   * The elements as a typed array of the dtype's storage (Uint16Array for float16). Read-only:
   * when the bytes are aligned this is a view on the model file's buffer.
   */
  typed(): ArrayBufferView {
    const ctor = dtypeInfo(this.dtype).array;
    if (!ctor) throw new Error(`tensor of ${this.dtype} has no typed-array view`);
    const b = this.bytes();
    const size = ctor.BYTES_PER_ELEMENT;
    // A view needs an aligned offset; raw_data inside a protobuf buffer often is not.
    const aligned = b.byteOffset % size === 0 ? b : new Uint8Array(b);
    return new ctor(aligned.buffer as ArrayBuffer, aligned.byteOffset, aligned.byteLength / size);
  }

  /** The elements as a new float32 array (converting float16 / float64 / integer types); safe to modify. */
  toFloat32(): Float32Array {
    if (this.dtype === 'float32') return Float32Array.from(this.typed() as Float32Array);
    if (this.dtype === 'float16') return float16ToFloat32(this.typed() as Uint16Array);
    return Float32Array.from(this.toNumbers());
  }

  /** The elements as JS numbers (int64 converted exactly up to 2^53). For small tensors. */
  toNumbers(): number[] {
    const s = this.source;
    if (s.kind === 'fill') return new Array<number>(this.numel).fill(s.value);
    if (s.kind === 'values' && s.field !== 'string_data' && this.dtype !== 'float16' && this.dtype !== 'bfloat16') {
      return (s.values as readonly number[]).slice();
    }
    if (this.dtype === 'float16') return Array.from(float16ToFloat32(this.typed() as Uint16Array));
    if (s.kind === 'raw' && (this.dtype === 'int64' || this.dtype === 'int32' || this.dtype === 'float32')) {
      // Shape constants and scalars: read in place, whatever the alignment of the view, with no
      // typed array or DataView per call (thousands of these in one model).
      const b = s.bytes;
      const out = new Array<number>(this.numel);
      if (this.dtype === 'int64') {
        // high·2^32 + low: exact below 2^53, and the nearest double above (as Number(BigInt) gives).
        for (let i = 0; i < out.length; i++) out[i] = int32At(b, i * 8 + 4) * 4294967296 + (int32At(b, i * 8) >>> 0);
      } else if (this.dtype === 'int32') {
        for (let i = 0; i < out.length; i++) out[i] = int32At(b, i * 4);
      } else {
        for (let i = 0; i < out.length; i++) {
          SCRATCH_I32[0] = int32At(b, i * 4);
          out[i] = SCRATCH_F32[0]!;
        }
      }
      return out;
    }
    const t = this.typed() as unknown as ArrayLike<number | bigint>;
    const out = new Array<number>(t.length);
    for (let i = 0; i < t.length; i++) out[i] = Number(t[i]);
    return out;
  }

  private materialiseFill(value: number): Uint8Array {
    if (this.byteLength > MAX_MATERIALISE) {
      throw new Error(`refusing to materialise a ${this.byteLength}-byte constant`);
    }
    const ctor = dtypeInfo(this.dtype).array;
    if (!ctor) throw new Error(`cannot fill a tensor of ${this.dtype}`);
    const arr = new ctor(this.numel);
    if (arr instanceof BigInt64Array || arr instanceof BigUint64Array) arr.fill(BigInt(value));
    else (arr as Float32Array).fill(value);
    return new Uint8Array(arr.buffer);
  }
}

/** The little-endian int32 at byte `o` of `b`. */
function int32At(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24);
}

/** Reinterprets int32 bits as float32 (little-endian hosts, as every platform Node runs on). */
const SCRATCH_I32 = new Int32Array(1);
const SCRATCH_F32 = new Float32Array(SCRATCH_I32.buffer);

/** Convert a protobuf typed field to little-endian bytes of `dtype`. */
function valuesToBytes(dtype: DType, field: ValueField, values: readonly number[] | readonly Uint8Array[], n: number): Uint8Array {
  if (field === 'string_data') throw new Error('string tensors have no byte form');
  const ctor = dtypeInfo(dtype).array;
  if (!ctor) throw new Error(`cannot convert ${field} of ${dtype} to bytes`);
  const nums = values as readonly number[];
  const arr = new ctor(n);
  if (arr instanceof BigInt64Array || arr instanceof BigUint64Array) {
    for (let i = 0; i < n; i++) arr[i] = BigInt(nums[i] ?? 0);
  } else {
    // float16/bfloat16/int8/… are stored in int32_data as their bit patterns or values.
    for (let i = 0; i < n; i++) (arr as Float32Array)[i] = nums[i] ?? 0;
  }
  return new Uint8Array(arr.buffer);
}
