/** Per-node costs summed into per-model totals, a conv breakdown by kind, and what is unknown. */
import type { Graph, Node } from '../ir/index.js';
import { graphOps, type ConvKind, type OpCategory } from '../ops/index.js';
import { intensityOf, measureNode, newCostRecord, type CostRecord, type NodeCost } from './node-cost.js';
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
  /**
   * Nodes whose cost is unknown (unknown op, or an input's shape unknown): when over 0 every
   * total is a lower bound and shares are shares of what is known.
   */
  unknownNodes: number;
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
  /** One entry per node, in the graph's node order at the time of costing. */
  readonly nodes: NodeCost[];
  totals: CostTotals;
  convKinds: KindBreakdown[];
  byCategory: { category: OpCategory | 'unknown'; count: number; memAccess: number; flops: number }[];
  /** Op types whose cost is unknown (op not known, or a shape unknown), with how many nodes. */
  unknown: { opType: string; domain: string; count: number; reason: 'unknown op' | 'unknown shape' }[];
}

const KINDS: ConvKind[] = ['standard', 'pointwise', 'group', 'depthwise'];
/** Codes stored in the category and kind fields. */
const CATEGORY_CODES: readonly NodeCost['category'][] = ['conv', 'gemm', 'elementwise', 'reduce', 'movement', 'view', 'shape', 'unknown'];
const KIND_CODES: readonly (ConvKind | undefined)[] = [undefined, ...KINDS];

/** The fields of one node's row in NodeCostRows. */
const PARAMS = 0;
const BUFFERS = 1;
const MADDS = 2;
const FLOPS = 3;
const MEM = 4;
const MEM_BYTES = 5;
const ELEMENTWISE = 6;
/** Indexes into CATEGORY_CODES and KIND_CODES; 1 when the cost is known. */
const CATEGORY = 7;
const KIND = 8;
const KNOWN = 9;
const FIELDS = 10;

/**
 * Per-node costs as rows of one Float64Array, by node position. A model has thousands of nodes:
 * an object per node, whose numbers V8 boxed one by one, was a large part of what an analysis
 * kept alive, and one array per field would be as many off-heap buffers. `nodes` makes the
 * objects on first use (reports and lint ask; totals do not).
 */
class NodeCostRows {
  readonly data: Float64Array;

  constructor(readonly list: readonly Node[]) {
    this.data = new Float64Array(FIELDS * list.length);
  }

  addWeights(i: number, role: 'param' | 'buffer', numel: number): void {
    this.data[FIELDS * i + (role === 'param' ? PARAMS : BUFFERS)] += numel;
  }

  params(i: number): number {
    return this.data[FIELDS * i + PARAMS]!;
  }

  buffers(i: number): number {
    return this.data[FIELDS * i + BUFFERS]!;
  }

  set(i: number, r: CostRecord): void {
    const d = this.data;
    const at = FIELDS * i;
    d[at + MADDS] = r.madds;
    d[at + FLOPS] = r.flops;
    d[at + MEM] = r.memAccess;
    d[at + MEM_BYTES] = r.memAccessBytes;
    d[at + ELEMENTWISE] = r.elementwise;
    d[at + CATEGORY] = CATEGORY_CODES.indexOf(r.category);
    d[at + KIND] = KIND_CODES.indexOf(r.kind);
    d[at + KNOWN] = r.known ? 1 : 0;
  }

  row(i: number): NodeCost {
    const d = this.data;
    const at = FIELDS * i;
    return {
      node: this.list[i]!,
      category: CATEGORY_CODES[d[at + CATEGORY]!]!,
      kind: KIND_CODES[d[at + KIND]!],
      known: d[at + KNOWN] === 1,
      params: d[at + PARAMS]!,
      buffers: d[at + BUFFERS]!,
      madds: d[at + MADDS]!,
      flops: d[at + FLOPS]!,
      memAccess: d[at + MEM]!,
      memAccessBytes: d[at + MEM_BYTES]!,
      elementwise: d[at + ELEMENTWISE]!,
      intensity: intensityOf(d[at + FLOPS]!, d[at + MEM_BYTES]!),
    };
  }
}

class ComputedModelCost implements ModelCost {
  private objects: NodeCost[] | undefined;

  constructor(
    private readonly rows: NodeCostRows,
    readonly totals: CostTotals,
    readonly convKinds: KindBreakdown[],
    readonly byCategory: ModelCost['byCategory'],
    readonly unknown: ModelCost['unknown'],
  ) {}

  get nodes(): NodeCost[] {
    if (!this.objects) {
      const rows = this.rows;
      this.objects = new Array<NodeCost>(rows.list.length);
      for (let i = 0; i < this.objects.length; i++) this.objects[i] = rows.row(i);
    }
    return this.objects;
  }
}

/** Cost every node of a graph whose shapes have been inferred. */
export function costModel(graph: Graph): ModelCost {
  graph.index();
  const list = graph.nodes;
  const rows = new NodeCostRows(list.slice());
  // Weights charged per node position (each stored tensor once, to the node that uses it).
  valueRoles(graph).forEach((r, v) => {
    const numel = v.tensor?.numel ?? 0;
    rows.addWeights(r.owner.position, r.role, numel);
  });
  // Initializers no node input reads (unused, or read only inside a subgraph, which is not costed)
  // still occupy the file; count them as buffers.
  let orphan = 0;
  graph.values.forEach((v) => {
    const tensor = v.tensor;
    if (tensor === undefined || v.useCount > 0 || v.producedBy || graph.initializers.get(v.name) !== tensor) return;
    if (holdsWeights(v) && !graph.outputs.includes(v.name)) orphan += tensor.numel;
  });
  const t: CostTotals = { params: 0, buffers: orphan, madds: 0, flops: 0, memAccess: 0, memAccessBytes: 0, elementwise: 0, elementwiseShare: 0, intensity: 0, unknownNodes: 0 };
  let ewAccess = 0;
  // A handful of kinds and categories: small arrays searched by (interned) string, not maps.
  const kinds: KindBreakdown[] = [];
  const cats: ModelCost['byCategory'] = [];
  let unknownMap: Map<string, ModelCost['unknown'][number]> | undefined;
  const c = newCostRecord();
  const ops = graphOps(graph);
  for (let i = 0; i < list.length; i++) {
    const node = list[i]!;
    measureNode(graph, node, c, ops);
    rows.set(i, c);
    const params = rows.params(i);
    t.params += params;
    t.buffers += rows.buffers(i);
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
      k.params += params;
      k.madds += c.madds;
    }
    let e = cats.find((x) => x.category === c.category);
    if (!e) cats.push((e = { category: c.category, count: 0, memAccess: 0, flops: 0 }));
    e.count++;
    e.memAccess += c.memAccess;
    e.flops += c.flops;
    if (!c.known) {
      t.unknownNodes++;
      const reason = c.category === 'unknown' ? 'unknown op' : 'unknown shape';
      const key = `${node.domain}::${node.opType}::${reason}`;
      unknownMap ??= new Map();
      const u = unknownMap.get(key) ?? { opType: node.opType, domain: node.domain, count: 0, reason };
      u.count++;
      unknownMap.set(key, u);
    }
  }
  t.elementwiseShare = t.memAccess ? ewAccess / t.memAccess : 0;
  t.intensity = intensityOf(t.flops, t.memAccessBytes);
  const convKinds: KindBreakdown[] = [];
  for (const kind of KINDS) {
    const k = kinds.find((x) => x.kind === kind);
    if (!k) continue;
    k.share = t.madds ? k.madds / t.madds : 0;
    convKinds.push(k);
  }
  return new ComputedModelCost(rows, t, convKinds, cats, unknownMap ? [...unknownMap.values()] : []);
}
