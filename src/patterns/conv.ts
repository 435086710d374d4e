/**
 * The matches of the passes that rewrite one standard conv: dwsep (k×k, k > 1, as depthwise +
 * pointwise) and group (g groups). dwsep-opportunity and group-opportunity findings are these.
 */
import type { Graph, Node } from '../ir/index.js';
import { parseConv } from '../ops/index.js';

export interface ConvMatch {
  conv: Node;
}

export interface GroupMatch extends ConvMatch {
  g: number;
}

/** A one-group Conv with stored 4-D weights and a window larger than 1×1, or undefined. */
export function matchDwsep(graph: Graph, node: Node): ConvMatch | undefined {
  if (node.opType !== 'Conv' || node.domain) return undefined;
  const w = graph.values.get(node.inputs[1]!)?.shape as number[] | undefined;
  if (!w || w.length !== 4 || parseConv(node).group !== 1 || w[2]! * w[3]! <= 1 || !graph.values.get(node.inputs[1]!)?.tensor) return undefined;
  return { conv: node };
}

/** A one-group Conv with stored weights whose input and output channels `g` divides, or undefined. */
export function matchGroup(graph: Graph, node: Node, g: number): GroupMatch | undefined {
  if (node.opType !== 'Conv' || node.domain) return undefined;
  const w = graph.values.get(node.inputs[1]!)?.shape as number[] | undefined;
  if (!w || parseConv(node).group !== 1 || w[0]! % g !== 0 || w[1]! % g !== 0 || !graph.values.get(node.inputs[1]!)?.tensor) return undefined;
  return { conv: node, g };
}
