/** Concat and Split: pure data movement along one axis. */
import { listString, type Dim } from '../ir/index.js';
import { attrInt, attrInts, normAxis } from './attrs.js';
import type { InferContext, OpDef, OutputInfo } from './types.js';

export const concat: OpDef = {
  opType: 'Concat',
  since: 1,
  category: 'movement',
  infer(ctx) {
    const n = ctx.node.inputs.length;
    const shapes = Array.from({ length: n }, (_, i) => ctx.shape(i));
    const rank = shapes[0]!.length;
    const axis = normAxis(ctx.node, attrInt(ctx.node, 'axis', ctx.opset < 4 ? 1 : 0), rank);
    const out: Dim[] = shapes[0]!.slice();
    let sum: Dim = 0;
    shapes.forEach((s, i) => {
      if (s.length !== rank) ctx.fail(`input ${i} has rank ${s.length}, input 0 has ${rank}`);
      s.forEach((d, a) => {
        if (a !== axis && typeof d === 'number' && typeof out[a] === 'number' && d !== out[a]) {
          ctx.fail(`input ${i} ${listString(s)} differs from input 0 ${listString(shapes[0]!)} outside axis ${axis}`);
        }
      });
      const d = s[axis]!;
      sum = typeof sum === 'number' && typeof d === 'number' ? sum + d : `?${ctx.node.name}:0:${axis}`;
    });
    out[axis] = sum;
    const vals = Array.from({ length: n }, (_, i) => ctx.folded(i));
    const folded = rank === 1 && vals.every((v) => v) ? vals.flatMap((v) => v!) : undefined;
    return [{ dtype: ctx.dtype(0), shape: out, folded }];
  },
};

/** Split sizes from the `split` attribute (v1–v12), the second input (v13+), or num_outputs / equal parts. */
function splitSizes(ctx: InferContext<unknown>, len: number): number[] {
  const outputs = ctx.node.outputs.length;
  let sizes: readonly number[] | undefined = ctx.opset >= 13 || (ctx.opset < 2 && ctx.has(1)) ? (ctx.has(1) ? ctx.values(1) : undefined) : attrInts(ctx.node, 'split');
  if (sizes && sizes.length === 0) sizes = undefined;
  if (sizes) {
    if (sizes.length !== outputs) ctx.fail(`split ${listString(sizes)} has ${sizes.length} parts for ${outputs} outputs`);
    if (sizes.reduce((a, b) => a + b, 0) !== len) ctx.fail(`split ${listString(sizes)} does not add up to ${len}`);
    return sizes.slice();
  }
  const parts = attrInt(ctx.node, 'num_outputs', outputs);
  const chunk = Math.ceil(len / parts);
  // Equal parts; since opset 18 the last one may be smaller.
  return Array.from({ length: parts }, (_, i) => Math.min(chunk, len - chunk * i));
}

export const split: OpDef = {
  opType: 'Split',
  since: 1,
  category: 'movement',
  shapeInputs: [1],
  infer(ctx): OutputInfo[] {
    const x = ctx.staticShape(0);
    const axis = normAxis(ctx.node, attrInt(ctx.node, 'axis', 0), x.length);
    const sizes = splitSizes(ctx, x[axis]!);
    return sizes.map((s) => {
      const shape = x.slice();
      shape[axis] = s;
      return { dtype: ctx.dtype(0), shape };
    });
  },
};

export const concatSplitOps: OpDef<any>[] = [concat, split];
