/** Data-dependent ops: their output sizes are unknown until run, so dims get placeholder names. */
import { attrInt, normAxis } from '../ir/index.js';
import type { OpDef } from './types.js';
import { dataDim } from './util.js';

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

export const miscOps: OpDef<any>[] = [nonZero, topK, nonMaxSuppression];
