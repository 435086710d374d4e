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
import type { Graph, Node } from '../ir/index.js';
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

/** The definition a graph's node binds to (cached on the node until its op or opset changes). */
export function opOf(graph: Graph, node: Node): OpDef<unknown> | undefined {
  const opset = graph.opset(node.domain) ?? 1;
  if (node.resolvedOpset === opset) return node.resolvedDef as OpDef<unknown> | undefined;
  const def = resolveOp(node.domain, node.opType, opset);
  node.resolvedDef = def;
  node.resolvedOpset = opset;
  return def;
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
