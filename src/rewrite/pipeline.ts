/**
 * Run passes in order; after each one, drop what became unused, infer shapes again and
 * validate the graph, so a pass that breaks an invariant fails at once, naming the pass.
 */
import { GraphError, LeannetError, UsageError } from '../errors.js';
import { validate, type Graph } from '../ir/index.js';
import { inferShapes, type BindOptions } from '../ops/index.js';
import { dwsep } from './dwsep.js';
import { foldBn } from './fold-bn.js';
import { foldPad } from './fold-pad.js';
import { group } from './group.js';
import { prune } from './prune/pass.js';
import { mergeParallelConvs } from './merge-parallel.js';
import { reparam } from './reparam.js';
import type { Calibration } from '../calibrate/index.js';
import type { Change, Pass, PassParams } from './types.js';

export const PASSES: readonly Pass<any>[] = [foldBn, foldPad, mergeParallelConvs, reparam, dwsep, group, prune];

export function findPass(id: string): Pass<unknown> {
  const p = PASSES.find((x) => x.id === id);
  if (!p) throw new UsageError(`unknown pass '${id}'; passes: ${PASSES.map((x) => x.id).join(', ')}`);
  return p;
}

export interface PassSpec {
  pass: Pass<unknown>;
  params: PassParams;
}

/** `fold-bn,reparam` or `dwsep:energy=0.95` (several --pass flags are concatenated in order). */
export function parsePassSpecs(texts: readonly string[]): PassSpec[] {
  const out: PassSpec[] = [];
  for (const text of texts) {
    // A comma separates passes, except inside one pass's parameter list after ':'.
    const [head, rest] = text.split(/:(.*)/s, 2) as [string, string | undefined];
    const ids = head.split(',').map((s) => s.trim()).filter(Boolean);
    const params: Record<string, string> = {};
    for (const kv of (rest ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
      const i = kv.indexOf('=');
      if (i <= 0) throw new UsageError(`--pass ${text}: expected key=value, got '${kv}'`);
      params[kv.slice(0, i)] = kv.slice(i + 1);
    }
    ids.forEach((id, i) => {
      const pass = findPass(id);
      const own = i === ids.length - 1 ? params : {};
      for (const k of Object.keys(own)) {
        if (!pass.params || !(k in pass.params)) {
          throw new UsageError(`--pass ${text}: '${id}' has no option '${k}'${pass.params ? `; options: ${Object.keys(pass.params).join(', ')}` : ''}`);
        }
      }
      out.push({ pass, params: own });
    });
  }
  if (out.length === 0) throw new UsageError('no --pass given');
  return out;
}

export interface PassReport {
  id: string;
  exact: boolean;
  algebra: string;
  changes: Change[];
  /** Matches the pass looked at and left alone, with why. */
  skipped: string[];
}

export interface RewriteOptions {
  /** Only rewrite nodes whose name matches this pattern (a regular expression). */
  only?: string;
  seed?: number;
  bind?: BindOptions;
  /** Apply the approximate passes only to these nodes (exact passes everywhere): how `--keep` rebuilds a chosen set of changes. */
  select?: ReadonlySet<string>;
  /** Fit lossy passes to data (dwsep, group); without it they are fitted from the weights alone. */
  calibration?: Calibration;
}

/** The node-name test of `--only <pattern>` (a regular expression). */
export function nameFilter(pattern: string): (name: string) => boolean {
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch {
    throw new UsageError(`--only '${pattern}' is not a valid regular expression`);
  }
  return (name) => re.test(name);
}

/** Apply the passes to `graph` in place (in node order, so a data-aware fit sees every layer before it already rewritten). */
export async function runPasses(graph: Graph, specs: readonly PassSpec[], o: RewriteOptions = {}): Promise<PassReport[]> {
  const only = o.only ? nameFilter(o.only) : undefined;
  inferShapes(graph, o.bind);
  const reports: PassReport[] = [];
  const select = o.select;
  const selected = select ? (name: string) => select.has(name) && (!only || only(name)) : only;
  for (const { pass, params } of specs) {
    const ctx = { only: pass.exact ? only : selected, params, seed: o.seed ?? 0, ...(o.calibration ? { calibration: o.calibration } : {}) };
    const changes: Change[] = [];
    for (const m of pass.match(graph, ctx)) {
      changes.push(await pass.apply(graph, m, ctx));
    }
    graph.prune();
    try {
      inferShapes(graph, o.bind);
      validate(graph, `after pass '${pass.id}'`);
    } catch (e) {
      if (e instanceof GraphError) throw e;
      if (e instanceof LeannetError) throw new GraphError(`after pass '${pass.id}': ${e.message}`, { cause: e });
      throw e;
    }
    reports.push({
      id: pass.id,
      exact: pass.exact,
      algebra: pass.algebra,
      changes: changes.filter((c) => c.replaced.length),
      skipped: changes.filter((c) => !c.replaced.length).map((c) => c.summary),
    });
  }
  return reports;
}
