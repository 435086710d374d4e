/** Pad, Resize and Upsample: data movement that changes spatial size. */
import { attrFloats, attrInts, attrString, listString, normAxis, type Dim } from '../ir/index.js';
import type { InferContext, OpDef } from './types.js';
import { unknownDims } from './util.js';

function padShape(ctx: InferContext<unknown>, pads: readonly number[], axesIn?: readonly number[]): Dim[] {
  const x = ctx.shape(0);
  const axes = axesIn ? axesIn.map((a) => normAxis(ctx.node, a, x.length)) : x.map((_, i) => i);
  if (pads.length !== 2 * axes.length) ctx.fail(`pads must have ${2 * axes.length} values, got ${listString(pads)}`);
  const out: Dim[] = x.slice();
  axes.forEach((a, i) => {
    const d = x[a]!;
    const total = pads[i]! + pads[i + axes.length]!;
    out[a] = typeof d === 'number' ? d + total : total === 0 ? d : `?${ctx.node.name}:0:${a}`;
    if (typeof out[a] === 'number' && (out[a] as number) < 0) ctx.fail(`pads ${listString(pads)} leave a negative size on axis ${a}`);
  });
  return out;
}

const padV2: OpDef = {
  opType: 'Pad',
  since: 1,
  category: 'movement',
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: padShape(ctx, attrInts(ctx.node, 'pads') ?? attrInts(ctx.node, 'paddings') ?? ctx.fail("attribute 'pads' is missing")) }],
};

const padV11: OpDef = {
  opType: 'Pad',
  since: 11,
  category: 'movement',
  shapeInputs: [1, 3],
  infer(ctx) {
    const pads = ctx.tryValues(1);
    const axes = ctx.has(3) ? ctx.tryValues(3) : undefined;
    if (!pads || pads.some((d) => typeof d !== 'number') || (ctx.has(3) && (!axes || axes.some((d) => typeof d !== 'number')))) {
      return [{ dtype: ctx.dtype(0), shape: unknownDims(ctx, ctx.shape(0).length) }];
    }
    return [{ dtype: ctx.dtype(0), shape: padShape(ctx, pads as number[], axes as number[] | undefined) }];
  },
};

/**
 * Output size from scales as onnxruntime computes it (upsamplebase.h, ComputeOutputShape):
 * `static_cast<int64_t>(scale * in)` with a float scale, so the product is rounded to float32
 * before it is truncated (scale 0.7 on 10: 6.99999988 in double, 7 in float32).
 */
function scaled(ctx: InferContext<unknown>, scales: readonly number[], axesIn?: readonly number[], min = 0): Dim[] {
  const x = ctx.shape(0);
  const axes = axesIn ? axesIn.map((a) => normAxis(ctx.node, a, x.length)) : x.map((_, i) => i);
  if (scales.length !== axes.length) ctx.fail(`scales ${listString(scales)} must have ${axes.length} values`);
  const out = x.slice();
  axes.forEach((a, i) => {
    const s = Math.fround(scales[i]!);
    if (!(s > min) && !(min > 0 && s === min)) ctx.fail(`scales ${listString(scales)} must be ${min ? `at least ${min}` : 'positive'}`);
    const d = x[a]!;
    // A symbolic dim (the batch) keeps its name under scale 1; under any other scale the output needs its value.
    if (typeof d !== 'number') out[a] = s === 1 ? d : ctx.staticShape(0)[a]!;
    else out[a] = Math.trunc(Math.fround(Math.fround(d) * s));
  });
  return out;
}

function sized(ctx: InferContext<unknown>, sizes: readonly number[], axesIn?: readonly number[]): Dim[] {
  const x = ctx.shape(0);
  const axes = axesIn ? axesIn.map((a) => normAxis(ctx.node, a, x.length)) : x.map((_, i) => i);
  if (sizes.length !== axes.length) ctx.fail(`sizes ${listString(sizes)} must have ${axes.length} values`);
  const policy = attrString(ctx.node, 'keep_aspect_ratio_policy', 'stretch');
  const out: Dim[] = x.slice();
  if (policy === 'stretch') {
    axes.forEach((a, i) => (out[a] = sizes[i]!));
    return out;
  }
  // onnxruntime: float scales size/in, the policy's min or max, then std::round(scale · in) in float32.
  const xs = ctx.staticShape(0);
  const ratios = axes.map((a, i) => Math.fround(Math.fround(sizes[i]!) / Math.fround(xs[a]!)));
  const r = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
  axes.forEach((a) => (out[a] = Math.round(Math.fround(r * Math.fround(xs[a]!)))));
  return out;
}

/** Output dims from input `i`'s scales, or as many unknown dims as the input has when the scales are a runtime value. */
function runtimeScales(ctx: InferContext<unknown>, i: number, fn: (scales: readonly number[]) => Dim[]): Dim[] {
  const s = ctx.tryValues(i);
  return s ? fn(s as number[]) : unknownDims(ctx, ctx.shape(0).length);
}

const resizeV10: OpDef = {
  opType: 'Resize',
  since: 10,
  category: 'movement',
  shapeInputs: [1],
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: runtimeScales(ctx, 1, (s) => scaled(ctx, s)) }],
};

/** Resize v11+: inputs X, roi, scales, sizes; `sizes` wins when given, an empty `scales` means absent. */
const resizeV11: OpDef = {
  opType: 'Resize',
  since: 11,
  category: 'movement',
  shapeInputs: [1, 2, 3],
  infer(ctx) {
    const axes = attrInts(ctx.node, 'axes');
    const unknown = [{ dtype: ctx.dtype(0), shape: unknownDims(ctx, ctx.shape(0).length) }];
    // Runtime sizes or scales (a 1-D input of unknown contents): the rank stays, the dims are unknown.
    const sizes = ctx.has(3) ? ctx.tryValues(3) : undefined;
    if (ctx.has(3) && (!sizes || sizes.some((d) => typeof d !== 'number'))) return unknown;
    if (sizes && sizes.length > 0) return [{ dtype: ctx.dtype(0), shape: sized(ctx, sizes as number[], axes) }];
    const scales = ctx.has(2) ? ctx.tryValues(2) as number[] | undefined : undefined;
    if (ctx.has(2) && !scales) return unknown;
    if (!scales || scales.length === 0) return ctx.fail('needs scales or sizes');
    return [{ dtype: ctx.dtype(0), shape: scaled(ctx, scales, axes) }];
  },
};

const upsampleV7: OpDef = {
  opType: 'Upsample',
  since: 7,
  category: 'movement',
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: scaled(ctx, attrFloats(ctx.node, 'scales') ?? ctx.fail("attribute 'scales' is missing"), undefined, 1) }],
};

const upsampleV9: OpDef = {
  opType: 'Upsample',
  since: 9,
  category: 'movement',
  shapeInputs: [1],
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: runtimeScales(ctx, 1, (s) => scaled(ctx, s, undefined, 1)) }],
};

export const padResizeOps: OpDef<any>[] = [padV2, padV11, resizeV10, resizeV11, upsampleV7, upsampleV9];
