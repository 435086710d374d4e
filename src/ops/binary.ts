/**
 * Broadcasting element-wise ops (Add, Mul, comparisons, Where, variadic Sum/Max/Min/Mean).
 * Small integer operands are folded, so shape arithmetic (`Shape → … → Mul → Reshape`) stays known.
 */
import { isStatic, type DType, type Dim, type Shape } from '../ir/index.js';
import { attrInt } from './attrs.js';
import type { InferContext, OpDef, OutputInfo } from './types.js';
import { broadcast, product } from './util.js';

type Fn = (a: number, b: number) => number;

/** Evaluate `fn` element-wise over broadcast folded operands (small tensors only). */
function foldBroadcast(shapes: readonly Shape[], values: readonly (readonly number[])[], out: readonly Dim[], fn: (xs: number[]) => number): number[] | undefined {
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
    result[k] = fn(xs);
    for (let a = out.length - 1; a >= 0; a--) {
      if (++idx[a]! < (out[a] as number)) break;
      idx[a] = 0;
    }
  }
  return result;
}

function isIntType(d: DType): boolean {
  return d.includes('int');
}

/** Output shape for legacy (opset < 7) broadcasting: B is broadcast onto A, so the output is A's shape. */
function legacyShape(ctx: InferContext<unknown>): Shape | undefined {
  if (ctx.opset >= 7 || ctx.node.inputs.length !== 2) return undefined;
  return attrInt(ctx.node, 'broadcast', 0) ? ctx.shape(0) : undefined;
}

function binary(opType: string, fn: Fn | undefined, opts: { bool?: boolean; intFn?: Fn; perElem?: number } = {}): OpDef {
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
      if (fn && allFolded && isStatic(shape) && product(shape) <= 4096) {
        const f = isIntType(dtype) && opts.intFn ? opts.intFn : fn;
        folded = foldBroadcast(shapes, vals, shape, (xs) => xs.slice(1).reduce((acc, x) => f(acc, x), xs[0]!));
      }
      return [{ dtype: opts.bool ? 'bool' : dtype, shape, folded }];
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

const ops: OpDef[] = [
  binary('Add', (a, b) => a + b),
  binary('Sub', (a, b) => a - b),
  binary('Mul', (a, b) => a * b),
  binary('Div', (a, b) => a / b, { intFn: (a, b) => Math.trunc(a / b) }),
  binary('Pow', (a, b) => a ** b),
  binary('Mod', (a, b) => a - b * Math.floor(a / b)),
  binary('Sum', (a, b) => a + b),
  binary('Max', (a, b) => Math.max(a, b)),
  binary('Min', (a, b) => Math.min(a, b)),
  binary('Mean', undefined),
  binary('Equal', (a, b) => +(a === b), { bool: true }),
  binary('Less', (a, b) => +(a < b), { bool: true }),
  binary('Greater', (a, b) => +(a > b), { bool: true }),
  binary('LessOrEqual', (a, b) => +(a <= b), { bool: true }),
  binary('GreaterOrEqual', (a, b) => +(a >= b), { bool: true }),
  binary('And', (a, b) => +(a && b), { bool: true }),
  binary('Or', (a, b) => +(a || b), { bool: true }),
  binary('Xor', (a, b) => +(!!a !== !!b), { bool: true }),
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
