/** Shape helpers shared by op families: broadcasting, pass-through outputs. */
import type { Dim, Shape } from '../ir/index.js';
import type { InferContext, OutputInfo } from './types.js';

/** Numpy-style multidirectional broadcasting; symbolic dims broadcast when equal or against 1. */
export function broadcast(shapes: readonly Shape[], fail: (m: string) => never, label = 'inputs'): Dim[] {
  let rank = 0;
  for (let k = 0; k < shapes.length; k++) rank = Math.max(rank, shapes[k]!.length);
  const out = new Array<Dim>(rank);
  for (let i = 0; i < rank; i++) {
    let dim: Dim = 1;
    for (let k = 0; k < shapes.length; k++) {
      const s = shapes[k]!;
      const d = s[s.length - rank + i];
      if (d === undefined || d === 1) continue;
      if (dim === 1) dim = d;
      else if (d !== dim) {
        if (typeof d === 'number' && typeof dim === 'number') {
          fail(`${label} of shapes ${shapes.map((x) => `[${x.join(',')}]`).join(' and ')} do not broadcast`);
        }
        // A symbolic dim against a number ≠ 1 must equal that number.
        if (typeof d === 'number') dim = d;
      }
    }
    out[i] = dim;
  }
  return out;
}

/**
 * One output with the first input's type and shape (activations, normalisation). Its folded
 * values are not the input's: an op that can compute them folds its own (fold.ts).
 */
export function sameAsInput(ctx: InferContext<unknown>, i = 0): OutputInfo[] {
  return [{ dtype: ctx.dtype(i), shape: ctx.shape(i) }];
}

export function product(dims: readonly number[]): number {
  let p = 1;
  for (let i = 0; i < dims.length; i++) p *= dims[i]!;
  return p;
}

/** A placeholder name for a dim that depends on data (NonZero, TopK with a dynamic k). */
export function dataDim(nodeName: string, output: number, axis: number): string {
  return `?${nodeName}:${output}:${axis}`;
}

/**
 * An input whose dims are all known except possibly the leading (batch) one: `dims` with a
 * symbolic batch taken as 1 for the geometry, and the batch dim itself for the output. Ops that
 * treat the batch as independent (Conv, pooling) keep a symbolic batch this way; any other
 * unknown dim leaves the output unknown.
 */
export function batched(ctx: InferContext<unknown>, i: number): { batch: Dim; dims: number[] } {
  const x = ctx.shape(i);
  if (x.length === 0 || typeof x[0] === 'number') return { batch: x[0] ?? 1, dims: ctx.staticShape(i) };
  const dims = new Array<number>(x.length);
  dims[0] = 1;
  for (let a = 1; a < x.length; a++) {
    const d = x[a]!;
    if (typeof d !== 'number') return { batch: x[0]!, dims: ctx.staticShape(i) };
    dims[a] = d;
  }
  return { batch: x[0]!, dims };
}

/**
 * `n` dims leannet cannot know, named for this node's output and axis: what an op whose
 * shape-deciding input is a runtime value (a Reshape target fed at run time) still knows is
 * its rank, as onnx's own inference keeps it.
 */
export function unknownDims(ctx: InferContext<unknown>, n: number, output = 0): Dim[] {
  const out = new Array<Dim>(n);
  for (let a = 0; a < n; a++) out[a] = `?${ctx.node.name}:${output}:${a}`;
  return out;
}

/** The length of a 1-D input (a runtime shape, axes or pads), from its shape; unknown outputs when that is unknown too. */
export function lengthOf(ctx: InferContext<unknown>, i: number): number {
  const s = ctx.staticShape(i);
  if (s.length !== 1) ctx.fail(`input ${i} must be 1-D, got [${s.join(',')}]`);
  return s[0]!;
}
