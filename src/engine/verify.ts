/**
 * Numerical agreement of two models (or two engines) on the same seeded inputs: per output,
 * max absolute error, max relative error and cosine similarity, and a pass/fail against
 * numpy-style tolerances (|a − b| ≤ atol + rtol·|a| for every element).
 */
import { EngineError } from '../errors.js';
import { checkSameInputs, type PreparedModel } from './prepare.js';
import type { Engine, EngineInfo, HostTensor } from './types.js';

export interface Tolerance {
  atol: number;
  rtol: number;
  /**
   * 'element' (numpy allclose): |a−b| ≤ atol + rtol·|a| per element. 'max': |a−b| ≤ atol +
   * rtol·max|a|, relative to the output's scale, so near-zero elements of a large output are
   * not held to a tighter bound than float32 can keep.
   */
  relativeTo?: 'element' | 'max';
}

export const DEFAULT_TOLERANCE: Tolerance = { atol: 1e-5, rtol: 1e-4, relativeTo: 'element' };

export interface OutputComparison {
  /** Output name in A (and in B, when it differs). */
  name: string;
  nameB: string;
  shape: readonly number[];
  maxAbs: number;
  /** max |a−b| / max(|a|, 1e-3·max|a|): relative per element, without blowing up near zero. */
  maxRel: number;
  /** max|a−b| / max|a|: the error relative to the output's scale. */
  normRel: number;
  cosine: number;
  /** Elements outside atol + rtol·|a|. */
  mismatched: number;
  /** Elements of A that are NaN or infinite: where A is not finite, no error bound can show agreement. */
  nonFinite: number;
  pass: boolean;
}

function toFloat64(t: HostTensor): Float64Array {
  const d = t.data as unknown as ArrayLike<number | bigint>;
  const out = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = Number(d[i]);
  return out;
}

export function compareTensors(name: string, nameB: string, a: HostTensor, b: HostTensor, tol: Tolerance = DEFAULT_TOLERANCE): OutputComparison {
  if (a.dims.join('x') !== b.dims.join('x')) {
    throw new EngineError(`output '${name}' has shape ${a.dims.join('x')} in A but ${b.dims.join('x')} in B`);
  }
  const x = toFloat64(a);
  const y = toFloat64(b);
  let maxA = 0;
  let nonFinite = 0;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) nonFinite++;
    maxA = Math.max(maxA, Math.abs(x[i]!));
  }
  const floor = Math.max(1e-3 * maxA, Number.MIN_VALUE);
  let maxAbs = 0;
  let maxRel = 0;
  let dot = 0;
  let nx = 0;
  let ny = 0;
  let mismatched = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i]! - y[i]!);
    if (!(d <= maxAbs)) maxAbs = Number.isNaN(d) ? NaN : Math.max(maxAbs, d);
    maxRel = Math.max(maxRel, d / Math.max(Math.abs(x[i]!), floor));
    if (!(d <= tol.atol + tol.rtol * (tol.relativeTo === 'max' ? maxA : Math.abs(x[i]!)))) mismatched++;
    dot += x[i]! * y[i]!;
    nx += x[i]! * x[i]!;
    ny += y[i]! * y[i]!;
  }
  const cosine = nx === 0 && ny === 0 ? 1 : dot / Math.sqrt(nx * ny);
  return { name, nameB, shape: a.dims, maxAbs, maxRel, normRel: maxA ? maxAbs / maxA : maxAbs, cosine, mismatched, nonFinite, pass: mismatched === 0 };
}

/**
 * Pair up outputs: by name when both have the same names, else by position (same count).
 * Returns [nameA, nameB] pairs.
 */
export function pairOutputs(a: readonly string[], b: readonly string[]): [string, string][] {
  const same = a.length === b.length && a.every((n) => b.includes(n));
  if (same) return a.map((n) => [n, n]);
  if (a.length !== b.length) throw new EngineError(`the models have ${a.length} and ${b.length} outputs: ${a.join(', ')} vs ${b.join(', ')}`);
  return a.map((n, i) => [n, b[i]!]);
}

/** 'output 'y' of A is NaN or infinite in 512 of 512 elements' for each such output, else undefined. */
export function nonFiniteNote(outputs: readonly OutputComparison[]): string | undefined {
  const bad = outputs.filter((o) => o.nonFinite > 0);
  if (bad.length === 0) return undefined;
  const numel = (o: OutputComparison) => o.shape.reduce((p, d) => p * d, 1);
  return bad.map((o) => `output '${o.name}' of A is NaN or infinite in ${o.nonFinite} of ${numel(o)} elements`).join('; ');
}

export interface VerifyResult {
  a: string;
  b: string;
  engines: [EngineInfo, EngineInfo];
  tolerance: Tolerance;
  outputs: OutputComparison[];
  pass: boolean;
}

/** Run both models on the same seeded inputs and compare every output. */
export async function verifyModels(a: PreparedModel, b: PreparedModel, engineA: Engine, engineB: Engine = engineA, tolerance: Tolerance = DEFAULT_TOLERANCE): Promise<VerifyResult> {
  checkSameInputs(a, b);
  const run = async (p: PreparedModel, e: Engine) => {
    const s = await e.load(p.model);
    try {
      return { outputs: await s.run(p.feeds), names: s.outputNames };
    } finally {
      await s.release();
    }
  };
  const ra = await run(a, engineA);
  const rb = await run(b, engineB);
  const outputs = pairOutputs(ra.names, rb.names).map(([na, nb]) => compareTensors(na, nb, ra.outputs[na]!, rb.outputs[nb]!, tolerance));
  return { a: a.label, b: b.label, engines: [engineA.info, engineB.info], tolerance, outputs, pass: outputs.every((o) => o.pass) };
}
