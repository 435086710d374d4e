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

/**
 * What the ops know of a node, kept beside it (not on it): the definition it resolved to at an
 * opset, and its parsed attributes, valid while the node keeps the same attribute map (the
 * Graph's `setAttr` puts a new one in place) and the same opset.
 */
interface NodeOps {
  readonly node: Node;
  opset: number;
  attrs: ReadonlyMap<string, Attribute>;
  def: OpDef<unknown> | undefined;
  parsed: unknown;
}

/**
 * The ops' cache for one graph. A stage that asks about every node (inference, costs, weight
 * roles) takes it once with `graphOps(graph)` and asks it per node. Entries are columns indexed
 * by the node's `position` (the graph's index sets it), checked against the node: no object and
 * no map entry per node. (Entry objects in a Map per graph, itself in a WeakMap keyed by the
 * graph, made analysis slower: README, `bench:analyze-ab`, 0.937 of that build after this one.)
 * After an edit and a new index shift nodes, the first miss moves every entry to its node's new
 * position (once per graph version), so parsed attributes survive edits; nodes without a
 * position (never indexed) keep entry objects in `loose`.
 */
export class GraphOps {
  private nodes: (Node | undefined)[] = [];
  private opsets: number[] = [];
  private attrMaps: (ReadonlyMap<string, Attribute> | undefined)[] = [];
  private defs: (OpDef<unknown> | undefined)[] = [];
  private parsed: unknown[] = [];
  /** Entries of nodes without a position. */
  private loose: Map<Node, NodeOps> | undefined;
  /** The graph's version when entries were last moved to their nodes' positions. */
  private movedAt = -1;

  constructor(private readonly graph: Graph) {}

  /** The opset the graph gives the node's domain (1 when it names none). */
  opset(node: Node): number {
    return this.graph.opset(node.domain) ?? 1;
  }

  /** The definition the node binds to at the graph's opset (or at `opset`), or undefined when leannet does not know its op. */
  def(node: Node, opset = this.opset(node)): OpDef<unknown> | undefined {
    const p = this.slot(node, opset);
    return p >= 0 ? this.defs[p] : this.looseEntry(node, opset).def;
  }

  /** The op's typed attribute record for `def` at `opset`, parsed on first use. */
  attrs<A>(node: Node, def: OpDef<A>, opset: number): A {
    const p = this.slot(node, opset);
    if (p < 0) {
      const c = this.looseEntry(node, opset);
      if (c.parsed === undefined) c.parsed = def.parse ? def.parse(node, opset) : {};
      return c.parsed as A;
    }
    let a = this.parsed[p];
    if (a === undefined) this.parsed[p] = a = def.parse ? def.parse(node, opset) : {};
    return a as A;
  }

  /** The node's column index, its entry made (or remade, after its attributes or the opset changed) on a miss; -1 for a node without a position. */
  private slot(node: Node, opset: number): number {
    const p = node.position;
    if (p < 0) return -1;
    if (this.nodes[p] === node && this.opsets[p] === opset && this.attrMaps[p] === node.attrs) return p;
    if (this.nodes[p] !== node && this.movedAt !== this.graph.version && (this.nodes.length !== 0 || this.loose !== undefined)) {
      this.moveToPositions();
      if (this.nodes[p] === node && this.opsets[p] === opset && this.attrMaps[p] === node.attrs) return p;
    }
    if (this.nodes[p] !== node || this.opsets[p] !== opset || this.attrMaps[p] !== node.attrs) {
      this.set(p, node, opset, node.attrs, resolveOp(node.domain, node.opType, opset), undefined);
    }
    return p;
  }

  private set(p: number, node: Node, opset: number, attrs: ReadonlyMap<string, Attribute> | undefined, def: OpDef<unknown> | undefined, parsed: unknown): void {
    const n = this.nodes.length === 0 ? Math.max(p + 1, this.graph.nodes.length) : 0;
    // Sized to the graph at once, up to the length V8 still allocates as a plain array (a write
    // far past the end, or a huge `new Array(n)`, would make a column a dictionary).
    if (n !== 0 && n <= 65536) {
      this.nodes = new Array(n);
      this.opsets = new Array(n);
      this.attrMaps = new Array(n);
      this.defs = new Array(n);
      this.parsed = new Array(n);
    }
    // Nodes added since: grown by pushes.
    while (this.nodes.length <= p) {
      this.nodes.push(undefined);
      this.opsets.push(0);
      this.attrMaps.push(undefined);
      this.defs.push(undefined);
      this.parsed.push(undefined);
    }
    this.nodes[p] = node;
    this.opsets[p] = opset;
    this.attrMaps[p] = attrs;
    this.defs[p] = def;
    this.parsed[p] = parsed;
  }

  /** Put every entry at its node's current position (the graph was re-indexed since they were made). */
  private moveToPositions(): void {
    this.movedAt = this.graph.version;
    const entries: NodeOps[] = [];
    for (let i = 0; i < this.nodes.length; i++) {
      const node = this.nodes[i];
      if (node !== undefined) entries.push({ node, opset: this.opsets[i]!, attrs: this.attrMaps[i]!, def: this.defs[i], parsed: this.parsed[i] });
    }
    this.loose?.forEach((c) => entries.push(c));
    this.loose = undefined;
    this.nodes = [];
    this.opsets = [];
    this.attrMaps = [];
    this.defs = [];
    this.parsed = [];
    for (let i = 0; i < entries.length; i++) {
      const c = entries[i]!;
      const p = c.node.position;
      // A node removed from the graph keeps its last position: the node indexed there now wins.
      if (p < 0) (this.loose ??= new Map()).set(c.node, c);
      else if (this.nodes[p] === undefined || c.node === this.graph.nodes[p]) this.set(p, c.node, c.opset, c.attrs, c.def, c.parsed);
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
