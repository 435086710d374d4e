/**
 * Pooling and reductions: MaxPool/AveragePool/LpPool (window geometry shared with Conv),
 * the global pools, Reduce*, ArgMax/ArgMin and LRN. Their arithmetic is counted in `flops`
 * (one operation per window element), not in madds or the element-wise column.
 */
import { attrInt, attrInts, listString, normAxis, type Dim, type Node } from '../ir/index.js';
import { readWindowAttrs, windowGeometry, type WindowAttrs } from './geometry.js';
import type { InferContext, OpDef, WorkContext } from './types.js';
import { batched, lengthOf, product, unknownDims } from './util.js';

interface PoolAttrs extends WindowAttrs {
  readonly kernel: readonly number[];
}

function parsePool(node: Node): PoolAttrs {
  const w = readWindowAttrs(node);
  const kernel = w.kernelShape;
  if (!kernel) throw new Error("attribute 'kernel_shape' is missing");
  return { kernelShape: w.kernelShape, strides: w.strides, dilations: w.dilations, pads: w.pads, autoPad: w.autoPad, kernel, ceilMode: attrInt(node, 'ceil_mode', 0) === 1 };
}

function pool(opType: string): OpDef<PoolAttrs> {
  return {
    opType,
    since: 1,
    category: 'reduce',
    parse: parsePool,
    infer(ctx) {
      const { batch, dims: x } = batched(ctx, 0);
      if (x.length < 3) ctx.fail(`input must have rank ≥ 3, got ${listString(x)}`);
      const g = windowGeometry(ctx.attrs, x.slice(2), ctx.attrs.kernel, ctx.fail);
      const shape = [batch, x[1]!, ...g.out];
      // MaxPool's optional second output holds int64 indices.
      return [{ dtype: ctx.dtype(0), shape }, { dtype: 'int64', shape }];
    },
    work: (ctx: WorkContext<PoolAttrs>) => (ctx.outputs[0] ? { flops: product(ctx.outputs[0]) * product(ctx.attrs.kernel) } : {}),
  };
}

function globalPool(opType: string): OpDef {
  return {
    opType,
    since: 1,
    category: 'reduce',
    infer(ctx) {
      const x = ctx.shape(0);
      if (x.length < 3) ctx.fail(`input must have rank ≥ 3, got ${listString(x)}`);
      return [{ dtype: ctx.dtype(0), shape: [x[0]!, x[1]!, ...x.slice(2).map(() => 1)] }];
    },
    work: (ctx) => (ctx.inputs[0] ? { flops: product(ctx.inputs[0]) } : {}),
  };
}

function reduceShape(ctx: InferContext<unknown>, axesIn: readonly number[] | undefined): Dim[] {
  const x = ctx.shape(0);
  const keep = attrInt(ctx.node, 'keepdims', 1) === 1;
  const noop = attrInt(ctx.node, 'noop_with_empty_axes', 0) === 1;
  if ((!axesIn || axesIn.length === 0) && noop) return x.slice();
  const axes = new Set((axesIn && axesIn.length ? axesIn : x.map((_, i) => i)).map((a) => normAxis(ctx.node, a, x.length)));
  const out: Dim[] = [];
  x.forEach((d, i) => {
    if (!axes.has(i)) out.push(d);
    else if (keep) out.push(1);
  });
  return out;
}

/** Integer reductions folded exactly (shape arithmetic: ReduceProd of dims is an element count). */
const INT_REDUCE: Record<string, (a: bigint, b: bigint) => bigint> = {
  ReduceProd: (a, b) => a * b,
  ReduceSum: (a, b) => a + b,
  ReduceMin: (a, b) => (a < b ? a : b),
  ReduceMax: (a, b) => (a > b ? a : b),
};

/** The folded result of an integer reduction over `axesIn` (all axes when empty), or undefined. */
function reduceFolded(ctx: InferContext<unknown>, opType: string, axesIn: readonly number[] | undefined, out: readonly Dim[]): number[] | undefined {
  const fn = INT_REDUCE[opType];
  const f = ctx.folded(0);
  const dtype = ctx.dtype(0);
  const x = ctx.shape(0);
  if (!fn || !f || (dtype !== 'int64' && dtype !== 'int32') || !x.every((d) => typeof d === 'number') || !out.every((d) => typeof d === 'number')) return undefined;
  if ((!axesIn || axesIn.length === 0) && attrInt(ctx.node, 'noop_with_empty_axes', 0) === 1) return f.slice();
  const dims = x as number[];
  const axes = new Set((axesIn && axesIn.length ? axesIn : dims.map((_, i) => i)).map((a) => normAxis(ctx.node, a, dims.length)));
  if (dims.some((d, i) => axes.has(i) && d === 0)) return undefined;
  const acc = new Map<number, bigint>();
  const idx = new Array<number>(dims.length).fill(0);
  for (let k = 0; k < f.length; k++) {
    let key = 0;
    for (let a = 0; a < dims.length; a++) if (!axes.has(a)) key = key * dims[a]! + idx[a]!;
    const v = BigInt(f[k]!);
    const prev = acc.get(key);
    acc.set(key, prev === undefined ? v : fn(prev, v));
    for (let a = dims.length - 1; a >= 0; a--) {
      if (++idx[a]! < dims[a]!) break;
      idx[a] = 0;
    }
  }
  const res: number[] = [];
  for (let key = 0; key < acc.size; key++) {
    const v = acc.get(key)!;
    // Beyond what a JS number holds exactly, or what int32 holds (the runtime would wrap): unknown.
    const limit = dtype === 'int32' ? 2n ** 31n : BigInt(Number.MAX_SAFE_INTEGER);
    if (v >= limit || v < -limit) return undefined;
    res.push(Number(v));
  }
  return res;
}

/** Reduce ops take `axes` as an attribute until `inputSince`, then as the second input. */
function reduce(opType: string, inputSince: number): OpDef[] {
  const work = (ctx: WorkContext<unknown>) => (ctx.inputs[0] ? { flops: product(ctx.inputs[0]) } : {});
  const infer = (ctx: InferContext<unknown>, axes: readonly number[] | undefined) => {
    const shape = reduceShape(ctx, axes);
    return [{ dtype: ctx.dtype(0), shape, folded: reduceFolded(ctx, opType, axes, shape) }];
  };
  return [
    { opType, since: 1, category: 'reduce', infer: (ctx) => infer(ctx, attrInts(ctx.node, 'axes')), work },
    {
      opType,
      since: inputSince,
      category: 'reduce',
      shapeInputs: [1],
      infer(ctx) {
        if (!ctx.has(1)) return infer(ctx, undefined);
        const axes = ctx.tryValues(1);
        if (axes) return infer(ctx, axes as number[]);
        // Runtime axes: keepdims keeps the rank; otherwise it drops by their count (none: all, or none with noop_with_empty_axes).
        const r = ctx.shape(0).length;
        const n = lengthOf(ctx, 1);
        const keep = attrInt(ctx.node, 'keepdims', 1) === 1;
        const rank = keep ? r : n > 0 ? r - n : attrInt(ctx.node, 'noop_with_empty_axes', 0) === 1 ? r : 0;
        if (rank < 0) ctx.fail(`${n} axes for rank ${r}`);
        return [{ dtype: ctx.dtype(0), shape: unknownDims(ctx, rank) }];
      },
      work,
    },
  ];
}

function arg(opType: string): OpDef {
  return {
    opType,
    since: 1,
    category: 'reduce',
    infer(ctx) {
      const x = ctx.shape(0);
      const axis = normAxis(ctx.node, attrInt(ctx.node, 'axis', 0), x.length);
      const keep = attrInt(ctx.node, 'keepdims', 1) === 1;
      const shape = keep ? x.map((d, i) => (i === axis ? 1 : d)) : x.filter((_, i) => i !== axis);
      return [{ dtype: 'int64', shape }];
    },
    work: (ctx) => (ctx.inputs[0] ? { flops: product(ctx.inputs[0]) } : {}),
  };
}

/** LRN: a sum of squares over `size` channels, then a power and a divide per element. */
const lrn: OpDef = {
  opType: 'LRN',
  since: 1,
  category: 'reduce',
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: ctx.shape(0) }],
  work: (ctx) => (ctx.outputs[0] ? { flops: product(ctx.outputs[0]) * (2 * attrInt(ctx.node, 'size', 1) + 3) } : {}),
};

export const poolOps: OpDef<any>[] = [
  pool('MaxPool'), pool('AveragePool'), pool('LpPool'),
  globalPool('GlobalAveragePool'), globalPool('GlobalMaxPool'), globalPool('GlobalLpPool'),
  ...reduce('ReduceSum', 13),
  ...['ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare'].flatMap((t) => reduce(t, 18)),
  arg('ArgMax'), arg('ArgMin'), lrn,
];
