/** Per-node costs summed into per-model totals, a conv breakdown by kind, and what is unknown. */
import type { Graph, Node } from '../ir/index.js';
import type { ConvKind, OpCategory } from '../ops/index.js';
import { nodeCost, type NodeCost } from './node-cost.js';
import { isWeightType, weightRoles } from './weights.js';

export interface CostTotals {
  params: number;
  buffers: number;
  madds: number;
  flops: number;
  memAccess: number;
  memAccessBytes: number;
  elementwise: number;
  /** Share of memAccess spent in element-wise nodes (0–1). */
  elementwiseShare: number;
  intensity: number;
}

export interface KindBreakdown {
  kind: ConvKind;
  count: number;
  params: number;
  madds: number;
  /** Share of the model's madds (0–1). */
  share: number;
}

export interface ModelCost {
  nodes: NodeCost[];
  totals: CostTotals;
  convKinds: KindBreakdown[];
  byCategory: { category: OpCategory | 'unknown'; count: number; memAccess: number; flops: number }[];
  /** Op types whose cost is unknown (op not known, or a shape unknown), with how many nodes. */
  unknown: { opType: string; domain: string; count: number; reason: 'unknown op' | 'unknown shape' }[];
}

const KINDS: ConvKind[] = ['standard', 'pointwise', 'group', 'depthwise'];

/** Cost every node of a graph whose shapes have been inferred. */
export function costModel(graph: Graph): ModelCost {
  const { role } = weightRoles(graph);
  const owned = new Map<Node, { role: 'param' | 'buffer'; numel: number }[]>();
  for (const [name, r] of role) {
    const list = owned.get(r.owner) ?? [];
    list.push({ role: r.role, numel: graph.values.get(name)?.tensor?.numel ?? 0 });
    owned.set(r.owner, list);
  }
  const nodes = graph.nodes.map((n) => nodeCost(graph, n, owned.get(n)));
  // Initializers nothing reads still occupy the file; count them as buffers.
  let orphan = 0;
  for (const [name, tensor] of graph.initializers) {
    if (graph.consumers(name).length === 0 && !graph.outputs.includes(name) && isWeightType(graph, name)) orphan += tensor.numel;
  }
  const t: CostTotals = { params: 0, buffers: orphan, madds: 0, flops: 0, memAccess: 0, memAccessBytes: 0, elementwise: 0, elementwiseShare: 0, intensity: 0 };
  let ewAccess = 0;
  for (const c of nodes) {
    t.params += c.params;
    t.buffers += c.buffers;
    t.madds += c.madds;
    t.flops += c.flops;
    t.memAccess += c.memAccess;
    t.memAccessBytes += c.memAccessBytes;
    t.elementwise += c.elementwise;
    if (c.category === 'elementwise') ewAccess += c.memAccess;
  }
  t.elementwiseShare = t.memAccess ? ewAccess / t.memAccess : 0;
  t.intensity = t.memAccessBytes ? t.flops / t.memAccessBytes : 0;

  const convKinds = KINDS.map((kind) => {
    const of = nodes.filter((c) => c.kind === kind);
    const madds = of.reduce((s, c) => s + c.madds, 0);
    return { kind, count: of.length, params: of.reduce((s, c) => s + c.params, 0), madds, share: t.madds ? madds / t.madds : 0 };
  }).filter((k) => k.count > 0);

  const cats = new Map<OpCategory | 'unknown', { count: number; memAccess: number; flops: number }>();
  for (const c of nodes) {
    const e = cats.get(c.category) ?? { count: 0, memAccess: 0, flops: 0 };
    e.count++;
    e.memAccess += c.memAccess;
    e.flops += c.flops;
    cats.set(c.category, e);
  }
  const unknownMap = new Map<string, ModelCost['unknown'][number]>();
  for (const c of nodes) {
    if (c.known) continue;
    const reason = c.category === 'unknown' ? 'unknown op' : 'unknown shape';
    const key = `${c.node.domain}::${c.node.opType}::${reason}`;
    const e = unknownMap.get(key) ?? { opType: c.node.opType, domain: c.node.domain, count: 0, reason };
    e.count++;
    unknownMap.set(key, e);
  }
  return {
    nodes,
    totals: t,
    convKinds,
    byCategory: [...cats].map(([category, v]) => ({ category, ...v })),
    unknown: [...unknownMap.values()],
  };
}
