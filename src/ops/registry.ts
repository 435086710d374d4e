/**
 * The op table (STYLE.md #1, #2): definitions keyed by domain + op type; a node binds to the
 * newest definition whose `since` is ≤ the model's opset for that domain.
 */
import { binaryOps } from './binary.js';
import { concatSplitOps } from './concat-split.js';
import { constantOps } from './constant.js';
import { controlOps } from './control.js';
import { convTranspose } from './conv-transpose.js';
import { convOps } from './conv.js';
import { einsumOps } from './einsum.js';
import { gemmOps } from './gemm.js';
import { indexingOps } from './indexing.js';
import { miscOps } from './misc.js';
import { normOps } from './norm.js';
import { padResizeOps } from './pad-resize.js';
import { poolOps } from './pool.js';
import { quantOps } from './quant.js';
import { recurrentOps } from './recurrent.js';
import { reshapeOps } from './reshape.js';
import { samplingOps } from './sampling.js';
import { sliceOps } from './slice.js';
import type { Attribute, Graph, Node } from '../ir/index.js';
import type { OpDef } from './types.js';
import { unaryOps } from './unary.js';

/** domain → op type → definitions sorted by `since`. */
const table = new Map<string, Map<string, OpDef<unknown>[]>>();

const normDomain = (d: string) => (d === 'ai.onnx' ? '' : d);

/** Add a definition (later registrations of the same domain, type and `since` replace earlier ones). */
export function registerOp(def: OpDef<any>): void {
  const domain = normDomain(def.domain ?? '');
  let byType = table.get(domain);
  if (!byType) table.set(domain, (byType = new Map()));
  const list = (byType.get(def.opType) ?? []).filter((d) => d.since !== def.since);
  list.push(def);
  list.sort((a, b) => a.since - b.since);
  byType.set(def.opType, list);
}

/** The definition for a node's op at the model's opset, or undefined when leannet does not know it. */
export function resolveOp(domain: string, opType: string, opset: number): OpDef<unknown> | undefined {
  const list = table.get(domain === 'ai.onnx' ? '' : domain)?.get(opType);
  if (!list) return undefined;
  let found: OpDef<unknown> | undefined;
  for (const d of list) if (d.since <= opset) found = d;
  // A node older than every definition (opset below `since`) still binds to the oldest one.
  return found ?? list[0];
}

/** A node's op as a stage sees it: the opset it binds at and its definition (undefined: unknown op). */
export interface ResolvedOp {
  readonly opset: number;
  readonly def: OpDef<unknown> | undefined;
}

/**
 * What the ops know of a node, kept beside it (not on it): the definition it resolved to at an
 * opset, and its parsed attributes, valid while the node keeps the same attribute map (the
 * Graph's `setAttr` puts a new one in place) and the same opset.
 */
interface NodeOps extends ResolvedOp {
  readonly node: Node;
  opset: number;
  attrs: ReadonlyMap<string, Attribute>;
  def: OpDef<unknown> | undefined;
  parsed: unknown;
}

/**
 * The ops' cache for one graph. A stage that asks about every node (inference, costs, weight
 * roles) takes it once with `graphOps(graph)` and asks it per node. Entries sit in an array
 * indexed by the node's `position` (the graph's index sets it), each checked against the node,
 * its attribute map and the opset. Measured with `bench:analyze-ab` (AB_PART=analyze, CPU time
 * of analyzeGraph): entries in a Map per graph held in a WeakMap keyed by the graph made it
 * 1.28× as slow; five parallel columns by position instead of entry objects, 1.015× this; the
 * same fields kept on the Node (what the architecture issue moved off the IR), 0.94× the
 * columns. After an edit and a new index shift nodes, the first miss moves every
 * entry to its node's new position (once per graph version), so parsed attributes survive
 * edits; nodes without a position (never indexed) keep their entries in `loose`.
 */
export class GraphOps {
  /** Entries by node position. */
  private entries: (NodeOps | undefined)[] = [];
  /** Entries of nodes without a position. */
  private loose: Map<Node, NodeOps> | undefined;
  /** The graph's version when entries were last moved to their nodes' positions. */
  private movedAt = -1;
  /** The ai.onnx opset, as of the opsets' stamp `defaultAt`. */
  private defaultOpset = 1;
  private defaultAt = -1;

  constructor(private readonly graph: Graph) {}

  /** The opset the graph gives the node's domain (1 when it names none). */
  opset(node: Node): number {
    if (node.domain !== '') return this.graph.opset(node.domain) ?? 1;
    // ai.onnx, asked for every node by every stage: looked up again only after the opsets change.
    const opsets = this.graph.opsets;
    if (this.defaultAt !== opsets.stamp) {
      this.defaultAt = opsets.stamp;
      this.defaultOpset = opsets.get('') ?? 1;
    }
    return this.defaultOpset;
  }

  /**
   * The node's opset and definition in one lookup (what a walk over every node asks first);
   * `parsed` gives its attributes. Inference and costs asked `opset`, `def` and `attrs` one by
   * one, three lookups per node: analysis alone (`bench:analyze-ab`, AB_PART=analyze, 9 rounds)
   * then took 1.084× the time of the build before the ops cache (9f2ddb9); with this, 1.061×.
   */
  resolve(node: Node): ResolvedOp {
    return this.entry(node, this.opset(node));
  }

  /** The typed attribute record of a node `resolve` gave (its definition known), parsed on first use. */
  parsed<A>(op: ResolvedOp): A {
    const c = op as NodeOps;
    let a = c.parsed;
    if (a === undefined) c.parsed = a = c.def!.parse ? c.def!.parse(c.node, c.opset) : {};
    return a as A;
  }

  /** The definition the node binds to at the graph's opset (or at `opset`), or undefined when leannet does not know its op. */
  def(node: Node, opset = this.opset(node)): OpDef<unknown> | undefined {
    return this.entry(node, opset).def;
  }

  /** The op's typed attribute record for `def` at `opset`, parsed on first use. */
  attrs<A>(node: Node, def: OpDef<A>, opset: number): A {
    const c = this.entry(node, opset);
    let a = c.parsed;
    if (a === undefined) c.parsed = a = def.parse ? def.parse(node, opset) : {};
    return a as A;
  }

  /** The node's entry, made (or remade, after its attributes or the opset changed) on a miss. */
  private entry(node: Node, opset: number): NodeOps {
    const p = node.position;
    if (p >= 0) {
      const c = this.entries[p];
      if (c !== undefined && c.node === node && c.opset === opset && c.attrs === node.attrs) return c;
      return this.miss(node, opset, p);
    }
    return this.looseEntry(node, opset);
  }

  private miss(node: Node, opset: number, p: number): NodeOps {
    let c = this.entries[p];
    if ((c === undefined || c.node !== node) && this.movedAt !== this.graph.version && (this.entries.length !== 0 || this.loose !== undefined)) {
      this.moveToPositions();
      c = this.entries[p];
      if (c !== undefined && c.node === node && c.opset === opset && c.attrs === node.attrs) return c;
    }
    c = { node, opset, attrs: node.attrs, def: resolveOp(node.domain, node.opType, opset), parsed: undefined };
    this.put(p, c);
    return c;
  }

  private put(p: number, c: NodeOps): void {
    // Sized to the graph at once, up to the length V8 still allocates as a plain array (a write
    // far past the end, or a huge `new Array(n)`, would make it a dictionary); grown by pushes.
    if (this.entries.length === 0) {
      // Nothing to move yet: entries made from here on sit at current positions.
      if (this.loose === undefined) this.movedAt = this.graph.version;
      const n = Math.max(p + 1, this.graph.nodes.length);
      if (n <= 65536) this.entries = new Array(n);
    }
    while (this.entries.length <= p) this.entries.push(undefined);
    this.entries[p] = c;
  }

  /** Put every entry at its node's current position (the graph was re-indexed since they were made). */
  private moveToPositions(): void {
    this.movedAt = this.graph.version;
    const all: NodeOps[] = [];
    for (const c of this.entries) if (c !== undefined) all.push(c);
    this.loose?.forEach((c) => all.push(c));
    this.loose = undefined;
    this.entries = [];
    for (const c of all) {
      const p = c.node.position;
      // A node removed from the graph keeps its last position: the node indexed there now wins.
      if (p < 0) (this.loose ??= new Map()).set(c.node, c);
      else if (this.entries[p] === undefined || c.node === this.graph.nodes[p]) this.put(p, c);
    }
  }

  private looseEntry(node: Node, opset: number): NodeOps {
    let c = this.loose?.get(node);
    if (c === undefined || c.opset !== opset || c.attrs !== node.attrs) {
      c = { node, opset, attrs: node.attrs, def: resolveOp(node.domain, node.opType, opset), parsed: undefined };
      (this.loose ??= new Map()).set(node, c);
    }
    return c;
  }
}

/** The key of the ops' cache among those a graph keeps. */
const OWNER = {};
const makeOps = (graph: Graph) => new GraphOps(graph);

/** The ops' cache of a graph (kept by the graph, see `Graph.kept`): take it once per pass over the nodes. */
export function graphOps(graph: Graph): GraphOps {
  return graph.kept(OWNER, makeOps);
}

/** The definition a graph's node binds to (cached beside the node until its attributes or opset change). */
export function opOf(graph: Graph, node: Node): OpDef<unknown> | undefined {
  return graphOps(graph).def(node);
}

/** Every registered op as `domain::OpType` (domain empty for ai.onnx). */
export function knownOps(): string[] {
  const out: string[] = [];
  for (const [domain, byType] of table) for (const t of byType.keys()) out.push(`${domain}::${t}`);
  return out.sort();
}

for (const def of [
  ...convOps, convTranspose, ...gemmOps, ...normOps, ...unaryOps, ...binaryOps, ...concatSplitOps,
  ...reshapeOps, ...sliceOps, ...padResizeOps, ...poolOps, ...constantOps, ...quantOps, ...miscOps,
  ...indexingOps, ...samplingOps, ...einsumOps, ...recurrentOps, ...controlOps,
]) {
  registerOp(def);
}
