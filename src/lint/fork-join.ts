/**
 * Fork/join blocks: a value read by several nodes (a fork) starts parallel branches; the block
 * ends at the first node every branch reaches (the join: a Concat, an Add, …).
 */
import type { Graph, Node } from '../ir/index.js';
import { topoOrder } from '../ir/index.js';

export interface Block {
  fork: string;
  join: Node;
  /** Nodes on each branch before the join (an empty branch is a skip connection). */
  branches: Node[][];
  /** Every node in the block, join excluded. */
  nodes: Node[];
}

const PASSIVE = new Set(['Constant', 'ConstantOfShape', 'Shape', 'Identity']);

export function forkJoinBlocks(graph: Graph): Block[] {
  const order = topoOrder(graph).filter((n) => !PASSIVE.has(n.opType));
  const index = new Map(order.map((n, i) => [n, i]));
  const consumers = (v: string) => graph.consumers(v).filter((n) => index.has(n));
  const constant = (v: string) => !!graph.values.get(v)?.tensor;

  /** Nodes reachable from `start` (start included), as topo indices. */
  const reachCache = new Map<Node, Set<number>>();
  const reach = (start: Node): Set<number> => {
    const cached = reachCache.get(start);
    if (cached) return cached;
    const seen = new Set<number>();
    const stack = [start];
    while (stack.length) {
      const n = stack.pop()!;
      const i = index.get(n)!;
      if (seen.has(i)) continue;
      seen.add(i);
      for (const o of n.outputs) if (o) for (const c of consumers(o)) stack.push(c);
    }
    reachCache.set(start, seen);
    return seen;
  };

  const blocks: Block[] = [];
  const seenForks = new Set<string>();
  for (const n of order) {
    for (const v of [...n.outputs, ...(n === order[0] ? graph.inputs : [])]) {
      if (!v || seenForks.has(v) || constant(v)) continue;
      seenForks.add(v);
      const starts = [...new Set(consumers(v))];
      if (starts.length < 2) continue;
      const sets = starts.map(reach);
      let join = -1;
      for (const i of [...sets[0]!].sort((a, b) => a - b)) {
        if (sets.every((s) => s.has(i))) {
          join = i;
          break;
        }
      }
      if (join < 0) continue;
      const joinNode = order[join]!;
      const reachesJoin = (i: number) => reach(order[i]!).has(join);
      const branches = sets.map((s) => [...s].filter((i) => i < join && reachesJoin(i)).sort((a, b) => a - b).map((i) => order[i]!));
      const nodes = [...new Set(branches.flat())];
      blocks.push({ fork: v, join: joinNode, branches, nodes });
    }
  }
  return blocks;
}
