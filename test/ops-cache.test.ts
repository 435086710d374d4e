/**
 * The ops' per-graph cache (ops/registry.ts `GraphOps`, kept by the graph through `Graph.kept`):
 * each node's definition and parsed attributes, read by the node's position. It must give what a
 * fresh parse gives after every kind of edit, and keep parsed attributes across edits that shift
 * nodes (parses are counted with an op registered for this test).
 */
import { describe, expect, it } from 'vitest';
import { Graph, Node, analyzeGraph, costModel, float, inferShapes, opOf, registerOp, type OpDef } from '../src/index.js';

let parses = 0;
/** y = k·x, element-wise; madds = k rounded, so a stale parsed record shows in the costs. */
const scale: OpDef<{ k: number }> = {
  domain: 'test.cache',
  opType: 'Scale',
  since: 1,
  category: 'elementwise',
  parse: (node) => {
    parses++;
    const k = node.attrs.get('k');
    return { k: k?.type === 'float' ? k.value : 1 };
  },
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: ctx.shape(0) }],
  work: (ctx) => ({ madds: Math.round(ctx.attrs.k) }),
};
registerOp(scale);
// A newer definition of the same op from opset 2: a node re-resolves when the graph's opset changes.
registerOp({ ...scale, since: 2, category: 'movement' });

/** x → Scale(k=1) → Scale(k=2) → … (n nodes), opset 1 of the test domain. */
function chain(n: number): Graph {
  const g = new Graph();
  g.opsets.set('', 13);
  g.opsets.set('test.cache', 1);
  g.addGraphInput('x');
  g.value('x').declared = { dtype: 'float32', shape: [1, 4] };
  let prev = 'x';
  for (let i = 0; i < n; i++) {
    g.addNode(new Node('Scale', `s${i}`, [prev], [`y${i}`], new Map([['k', float(i + 1)]]), 'test.cache'));
    prev = `y${i}`;
  }
  g.addGraphOutput(prev);
  return g;
}

const madds = (g: Graph) => costModel(g).nodes.map((c) => c.madds);

describe('ops cache', () => {
  it('parses each node once per graph across inference and costs', () => {
    const g = chain(5);
    parses = 0;
    const a = analyzeGraph(g);
    expect(parses).toBe(5);
    expect(a.cost.nodes.map((c) => c.madds)).toEqual([1, 2, 3, 4, 5]);
    costModel(g);
    expect(parses).toBe(5);
  });

  it('keeps parsed attributes of nodes an edit shifted, and gives each node its own', () => {
    const g = chain(6);
    analyzeGraph(g);
    parses = 0;
    // Remove the first node: every other node moves down one position.
    const first = g.nodes[0]!;
    g.replaceUses(first.outputs[0]!, 'x');
    g.removeNode(first);
    expect(madds(g)).toEqual([2, 3, 4, 5, 6]);
    expect(parses).toBe(0);
    // A node inserted at the front shifts them all up again; only it is parsed.
    g.addNode(new Node('Scale', 'front', ['x'], ['f'], new Map([['k', float(7)]]), 'test.cache'), 0);
    g.setInput(g.nodes[1]!, 0, 'f');
    inferShapes(g);
    expect(madds(g)).toEqual([7, 2, 3, 4, 5, 6]);
    expect(parses).toBe(1);
  });

  it('re-parses a node whose attributes changed, and re-resolves when the opset changes', () => {
    const g = chain(3);
    analyzeGraph(g);
    parses = 0;
    g.setAttr(g.nodes[1]!, 'k', float(40));
    expect(madds(g)).toEqual([1, 40, 3]);
    expect(parses).toBe(1);
    expect(opOf(g, g.nodes[0]!)?.category).toBe('elementwise');
    g.opsets.set('test.cache', 2);
    expect(opOf(g, g.nodes[0]!)?.category).toBe('movement');
    expect(costModel(g).byCategory.map((c) => c.category)).toEqual(['movement']);
  });

  it('answers for nodes not indexed yet, and a clone has its own cache', () => {
    const g = chain(2);
    const extra = new Node('Scale', 'extra', ['y1'], ['z'], new Map([['k', float(9)]]), 'test.cache');
    g.addNode(extra);
    expect(extra.position).toBe(-1);
    expect(opOf(g, extra)).toBeDefined();
    g.setGraphOutputs(['z']);
    inferShapes(g);
    expect(madds(g)).toEqual([1, 2, 9]);
    const c = g.clone();
    parses = 0;
    inferShapes(c);
    expect(madds(c)).toEqual([1, 2, 9]);
    // The clone's nodes are new objects: parsed once for the clone, the original's cache untouched.
    expect(parses).toBe(3);
    expect(madds(g)).toEqual([1, 2, 9]);
    expect(parses).toBe(3);
  });
});
