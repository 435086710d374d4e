/**
 * Index-driven ops: GatherND, ScatterND, ScatterElements (and the old Scatter), OneHot, and
 * the masks and running sums Trilu, EyeLike, CumSum. Shapes follow the ONNX spec; gathers and
 * scatters move data (no arithmetic), CumSum adds once per element.
 */
import { attrInt, dtypeFromOnnx, listString, normAxis } from '../ir/index.js';
import type { OpDef } from './types.js';
import { product } from './util.js';

const perElem = (n: number) => (ctx: { outputs: readonly (readonly number[] | undefined)[] }) => {
  const y = ctx.outputs[0];
  return y ? { elementwise: n * product(y) } : {};
};

/** GatherND: indices[:-1] followed by data[batch_dims + indices[-1]:]. */
const gatherND: OpDef = {
  opType: 'GatherND',
  since: 11,
  category: 'movement',
  shapeInputs: [1],
  infer(ctx) {
    const data = ctx.shape(0);
    const idx = ctx.shape(1);
    const b = ctx.opset >= 12 ? attrInt(ctx.node, 'batch_dims', 0) : 0;
    const last = idx[idx.length - 1];
    if (idx.length < 1) ctx.fail('indices must have rank ≥ 1');
    if (typeof last !== 'number') return [{ dtype: ctx.dtype(0), shape: undefined }];
    if (b < 0 || b >= Math.min(data.length, idx.length)) ctx.fail(`batch_dims ${b} must be below the ranks of data and indices`);
    if (b + last > data.length) ctx.fail(`indices ${listString(idx)} index ${last} axes past batch_dims ${b} of data ${listString(data)}`);
    return [{ dtype: ctx.dtype(0), shape: [...idx.slice(0, -1), ...data.slice(b + last)] }];
  },
};

/** Scatters write updates into a copy of data: the output is data's type and shape. */
function scatter(opType: string, since: number): OpDef {
  return {
    opType,
    since,
    category: 'movement',
    shapeInputs: [1],
    infer: (ctx) => [{ dtype: ctx.dtype(0), shape: ctx.shape(0) }],
  };
}

/** OneHot(indices, depth, values): depth inserted at `axis` (default −1, innermost); values' type. */
const oneHot: OpDef = {
  opType: 'OneHot',
  since: 9,
  category: 'movement',
  shapeInputs: [1],
  infer(ctx) {
    const idx = ctx.shape(0);
    const axis = normAxis(ctx.node, attrInt(ctx.node, 'axis', -1), idx.length + 1);
    const given = ctx.tryValues(1);
    // A runtime depth: one unknown dim at the axis.
    if (!given) return [{ dtype: ctx.dtype(2), shape: [...idx.slice(0, axis), `?${ctx.node.name}:0:${axis}`, ...idx.slice(axis)] }];
    const depthValues = given as number[];
    if (depthValues.length !== 1) ctx.fail(`depth must hold one value, got ${listString(depthValues)}`);
    // A non-integer depth is cast to int64 (truncated) before use.
    const depth = Math.trunc(depthValues[0]!);
    if (!(depth >= 1)) ctx.fail(`depth must be positive, got ${depthValues[0]}`);
    const shape = [...idx.slice(0, axis), depth, ...idx.slice(axis)];
    return [{ dtype: ctx.dtype(2), shape }];
  },
};

const trilu: OpDef = {
  opType: 'Trilu',
  since: 14,
  category: 'movement',
  shapeInputs: [1],
  infer(ctx) {
    const x = ctx.shape(0);
    if (x.length < 2) ctx.fail(`input must have rank ≥ 2, got ${listString(x)}`);
    return [{ dtype: ctx.dtype(0), shape: x }];
  },
};

/** EyeLike: a 2-D identity of the input's shape, in `dtype` (default the input's). */
const eyeLike: OpDef = {
  opType: 'EyeLike',
  since: 9,
  category: 'shape',
  infer(ctx) {
    const x = ctx.shape(0);
    if (x.length !== 2) ctx.fail(`input must be 2-D, got ${listString(x)}`);
    const code = attrInt(ctx.node, 'dtype');
    const dtype = code === undefined ? ctx.dtype(0) : (dtypeFromOnnx(code) ?? ctx.fail(`dtype ${code} is not a known type`));
    return [{ dtype, shape: x }];
  },
};

const cumSum: OpDef = {
  opType: 'CumSum',
  since: 11,
  category: 'elementwise',
  shapeInputs: [1],
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: ctx.shape(0) }],
  work: perElem(1),
};

/** ReverseSequence reverses each batch entry's first seq_lens[i] steps: data's shape. */
const reverseSequence: OpDef = {
  opType: 'ReverseSequence',
  since: 10,
  category: 'movement',
  shapeInputs: [1],
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: ctx.shape(0) }],
};

export const indexingOps: OpDef<any>[] = [reverseSequence, 
  gatherND, scatter('ScatterND', 11), scatter('ScatterElements', 11), scatter('Scatter', 9), oneHot, trilu, eyeLike, cumSum,
];
