/**
 * Broadcasting element-wise ops (Add, Mul, comparisons, Where, variadic Sum/Max/Min/Mean).
 * Small operands are folded, so shape arithmetic (`Shape → … → Mul → Reshape`) stays known;
 * each result is computed in the inputs' dtype as the runtime computes it (fold.ts).
 */
import { isStatic, type DType, type Dim, type Shape } from '../ir/index.js';
import { attrInt } from '../ir/index.js';
import { divDim, mulDim } from './symbolic.js';
import { add, div, isIntDType, mod, mul, pow, sub, type Fold2 } from './fold.js';
import type { InferContext, OpDef, OutputInfo } from './types.js';
import { broadcast, product } from './util.js';

/** Evaluate `fn` element-wise over broadcast folded operands (small tensors only); undefined when any result is. */
export function foldBroadcast(shapes: readonly Shape[], values: readonly (readonly number[])[], out: readonly Dim[], fn: (xs: number[]) => number | undefined): number[] | undefined {
  if (!isStatic(out) || !shapes.every(isStatic)) return undefined;
  const n = product(out as number[]);
  const result = new Array<number>(n);
  const strides = shapes.map((s) => {
    const st = new Array<number>(out.length).fill(0);
    let acc = 1;
    for (let i = s.length - 1; i >= 0; i--) {
      const axis = out.length - s.length + i;
      st[axis] = (s[i] as number) === 1 ? 0 : acc;
      acc *= s[i] as number;
    }
    return st;
  });
  const idx = new Array<number>(out.length).fill(0);
  for (let k = 0; k < n; k++) {
    const xs = values.map((v, j) => v[idx.reduce((s, x, a) => s + x * strides[j]![a]!, 0)]!);
    const r = fn(xs);
    if (r === undefined) return undefined;
    result[k] = r;
    for (let a = out.length - 1; a >= 0; a--) {
      if (++idx[a]! < (out[a] as number)) break;
      idx[a] = 0;
    }
  }
  return result;
}

/** A comparison: exact on numbers, except int64 operands beyond 2^53, which leannet does not hold exactly. */
const compare = (f: (a: number, b: number) => boolean): Fold2 => (d, a, b) =>
  isIntDType(d) && (!Number.isSafeInteger(a) || !Number.isSafeInteger(b)) ? undefined : +f(a, b);

/** Max and Min pick an operand, which the tensor already holds; NaN is left unknown. */
const pick = (f: (a: number, b: number) => number): Fold2 => (_d, a, b) => (Number.isNaN(a) || Number.isNaN(b) ? undefined : f(a, b));

const logic = (f: (a: boolean, b: boolean) => boolean): Fold2 => (_d, a, b) => +f(!!a, !!b);

/** Mod's `fmod` attribute: 0 (the default) takes the divisor's sign and is for integers only. */
function modFold(ctx: InferContext<unknown>): Fold2 {
  const fmod = attrInt(ctx.node, 'fmod', 0);
  if (fmod !== 0 && fmod !== 1) ctx.fail(`fmod must be 0 or 1, got ${fmod}`);
  if (fmod === 0 && !isIntDType(ctx.dtype(0))) ctx.fail(`fmod must be 1 for ${ctx.dtype(0)} inputs`);
  return mod(fmod === 1);
}

/** Output shape for legacy (opset < 7) broadcasting: B is broadcast onto A, so the output is A's shape. */
function legacyShape(ctx: InferContext<unknown>): Shape | undefined {
  if (ctx.opset >= 7 || ctx.node.inputs.length !== 2) return undefined;
  return attrInt(ctx.node, 'broadcast', 0) ? ctx.shape(0) : undefined;
}

function binary(opType: string, fn: Fold2 | ((ctx: InferContext<unknown>) => Fold2) | undefined, opts: { bool?: boolean; perElem?: number; ofCtx?: boolean } = {}): OpDef {
  return {
    opType,
    since: 1,
    category: 'elementwise',
    infer(ctx): OutputInfo[] {
      const n = ctx.node.inputs.length;
      const shapes = new Array<Shape>(n);
      const vals = new Array<readonly number[]>(n);
      const dtype = ctx.dtype(0);
      let allFolded = true;
      for (let i = 0; i < n; i++) {
        shapes[i] = ctx.shape(i);
        const d = ctx.dtype(i);
        if (d !== dtype && opType !== 'Pow' && opType !== 'BitShift') ctx.fail(`input types differ (${dtype} vs ${d})`);
        const v = ctx.folded(i);
        if (v) vals[i] = v;
        else allFolded = false;
      }
      const shape = legacyShape(ctx) ?? broadcast(shapes, ctx.fail);
      let folded: number[] | undefined;
      const f = opts.ofCtx ? (fn as (ctx: InferContext<unknown>) => Fold2)(ctx) : (fn as Fold2 | undefined);
      if (f && allFolded && isStatic(shape) && product(shape) <= 4096) {
        folded = foldBroadcast(shapes, vals, shape, (xs) => {
          let acc: number | undefined = xs[0]!;
          for (let i = 1; i < xs.length && acc !== undefined; i++) acc = f(dtype, acc, xs[i]!);
          return acc;
        });
      }
      const symbolic = !folded && SYMBOLIC_IDENTITY[opType] && n === 2 && isIntDType(dtype) ? symbolicBinary(ctx, opType, shape) : undefined;
      return [{ dtype: opts.bool ? 'bool' : dtype, shape, folded, symbolic }];
    },
    work(ctx) {
      const y = ctx.outputs[0];
      if (!y) return {};
      // A k-input variadic op does k−1 operations per element (Mean one more, for the divide).
      const k = Math.max(1, ctx.inputs.length - 1) + (opType === 'Mean' ? 1 : 0);
      return { elementwise: (opts.perElem ?? 1) * k * product(y) };
    },
  };
}

/**
 * Integer arithmetic on symbolic shape values (symbolic.ts): products and exact quotients of
 * dims are dims (`N`·6 is `6*N`); sums and differences keep a symbolic operand only for + 0 and
 * − 0. Anything else with a symbolic operand stays unknown.
 */
const SYMBOLIC_IDENTITY: Readonly<Record<string, (a: Dim, b: Dim) => Dim | undefined>> = {
  Mul: mulDim,
  Add: (a, b) => (b === 0 ? a : a === 0 ? b : undefined),
  Sub: (a, b) => (b === 0 ? a : undefined),
  Div: divDim,
};

/** One-dimensional (or scalar) symbolic operands, one broadcasting against the other. */
function symbolicBinary(ctx: InferContext<unknown>, opType: string, shape: Shape): Dim[] | undefined {
  const a = ctx.dims(0);
  const b = ctx.dims(1);
  if (!a || !b || shape.length > 1 || !isStatic(shape)) return undefined;
  const len = shape.length ? shape[0]! : 1;
  if ((a.length !== len && a.length !== 1) || (b.length !== len && b.length !== 1)) return undefined;
  const f = SYMBOLIC_IDENTITY[opType]!;
  const dtype = ctx.dtype(0);
  const out = new Array<Dim>(len);
  for (let i = 0; i < len; i++) {
    const x = a[a.length === 1 ? 0 : i]!;
    const y = b[b.length === 1 ? 0 : i]!;
    const r = typeof x === 'number' && typeof y === 'number' ? FOLDS[opType]!(dtype, x, y) : f(x, y);
    if (r === undefined) return undefined;
    out[i] = r;
  }
  return out;
}
const FOLDS: Readonly<Record<string, Fold2>> = { Mul: mul, Add: add, Sub: sub, Div: div };

const ops: OpDef[] = [
  binary('Add', add),
  binary('Sub', sub),
  binary('Mul', mul),
  binary('Div', div),
  binary('Pow', pow),
  binary('Mod', modFold, { ofCtx: true }),
  binary('Sum', add),
  binary('Max', pick(Math.max)),
  binary('Min', pick(Math.min)),
  binary('Mean', undefined),
  binary('Equal', compare((a, b) => a === b), { bool: true }),
  binary('Less', compare((a, b) => a < b), { bool: true }),
  binary('Greater', compare((a, b) => a > b), { bool: true }),
  binary('LessOrEqual', compare((a, b) => a <= b), { bool: true }),
  binary('GreaterOrEqual', compare((a, b) => a >= b), { bool: true }),
  binary('And', logic((a, b) => a && b), { bool: true }),
  binary('Or', logic((a, b) => a || b), { bool: true }),
  binary('Xor', logic((a, b) => a !== b), { bool: true }),
  binary('BitShift', undefined),
];

/** Where(cond, x, y): the output takes x's type; shapes of all three broadcast. */
const where: OpDef = {
  opType: 'Where',
  since: 9,
  category: 'elementwise',
  infer(ctx) {
    const shapes = [ctx.shape(0), ctx.shape(1), ctx.shape(2)];
    const shape = broadcast(shapes, ctx.fail);
    const vals = [ctx.folded(0), ctx.folded(1), ctx.folded(2)];
    const folded = vals.every((v) => v) ? foldBroadcast(shapes, vals as number[][], shape, ([c, x, y]) => (c ? x! : y!)) : undefined;
    return [{ dtype: ctx.dtype(1), shape, folded }];
  },
  work: (ctx) => (ctx.outputs[0] ? { elementwise: product(ctx.outputs[0]) } : {}),
};

export const binaryOps: OpDef<any>[] = [...ops, where];
