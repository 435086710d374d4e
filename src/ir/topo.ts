/**
 * Topological order by depth-first search in file order: a file that is already sorted keeps
 * its order exactly; otherwise each node is placed right after the producers it waits for.
 */
import { GraphError } from '../errors.js';
import type { Graph } from './graph.js';
import type { Node } from './node.js';

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
  // Explicit stack (node, next input to look at): deep graphs must not overflow the JS stack.
  const stackNode = new Int32Array(nodes.length);
  const stackInput = new Int32Array(nodes.length);
  let depth = 0;
  for (let root = 0; root < nodes.length; root++) {
    if (state[root] !== WHITE) continue;
    stackNode[0] = root;
    stackInput[0] = 0;
    depth = 1;
    state[root] = GREY;
    while (depth > 0) {
      const i = stackNode[depth - 1]!;
      const k = stackInput[depth - 1]!;
      const inputs = nodes[i]!.inValues;
      // Then the values its subgraphs read from this graph, which must also come first.
      const outer = nodes[i]!.outerValues;
      if (k < inputs.length + outer.length) {
        stackInput[depth - 1] = k + 1;
        const p = (k < inputs.length ? inputs[k] : outer[k - inputs.length])?.producedBy?.position;
        if (p === undefined || state[p] === BLACK) continue;
        if (state[p] === GREY) throw new GraphError(`graph has a cycle: ${describeCycle(nodes, stackNode.subarray(0, depth), p)}`);
        state[p] = GREY;
        stackNode[depth] = p;
        stackInput[depth] = 0;
        depth++;
      } else {
        state[i] = BLACK;
        order.push(nodes[i]!);
        depth--;
      }
    }
  }
  return order;
}

/** Sort `graph.nodes` in place into topological order. */
export function sortGraph(graph: Graph): void {
  graph.nodes = topoOrder(graph);
}

/** The loop is the part of the DFS stack from `p` to the top, closed back to `p`. */
function describeCycle(nodes: readonly Node[], stack: Int32Array, p: number): string {
  const from = stack.indexOf(p);
  const loop = Array.from(stack.subarray(from));
  // The stack runs consumer → producer; print it in data-flow order.
  loop.reverse();
  loop.push(loop[0]!);
  return loop.map((i) => nodes[i]!.label).join(' → ');
}
