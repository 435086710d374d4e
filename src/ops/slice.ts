/** Slice, Gather, GatherElements and the shape-producing Shape, Size, Range. */
import { attrInt, attrInts, listString, normAxis, type Dim } from '../ir/index.js';
import { add, sub } from './fold.js';
import type { InferContext, OpDef, OutputInfo } from './types.js';
import { lengthOf, product, unknownDims } from './util.js';

/** Clamp one Slice range the way ONNX does and return its length. */
function sliceLen(dim: number, start: number, end: number, step: number): [number, number] {
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  let s = start < 0 ? start + dim : start;
  let e = end < 0 ? end + dim : end;
  if (step > 0) {
    s = clamp(s, 0, dim);
    e = clamp(e, 0, dim);
  } else {
    s = clamp(s, 0, dim - 1);
    e = clamp(e, -1, dim - 1);
  }
  return [s, Math.max(0, Math.ceil((e - s) / step))];
}

function sliceInfer(ctx: InferContext<unknown>, starts: readonly number[], ends: readonly number[], axesIn?: readonly number[], stepsIn?: readonly number[]) {
  const x = ctx.shape(0);
  const axes = axesIn ?? starts.map((_, i) => i);
  const steps = stepsIn ?? starts.map(() => 1);
  if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) {
    ctx.fail(`starts ${listString(starts)}, ends ${listString(ends)}, axes and steps must have equal lengths`);
  }
  const out: Dim[] = x.slice();
  // Per axis: first index and step (axes not sliced: 0 and 1).
  const first = x.map(() => 0);
  const stride = x.map(() => 1);
  axes.forEach((a, i) => {
    const axis = normAxis(ctx.node, a, x.length);
    const d = x[axis]!;
    if (steps[i] === 0) ctx.fail('steps must not be 0');
    if (typeof d !== 'number') {
      out[axis] = `?${ctx.node.name}:0:${axis}`;
      return;
    }
    const [s, len] = sliceLen(d, starts[i]!, ends[i]!, steps[i]!);
    out[axis] = len;
    first[axis] = s;
    stride[axis] = steps[i]!;
  });
  const folded = sliceFolded(ctx.folded(0), x, out, first, stride);
  return [{ dtype: ctx.dtype(0), shape: out, folded, symbolic: folded ? undefined : sliceFolded(ctx.dims(0), x, out, first, stride) }];
}

/** Small folded contents sliced on any axes (PyTorch flips its pad pairs with a step −1 Slice). */
function sliceFolded<T>(f: readonly T[] | undefined, x: readonly Dim[], out: readonly Dim[], first: readonly number[], step: readonly number[]): T[] | undefined {
  if (!f || !x.every((d) => typeof d === 'number') || !out.every((d) => typeof d === 'number')) return undefined;
  const dims = x as number[];
  const od = out as number[];
  const rank = dims.length;
  if (rank === 0) return f.slice();
  const inStride = new Array<number>(rank);
  for (let a = rank - 1, m = 1; a >= 0; m *= dims[a]!, a--) inStride[a] = m;
  const n = product(od);
  const res = new Array<T>(n);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < n; o++) {
    let src = 0;
    for (let a = 0; a < rank; a++) src += (first[a]! + idx[a]! * step[a]!) * inStride[a]!;
    res[o] = f[src]!;
    for (let a = rank - 1; a >= 0; a--) {
      if (++idx[a]! < od[a]!) break;
      idx[a] = 0;
    }
  }
  return res;
}

/** An output whose contents are `values`: `folded` when all are numbers, else `symbolic`. */
export function numericOrSymbolic(dtype: OutputInfo['dtype'], shape: readonly Dim[], values: readonly Dim[] | undefined): OutputInfo {
  if (!values) return { dtype, shape };
  return values.every((d) => typeof d === 'number') ? { dtype, shape, folded: values as number[] } : { dtype, shape, symbolic: values };
}

const sliceV1: OpDef = {
  opType: 'Slice',
  since: 1,
  category: 'movement',
  infer: (ctx) => sliceInfer(ctx, attrInts(ctx.node, 'starts') ?? ctx.fail("attribute 'starts' is missing"), attrInts(ctx.node, 'ends') ?? ctx.fail("attribute 'ends' is missing"), attrInts(ctx.node, 'axes')),
};

const sliceV10: OpDef = {
  opType: 'Slice',
  since: 10,
  category: 'movement',
  shapeInputs: [1, 2, 3, 4],
  infer(ctx) {
    const starts = ctx.tryValues(1);
    const ends = ctx.tryValues(2);
    const axes = ctx.has(3) ? ctx.tryValues(3) : undefined;
    const steps = ctx.has(4) ? ctx.tryValues(4) : undefined;
    const all = [starts, ends, axes, steps];
    if (all.every((v, i) => (v !== undefined || (i >= 2 && !ctx.has(i + 1))) && (!v || v.every((d) => typeof d === 'number')))) {
      return sliceInfer(ctx, starts as number[], ends as number[], axes as number[] | undefined, steps as number[] | undefined);
    }
    // Runtime starts/ends/steps: the rank stays; axes not sliced keep their dims when the axes are known.
    const x = ctx.shape(0);
    const n = lengthOf(ctx, 1);
    const sliced = ctx.has(3) ? (axes && axes.every((d) => typeof d === 'number') ? (axes as number[]).map((a) => normAxis(ctx.node, a, x.length)) : undefined) : Array.from({ length: n }, (_, i) => i);
    const unknown = unknownDims(ctx, x.length);
    return [{ dtype: ctx.dtype(0), shape: sliced ? x.map((d, a) => (sliced.includes(a) ? unknown[a]! : d)) : unknown }];
  },
};

const gather: OpDef = {
  opType: 'Gather',
  since: 1,
  category: 'movement',
  shapeInputs: [1],
  infer(ctx) {
    const x = ctx.shape(0);
    const idx = ctx.shape(1);
    const axis = normAxis(ctx.node, attrInt(ctx.node, 'axis', 0), x.length);
    const shape = [...x.slice(0, axis), ...idx, ...x.slice(axis + 1)];
    // Folded (or symbolic: a Shape's [N,C,H,W]) 1-D data gathered at known indices.
    const data = ctx.dims(0);
    const indices = ctx.folded(1);
    let picked: Dim[] | undefined;
    if (data && indices && x.length === 1 && typeof x[0] === 'number') {
      const n = x[0];
      picked = indices.map((i) => {
        if (i < -n || i >= n) ctx.fail(`index ${i} is out of range for ${n} elements`);
        return data[i < 0 ? i + n : i]!;
      });
    }
    return [numericOrSymbolic(ctx.dtype(0), shape, picked)];
  },
};

const gatherElements: OpDef = {
  opType: 'GatherElements',
  since: 11,
  category: 'movement',
  shapeInputs: [1],
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: ctx.shape(1) }],
};

const shape: OpDef = {
  opType: 'Shape',
  since: 1,
  category: 'shape',
  infer(ctx) {
    const x = ctx.shape(0);
    const r = x.length;
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
    const start = clamp(attrInt(ctx.node, 'start', 0));
    const end = clamp(attrInt(ctx.node, 'end', r));
    const dims = x.slice(start, Math.max(start, end));
    return [numericOrSymbolic('int64', [dims.length], dims)];
  },
};

const size: OpDef = {
  opType: 'Size',
  since: 1,
  category: 'shape',
  infer(ctx) {
    const x = ctx.shape(0);
    const folded = x.every((d) => typeof d === 'number') ? [product(x as number[])] : undefined;
    return [{ dtype: 'int64', shape: [], folded }];
  },
};

const range: OpDef = {
  opType: 'Range',
  since: 11,
  category: 'shape',
  shapeInputs: [0, 1, 2],
  infer(ctx) {
    const [start, limit, delta] = [ctx.folded(0), ctx.folded(1), ctx.folded(2)];
    if (!start || !limit || !delta) return [{ dtype: ctx.dtype(0), shape: [`?${ctx.node.name}:0:0`] }];
    if (delta[0] === 0) ctx.fail('delta must not be 0');
    // onnxruntime (range.cc): n = ⌈(limit − start) / delta⌉ with the difference in the inputs' type
    // and the division in double; the values accumulate, value += delta, in that type.
    const d = ctx.dtype(0);
    const diff = sub(d, limit[0]!, start[0]!);
    if (diff === undefined) return [{ dtype: d, shape: [`?${ctx.node.name}:0:0`] }];
    const n = Math.max(0, Math.ceil(diff / delta[0]!));
    let folded: number[] | undefined;
    if (n <= 4096) {
      folded = new Array<number>(n);
      let v: number | undefined = start[0]!;
      for (let i = 0; i < n && v !== undefined; i++) {
        folded[i] = v;
        if (i + 1 < n) v = add(d, v, delta[0]!);
      }
      if (v === undefined) folded = undefined;
    }
    return [{ dtype: ctx.dtype(0), shape: [n], folded }];
  },
};

export const sliceOps: OpDef<any>[] = [sliceV1, sliceV10, gather, gatherElements, shape, size, range];
