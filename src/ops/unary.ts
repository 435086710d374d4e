/**
 * One-input element-wise ops: activations, math, Cast, Softmax. Each costs a fixed number of
 * operations per output element (1 unless noted) and moves input + output.
 */
import { dtypeFromOnnx, type Node } from '../ir/index.js';
import { attrFloat, attrInt, nodeFail } from './attrs.js';
import { UNARY_FOLDS, castValue, mapFolded, toDType } from './fold.js';
import type { OpDef, OutputInfo } from './types.js';
import { broadcast, product, sameAsInput } from './util.js';

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

/** Clip's min/max and PRelu's slope are tiny; the slope is a trainable parameter. */
const prelu: OpDef = {
  opType: 'PRelu',
  since: 1,
  category: 'elementwise',
  params: [1],
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: broadcast([ctx.shape(0), ctx.shape(1)], ctx.fail) }],
  work: (ctx) => (ctx.outputs[0] ? { elementwise: product(ctx.outputs[0]) } : {}),
};

const not: OpDef = { ...unary('Not'), infer: (ctx) => [{ dtype: 'bool', shape: ctx.shape(0), folded: mapFolded(ctx.folded(0), (x) => (x ? 0 : 1)) }] };
const isNaN: OpDef = { ...unary('IsNaN'), infer: (ctx) => [{ dtype: 'bool', shape: ctx.shape(0), folded: mapFolded(ctx.folded(0), (x) => +Number.isNaN(x)) }] };

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
    return [{ dtype: to, shape: ctx.shape(0), folded: mapFolded(ctx.folded(0), (v) => castValue(v, from, to)) }];
  },
  work: (ctx) => (ctx.outputs[0] ? { elementwise: product(ctx.outputs[0]) } : {}),
};

const castLike: OpDef = {
  ...unary('CastLike', 1, 15),
  infer: (ctx) => [{ dtype: ctx.dtype(1), shape: ctx.shape(0) }],
};

export const unaryOps: OpDef<any>[] = [...simple, clip, ...softmax, prelu, not, isNaN, cast, castLike];
