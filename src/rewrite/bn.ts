/** BatchNormalization in its inference form y = a·x + b, shared by fold-bn and reparam. */
import { attrFloat, attrInt, type Graph, type Node } from '../ir/index.js';
import { floatWeights } from './weights.js';

export interface BnAffine {
  /** a = γ / √(σ² + ε), per channel. */
  scale: Float32Array;
  /** b = β − μ·a, per channel. */
  shift: Float32Array;
}

/**
 * Why a BatchNormalization is not in inference form (undefined when it is): folding uses the
 * running statistics, which a training-mode BN does not normalise with. Training mode is
 * `training_mode=1` from opset 14, and any named statistics output before it (as onnxruntime
 * decides: a node with more than one output trains). A statistics output that is read would be
 * dropped by folding as well.
 */
export function bnNotInference(graph: Graph, bn: Node): string | undefined {
  const opset = graph.opset(bn.domain) ?? 0;
  const extra = bn.outputs.slice(1).filter((o) => o);
  for (const o of extra) {
    if (graph.consumers(o).length > 0 || graph.outputs.includes(o)) return `${bn.label}: its training-mode statistics output '${o}' is used; cannot fold`;
  }
  if (opset >= 14 ? attrInt(bn, 'training_mode', 0) !== 0 : extra.length > 0) {
    return `${bn.label} is in training mode (${opset >= 14 ? 'training_mode=1' : `opset ${opset} with statistics outputs`}): it normalises with the batch's statistics, not the running ones; cannot fold`;
  }
  return undefined;
}

/** The per-channel affine map of an inference-mode BatchNormalization, or undefined if its tensors are not constant. */
export function bnAffine(graph: Graph, bn: Node): BnAffine | undefined {
  const what = bn.label;
  const gamma = floatWeights(graph, bn.inputs[1], what);
  const beta = floatWeights(graph, bn.inputs[2], what);
  const mean = floatWeights(graph, bn.inputs[3], what);
  const variance = floatWeights(graph, bn.inputs[4], what);
  if (!gamma || !beta || !mean || !variance) return undefined;
  const eps = attrFloat(bn, 'epsilon', 1e-5);
  const c = gamma.data.length;
  const scale = new Float32Array(c);
  const shift = new Float32Array(c);
  for (let i = 0; i < c; i++) {
    // Computed in double precision, rounded once to float32.
    const a = gamma.data[i]! / Math.sqrt(variance.data[i]! + eps);
    scale[i] = a;
    shift[i] = beta.data[i]! - mean.data[i]! * a;
  }
  return { scale, shift };
}
