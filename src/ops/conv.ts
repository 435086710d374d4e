/**
 * Conv, ConvInteger, QLinearConv: madds = N·∏out·c2·(c1/g)·∏k. The geometry also checks
 * C_in = W.shape[1]·group, which ONNX's own inference does not.
 */
import { attrInt, listString, nodeFail, type Node } from '../ir/index.js';
import { readWindowAttrs, windowGeometry, type Window, type WindowAttrs } from './geometry.js';
import type { ConvKind, OpDef, Work, WorkContext } from './types.js';
import { batched, product } from './util.js';

export interface ConvAttrs extends WindowAttrs {
  readonly group: number;
}

/** Everything about one convolution, in one flat record. */
export interface ConvGeometry extends Window {
  readonly batch: number;
  readonly cIn: number;
  readonly cOut: number;
  readonly group: number;
  readonly spatialIn: readonly number[];
  readonly kind: ConvKind;
}

export function parseConv(node: Node): ConvAttrs {
  const group = attrInt(node, 'group', 1);
  if (!Number.isSafeInteger(group) || group < 1) nodeFail(node)(`group must be a positive integer, got ${group}`);
  const w = readWindowAttrs(node);
  // onnxruntime refuses the pair for Conv and ConvTranspose (conv_attributes.h); pooling accepts it.
  if (w.autoPad !== 'NOTSET' && w.pads !== undefined) nodeFail(node)(`auto_pad ${w.autoPad} and pads ${listString(w.pads)} cannot both be set`);
  // Spelled out: object spread is a slow path in V8 and this runs once per conv.
  return { kernelShape: w.kernelShape, strides: w.strides, dilations: w.dilations, pads: w.pads, autoPad: w.autoPad, group };
}

export function convKind(cIn: number, group: number, kernel: readonly number[]): ConvKind {
  if (group > 1 && group === cIn) return 'depthwise';
  if (group > 1) return 'group';
  return kernel.every((k) => k === 1) ? 'pointwise' : 'standard';
}

/** Geometry of a forward convolution from X [N,C,…] and W [M, C/g, k…]. */
export function convGeometry(attrs: ConvAttrs, x: readonly number[], w: readonly number[], fail: (m: string) => never): ConvGeometry {
  if (x.length < 3) fail(`input must have rank ≥ 3 (N, C, spatial…), got ${listString(x)}`);
  if (w.length !== x.length) fail(`weights ${listString(w)} must have the input's rank ${x.length}`);
  const batch = x[0]!;
  const cIn = x[1]!;
  const cOut = w[0]!;
  const { group } = attrs;
  if (cIn !== w[1]! * group) {
    fail(`input has ${cIn} channels but weights ${listString(w)} with group ${group} expect ${w[1]! * group}`);
  }
  if (cOut % group !== 0) fail(`${cOut} output channels are not divisible by group ${group}`);
  const kernel = w.slice(2);
  const ks = attrs.kernelShape;
  if (ks && (ks.length !== kernel.length || ks.some((k, i) => k !== kernel[i]))) {
    fail(`kernel_shape ${listString(ks)} does not match weights ${listString(w)}`);
  }
  const spatialIn = x.slice(2);
  const win = windowGeometry(attrs, spatialIn, kernel, fail);
  return {
    kernel: win.kernel,
    strides: win.strides,
    dilations: win.dilations,
    effKernel: win.effKernel,
    padsBegin: win.padsBegin,
    padsEnd: win.padsEnd,
    out: win.out,
    batch,
    cIn,
    cOut,
    group,
    spatialIn,
    kind: convKind(cIn, group, kernel),
  };
}

/** Conv work from static shapes; `bias` is whether a bias add is part of the op. */
function convWork(ctx: WorkContext<ConvAttrs>, xIdx: number, wIdx: number, bias: boolean): Work {
  const x = ctx.inputs[xIdx];
  const w = ctx.inputs[wIdx];
  if (!x || !w) return {};
  const g = convGeometry(ctx.attrs, x, w, nodeFail(ctx.node));
  const outElems = g.batch * g.cOut * product(g.out);
  const madds = outElems * (g.cIn / g.group) * product(g.kernel);
  return { madds, flops: 2 * madds + (bias ? outElems : 0), kind: g.kind };
}

export const conv: OpDef<ConvAttrs> = {
  opType: 'Conv',
  since: 1,
  category: 'conv',
  params: [1, 2],
  parse: parseConv,
  infer(ctx) {
    const x = batched(ctx, 0);
    const g = convGeometry(ctx.attrs, x.dims, ctx.staticShape(1), ctx.fail);
    if (ctx.has(2)) {
      const b = ctx.staticShape(2);
      if (b.length !== 1 || b[0] !== g.cOut) ctx.fail(`bias ${listString(b)} must be [${g.cOut}]`);
    }
    return [{ dtype: ctx.dtype(0), shape: [x.batch, g.cOut, ...g.out] }];
  },
  work: (ctx) => convWork(ctx, 0, 1, ctx.inputs.length > 2 && !!ctx.inputs[2]),
};

export const convInteger: OpDef<ConvAttrs> = {
  opType: 'ConvInteger',
  since: 10,
  category: 'conv',
  params: [1],
  parse: parseConv,
  infer(ctx) {
    const x = batched(ctx, 0);
    const g = convGeometry(ctx.attrs, x.dims, ctx.staticShape(1), ctx.fail);
    return [{ dtype: 'int32', shape: [x.batch, g.cOut, ...g.out] }];
  },
  work: (ctx) => convWork(ctx, 0, 1, false),
};

/** Inputs: x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B. */
export const qlinearConv: OpDef<ConvAttrs> = {
  opType: 'QLinearConv',
  since: 10,
  category: 'conv',
  params: [3, 8],
  parse: parseConv,
  infer(ctx) {
    const x = batched(ctx, 0);
    const g = convGeometry(ctx.attrs, x.dims, ctx.staticShape(3), ctx.fail);
    return [{ dtype: ctx.has(7) ? ctx.dtype(7) : ctx.dtype(0), shape: [x.batch, g.cOut, ...g.out] }];
  },
  work: (ctx) => convWork(ctx, 0, 3, !!ctx.inputs[8]),
};

export const convOps: OpDef<any>[] = [conv, convInteger, qlinearConv];
