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
 * roles) takes it once with `graphOps(graph)` and asks it per node: an array read at the node's
 * `position` (the graph's index sets it), checked against the node. Looking the graph's map up
 * on every call, and the node in it, made analysis 5–10% slower than the fields on the node
 * this cache replaced. Every entry is also in `all`, by node: a node asked about at another
 * position (the graph was edited and re-indexed since) or at none (never indexed) is found there,
 * so its parsed attributes survive edits that shift it.
 */
export class GraphOps {
  private readonly at: (NodeOps | undefined)[] = [];
  private readonly all = new Map<Node, NodeOps>();

  constructor(private readonly graph: Graph) {}

  /** The node's entry for `opset`, made (or remade, after its attributes or the opset changed) on a miss. */
  private entry(node: Node, opset: number): NodeOps {
    const p = node.position;
    let c = p >= 0 ? this.at[p] : undefined;
    if (c === undefined || c.node !== node) {
      c = this.all.get(node);
      if (c !== undefined && p >= 0) this.put(p, c);
    }
    if (c === undefined || c.opset !== opset || c.attrs !== node.attrs) {
      c = { node, opset, attrs: node.attrs, def: resolveOp(node.domain, node.opType, opset), parsed: undefined };
      this.all.set(node, c);
      if (p >= 0) this.put(p, c);
    }
    return c;
  }

  /** Grown one slot at a time: a write far past the end would turn the array into a dictionary. */
  private put(p: number, c: NodeOps): void {
    const at = this.at;
    while (at.length < p) at.push(undefined);
    at[p] = c;
  }

  /** The opset the graph gives the node's domain (1 when it names none). */
  opset(node: Node): number {
    return this.graph.opset(node.domain) ?? 1;
  }

  /** The definition the node binds to at the graph's opset (or at `opset`), or undefined when leannet does not know its op. */
  def(node: Node, opset = this.opset(node)): OpDef<unknown> | undefined {
    return this.entry(node, opset).def;
  }

  /** The op's typed attribute record for `def` at `opset`, parsed on first use. */
  attrs<A>(node: Node, def: OpDef<A>, opset: number): A {
    const c = this.entry(node, opset);
    if (c.parsed === undefined) c.parsed = def.parse ? def.parse(node, opset) : {};
    return c.parsed as A;
  }
}

/** The key of the ops' cache among those a graph keeps; nodes asked about without their graph are kept in `loose`. */
const OWNER = {};
const makeOps = (graph: Graph) => new GraphOps(graph);
const loose = new WeakMap<Node, NodeOps>();

/** The ops' cache of a graph (kept by the graph, see `Graph.kept`): take it once per pass over the nodes. */
export function graphOps(graph: Graph): GraphOps {
  return graph.kept(OWNER, makeOps);
}

/** The definition a graph's node binds to (cached beside the node until its attributes or opset change). */
export function opOf(graph: Graph, node: Node): OpDef<unknown> | undefined {
  return graphOps(graph).def(node);
}

/** The op's typed attribute record, parsed on first use and kept beside the node (with its graph when given). */
export function parsedAttrs<A>(node: Node, def: OpDef<A>, opset: number, graph?: Graph): A {
  if (graph !== undefined) return graphOps(graph).attrs(node, def, opset);
  let c = loose.get(node);
  if (c === undefined || c.opset !== opset || c.attrs !== node.attrs) loose.set(node, (c = { node, opset, attrs: node.attrs, def, parsed: undefined }));
  if (c.parsed === undefined) c.parsed = def.parse ? def.parse(node, opset) : {};
  return c.parsed as A;
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
