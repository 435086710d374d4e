/**
 * Folded arithmetic as the runtime computes it. A folded value is a JS number; each op rounds
 * its exact result to what a tensor of its dtype holds: float32 results through Math.fround
 * (+ − × ÷ and √ of float32 operands computed in double and rounded once give the float32
 * result exactly), integer results with the type's wrap-around and int64 kept exact (a result
 * beyond 2^53 is left unknown). A value leannet cannot compute as the runtime does (float16
 * arithmetic, transcendental functions, integer division by zero) is undefined, never guessed.
 */
import type { DType } from '../ir/index.js';

const INT_BITS: Partial<Record<DType, [bits: number, signed: boolean]>> = {
  int8: [8, true], int16: [16, true], int32: [32, true], int64: [64, true],
  uint8: [8, false], uint16: [16, false], uint32: [32, false], uint64: [64, false],
};

export function isIntDType(d: DType): boolean {
  return INT_BITS[d] !== undefined;
}

export function isFloatDType(d: DType): boolean {
  return d === 'float32' || d === 'float64';
}

/** An exact integer result as a tensor of integer `dtype` holds it (C++ wrap-around); undefined beyond 2^53. */
function wrapInt(dtype: DType, v: bigint): number | undefined {
  const [bits, signed] = INT_BITS[dtype]!;
  const w = signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
  const n = Number(w);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Round a result computed in double to `dtype`; undefined when leannet cannot say what the runtime holds. */
export function toDType(dtype: DType, v: number): number | undefined {
  if (Number.isNaN(v) && dtype !== 'float32' && dtype !== 'float64') return undefined;
  switch (dtype) {
    case 'float32':
      return Math.fround(v);
    case 'float64':
      return v;
    case 'bool':
      return v ? 1 : 0;
    default:
      if (!isIntDType(dtype) || !Number.isSafeInteger(v)) return undefined;
      return wrapInt(dtype, BigInt(v));
  }
}

/** An integer operand leannet holds exactly (int64 values beyond 2^53 are not). */
const exact = (v: number) => Number.isSafeInteger(v);

/** One integer operation in BigInt (C++ semantics: / truncates), wrapped to `dtype`. */
function intOp(dtype: DType, a: number, b: number, op: (x: bigint, y: bigint) => bigint | undefined): number | undefined {
  if (!exact(a) || !exact(b)) return undefined;
  const r = op(BigInt(a), BigInt(b));
  return r === undefined ? undefined : wrapInt(dtype, r);
}

export type Fold2 = (dtype: DType, a: number, b: number) => number | undefined;

/** Binary arithmetic by dtype: integers exactly, float32/float64 rounded once per op; others unknown. */
export function arith(float: (a: number, b: number) => number, int: (x: bigint, y: bigint) => bigint | undefined): Fold2 {
  return (dtype, a, b) => {
    if (isIntDType(dtype)) return intOp(dtype, a, b, int);
    return isFloatDType(dtype) ? toDType(dtype, float(a, b)) : undefined;
  };
}

export const add = arith((a, b) => a + b, (x, y) => x + y);
export const sub = arith((a, b) => a - b, (x, y) => x - y);
export const mul = arith((a, b) => a * b, (x, y) => x * y);
export const div = arith((a, b) => a / b, (x, y) => (y === 0n ? undefined : x / y));

/** Mod: fmod=1 takes the dividend's sign (C fmod), fmod=0 the divisor's (integers only, as ONNX requires). */
export function mod(fmod: boolean): Fold2 {
  return arith(
    (a, b) => a % b,
    (x, y) => {
      if (y === 0n) return undefined;
      const r = x % y;
      return !fmod && r !== 0n && r < 0n !== y < 0n ? r + y : r;
    },
  );
}

/**
 * Pow as onnxruntime computes it: an exponent of 2 or 3 multiplies (x·x, x·x·x in the base's
 * type); integers exactly; other float exponents call a libm pow leannet cannot reproduce.
 */
export const pow: Fold2 = (dtype, a, b) => {
  if (isIntDType(dtype)) {
    if (!Number.isInteger(b)) return undefined;
    if (b < 0) return a === 1 ? 1 : a === -1 ? (b % 2 ? -1 : 1) : a === 0 ? undefined : 0;
    return intOp(dtype, a, b, (x, y) => x ** y);
  }
  if (!isFloatDType(dtype)) return undefined;
  if (b === 1) return a;
  if (b === 2) return toDType(dtype, a * a);
  if (b === 3) return toDType(dtype, toDType(dtype, a * a)! * a);
  return undefined;
};

/** Round half to even (std::nearbyint in the default rounding mode), as ONNX Round does. */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** Element-wise one-input arithmetic; each returns the exact result for `toDType` to round. */
export type Fold1 = (x: number, dtype: DType) => number | undefined;

const floatOnly = (fn: (x: number) => number): Fold1 => (x, d) => (isFloatDType(d) ? toDType(d, fn(x)) : undefined);
const anyNumeric = (fn: (x: number) => number): Fold1 => (x, d) => (isIntDType(d) && !exact(x) ? undefined : toDType(d, fn(x)));

/** The one-input ops whose results are exact in every runtime (no libm approximations). */
export const UNARY_FOLDS: Readonly<Record<string, Fold1>> = {
  Neg: anyNumeric((x) => -x),
  Abs: anyNumeric(Math.abs),
  Relu: anyNumeric((x) => Math.max(x, 0)),
  Sign: anyNumeric(Math.sign),
  Sqrt: floatOnly(Math.sqrt),
  Ceil: floatOnly(Math.ceil),
  Floor: floatOnly(Math.floor),
  Round: floatOnly(roundHalfEven),
  Reciprocal: floatOnly((x) => 1 / x),
};

/** Cast of one folded value: float → integer truncates toward zero; out of range is undefined. */
export function castValue(v: number, from: DType, to: DType): number | undefined {
  if (to === 'bool') return v ? 1 : 0;
  if (isFloatDType(to)) return toDType(to, v);
  if (!isIntDType(to)) return undefined;
  if (!Number.isFinite(v)) return undefined;
  const t = Math.trunc(v);
  if (!isIntDType(from) && from !== 'bool') {
    // Float → integer out of the target's range is undefined behaviour in C++: not guessed.
    const [bits, signed] = INT_BITS[to]!;
    const lo = signed ? -(2 ** (bits - 1)) : 0;
    const hi = signed ? 2 ** (bits - 1) : 2 ** bits;
    if (t < lo || t >= hi) return undefined;
  }
  return toDType(to, t);
}

/** Map folded values through `fn`; undefined when any element is. */
export function mapFolded(values: readonly number[] | undefined, fn: (v: number) => number | undefined): number[] | undefined {
  if (!values) return undefined;
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    const r = fn(values[i]!);
    if (r === undefined) return undefined;
    out[i] = r;
  }
  return out;
}
