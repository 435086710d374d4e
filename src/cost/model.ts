/** Per-node costs summed into per-model totals, a conv breakdown by kind, and what is unknown. */
import type { Graph } from '../ir/index.js';
import type { ConvKind, OpCategory } from '../ops/index.js';
import { nodeCost, type NodeCost } from './node-cost.js';
import { holdsWeights, valueRoles } from './weights.js';

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
  graph.index();
  const list = graph.nodes;
  // Weights charged per node position (each stored tensor once, to the node that uses it).
  const paramsAt = new Array<number>(list.length).fill(0);
  const buffersAt = new Array<number>(list.length).fill(0);
  valueRoles(graph).forEach((r, v) => {
    const numel = v.tensor?.numel ?? 0;
    if (r.role === 'param') paramsAt[r.owner.position] += numel;
    else buffersAt[r.owner.position] += numel;
  });
  const nodes = new Array<NodeCost>(list.length);
  for (let i = 0; i < list.length; i++) nodes[i] = nodeCost(graph, list[i]!, paramsAt[i]!, buffersAt[i]!);
  // Initializers nothing reads still occupy the file; count them as buffers.
  let orphan = 0;
  graph.values.forEach((v) => {
    const tensor = v.tensor;
    if (tensor === undefined || v.useCount > 0 || v.producedBy || graph.initializers.get(v.name) !== tensor) return;
    if (holdsWeights(v) && !graph.outputs.includes(v.name)) orphan += tensor.numel;
  });
  const t: CostTotals = { params: 0, buffers: orphan, madds: 0, flops: 0, memAccess: 0, memAccessBytes: 0, elementwise: 0, elementwiseShare: 0, intensity: 0 };
  let ewAccess = 0;
  // A handful of kinds and categories: small arrays searched by (interned) string, not maps.
  const kinds: KindBreakdown[] = [];
  const cats: ModelCost['byCategory'] = [];
  let unknownMap: Map<string, ModelCost['unknown'][number]> | undefined;
  for (let i = 0; i < nodes.length; i++) {
    const c = nodes[i]!;
    t.params += c.params;
    t.buffers += c.buffers;
    t.madds += c.madds;
    t.flops += c.flops;
    t.memAccess += c.memAccess;
    t.memAccessBytes += c.memAccessBytes;
    t.elementwise += c.elementwise;
    if (c.category === 'elementwise') ewAccess += c.memAccess;
    if (c.kind) {
      let k = kinds.find((x) => x.kind === c.kind);
      if (!k) kinds.push((k = { kind: c.kind, count: 0, params: 0, madds: 0, share: 0 }));
      k.count++;
      k.params += c.params;
      k.madds += c.madds;
    }
    let e = cats.find((x) => x.category === c.category);
    if (!e) cats.push((e = { category: c.category, count: 0, memAccess: 0, flops: 0 }));
    e.count++;
    e.memAccess += c.memAccess;
    e.flops += c.flops;
    if (!c.known) {
      const reason = c.category === 'unknown' ? 'unknown op' : 'unknown shape';
      const key = `${c.node.domain}::${c.node.opType}::${reason}`;
      unknownMap ??= new Map();
      const u = unknownMap.get(key) ?? { opType: c.node.opType, domain: c.node.domain, count: 0, reason };
      u.count++;
      unknownMap.set(key, u);
    }
  }
  t.elementwiseShare = t.memAccess ? ewAccess / t.memAccess : 0;
  t.intensity = t.memAccessBytes ? t.flops / t.memAccessBytes : 0;
  const convKinds: KindBreakdown[] = [];
  for (const kind of KINDS) {
    const k = kinds.find((x) => x.kind === kind);
    if (!k) continue;
    k.share = t.madds ? k.madds / t.madds : 0;
    convKinds.push(k);
  }
  return { nodes, totals: t, convKinds, byCategory: cats, unknown: unknownMap ? [...unknownMap.values()] : [] };
}
