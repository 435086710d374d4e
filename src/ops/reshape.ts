/**
 * Ops that only change shape metadata (Reshape, Flatten, Squeeze, Unsqueeze, Identity,
 * inference-mode Dropout) and the data-movement ops Transpose, Expand, Tile, DepthToSpace.
 * View ops pass folded values through, so shape arithmetic survives them.
 */
import { isStatic, listString, type Dim, type Node } from '../ir/index.js';
import { foldBroadcast } from './binary.js';
import { divDim, productOfDims } from './symbolic.js';
import { attrInt, attrInts, attrString, normAxis } from '../ir/index.js';
import type { InferContext, OpDef, OutputInfo } from './types.js';
import { broadcast, lengthOf, product, unknownDims } from './util.js';

function view(opType: string, since: number, infer: OpDef['infer'], shapeInputs: number[] = []): OpDef {
  return { opType, since, category: 'view', shapeInputs, infer };
}

/**
 * Reshape target: 0 copies the input dim (unless allowzero), one −1 is inferred. Target dims may
 * be symbolic (shape values computed from a symbolic batch); −1 is then the input's product
 * divided by the target's (symbolic.ts: an input [N,64,7,7] to [N,−1] gives [N,3136]).
 */
function reshapeTo(ctx: InferContext<unknown>, target: readonly Dim[]): Dim[] {
  const x = ctx.shape(0);
  const allowZero = attrInt(ctx.node, 'allowzero', 0) === 1;
  const out: Dim[] = target.map((d, i) => (d === 0 && !allowZero ? (x[i] ?? ctx.fail(`shape ${listString(target)} copies dim ${i}, which the input ${listString(x)} lacks`)) : d));
  const minus = out.filter((d) => d === -1).length;
  if (minus > 1) ctx.fail(`shape ${listString(target)} has more than one -1`);
  if (out.some((d) => typeof d === 'number' && d < -1)) ctx.fail(`shape ${listString(target)} has an invalid dim`);
  if (minus === 1) {
    const at = out.indexOf(-1);
    const total = productOfDims(x);
    const known = productOfDims(out.filter((_, i) => i !== at));
    if (typeof total === 'number' && typeof known === 'number') {
      if (known === 0 || total % known !== 0) ctx.fail(`cannot reshape ${listString(x)} (${total} elements) to ${listString(target)}`);
      out[at] = total / known;
    } else {
      // Symbolic: the input's product divided by the target's, when it divides exactly.
      out[at] = (total !== undefined && known !== undefined ? divDim(total, known) : undefined) ?? `?${ctx.node.name}:0:${at}`;
    }
  } else if (out.every((d) => typeof d === 'number') && x.every((d) => typeof d === 'number')) {
    const a = product(x as number[]);
    const b = product(out as number[]);
    if (a !== b) ctx.fail(`cannot reshape ${listString(x)} (${a} elements) to ${listString(out)} (${b} elements)`);
  }
  return out;
}

/** Contents unchanged in row-major order: folded or symbolic values pass through. */
const pass = (ctx: InferContext<unknown>, shape: readonly Dim[]): OutputInfo[] => {
  const folded = ctx.folded(0);
  return [{ dtype: ctx.dtype(0), shape, folded, symbolic: folded ? undefined : ctx.dims(0) }];
};

const reshapeV1 = view('Reshape', 1, (ctx) => pass(ctx, reshapeTo(ctx, attrInts(ctx.node, 'shape') ?? ctx.fail("attribute 'shape' is missing"))));
const reshapeV5 = view('Reshape', 5, (ctx) => {
  const target = ctx.tryValues(1);
  return pass(ctx, target ? reshapeTo(ctx, target) : unknownDims(ctx, lengthOf(ctx, 1)));
}, [1]);

const flatten = view('Flatten', 1, (ctx) => {
  const x = ctx.shape(0);
  const axis = attrInt(ctx.node, 'axis', 1);
  const a = axis < 0 ? axis + x.length : axis;
  if (a < 0 || a > x.length) ctx.fail(`axis ${axis} is out of range for rank ${x.length}`);
  return pass(ctx, [productDim(ctx, x.slice(0, a), 0), productDim(ctx, x.slice(a), 1)]);
});

/** The product of dims (symbolic.ts), or an unknown dim named for the node. */
function productDim(ctx: InferContext<unknown>, dims: readonly Dim[], axis: number): Dim {
  return productOfDims(dims) ?? `?${ctx.node.name}:0:${axis}`;
}

function squeezeShape(ctx: InferContext<unknown>, axes: readonly number[] | undefined): Dim[] {
  const x = ctx.shape(0);
  if (!axes) return x.filter((d) => d !== 1);
  const drop = new Set(axes.map((a) => normAxis(ctx.node, a, x.length)));
  for (const a of drop) if (typeof x[a] === 'number' && x[a] !== 1) ctx.fail(`cannot squeeze axis ${a} of size ${x[a]}`);
  return x.filter((_, i) => !drop.has(i));
}

function unsqueezeShape(ctx: InferContext<unknown>, axes: readonly number[]): Dim[] {
  const x = ctx.shape(0);
  const rank = x.length + axes.length;
  const out = new Array<Dim | undefined>(rank);
  for (let k = 0; k < axes.length; k++) {
    const a = normAxis(ctx.node, axes[k]!, rank);
    if (out[a] !== undefined) ctx.fail(`axes ${listString(axes)} repeat`);
    out[a] = 1;
  }
  let j = 0;
  for (let i = 0; i < rank; i++) if (out[i] === undefined) out[i] = x[j++]!;
  return out as Dim[];
}

const squeezeV1 = view('Squeeze', 1, (ctx) => pass(ctx, squeezeShape(ctx, attrInts(ctx.node, 'axes'))));
const squeezeV13 = view('Squeeze', 13, (ctx) => {
  if (!ctx.has(1)) return pass(ctx, squeezeShape(ctx, undefined));
  const axes = ctx.tryValues(1);
  // Runtime axes: the rank drops by their count.
  return pass(ctx, axes ? squeezeShape(ctx, axes as number[]) : unknownDims(ctx, ctx.shape(0).length - lengthOf(ctx, 1)));
}, [1]);
const unsqueezeV1 = view('Unsqueeze', 1, (ctx) => pass(ctx, unsqueezeShape(ctx, attrInts(ctx.node, 'axes') ?? ctx.fail("attribute 'axes' is missing"))));
const unsqueezeV13 = view('Unsqueeze', 13, (ctx) => {
  const axes = ctx.tryValues(1);
  return pass(ctx, axes ? unsqueezeShape(ctx, axes as number[]) : unknownDims(ctx, ctx.shape(0).length + lengthOf(ctx, 1)));
}, [1]);
const identity = view('Identity', 1, (ctx) => pass(ctx, ctx.shape(0)));

/** Inference-mode Dropout is the identity; the optional mask output has the input's shape. */
const dropout = view('Dropout', 1, (ctx) => [...pass(ctx, ctx.shape(0)), { dtype: ctx.opset >= 10 ? 'bool' : ctx.dtype(0), shape: ctx.shape(0) }], [1, 2]);

const transpose: OpDef = {
  opType: 'Transpose',
  since: 1,
  category: 'movement',
  infer(ctx) {
    const x = ctx.shape(0);
    const perm = attrInts(ctx.node, 'perm') ?? x.map((_, i) => x.length - 1 - i);
    if (perm.length !== x.length || new Set(perm).size !== perm.length || perm.some((p) => p < 0 || p >= x.length)) {
      ctx.fail(`perm ${listString(perm)} is not a permutation of ${x.length} axes`);
    }
    const shape = perm.map((p) => x[p]!);
    return [{ dtype: ctx.dtype(0), shape, folded: x.length <= 1 ? ctx.folded(0) : transposeFolded(ctx.folded(0), x, perm) }];
  },
};

/** Small folded contents permuted (PyTorch's pad list goes through Reshape → flip → Transpose). */
function transposeFolded(f: readonly number[] | undefined, x: readonly Dim[], perm: readonly number[]): number[] | undefined {
  if (!f || !x.every((d) => typeof d === 'number')) return undefined;
  const dims = x as number[];
  const rank = dims.length;
  const stride = new Array<number>(rank);
  for (let a = rank - 1, s = 1; a >= 0; s *= dims[a]!, a--) stride[a] = s;
  const out = new Array<number>(f.length);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < f.length; o++) {
    let src = 0;
    for (let a = 0; a < rank; a++) src += idx[a]! * stride[perm[a]!]!;
    out[o] = f[src]!;
    for (let a = rank - 1; a >= 0; a--) {
      if (++idx[a]! < dims[perm[a]!]!) break;
      idx[a] = 0;
    }
  }
  return out;
}

const expand: OpDef = {
  opType: 'Expand',
  since: 8,
  category: 'movement',
  shapeInputs: [1],
  infer(ctx) {
    const x = ctx.shape(0);
    // A runtime target: its dims unknown, broadcast against x's (x's wins where it is not 1).
    const shape = broadcast([x, ctx.tryValues(1) ?? unknownDims(ctx, lengthOf(ctx, 1))], ctx.fail);
    const f = ctx.folded(0);
    // Small values broadcast (PyTorch's expand(n, -1, -1) of shape arithmetic).
    const folded = f && isStatic(shape) && product(shape as number[]) <= 64 ? foldBroadcast([x], [f], shape, (xs) => xs[0]) : undefined;
    return [{ dtype: ctx.dtype(0), shape, folded }];
  },
};

const tile: OpDef = {
  opType: 'Tile',
  since: 6,
  category: 'movement',
  shapeInputs: [1],
  infer(ctx) {
    const r = ctx.tryValues(1);
    if (!r || r.some((d) => typeof d !== 'number')) return [{ dtype: ctx.dtype(0), shape: unknownDims(ctx, ctx.shape(0).length) }];
    const x = ctx.staticShape(0);
    if (r.length !== x.length) ctx.fail(`repeats ${listString(r)} must have ${x.length} values`);
    const shape = x.map((d, i) => d * (r[i] as number));
    const f = ctx.folded(0);
    let folded: number[] | undefined;
    if (f && product(shape) <= 64) {
      // Output index → input index: each axis modulo its input dim.
      folded = new Array<number>(product(shape));
      const idx = new Array<number>(shape.length).fill(0);
      for (let o = 0; o < folded.length; o++) {
        let src = 0;
        for (let a = 0; a < shape.length; a++) src = src * x[a]! + (idx[a]! % x[a]!);
        folded[o] = f[src]!;
        for (let a = shape.length - 1; a >= 0; a--) {
          if (++idx[a]! < shape[a]!) break;
          idx[a] = 0;
        }
      }
    }
    return [{ dtype: ctx.dtype(0), shape, folded }];
  },
};

function spaceDepth(opType: 'DepthToSpace' | 'SpaceToDepth'): OpDef {
  return {
    opType,
    since: 1,
    category: 'movement',
    parse: (node: Node) => ({ b: attrInt(node, 'blocksize', 0), mode: attrString(node, 'mode', 'DCR') }),
    infer(ctx) {
      const [n, c, h, w] = ctx.staticShape(0) as [number, number, number, number];
      const b = (ctx.attrs as { b: number }).b;
      if (b < 1) ctx.fail('blocksize must be positive');
      if (opType === 'DepthToSpace') {
        if (c % (b * b)) ctx.fail(`${c} channels are not divisible by blocksize² ${b * b}`);
        return [{ dtype: ctx.dtype(0), shape: [n, c / (b * b), h * b, w * b] }];
      }
      if (h % b || w % b) ctx.fail(`spatial size ${h}x${w} is not divisible by blocksize ${b}`);
      return [{ dtype: ctx.dtype(0), shape: [n, c * b * b, h / b, w / b] }];
    },
  };
}

export const reshapeOps: OpDef<any>[] = [
  reshapeV1, reshapeV5, flatten, squeezeV1, squeezeV13, unsqueezeV1, unsqueezeV13, identity, dropout,
  transpose, expand, tile, spaceDepth('DepthToSpace'), spaceDepth('SpaceToDepth'),
];
