/**
 * Topological order by depth-first search in file order: a file that is already sorted keeps
 * its order exactly; otherwise each node is placed right after the producers it waits for.
 */
import { GraphError } from '../errors.js';
import type { Graph, Node } from './graph.js';

const WHITE = 0;
const GREY = 1;
const BLACK = 2;

/** The nodes in an order where every producer comes before its consumers; throws on a cycle. */
export function topoOrder(graph: Graph): Node[] {
  // Computed once until the graph changes (inference, validation and the writer all ask).
  const cached = graph.orderCache;
  if (cached && cached.length === graph.nodes.length) return cached.slice();
  const order = computeOrder(graph);
  graph.orderCache = order;
  return order.slice();
}

function computeOrder(graph: Graph): Node[] {
  // Exported models are almost always sorted already: the index's one pass over names says so.
  if (graph.index().sorted) return graph.nodes.slice();
  const nodes = graph.nodes;
  const state = new Uint8Array(nodes.length);
  const order: Node[] = [];
  // Explicit stack of [node, next input to look at]: deep graphs must not overflow the JS stack.
  const stack: [number, number][] = [];
  for (let root = 0; root < nodes.length; root++) {
    if (state[root] !== WHITE) continue;
    stack.push([root, 0]);
    state[root] = GREY;
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [i, k] = top;
      const inputs = nodes[i]!.inValues;
      if (k < inputs.length) {
        top[1]++;
        const p = inputs[k]?.producedBy?.position;
        if (p === undefined || state[p] === BLACK) continue;
        if (state[p] === GREY) throw new GraphError(`graph has a cycle: ${describeCycle(nodes, stack, p)}`);
        state[p] = GREY;
        stack.push([p, 0]);
      } else {
        state[i] = BLACK;
        order.push(nodes[i]!);
        stack.pop();
      }
    }
  }
  return order;
}

/** Sort `graph.nodes` in place into topological order. */
export function sortGraph(graph: Graph): void {
  graph.nodes = topoOrder(graph);
  graph.touch();
}

/** The loop is the part of the DFS stack from `p` to the top, closed back to `p`. */
function describeCycle(nodes: Node[], stack: [number, number][], p: number): string {
  const from = stack.findIndex(([i]) => i === p);
  const loop = stack.slice(from).map(([i]) => i);
  // The stack runs consumer → producer; print it in data-flow order.
  loop.reverse();
  loop.push(loop[0]!);
  return loop.map((i) => nodes[i]!.label).join(' → ');
}
