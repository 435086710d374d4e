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

  /**
   * Nodes from which `end` can be reached (end included), as topo indices, walking back no
   * further than index `from`. One walk per block: asking `reach` of every node on a branch
   * instead was quadratic in the branch's length, in time and in cached sets (a chain of
   * 20,000 nodes in one branch ran lint out of memory).
   */
  const ancestors = (end: Node, from: number): Set<number> => {
    const seen = new Set<number>();
    const stack = [end];
    while (stack.length) {
      const n = stack.pop()!;
      const i = index.get(n);
      if (i === undefined || i < from || seen.has(i)) continue;
      seen.add(i);
      for (const names of [n.inputs, n.outerReads]) {
        for (let k = 0; k < names.length; k++) {
          const p = names[k] ? graph.producer(names[k]!) : undefined;
          if (p) stack.push(p);
        }
      }
    }
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
      const toJoin = ancestors(joinNode, Math.min(...starts.map((s) => index.get(s)!)));
      const branches = sets.map((s) => [...s].filter((i) => i < join && toJoin.has(i)).sort((a, b) => a - b).map((i) => order[i]!));
      const nodes = [...new Set(branches.flat())];
      blocks.push({ fork: v, join: joinNode, branches, nodes });
    }
  }
  return blocks;
}
