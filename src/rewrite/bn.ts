/** BatchNormalization in its inference form y = a·x + b, shared by fold-bn and reparam. */
import { attrFloat, attrInt, type Graph, type Node } from '../ir/index.js';
import { floatWeights } from './weights.js';

export { bnNotInference } from '../patterns/index.js';

export interface BnAffine {
  /** a = γ / √(σ² + ε), per channel. */
  scale: Float32Array;
  /** b = β − μ·a, per channel. */
  shift: Float32Array;
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
