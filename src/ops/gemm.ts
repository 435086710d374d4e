/**
 * Gemm and MatMul families: madds = M·N·K (times the broadcast batch for MatMul).
 */
import { attrFloat, attrInt, listString, type Dim, type Node } from '../ir/index.js';
import type { InferContext, OpDef, OutputInfo } from './types.js';
import { broadcast, product } from './util.js';

interface GemmAttrs {
  readonly transA: boolean;
  readonly transB: boolean;
  readonly alpha: number;
  readonly beta: number;
}

function parseGemm(node: Node): GemmAttrs {
  return {
    transA: attrInt(node, 'transA', 0) !== 0,
    transB: attrInt(node, 'transB', 0) !== 0,
    alpha: attrFloat(node, 'alpha', 1),
    beta: attrFloat(node, 'beta', 1),
  };
}

export const gemm: OpDef<GemmAttrs> = {
  opType: 'Gemm',
  since: 1,
  category: 'gemm',
  params: [1, 2],
  parse: parseGemm,
  infer(ctx) {
    const a = ctx.shape(0);
    const b = ctx.shape(1);
    if (a.length !== 2 || b.length !== 2) ctx.fail(`A ${listString(a)} and B ${listString(b)} must be 2-D`);
    const [m, ka] = ctx.attrs.transA ? [a[1]!, a[0]!] : [a[0]!, a[1]!];
    const [kb, n] = ctx.attrs.transB ? [b[1]!, b[0]!] : [b[0]!, b[1]!];
    if (typeof ka === 'number' && typeof kb === 'number' && ka !== kb) {
      ctx.fail(`A ${listString(a)} and B ${listString(b)} disagree on K (${ka} vs ${kb})${ctx.attrs.transB ? ' with transB' : ''}`);
    }
    return [{ dtype: ctx.dtype(0), shape: [m, n] }];
  },
  work(ctx) {
    const [a, , c] = ctx.inputs;
    const y = ctx.outputs[0];
    if (!a || !y) return {};
    const k = ctx.attrs.transA ? a[0]! : a[1]!;
    const madds = y[0]! * y[1]! * k;
    return { madds, flops: 2 * madds + (c ? product(y) : 0) };
  },
};

/** numpy.matmul shapes: 1-D operands are promoted and the added axis removed afterwards. */
function matmulShape(ctx: InferContext<unknown>, a: readonly Dim[], b: readonly Dim[]): Dim[] {
  if (a.length === 0 || b.length === 0) ctx.fail('MatMul operands must not be scalars');
  const a2 = a.length === 1 ? [1, a[0]!] : a;
  const b2 = b.length === 1 ? [b[0]!, 1] : b;
  const ka = a2[a2.length - 1]!;
  const kb = b2[b2.length - 2]!;
  if (typeof ka === 'number' && typeof kb === 'number' && ka !== kb) {
    ctx.fail(`shapes ${listString(a)} and ${listString(b)} disagree on K (${ka} vs ${kb})`);
  }
  const batch = broadcast([a2.slice(0, -2), b2.slice(0, -2)], ctx.fail, 'batch dims');
  const out: Dim[] = [...batch];
  if (a.length !== 1) out.push(a2[a2.length - 2]!);
  if (b.length !== 1) out.push(b2[b2.length - 1]!);
  return out;
}

function matmulWork(a: readonly number[] | undefined, y: readonly number[] | undefined) {
  if (!a || !y) return {};
  const madds = product(y) * a[a.length - 1]!;
  return { madds, flops: 2 * madds };
}

function matmulInfer(dtype: (ctx: InferContext<unknown>) => OutputInfo['dtype'], bIdx: number) {
  return (ctx: InferContext<unknown>): OutputInfo[] => [{ dtype: dtype(ctx), shape: matmulShape(ctx, ctx.shape(0), ctx.shape(bIdx)) }];
}

export const matmul: OpDef = {
  opType: 'MatMul',
  since: 1,
  category: 'gemm',
  params: [0, 1],
  infer: matmulInfer((ctx) => ctx.dtype(0), 1),
  work: (ctx) => matmulWork(ctx.inputs[0], ctx.outputs[0]),
};

export const matmulInteger: OpDef = {
  opType: 'MatMulInteger',
  since: 10,
  category: 'gemm',
  params: [0, 1],
  infer: matmulInfer(() => 'int32', 1),
  work: (ctx) => matmulWork(ctx.inputs[0], ctx.outputs[0]),
};

/** Inputs: a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point. */
export const qlinearMatmul: OpDef = {
  opType: 'QLinearMatMul',
  since: 10,
  category: 'gemm',
  params: [0, 3],
  infer: matmulInfer((ctx) => ctx.dtype(7), 3),
  work: (ctx) => matmulWork(ctx.inputs[0], ctx.outputs[0]),
};

export const gemmOps: OpDef<any>[] = [gemm, matmul, matmulInteger, qlinearMatmul];
