/**
 * merge-parallel-convs' match: sibling convs that read the same tensor with the same geometry
 * (everything but their filters). G3's "these branch heads merge" findings are these matches.
 */
import type { Graph, Node } from '../ir/index.js';
import { attrInt } from '../ir/index.js';
import { parseConv } from '../ops/index.js';

export interface MergeParallelMatch {
  input: string;
  convs: Node[];
  /** A channel Concat that is the only reader of every conv output (none is a graph output). */
  concat: Node | undefined;
}

/** Convs can merge when everything but their filters is the same. */
function geometryKey(graph: Graph, conv: Node): string | undefined {
  const a = parseConv(conv);
  if (a.group !== 1) return undefined;
  const w = graph.values.get(conv.inputs[1]!)?.shape;
  if (!w || !graph.values.get(conv.inputs[1]!)?.tensor) return undefined;
  if (conv.inputs[2] && !graph.values.get(conv.inputs[2])?.tensor) return undefined;
  return JSON.stringify([w.slice(1), a.strides, a.dilations, a.pads, a.autoPad, a.kernelShape]);
}

/** The groups (two convs or more) of same-geometry convs reading `x`, among those `keep` accepts. */
export function matchMergeParallel(graph: Graph, x: string, keep?: (conv: Node) => boolean): MergeParallelMatch[] {
  const out: MergeParallelMatch[] = [];
  const groups = new Map<string, Node[]>();
  for (const c of graph.consumers(x)) {
    if (c.opType !== 'Conv' || c.domain || c.inputs[0] !== x) continue;
    if (keep && !keep(c)) continue;
    const key = geometryKey(graph, c);
    if (key) groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  for (const convs of groups.values()) {
    if (convs.length < 2) continue;
    // Found here, on the graph as matched: apply asks the index nothing, since every earlier
    // apply's edit would have it rebuilt (once per match: quadratic on a large graph).
    const outputs = convs.map((c) => c.outputs[0]!);
    const concat = graph.consumers(outputs[0]!).find((u) => u.opType === 'Concat' && !u.domain && attrInt(u, 'axis', 1) === 1);
    const onlyConcat = !!concat && outputs.every((o) => !graph.outputs.includes(o) && graph.consumers(o).every((u) => u === concat));
    out.push({ input: x, convs, concat: onlyConcat ? concat : undefined });
  }
  return out;
}
