/**
 * Graph invariants, checked after reading and after every rewrite pass (STYLE.md #6).
 * Each problem names the offending node or value.
 */
import { GraphError } from '../errors.js';
import type { Graph } from './graph.js';
import { topoOrder } from './topo.js';

/** Every invariant violation, as one-line messages (empty when the graph is valid). */
export function findProblems(graph: Graph): string[] {
  const problems: string[] = [];
  // One pass of the graph's index links every name to its value and producer.
  const index = graph.index();
  const inputs = new Set<string>();
  for (const name of graph.inputs) {
    if (inputs.has(name)) problems.push(`value '${name}' is defined twice: by a graph input and by a graph input`);
    else if (graph.initializers.has(name)) problems.push(`value '${name}' is defined twice: by a graph input and by an initializer`);
    inputs.add(name);
  }
  const defined = (name: string) => inputs.has(name) || graph.initializers.has(name);
  const definer = (name: string) => (inputs.has(name) ? 'a graph input' : 'an initializer');
  for (const { value, first, second } of index.definedTwice) {
    // A value that is also an input or initializer is reported below, once per producer.
    if (!defined(value.name)) problems.push(`value '${value.name}' is defined twice: by ${first.label} and by ${second.label}`);
  }
  // Node names: checked once per change of the graph (the reader makes them unique).
  const checkNames = !graph.namesKnownUnique;
  const nodeNames = checkNames ? new Map<string, string>() : undefined;
  let namesOk = true;
  const nodes = graph.nodes;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (nodeNames) {
      if (!n.name) {
        problems.push(`a ${n.opType} node has no name`);
        namesOk = false;
      } else if (nodeNames.has(n.name)) {
        problems.push(`two nodes are named '${n.name}' (${nodeNames.get(n.name)} and ${n.opType})`);
        namesOk = false;
      } else nodeNames.set(n.name, n.opType);
    }
    const outs = n.outValues;
    for (let k = 0; k < outs.length; k++) {
      const v = outs[k];
      if (v && defined(v.name)) problems.push(`value '${v.name}' is defined twice: by ${definer(v.name)} and by ${n.label}`);
    }
  }
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    const ins = n.inValues;
    for (let k = 0; k < ins.length; k++) {
      const v = ins[k];
      if (v && !v.producedBy && !defined(v.name)) {
        problems.push(`Error in ${n.opType} '${n.name}': input '${v.name}' is not produced by any node, nor a graph input or initializer`);
      }
    }
    const outer = n.outerValues;
    for (let k = 0; k < outer.length; k++) {
      const v = outer[k]!;
      if (!v.producedBy && !defined(v.name)) {
        problems.push(`Error in ${n.opType} '${n.name}': its subgraph reads '${v.name}', which is not produced by any node, nor a graph input or initializer`);
      }
    }
  }
  for (const o of graph.outputs) {
    if (!graph.values.get(o)?.producedBy && !defined(o)) problems.push(`graph output '${o}' is not produced by any node, nor a graph input or initializer`);
  }
  graph.values.forEach((v) => {
    const declared = v.declared?.dtype;
    if (declared && v.dtype && declared !== v.dtype) {
      const by = v.producedBy;
      problems.push(`value '${v.name}' is declared ${declared} but ${by ? by.label + ' produces' : 'holds'} ${v.dtype}`);
    }
  });
  if (checkNames && namesOk) graph.markNamesUnique();
  if (problems.length === 0 && !index.sorted) {
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
