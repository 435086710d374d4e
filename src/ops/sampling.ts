/**
 * Ops that sample feature maps at computed positions, as detectors and spatial transformers
 * use them: GridSample, RoiAlign, and MaxUnpool (the inverse of a max pool).
 */
import { attrInt, attrInts, attrString, listString, type Dim } from '../ir/index.js';
import type { OpDef } from './types.js';
import { product } from './util.js';

/** Interpolation cost per output element: weights times neighbours, summed (2·2^d linear, 2·4^d cubic). */
function interpolationOps(mode: string, spatial: number): number {
  if (mode === 'nearest') return 1;
  if (mode === 'cubic' || mode === 'bicubic') return 2 * 4 ** spatial;
  return 2 * 2 ** spatial;
}

/** GridSample(X [N,C,D…], grid [N,D_out…,d]) → [N, C, D_out…]. */
const gridSample: OpDef = {
  opType: 'GridSample',
  since: 16,
  category: 'movement',
  infer(ctx) {
    const x = ctx.shape(0);
    const grid = ctx.shape(1);
    const spatial = x.length - 2;
    if (spatial < 1 || grid.length !== x.length) ctx.fail(`grid ${listString(grid)} must have the rank of X ${listString(x)}`);
    const last = grid[grid.length - 1];
    if (typeof last === 'number' && last !== spatial) ctx.fail(`grid ${listString(grid)} must end in ${spatial} coordinates`);
    if (typeof x[0] === 'number' && typeof grid[0] === 'number' && x[0] !== grid[0]) ctx.fail(`grid batch ${grid[0]} differs from X batch ${x[0]}`);
    return [{ dtype: ctx.dtype(0), shape: [x[0]!, x[1]!, ...grid.slice(1, -1)] }];
  },
  work(ctx) {
    const y = ctx.outputs[0];
    if (!y) return {};
    const mode = attrString(ctx.node, 'mode', ctx.opset >= 20 ? 'linear' : 'bilinear');
    // Plus the coordinate unnormalisation: 2 operations per spatial axis.
    return { elementwise: product(y) * (interpolationOps(mode, y.length - 2) + 2 * (y.length - 2)) };
  },
};

/** RoiAlign(X [N,C,H,W], rois [R,4], batch_indices [R]) → [R, C, output_height, output_width]. */
const roiAlign: OpDef = {
  opType: 'RoiAlign',
  since: 10,
  category: 'reduce',
  shapeInputs: [2],
  infer(ctx) {
    const x = ctx.shape(0);
    const rois = ctx.shape(1);
    if (x.length !== 4) ctx.fail(`X must be 4-D, got ${listString(x)}`);
    if (rois.length !== 2 || (typeof rois[1] === 'number' && rois[1] !== 4)) ctx.fail(`rois must be [num_rois, 4], got ${listString(rois)}`);
    const h = attrInt(ctx.node, 'output_height', 1);
    const w = attrInt(ctx.node, 'output_width', 1);
    return [{ dtype: ctx.dtype(0), shape: [rois[0]!, x[1]!, h, w] }];
  },
  /**
   * Each output element averages ratio² bilinear samples (4 weights × values + 3 adds, plus the
   * average). sampling_ratio 0 adapts to each RoI's size at run time; 2 per axis is assumed.
   */
  work(ctx) {
    const y = ctx.outputs[0];
    if (!y) return {};
    const ratio = attrInt(ctx.node, 'sampling_ratio', 0) || 2;
    return { flops: product(y) * ratio * ratio * 8 };
  },
};

/** MaxUnpool: output_shape when given, else (in − 1)·stride + kernel − pads per spatial axis. */
const maxUnpool: OpDef = {
  opType: 'MaxUnpool',
  since: 9,
  category: 'movement',
  shapeInputs: [2],
  infer(ctx) {
    const x = ctx.shape(0);
    if (ctx.has(2)) {
      const given = ctx.tryValues(2);
      // A runtime output_shape: the input's rank, every dim unknown.
      if (!given) return [{ dtype: ctx.dtype(0), shape: x.map((_, a) => `?${ctx.node.name}:0:${a}`) }];
      const out = given as number[];
      if (out.length !== x.length) ctx.fail(`output_shape ${listString(out)} must have ${x.length} values`);
      return [{ dtype: ctx.dtype(0), shape: out.slice() }];
    }
    const n = x.length - 2;
    const kernel = attrInts(ctx.node, 'kernel_shape') ?? ctx.fail("attribute 'kernel_shape' is missing");
    if (kernel.length !== n) ctx.fail(`kernel_shape ${listString(kernel)} must have ${n} values`);
    const strides = attrInts(ctx.node, 'strides') ?? kernel.map(() => 1);
    const pads = attrInts(ctx.node, 'pads') ?? new Array<number>(2 * n).fill(0);
    const shape: Dim[] = x.slice(0, 2);
    for (let i = 0; i < n; i++) {
      const d = x[i + 2]!;
      shape.push(typeof d === 'number' ? (d - 1) * strides[i]! + kernel[i]! - pads[i]! - pads[i + n]! : `?${ctx.node.name}:0:${i + 2}`);
    }
    return [{ dtype: ctx.dtype(0), shape }];
  },
};

export const samplingOps: OpDef<any>[] = [gridSample, roiAlign, maxUnpool];
