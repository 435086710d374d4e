/**
 * One-input element-wise ops: activations, math, Cast, Softmax. Each costs a fixed number of
 * operations per output element (1 unless noted) and moves input + output.
 */
import { dtypeFromOnnx, type Node } from '../ir/index.js';
import { attrInt, nodeFail } from './attrs.js';
import type { OpDef, OutputInfo } from './types.js';
import { broadcast, product, sameAsInput } from './util.js';

/** An element-wise op whose output has its first input's type and shape. */
function unary(opType: string, perElem = 1, since = 1): OpDef {
  return {
    opType,
    since,
    category: 'elementwise',
    infer: (ctx) => sameAsInput(ctx),
    work: (ctx) => (ctx.outputs[0] ? { elementwise: perElem * product(ctx.outputs[0]) } : {}),
  };
}

const simple = [
  'Relu', 'LeakyRelu', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Exp', 'Log', 'Sqrt', 'Abs', 'Neg',
  'Floor', 'Ceil', 'Round', 'Erf', 'Reciprocal', 'Sign', 'Elu', 'Selu', 'Celu', 'Softplus', 'Softsign',
  'ThresholdedRelu', 'Shrink', 'Sin', 'Cos', 'Tan', 'Asin', 'Acos', 'Atan', 'Sinh', 'Cosh', 'Asinh',
  'Acosh', 'Atanh', 'Mish', 'Gelu', 'Clip',
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

const not: OpDef = { ...unary('Not'), infer: (ctx) => [{ dtype: 'bool', shape: ctx.shape(0) }] };
const isNaN: OpDef = { ...unary('IsNaN'), infer: (ctx) => [{ dtype: 'bool', shape: ctx.shape(0) }] };

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
    const folded = ctx.folded(0);
    const to = ctx.attrs.to;
    const keep = folded && (/int/.test(to) || to === 'float32' || to === 'float64');
    return [{ dtype: to, shape: ctx.shape(0), folded: keep ? folded.map((v) => (/int/.test(to) ? Math.trunc(v) : v)) : undefined }];
  },
  work: (ctx) => (ctx.outputs[0] ? { elementwise: product(ctx.outputs[0]) } : {}),
};

const castLike: OpDef = {
  ...unary('CastLike', 1, 15),
  infer: (ctx) => [{ dtype: ctx.dtype(1), shape: ctx.shape(0) }],
};

export const unaryOps: OpDef<any>[] = [...simple, ...softmax, prelu, not, isNaN, cast, castLike];
