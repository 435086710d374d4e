/**
 * `leannet diff`: two analysed models, their nodes matched (by name and op first, then by
 * structure: the same output value name, or a consumer of the matched producers' outputs with
 * the same op, preferring equal output shape and attributes), and the per-node and total
 * deltas of params, madds and memAccess (B − A). The JSON document; the terminal table is diff-table.ts.
 */
import type { Analysis } from '../analysis/index.js';
import type { CompareResult } from '../engine/index.js';
import type { Attribute, Node } from '../ir/index.js';

export const DIFF_SCHEMA = 'leannet.diff/1';

export type DiffStatus = 'same' | 'changed' | 'removed' | 'added';

export interface DiffNode {
  /** Index in A's / B's node list (null when the node exists on one side only). */
  a: number | null;
  b: number | null;
  name: string;
  opType: string;
  status: DiffStatus;
  matchedBy: 'name' | 'structure' | null;
  /** What differs for a changed node: 'params', 'madds', 'memAccess', 'attributes', 'shapes', 'op'. */
  changes: string[];
  delta: { params: number; madds: number; memAccess: number };
}

export interface DiffTotals {
  params: number;
  buffers: number;
  madds: number;
  memAccess: number;
  nodes: number;
}

export interface DiffResult {
  a: { source: string; totals: DiffTotals };
  b: { source: string; totals: DiffTotals };
  delta: DiffTotals;
  counts: Record<DiffStatus, number>;
  nodes: DiffNode[];
  compare?: CompareResult;
}

function attrKey(a: Attribute): string {
  if (a.type === 'tensor') return `tensor ${a.value.dtype} ${a.value.dims.join('x')}`;
  if (a.type === 'graph' || a.type === 'graphs' || a.type === 'opaque' || a.type === 'tensors') return a.type;
  return JSON.stringify(a.value);
}

const attrsOf = (n: Node) => [...n.attrs].map(([k, v]) => `${k}=${attrKey(v)}`).sort().join(';');

/** Pairs [a index, b index, how] of matched nodes. */
export function matchNodes(A: Analysis, B: Analysis): { pairs: [number, number, 'name' | 'structure'][] } {
  const na = A.graph.nodes;
  const nb = B.graph.nodes;
  const aOfB = new Int32Array(nb.length).fill(-1);
  const bOfA = new Int32Array(na.length).fill(-1);
  const how: ('name' | 'structure')[] = new Array(nb.length);
  const bByName = new Map(nb.map((n, j) => [n.name, j]));
  na.forEach((n, i) => {
    const j = bByName.get(n.name);
    if (j !== undefined && nb[j]!.opType === n.opType && aOfB[j] === -1) {
      aOfB[j] = i;
      bOfA[i] = j;
      how[j] = 'name';
    }
  });
  const pair = (i: number, j: number) => {
    aOfB[j] = i;
    bOfA[i] = j;
    how[j] = 'structure';
  };
  // The same output value name and op.
  const aByOutput = new Map<string, number>();
  na.forEach((n, i) => n.outputs.forEach((o) => o && aByOutput.set(o, i)));
  nb.forEach((n, j) => {
    if (aOfB[j] !== -1) return;
    for (const o of n.outputs) {
      const i = o ? aByOutput.get(o) : undefined;
      if (i !== undefined && bOfA[i] === -1 && na[i]!.opType === n.opType) {
        pair(i, j);
        break;
      }
    }
  });
  // Neighbourhood: B node reads outputs of B nodes matched to A nodes (or graph inputs); A candidates read the matched counterparts.
  const bProducer = new Map<string, number>();
  nb.forEach((n, j) => n.outputs.forEach((o) => o && bProducer.set(o, j)));
  const aReaders = new Map<string, number[]>();
  na.forEach((n, i) => n.inputs.forEach((x) => x && (aReaders.get(x) ?? aReaders.set(x, []).get(x)!).push(i)));
  const shapeText = (g: Analysis, v: string | undefined) => JSON.stringify(v ? g.graph.values.get(v)?.shape ?? null : null);
  for (let round = 0, progress = true; progress && round < 50; round++) {
    progress = false;
    nb.forEach((n, j) => {
      if (aOfB[j] !== -1) return;
      const candidates = new Map<number, number>();
      for (const x of n.inputs) {
        if (!x) continue;
        const pb = bProducer.get(x);
        let aValues: string[] = [];
        if (pb === undefined) {
          if (A.graph.values.has(x) && !A.graph.initializers.has(x)) aValues = [x];
        } else if (aOfB[pb] !== -1) aValues = na[aOfB[pb]!]!.outputs.filter(Boolean);
        for (const v of aValues) for (const i of aReaders.get(v) ?? []) if (bOfA[i] === -1 && na[i]!.opType === n.opType) candidates.set(i, (candidates.get(i) ?? 0) + 1);
      }
      if (!candidates.size) return;
      let best = -1;
      let bestScore = -1;
      const outB = shapeText(B, n.outputs[0]);
      const attrsB = attrsOf(n);
      for (const [i, shared] of candidates) {
        const score = shared + (shapeText(A, na[i]!.outputs[0]) === outB ? 4 : 0) + (attrsOf(na[i]!) === attrsB ? 2 : 0) + (A.cost.nodes[i]!.madds > 0 ? A.cost.nodes[i]!.madds / 1e18 : 0);
        if (score > bestScore) {
          bestScore = score;
          best = i;
        }
      }
      pair(best, j);
      progress = true;
    });
  }
  const pairs: [number, number, 'name' | 'structure'][] = [];
  aOfB.forEach((i, j) => i !== -1 && pairs.push([i, j, how[j]!]));
  return { pairs };
}

function totalsOf(x: Analysis): DiffTotals {
  const t = x.cost.totals;
  return { params: t.params, buffers: t.buffers, madds: t.madds, memAccess: t.memAccess, nodes: x.graph.nodes.length };
}

export function diffModels(A: Analysis, B: Analysis, sources: { a: string; b: string }): DiffResult {
  const { pairs } = matchNodes(A, B);
  const ca = A.cost.nodes;
  const cb = B.cost.nodes;
  const nodes: DiffNode[] = [];
  const matchedA = new Set<number>();
  const matchedB = new Map<number, [number, 'name' | 'structure']>();
  for (const [i, j, how] of pairs) {
    matchedA.add(i);
    matchedB.set(j, [i, how]);
  }
  const shapes = (x: Analysis, n: Node) => JSON.stringify([...n.inputs, ...n.outputs].map((v) => (v ? x.graph.values.get(v)?.shape ?? null : null)));
  // In A's order, with B-only nodes after the A node matched just before them.
  const bOnlyAfter = new Map<number, number[]>();
  let lastA = -1;
  cb.forEach((_, j) => {
    const m = matchedB.get(j);
    if (m) lastA = m[0];
    else (bOnlyAfter.get(lastA) ?? bOnlyAfter.set(lastA, []).get(lastA)!).push(j);
  });
  const added = (j: number): DiffNode => ({ a: null, b: j, name: cb[j]!.node.name, opType: cb[j]!.node.opType, status: 'added', matchedBy: null, changes: [], delta: { params: cb[j]!.params, madds: cb[j]!.madds, memAccess: cb[j]!.memAccess } });
  const bOf = new Map(pairs.map(([i, j, how]) => [i, [j, how] as const]));
  for (const j of bOnlyAfter.get(-1) ?? []) nodes.push(added(j));
  ca.forEach((x, i) => {
    const m = bOf.get(i);
    if (!m) {
      nodes.push({ a: i, b: null, name: x.node.name, opType: x.node.opType, status: 'removed', matchedBy: null, changes: [], delta: { params: -x.params, madds: -x.madds, memAccess: -x.memAccess } });
    } else {
      const [j, how] = m;
      const y = cb[j]!;
      const changes: string[] = [];
      if (y.node.name !== x.node.name) changes.push('name');
      for (const k of ['params', 'madds', 'memAccess'] as const) if (x[k] !== y[k]) changes.push(k);
      if (attrsOf(x.node) !== attrsOf(y.node)) changes.push('attributes');
      if (shapes(A, x.node) !== shapes(B, y.node)) changes.push('shapes');
      // Weights replaced by other values (a folded BN) change the node even when its costs do not.
      if (x.node.inputs.filter(Boolean).length !== y.node.inputs.filter(Boolean).length) changes.push('inputs');
      nodes.push({ a: i, b: j, name: y.node.name, opType: y.node.opType, status: changes.length ? 'changed' : 'same', matchedBy: how, changes, delta: { params: y.params - x.params, madds: y.madds - x.madds, memAccess: y.memAccess - x.memAccess } });
    }
    for (const j of bOnlyAfter.get(i) ?? []) nodes.push(added(j));
  });
  const ta = totalsOf(A);
  const tb = totalsOf(B);
  const counts: Record<DiffStatus, number> = { same: 0, changed: 0, removed: 0, added: 0 };
  for (const n of nodes) counts[n.status]++;
  return {
    a: { source: sources.a, totals: ta },
    b: { source: sources.b, totals: tb },
    delta: { params: tb.params - ta.params, buffers: tb.buffers - ta.buffers, madds: tb.madds - ta.madds, memAccess: tb.memAccess - ta.memAccess, nodes: tb.nodes - ta.nodes },
    counts,
    nodes,
  };
}

export function diffJson(d: DiffResult) {
  return { schema: DIFF_SCHEMA, ...d };
}
