/**
 * The `leannet analyze --json` document. Its schema is `schemas/analyze.schema.json`; fields are
 * only added, never renamed, within one `schema` version.
 */
import type { Analysis } from '../analysis/index.js';
import { activationMemory, type NodeCost } from '../cost/index.js';
import type { Graph } from '../ir/index.js';

export const ANALYZE_SCHEMA = 'leannet.analyze/1';

export interface AnalyzeJsonOptions {
  source: string;
  /** Keep only the N layers with the most madds. */
  top?: number;
  /** Add a per-op-type summary. */
  byOp?: boolean;
}

/** The conventions every figure follows, stated in the document itself. */
export const CONVENTIONS = {
  params: 'trainable parameters as PyTorch counts them: conv/gemm/matmul weights and biases, normalisation scale and shift',
  buffers: 'other stored constants: running statistics, element-wise constants, quantisation scales',
  madds: 'multiply-adds of Conv, ConvTranspose, Gemm, MatMul and their quantised forms (what papers call FLOPs)',
  flops: '2 x madds (+1 per output element with a bias) for conv/gemm; element-wise and pooling operations otherwise',
  memAccess: 'elements read + written by each node (inputs + outputs + weights); 0 for view and shape ops',
  elementwise: 'per-element operations of element-wise nodes (ReLU 1, Add 1, unfused BatchNorm 2, ...)',
  intensity: 'flops / memAccess bytes',
  memory:
    'peak activation bytes over the nodes in execution order: graph inputs and node outputs live from their producer to their last reader (graph outputs to the end); Reshape/Flatten/Squeeze/Unsqueeze/Identity alias their input; a single-pass element-wise op writes in place into a same-size input that dies there; weights (each stored constant once) apart',
} as const;

/** The `memory` section: peak activation memory, where it happens, and the curve over the nodes. */
export function memoryJson(graph: Graph) {
  const m = activationMemory(graph);
  return {
    peakBytes: m.peakBytes,
    peakNode: m.peakNode ?? null,
    peakIndex: m.peakIndex,
    weightBytes: m.weightBytes,
    inputBytes: m.inputBytes,
    unknownTensors: m.unknownTensors,
    aliased: m.aliased,
    curve: m.order.map((node, i) => ({ node, bytes: m.curve[i]! })),
  };
}

export function layerJson(c: NodeCost, totalMadds: number, shapeOf: (name: string) => unknown) {
  return {
    name: c.node.name,
    opType: c.node.opType,
    domain: c.node.domain,
    category: c.category,
    kind: c.kind ?? null,
    known: c.known,
    inputs: c.node.inputs.filter(Boolean).map((n) => ({ name: n, shape: shapeOf(n) })),
    outputs: c.node.outputs.filter(Boolean).map((n) => ({ name: n, shape: shapeOf(n) })),
    params: c.params,
    buffers: c.buffers,
    madds: c.madds,
    flops: c.flops,
    memAccess: c.memAccess,
    memAccessBytes: c.memAccessBytes,
    elementwise: c.elementwise,
    intensity: c.intensity,
    maddsShare: totalMadds ? c.madds / totalMadds : 0,
  };
}

export function analyzeJson(a: Analysis, options: AnalyzeJsonOptions) {
  const { graph, cost } = a;
  const shapeOf = (name: string) => graph.values.get(name)?.shape ?? null;
  const io = (name: string) => ({ name, dtype: graph.values.get(name)?.dtype ?? null, shape: shapeOf(name) });
  let layers = cost.nodes;
  if (options.top !== undefined) layers = [...layers].sort((x, y) => y.madds - x.madds).slice(0, options.top);
  const doc: Record<string, unknown> = {
    schema: ANALYZE_SCHEMA,
    source: options.source,
    model: {
      graphName: graph.name,
      producer: [graph.meta.producerName, graph.meta.producerVersion].filter(Boolean).join(' '),
      irVersion: graph.meta.irVersion,
      opsets: Object.fromEntries([...graph.opsets].map(([d, v]) => [d || 'ai.onnx', v])),
      nodes: graph.nodes.length,
      inputs: graph.inputs.map(io),
      outputs: graph.outputs.map(io),
    },
    conventions: CONVENTIONS,
    totals: { ...cost.totals, nodes: graph.nodes.length },
    convKinds: cost.convKinds,
    unknown: cost.unknown,
    memory: memoryJson(graph),
    layers: layers.map((c) => layerJson(c, cost.totals.madds, shapeOf)),
    notes: graph.notes,
  };
  if (options.byOp) doc['byOp'] = byOp(cost.nodes, cost.totals.madds);
  return doc;
}

/** Totals per op type, most madds (then most memAccess) first. */
export function byOp(nodes: readonly NodeCost[], totalMadds: number) {
  const m = new Map<string, { opType: string; count: number; params: number; madds: number; flops: number; memAccess: number; maddsShare: number }>();
  for (const c of nodes) {
    const e = m.get(c.node.opType) ?? { opType: c.node.opType, count: 0, params: 0, madds: 0, flops: 0, memAccess: 0, maddsShare: 0 };
    e.count++;
    e.params += c.params;
    e.madds += c.madds;
    e.flops += c.flops;
    e.memAccess += c.memAccess;
    m.set(c.node.opType, e);
  }
  for (const e of m.values()) e.maddsShare = totalMadds ? e.madds / totalMadds : 0;
  return [...m.values()].sort((a, b) => b.madds - a.madds || b.memAccess - a.memAccess);
}
