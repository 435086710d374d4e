/**
 * Data-dependent ops: their output sizes are unknown until run, so dims get placeholder names;
 * where the deciding values are known at analysis time (a constant Compress condition, a folded
 * Unique input) the sizes are computed.
 */
import { attrInt, normAxis } from '../ir/index.js';
import type { InferContext, OpDef } from './types.js';
import { dataDim, product } from './util.js';

/** Small contents of input `i`, bool constants included (folding skips them). */
function contents(ctx: InferContext<unknown>, i: number): readonly number[] | undefined {
  const f = ctx.folded(i);
  if (f) return f;
  const t = ctx.constant(i);
  return t && t.isInline && t.numel <= 4096 ? t.toNumbers() : undefined;
}

/** The `axis` attribute normalised, or undefined when absent (the op then works on the flattened input). */
function optionalAxis(ctx: InferContext<unknown>, rank: number): number | undefined {
  const a = attrInt(ctx.node, 'axis');
  return a === undefined ? undefined : normAxis(ctx.node, a, rank);
}

/** Compress: the slices (along `axis`, or elements of the flattened input) whose condition is true. */
const compress: OpDef = {
  opType: 'Compress',
  since: 9,
  category: 'movement',
  infer(ctx) {
    const x = ctx.shape(0);
    const axis = optionalAxis(ctx, x.length);
    const cond = contents(ctx, 1);
    const len = axis === undefined ? (x.every((d) => typeof d === 'number') ? product(x as number[]) : undefined) : x[axis];
    let count: number | string = dataDim(ctx.node.name, 0, axis ?? 0);
    if (cond && typeof len === 'number') {
      // ONNX: a condition shorter than the axis selects only among its first elements.
      if (cond.length > len) ctx.fail(`condition has ${cond.length} values for ${len} elements`);
      count = cond.filter((c) => c !== 0).length;
    }
    if (axis === undefined) return [{ dtype: ctx.dtype(0), shape: [count] }];
    return [{ dtype: ctx.dtype(0), shape: x.map((d, a) => (a === axis ? count : d)) }];
  },
};

/** Unique: Y, indices, inverse_indices, counts; the number of distinct values (or slices) is data-dependent. */
const unique: OpDef = {
  opType: 'Unique',
  since: 11,
  category: 'movement',
  infer(ctx) {
    const x = ctx.shape(0);
    const axis = optionalAxis(ctx, x.length);
    const f = axis === undefined ? ctx.folded(0) : undefined;
    const u = f ? new Set(f).size : dataDim(ctx.node.name, 0, axis ?? 0);
    const numel = x.every((d) => typeof d === 'number') ? product(x as number[]) : dataDim(ctx.node.name, 2, 0);
    const y = axis === undefined ? [u] : x.map((d, a) => (a === axis ? u : d));
    return [
      { dtype: ctx.dtype(0), shape: y },
      { dtype: 'int64', shape: [u] },
      { dtype: 'int64', shape: [axis === undefined ? numel : x[axis]!] },
      { dtype: 'int64', shape: [u] },
    ];
  },
};

const nonZero: OpDef = {
  opType: 'NonZero',
  since: 9,
  category: 'movement',
  infer: (ctx) => [{ dtype: 'int64', shape: [ctx.shape(0).length, dataDim(ctx.node.name, 0, 1)] }],
};

const topK: OpDef = {
  opType: 'TopK',
  since: 1,
  category: 'reduce',
  shapeInputs: [1],
  infer(ctx) {
    const x = ctx.shape(0);
    const axis = normAxis(ctx.node, attrInt(ctx.node, 'axis', -1), x.length);
    const k = ctx.opset >= 10 ? ctx.folded(1)?.[0] : attrInt(ctx.node, 'k');
    const shape = x.map((d, i) => (i === axis ? (k ?? dataDim(ctx.node.name, 0, i)) : d));
    return [{ dtype: ctx.dtype(0), shape }, { dtype: 'int64', shape }];
  },
};

const nonMaxSuppression: OpDef = {
  opType: 'NonMaxSuppression',
  since: 10,
  category: 'reduce',
  shapeInputs: [2, 3, 4],
  infer: (ctx) => [{ dtype: 'int64', shape: [dataDim(ctx.node.name, 0, 0), 3] }],
};

export const miscOps: OpDef<any>[] = [nonZero, topK, nonMaxSuppression, compress, unique];
