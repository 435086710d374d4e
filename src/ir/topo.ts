/** Topological order (Kahn's algorithm, stable: keeps file order where the file is already sorted). */
import { GraphError } from '../errors.js';
import type { Graph, Node } from './graph.js';

/** The nodes in an order where every producer comes before its consumers; throws on a cycle. */
export function topoOrder(graph: Graph): Node[] {
  const producer = new Map<string, number>();
  graph.nodes.forEach((n, i) => n.outputs.forEach((o) => o && producer.set(o, i)));
  const indeg = new Array<number>(graph.nodes.length).fill(0);
  const next: number[][] = graph.nodes.map(() => []);
  graph.nodes.forEach((n, i) => {
    const seen = new Set<number>();
    for (const inp of n.inputs) {
      const p = inp ? producer.get(inp) : undefined;
      if (p === undefined || seen.has(p)) continue;
      seen.add(p);
      indeg[i]!++;
      next[p]!.push(i);
    }
  });
  // A queue drained in index order keeps already-sorted files unchanged.
  const ready: number[] = [];
  indeg.forEach((d, i) => d === 0 && ready.push(i));
  const order: Node[] = [];
  for (let head = 0; head < ready.length; head++) {
    const i = ready[head]!;
    order.push(graph.nodes[i]!);
    for (const j of next[i]!) if (--indeg[j]! === 0) ready.push(j);
  }
  if (order.length !== graph.nodes.length) {
    throw new GraphError(`graph has a cycle: ${describeCycle(graph, indeg, producer)}`);
  }
  return order;
}

/** Sort `graph.nodes` in place into topological order. */
export function sortGraph(graph: Graph): void {
  graph.nodes = topoOrder(graph);
  graph.touch();
}

/** Walk back through unfinished nodes until one repeats, and name the loop. */
function describeCycle(graph: Graph, indeg: number[], producer: Map<string, number>): string {
  let i = indeg.findIndex((d) => d > 0);
  const path: number[] = [];
  const at = new Map<number, number>();
  while (!at.has(i)) {
    at.set(i, path.length);
    path.push(i);
    const n = graph.nodes[i]!;
    const back = n.inputs.map((x) => (x ? producer.get(x) : undefined)).find((p) => p !== undefined && indeg[p]! > 0);
    if (back === undefined) break;
    i = back;
  }
  const loop = path.slice(at.get(i) ?? 0).reverse();
  loop.push(loop[0]!);
  return loop.map((k) => graph.nodes[k]!.label).join(' → ');
}
