/**
 * One-input element-wise ops: activations, math, Cast, Softmax. Each costs a fixed number of
 * operations per output element (1 unless noted) and moves input + output.
 */
import { dtypeFromOnnx, listString, type DType, type Dim, type Node } from '../ir/index.js';
import { attrFloat, attrInt, nodeFail } from '../ir/index.js';
import { UNARY_FOLDS, castValue, isIntDType, mapFolded, toDType } from './fold.js';
import type { OpDef, OutputInfo } from './types.js';
import { product, sameAsInput } from './util.js';

/**
 * An element-wise op whose output has its first input's type and shape; its folded values are
 * computed by UNARY_FOLDS when the op is there, else left unknown.
 */
function unary(opType: string, perElem = 1, since = 1): OpDef {
  const fold = UNARY_FOLDS[opType];
  return {
    opType,
    since,
    category: 'elementwise',
    infer(ctx) {
      const out = sameAsInput(ctx);
      if (fold) {
        const d = ctx.dtype(0);
        out[0]!.folded = mapFolded(ctx.folded(0), (x) => fold(x, d));
      }
      return out;
    },
    work: (ctx) => (ctx.outputs[0] ? { elementwise: perElem * product(ctx.outputs[0]) } : {}),
  };
}

/** Clip: bounds from attributes before opset 11, from optional inputs 1 and 2 since; min > max gives max. */
const clip: OpDef = {
  ...unary('Clip'),
  infer(ctx) {
    const d = ctx.dtype(0);
    const out = sameAsInput(ctx);
    let lo = -Infinity;
    let hi = Infinity;
    if (ctx.opset < 11) {
      lo = attrFloat(ctx.node, 'min', -Infinity);
      hi = attrFloat(ctx.node, 'max', Infinity);
    } else {
      const bound = (i: number, fallback: number) => (ctx.has(i) ? ctx.folded(i)?.[0] : fallback);
      const l = bound(1, -Infinity);
      const h = bound(2, Infinity);
      if (l === undefined || h === undefined) return out;
      lo = l;
      hi = h;
    }
    out[0]!.folded = mapFolded(ctx.folded(0), (x) => toDType(d, Math.min(hi, Math.max(x, lo))));
    return out;
  },
};

const simple = [
  'Relu', 'LeakyRelu', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Exp', 'Log', 'Sqrt', 'Abs', 'Neg',
  'Floor', 'Ceil', 'Round', 'Erf', 'Reciprocal', 'Sign', 'Elu', 'Selu', 'Celu', 'Softplus', 'Softsign',
  'ThresholdedRelu', 'Shrink', 'Sin', 'Cos', 'Tan', 'Asin', 'Acos', 'Atan', 'Sinh', 'Cosh', 'Asinh',
  'Acosh', 'Atanh', 'Mish', 'Gelu',
].map((t) => unary(t));

/** Softmax family: exponent, sum, divide. */
const softmax = ['Softmax', 'LogSoftmax', 'Hardmax'].map((t) => unary(t, 3));

/**
 * PRelu: the output has X's shape. Since opset 7 the slope broadcasts to X unidirectionally
 * (numpy rules, trailing axes); before, a slope of one value or of one value per channel
 * ([C] against X [N,C,…], as PyTorch exports nn.PReLU(C)) applies along axis 1.
 * The slope is a trainable parameter.
 */
const prelu: OpDef = {
  opType: 'PRelu',
  since: 1,
  category: 'elementwise',
  params: [1],
  infer(ctx) {
    const x = ctx.shape(0);
    const slope = ctx.shape(1);
    const show = () => `slope ${listString(slope)} does not broadcast to X ${listString(x)}`;
    if (ctx.opset < 7) {
      const n = slope.every((d) => typeof d === 'number') ? product(slope as number[]) : undefined;
      if (n === 1 || (slope.length === 1 && x.length >= 2 && slope[0] === x[1])) return [{ dtype: ctx.dtype(0), shape: x }];
    }
    if (slope.length > x.length) ctx.fail(show());
    slope.forEach((d, i) => {
      const xd = x[x.length - slope.length + i]!;
      if (d !== 1 && d !== xd && typeof d === 'number' && typeof xd === 'number') ctx.fail(show());
    });
    return [{ dtype: ctx.dtype(0), shape: x }];
  },
  work: (ctx) => (ctx.outputs[0] ? { elementwise: product(ctx.outputs[0]) } : {}),
};

const not: OpDef = { ...unary('Not'), infer: (ctx) => [{ dtype: 'bool', shape: ctx.shape(0), folded: mapFolded(ctx.folded(0), (x) => (x ? 0 : 1)) }] };
const isNaN: OpDef = { ...unary('IsNaN'), infer: (ctx) => [{ dtype: 'bool', shape: ctx.shape(0), folded: mapFolded(ctx.folded(0), (x) => +Number.isNaN(x)) }] };
const isInf: OpDef = { ...unary('IsInf', 1, 10), infer: (ctx) => [{ dtype: 'bool', shape: ctx.shape(0) }] };

interface CastAttrs {
  readonly to: NonNullable<OutputInfo['dtype']>;
}

const cast: OpDef<CastAttrs> = {
  opType: 'Cast',
  since: 1,
  category: 'elementwise',
  parse(node: Node) {
    const code = attrInt(node, 'to');
    const to = code === undefined ? undefined : dtypeFromOnnx(code);
    if (!to) return nodeFail(node)(`attribute 'to' is missing or not a known type (${code})`);
    return { to };
  },
  infer(ctx) {
    const to = ctx.attrs.to;
    const from = ctx.dtype(0);
    const folded = mapFolded(ctx.folded(0), (v) => castValue(v, from, to));
    // Symbolic dims (non-negative, < 2^31 in any real model) keep their value between integer types.
    const symbolic = !folded && isIntDType(from) && (to === 'int64' || to === 'int32') ? symbolicCast(ctx.dims(0), from, to) : undefined;
    return [{ dtype: to, shape: ctx.shape(0), folded, symbolic }];
  },
  work: (ctx) => (ctx.outputs[0] ? { elementwise: product(ctx.outputs[0]) } : {}),
};

function symbolicCast(dims: readonly Dim[] | undefined, from: DType, to: DType): Dim[] | undefined {
  return mapDims(dims, (d) => (typeof d === 'number' ? castValue(d, from, to) : d));
}

function mapDims(dims: readonly Dim[] | undefined, fn: (d: Dim) => Dim | undefined): Dim[] | undefined {
  if (!dims) return undefined;
  const out: Dim[] = [];
  for (let i = 0; i < dims.length; i++) {
    const r = fn(dims[i]!);
    if (r === undefined) return undefined;
    out.push(r);
  }
  return out;
}

const castLike: OpDef = {
  ...unary('CastLike', 1, 15),
  infer: (ctx) => [{ dtype: ctx.dtype(1), shape: ctx.shape(0) }],
};

export const unaryOps: OpDef<any>[] = [...simple, clip, ...softmax, prelu, not, isNaN, isInf, cast, castLike];
