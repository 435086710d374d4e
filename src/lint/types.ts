/**
 * Lint rules as data (STYLE.md #5): `{id, explain, match}`. A finding names the nodes, gives
 * the evidence numbers, an estimated saving, and the rewrite pass that would act on it.
 */
import type { Analysis } from '../analysis/index.js';
import type { NodeCost } from '../cost/index.js';
import type { Node } from '../ir/index.js';
import type { PassRef } from '../patterns/index.js';

export type Severity = 'high' | 'medium' | 'low';
export const SEVERITIES: readonly Severity[] = ['high', 'medium', 'low'];

export interface Saving {
  /** What the estimate is a share of: the model's madds, memAccess, operator count, or measured time. */
  of: 'madds' | 'memAccess' | 'operators' | 'time';
  /** Estimated saving as a share (0–1) of the model's total of that quantity. */
  share: number;
  madds?: number;
  params?: number;
  memAccess?: number;
}

export interface Finding {
  rule: string;
  /** The nodes involved (first one is where a viewer points). */
  nodes: string[];
  message: string;
  evidence: Record<string, number | string>;
  saving: Saving;
  severity: Severity;
  /** The rewrite pass that addresses it, where one exists: the finding is one of that pass's matches (src/patterns/). */
  rewrite?: PassRef;
  /** With --measure: share of the measured time spent in these nodes. */
  measuredShare?: number;
  /** The highest severity the finding may get whatever its saving: the change needs more than the named pass does (group convs without a channel shuffle). */
  severityCap?: Severity;
}

/** What a rule can look at. */
export interface LintContext {
  analysis: Analysis;
  /** Node cost by node. */
  cost: (node: Node) => NodeCost | undefined;
  /** This rule's thresholds (defaults merged with the user's). */
  options: Record<string, number>;
  /** Machine balance in flops per byte (peak compute ÷ memory bandwidth), when known. */
  ridge?: number;
  /** With --measure: measured ms per run of each Graph node's ORT group, and the run total. */
  measured?: { msOf(nodes: readonly string[]): number; total: number; elementwiseShare: number };
}

export interface Rule {
  id: string;
  title: string;
  /** Which ShuffleNet V2 guideline (G1–G4) or opportunity it checks, and why it matters. */
  explain: string;
  /** Default thresholds, documented in `explain`. */
  defaults: Record<string, number>;
  match(ctx: LintContext): Omit<Finding, 'severity' | 'rule'>[];
  /** The summary line's headline when this rule's findings lead it: `findings` (per-node ones), their summed saving share `total`. */
  headline(findings: readonly Finding[], total: number): string;
}

/** A share as the headlines print it. */
export const pct = (x: number) => `${(x * 100).toFixed(x < 0.01 ? 2 : 1)}%`;
/** The plural ending of a count. */
export const plural = (n: number) => (n === 1 ? '' : 's');

/** Nodes that run as operators (not shape or view ops), counted from the cost's categories. */
export function operatorCount(cost: Analysis['cost']): number {
  let n = 0;
  for (const c of cost.byCategory) if (c.category !== 'shape' && c.category !== 'view') n += c.count;
  return n;
}

/** Severity from the estimated saving: ≥ 10% of the model high, ≥ 2% medium, else low; never above `cap`. */
export function severityOf(share: number, cap?: Severity): Severity {
  const s: Severity = share >= 0.1 ? 'high' : share >= 0.02 ? 'medium' : 'low';
  return cap && SEVERITIES.indexOf(cap) > SEVERITIES.indexOf(s) ? cap : s;
}

/** Static shapes of a node's data input, weights and output (undefined where unknown). */
export function nodeShapes(ctx: LintContext, node: Node): { x?: number[]; w?: number[]; y?: number[] } {
  const shape = (name: string | undefined) => (name ? (ctx.analysis.graph.values.get(name)?.shape as number[] | undefined) : undefined);
  const out: { x?: number[]; w?: number[]; y?: number[] } = {};
  const x = shape(node.inputs[0]);
  const w = shape(node.inputs[1]);
  const y = shape(node.outputs[0]);
  if (x) out.x = x;
  if (w) out.w = w;
  if (y) out.y = y;
  return out;
}
