/** One call from a Graph to everything `leannet analyze` reports: inferred shapes and costs. */
import { validate, type Graph } from '../ir/index.js';
import { costModel, type ModelCost } from '../cost/index.js';
import { inferShapes, type BindOptions, type InferReport } from '../ops/index.js';

export interface Analysis {
  graph: Graph;
  inference: InferReport;
  cost: ModelCost;
}

/** Infer shapes (binding inputs as `options` says) and cost every node. */
export function analyzeGraph(graph: Graph, options: BindOptions = {}): Analysis {
  const inference = inferShapes(graph, options);
  validate(graph);
  return { graph, inference, cost: costModel(graph) };
}
