/**
 * Graph invariants, checked after reading and after every rewrite pass (STYLE.md #6).
 * Each problem names the offending node or value.
 */
import { GraphError } from '../errors.js';
import type { Graph, Node } from './graph.js';
import { topoOrder } from './topo.js';

/** Every invariant violation, as one-line messages (empty when the graph is valid). */
export function findProblems(graph: Graph): string[] {
  const problems: string[] = [];
  const available = new Set<string>();
  // Who defined each value: a node, or a description; labels are only built for a message.
  const origin = new Map<string, Node | string>();
  const describe = (o: Node | string) => (typeof o === 'string' ? o : o.label);
  const claim = (name: string, what: Node | string) => {
    const prev = origin.get(name);
    if (prev !== undefined) problems.push(`value '${name}' is defined twice: by ${describe(prev)} and by ${describe(what)}`);
    else origin.set(name, what);
    available.add(name);
  };
  for (const i of graph.inputs) claim(i, 'a graph input');
  for (const name of graph.initializers.keys()) claim(name, 'an initializer');

  const nodeNames = new Map<string, string>();
  for (const n of graph.nodes) {
    if (!n.name) problems.push(`a ${n.opType} node has no name`);
    else if (nodeNames.has(n.name)) problems.push(`two nodes are named '${n.name}' (${nodeNames.get(n.name)} and ${n.opType})`);
    else nodeNames.set(n.name, n.opType);
    for (const o of n.outputs) if (o) claim(o, n);
  }
  for (const n of graph.nodes) {
    for (const i of n.inputs) {
      if (i && !available.has(i)) {
        problems.push(`Error in ${n.opType} '${n.name}': input '${i}' is not produced by any node, nor a graph input or initializer`);
      }
    }
  }
  for (const o of graph.outputs) {
    if (!available.has(o)) problems.push(`graph output '${o}' is not produced by any node, nor a graph input or initializer`);
  }
  for (const v of graph.values.values()) {
    const declared = v.declared?.dtype;
    if (declared && v.dtype && declared !== v.dtype) {
      const by = graph.producer(v.name);
      problems.push(`value '${v.name}' is declared ${declared} but ${by ? by.label + ' produces' : 'holds'} ${v.dtype}`);
    }
  }
  if (problems.length === 0) {
    try {
      topoOrder(graph);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  return problems;
}

/** Throw a GraphError naming the first problem (and how many more there are). */
export function validate(graph: Graph, context?: string): void {
  const problems = findProblems(graph);
  if (problems.length === 0) return;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  throw new GraphError(`${context ? context + ': ' : ''}${problems[0]}${more}`);
}
