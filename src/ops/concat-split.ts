/** Concat and Split: pure data movement along one axis. */
import { attrInt, attrInts, listString, normAxis, type Dim } from '../ir/index.js';
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
    const folded = !vals.every((v) => v) ? undefined : rank === 1 ? vals.flatMap((v) => v!) : concatFolded(vals as (readonly number[])[], shapes, axis);
    if (folded || rank !== 1) return [{ dtype: ctx.dtype(0), shape: out, folded }];
    // Shape values with symbolic elements ([N] ++ [-1] for PyTorch's view(x.size(0), -1)).
    const dims = Array.from({ length: n }, (_, i) => ctx.dims(i));
    return [{ dtype: ctx.dtype(0), shape: out, symbolic: dims.every((v) => v) ? dims.flatMap((v) => v!) : undefined }];
  },
};

/** Small folded contents joined on any axis: outer blocks of each input in turn. */
function concatFolded(vals: readonly (readonly number[])[], shapes: readonly (readonly Dim[])[], axis: number): number[] | undefined {
  if (!shapes.every((s) => s.every((d) => typeof d === 'number'))) return undefined;
  const outer = (shapes[0] as number[]).slice(0, axis).reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < vals.length; i++) {
      const block = (shapes[i] as number[]).slice(axis).reduce((a, b) => a * b, 1);
      for (let k = 0; k < block; k++) out.push(vals[i]![o * block + k]!);
    }
  }
  return out;
}

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
    const xs = ctx.shape(0);
    const axis = normAxis(ctx.node, attrInt(ctx.node, 'axis', 0), xs.length);
    if (ctx.opset >= 13 && ctx.has(1) && !ctx.tryValues(1)) {
      // Runtime split sizes: every output keeps the input's dims but the split axis.
      return ctx.node.outputs.map((_, k) => ({ dtype: ctx.dtype(0), shape: xs.map((d, a) => (a === axis ? `?${ctx.node.name}:${k}:${a}` : d)) }));
    }
    const x = ctx.staticShape(0);
    const sizes = splitSizes(ctx, x[axis]!);
    return sizes.map((s) => {
      const shape = x.slice();
      shape[axis] = s;
      return { dtype: ctx.dtype(0), shape };
    });
  },
};

export const concatSplitOps: OpDef<any>[] = [concat, split];
