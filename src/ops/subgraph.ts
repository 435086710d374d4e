/**
 * Shapes inside subgraphs (If branches, Scan bodies). The ops layer cannot decode protobuf (the
 * formats layer above it does), so the ONNX reader registers how to turn a subgraph attribute
 * into a Graph; inference then runs on that Graph with the values it reads from the scopes around
 * it seeded from the outer graph, and its declared inputs set by the op (a Scan body's slices).
 */
import { ShapeInferenceError } from '../errors.js';
import type { Graph, Shape, Value } from '../ir/index.js';
import type { OutputInfo } from './types.js';

/** Decodes a subgraph attribute's value (as the reader keeps it) into a Graph with the given opsets. */
export type SubgraphReader = (graph: unknown, opsets: ReadonlyMap<string, number>, name: string) => Graph;

let reader: SubgraphReader | undefined;

/** Called once by the ONNX reader. */
export function registerSubgraphReader(fn: SubgraphReader): void {
  reader = fn;
}

/** Whole-graph inference with outer values seeded (infer.ts registers it: it imports the op table, which imports this). */
export type SubgraphInfer = (graph: Graph, outer: ReadonlyMap<string, Value>) => void;

let infer: SubgraphInfer | undefined;

export function registerSubgraphInfer(fn: SubgraphInfer): void {
  infer = fn;
}

/**
 * Infer a subgraph: `inputs` are its graph inputs' types (in order), `outer` the outer graph's
 * values by name. Returns each graph output's type, or undefined when no reader is registered or
 * it refuses the subgraph.
 * A subgraph whose shapes contradict themselves throws, its message naming the attribute.
 */
export function inferSubgraph(
  value: unknown,
  attr: string,
  outerGraph: Graph,
  inputs: readonly { dtype: OutputInfo['dtype']; shape: Shape | undefined }[],
): OutputInfo[] | undefined {
  if (!reader || !infer) return undefined;
  let g: Graph;
  try {
    g = reader(value, outerGraph.opsets, attr);
  } catch {
    // A subgraph the reader refuses (as the node was before leannet looked inside): unknown outputs, not an error.
    return undefined;
  }
  if (inputs.length !== g.inputs.length) throw new ShapeInferenceError(`${attr} takes ${g.inputs.length} inputs, the node gives it ${inputs.length}`);
  g.inputs.forEach((name, i) => {
    const v = g.value(name);
    v.declared = { dtype: inputs[i]!.dtype ?? v.declared?.dtype, shape: inputs[i]!.shape };
  });
  try {
    infer(g, outerGraph.values);
  } catch (e) {
    if (e instanceof ShapeInferenceError) throw new ShapeInferenceError(`${attr}: ${e.message}`);
    throw e;
  }
  return g.outputs.map((o) => {
    const v = g.value(o);
    return { dtype: v.dtype, shape: v.shape };
  });
}
