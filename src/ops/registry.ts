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
  opset: number;
  attrs: ReadonlyMap<string, Attribute>;
  def: OpDef<unknown> | undefined;
  parsed: unknown;
}

/**
 * One plain Map per graph (a WeakMap entry per graph rather than one per node, less work for the
 * garbage collector; nodes a graph dropped stay in its map while it lives); nodes asked about
 * without their graph are kept in `loose`.
 */
const byGraph = new WeakMap<Graph, Map<Node, NodeOps>>();
const loose = new WeakMap<Node, NodeOps>();

function entry(graph: Graph | undefined, node: Node, opset: number): NodeOps {
  let map: Map<Node, NodeOps> | WeakMap<Node, NodeOps> = loose;
  if (graph !== undefined) {
    let m = byGraph.get(graph);
    if (m === undefined) byGraph.set(graph, (m = new Map()));
    map = m;
  }
  let c = map.get(node);
  if (c === undefined || c.opset !== opset || c.attrs !== node.attrs) {
    c = { opset, attrs: node.attrs, def: resolveOp(node.domain, node.opType, opset), parsed: undefined };
    map.set(node, c);
  }
  return c;
}

/** The definition a graph's node binds to (cached beside the node until its attributes or opset change). */
export function opOf(graph: Graph, node: Node): OpDef<unknown> | undefined {
  return entry(graph, node, graph.opset(node.domain) ?? 1).def;
}

/** The op's typed attribute record, parsed on first use and kept beside the node (with its graph when given). */
export function parsedAttrs<A>(node: Node, def: OpDef<A>, opset: number, graph?: Graph): A {
  const c = entry(graph, node, opset);
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
