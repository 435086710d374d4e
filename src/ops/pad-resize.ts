/** Pad, Resize and Upsample: data movement that changes spatial size. */
import { attrFloats, attrInts, attrString, listString, normAxis, type Dim } from '../ir/index.js';
import type { InferContext, OpDef } from './types.js';

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
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: padShape(ctx, ctx.values(1), ctx.has(3) ? ctx.values(3) : undefined) }],
};

/**
 * Output size from scales as onnxruntime computes it (upsamplebase.h, ComputeOutputShape):
 * `static_cast<int64_t>(scale * in)` with a float scale, so the product is rounded to float32
 * before it is truncated (scale 0.7 on 10: 6.99999988 in double, 7 in float32).
 */
function scaled(ctx: InferContext<unknown>, scales: readonly number[], axesIn?: readonly number[], min = 0): number[] {
  const x = ctx.staticShape(0);
  const axes = axesIn ? axesIn.map((a) => normAxis(ctx.node, a, x.length)) : x.map((_, i) => i);
  if (scales.length !== axes.length) ctx.fail(`scales ${listString(scales)} must have ${axes.length} values`);
  const out = x.slice();
  axes.forEach((a, i) => {
    const s = Math.fround(scales[i]!);
    if (!(s > min) && !(min > 0 && s === min)) ctx.fail(`scales ${listString(scales)} must be ${min ? `at least ${min}` : 'positive'}`);
    out[a] = Math.trunc(Math.fround(Math.fround(x[a]!) * s));
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

const resizeV10: OpDef = {
  opType: 'Resize',
  since: 10,
  category: 'movement',
  shapeInputs: [1],
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: scaled(ctx, ctx.values(1)) }],
};

/** Resize v11+: inputs X, roi, scales, sizes; `sizes` wins when given, an empty `scales` means absent. */
const resizeV11: OpDef = {
  opType: 'Resize',
  since: 11,
  category: 'movement',
  shapeInputs: [1, 2, 3],
  infer(ctx) {
    const axes = attrInts(ctx.node, 'axes');
    const sizes = ctx.has(3) ? ctx.values(3) : undefined;
    if (sizes && sizes.length > 0) return [{ dtype: ctx.dtype(0), shape: sized(ctx, sizes, axes) }];
    const scales = ctx.has(2) ? ctx.values(2) : undefined;
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
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: scaled(ctx, ctx.values(1), undefined, 1) }],
};

export const padResizeOps: OpDef<any>[] = [padV2, padV11, resizeV10, resizeV11, upsampleV7, upsampleV9];
