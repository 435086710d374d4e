/**
 * A rewrite proven on the runtime: apply the passes to a copy, verify the outputs against the
 * original on seeded inputs, measure both interleaved, and only then write the result.
 */
import fs from 'node:fs';
import path from 'node:path';
import { analyzeGraph, openModel } from '../analysis/index.js';
import { costModel, type CostTotals } from '../cost/index.js';
import { Calibration } from '../calibrate/index.js';
import { compare, nonFiniteNote, prepareGraph, verifyModels, type CompareOptions, type CompareResult, type Engine, type Feeds, type VerifyResult } from '../engine/index.js';
import { UsageError } from '../errors.js';
import { verifyOnData, type DatasetLike } from '../measure/index.js';
import { checkOutputFile, saveOnnx } from '../formats/node/index.js';
import type { Graph } from '../ir/index.js';
import type { BindOptions } from '../ops/index.js';
import { candidatesOf, chooseChanges, type Candidate, type KeepOptions, type KeepResult } from './keep.js';
import { runPasses, type PassReport, type PassSpec } from '../rewrite/index.js';

/** An exact pass may not change the outputs by more than this (max |a−b| / max |a|). */
export const EXACT_TOLERANCE = 1e-4;

export interface RewriteRunOptions {
  /** The model `spec` names, already opened (the CLI opens it once): analysed in place, never edited. */
  graph?: Graph;
  only?: string;
  seed?: number;
  bind?: BindOptions;
  /** Run both models and compare their outputs (default true). */
  verify?: boolean;
  /** Measure both interleaved (default true). */
  measure?: boolean;
  compare?: CompareOptions;
  /** Keep only the approximate changes that pay (measured one by one; needs an engine). */
  keep?: KeepOptions;
  /** Verify on these samples (never fitted on) instead of seeded random inputs. */
  verifyData?: { dataset: DatasetLike; batchSize: number };
  /** Fit batches and held-out batches: the lossy passes fit their weights to the original's activations. */
  calibration?: { fit: readonly Feeds[]; heldOut: readonly Feeds[]; sampleRows?: number };
}

export interface RewriteResult {
  source: string;
  before: { totals: CostTotals; nodes: number };
  after: { totals: CostTotals; nodes: number };
  passes: PassReport[];
  exact: boolean;
  verification: VerifyResult | undefined;
  /** Largest max|a−b| / max|a| over the outputs. */
  outputError: number | undefined;
  timing: CompareResult | undefined;
  /** With `keep`: every approximate change, kept or reverted, with its measured time and accuracy. */
  keep: (Omit<KeepResult, 'selected' | 'candidates'> & { candidates: Candidate[] }) | undefined;
  /** False when an exact rewrite changed the outputs beyond EXACT_TOLERANCE. */
  ok: boolean;
  /** Why it is not ok, in one line (undefined when it is). */
  failure: string | undefined;
  graph: Graph;
}

export async function rewriteModel(spec: string, passes: readonly PassSpec[], engine: Engine | undefined, o: RewriteRunOptions = {}): Promise<RewriteResult> {
  // The file is read once and its shapes inferred once: each build starts from a copy of the
  // analysed original (Graph.clone keeps the shapes current, so the passes re-infer only after
  // each pass, and preparing the original for the engine infers nothing).
  const original = o.graph ?? openModel(spec);
  const before = analyzeGraph(original, o.bind);
  if (o.calibration && !engine) throw new UsageError('calibrating a rewrite on data needs an engine');
  // Timing a candidate needs no fit (weights do not change the time), so only builds whose
  // accuracy counts are calibrated.
  const shared = o.calibration && engine ? new Calibration(original, { engine, ...o.calibration, seed: o.seed ?? 0 }) : undefined;
  // The last build is kept: the kept set that --keep scored last is the one written, not rebuilt.
  let last: { key: string; built: { graph: Graph; reports: PassReport[] } } | undefined;
  const build = async (select: ReadonlySet<string> | undefined, calibrate: boolean) => {
    const key = `${calibrate}|${select ? [...select].sort().join('\n') : '*'}`;
    if (last?.key === key) return last.built;
    const g = original.clone();
    const calibration = calibrate ? shared?.fork() : undefined;
    const r = await runPasses(g, passes, { ...(o.only ? { only: o.only } : {}), seed: o.seed ?? 0, ...(o.bind ? { bind: o.bind } : {}), ...(select ? { select } : {}), ...(calibration ? { calibration } : {}) });
    last = { key, built: { graph: g, reports: r } };
    return last.built;
  };
  let { graph, reports } = await build(undefined, !o.keep);
  let keep: RewriteResult['keep'];
  if (o.keep && engine) {
    const candidates = candidatesOf(reports);
    const { selected, ...rest } = candidates.length
      ? await chooseChanges(candidates, async (sel, forAccuracy) => (await build(sel, forAccuracy)).graph, engine, o.bind, o.keep)
      : { candidates, selected: new Set<string>() };
    keep = rest;
    // Without candidates only exact passes changed anything: the first build stands.
    if (candidates.length) ({ graph, reports } = await build(selected, true));
  }
  // runPasses has inferred and validated the graph after its last pass: only the cost is new.
  const after = { cost: costModel(graph) };
  const exact = passes.every((p) => p.pass.exact);
  const label = (s: string) => (spec.startsWith('zoo:') ? `${spec} (${s})` : `${path.basename(spec)} (${s})`);
  let verification: VerifyResult | undefined;
  let timing: CompareResult | undefined;
  // Encoded and fed once each; verify and compare share them (a large model is costly to encode).
  const prepared = engine ? [prepareGraph(original, label('before'), o.bind, o.seed ?? 1), prepareGraph(graph, label('after'), o.bind, o.seed ?? 1)] as const : undefined;
  if (engine && prepared && (o.verify ?? true)) {
    const tolerance = { atol: 0, rtol: EXACT_TOLERANCE, relativeTo: 'max' as const };
    verification = o.verifyData
      ? await verifyOnData(prepared[0], prepared[1], o.verifyData.dataset, engine, engine, tolerance, { batchSize: o.verifyData.batchSize })
      : await verifyModels(prepared[0], prepared[1], engine, engine, tolerance);
  }
  const outputError = verification ? Math.max(...verification.outputs.map((x) => x.normRel)) : undefined;
  const ok = !(exact && outputError !== undefined && !(outputError <= EXACT_TOLERANCE));
  // Where A itself is NaN or infinite no error bound can show agreement: say that, not "changed by NaN".
  const unverifiable = verification && nonFiniteNote(verification.outputs);
  const failure = ok
    ? undefined
    : unverifiable
      ? `cannot verify the rewrite: ${unverifiable} on the ${o.verifyData ? 'held-out samples' : 'seeded inputs (--seed picks others; --no-verify skips the check)'}`
      : `an exact rewrite changed the outputs by ${outputError!.toExponential(2)} (limit ${EXACT_TOLERANCE.toExponential(0)})`;
  if (engine && prepared && ok && (o.measure ?? true)) {
    timing = await compare(prepared[0], prepared[1], engine, o.compare);
  }
  return {
    source: spec,
    before: { totals: before.cost.totals, nodes: original.nodes.length },
    after: { totals: after.cost.totals, nodes: graph.nodes.length },
    passes: reports,
    exact,
    verification,
    outputError,
    timing,
    keep,
    ok,
    failure,
    graph,
  };
}

/** Refuse to write over the input: compare resolved (and, where they exist, real) paths. */
export function checkOutputPath(input: string, output: string): void {
  if (input.startsWith('zoo:')) return;
  const real = (p: string) => (fs.existsSync(p) ? fs.realpathSync(p) : path.resolve(p));
  if (real(input) === real(output)) throw new UsageError(`-o ${output}: refusing to overwrite the input model; choose another output file`);
  checkOutputFile(output, `-o ${output}`);
}

/** Write the rewritten graph (atomically), with external data when the weights need it. */
export function writeRewritten(graph: Graph, output: string, external?: boolean): void {
  const bytes = [...graph.initializers.values()].reduce((s, t) => s + t.byteLength, 0);
  saveOnnx(graph, output, external || bytes > 1.8 * 2 ** 30 ? { external: true } : {});
}
