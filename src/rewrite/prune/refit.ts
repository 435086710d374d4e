/**
 * Data-aware pruning: once every group is cut, each consumer that lost input channels (a Conv,
 * a Gemm or a MatMul) is refitted by least squares, in topological order, on the activations of
 * the network pruned (and refitted) so far, to reproduce the ORIGINAL network's output of that
 * layer on its channels still alive (He et al. 2017, "Channel Pruning"; ThiNet's reconstruction).
 * // W'_k = argmin ‖conv(x̂_k, W) + b − y_k[S_out]‖², x̂_k from the pruned network, y_k from the original
 */
import type { Calibration } from '../../calibrate/index.js';
import { attrFloat, attrInt, topoOrder, type Graph, type Node } from '../../ir/index.js';
import type { Change, RefitTarget } from '../types.js';
import { setFitted, setWeight } from '../weights.js';

/** [rows, cols] row-major → [cols, rows]. */
function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

export interface RefitRecord {
  node: string;
  fitError: number;
  heldOutError: number | undefined;
}

/** Refit every consumer the changes name; returns what each fit achieved, or why it was left. */
/**
 * `alive`: the ORIGINAL network's channels each pruned tensor still carries (what a refit layer's
 * output must reproduce of the original's); a tensor not in it carries all of them.
 */
export async function refitConsumers(graph: Graph, calibration: Calibration, alive: ReadonlyMap<string, readonly number[]>, changes: readonly Change[]): Promise<{ fitted: RefitRecord[]; left: string[] }> {
  const targets = new Map<string, RefitTarget>();
  for (const c of changes) for (const r of c.refit ?? []) targets.set(r.node, r);
  const fitted: RefitRecord[] = [];
  const left: string[] = [];
  for (const node of topoOrder(graph)) {
    if (!targets.has(node.name)) continue;
    const out = node.outputs[0]!;
    // The original channels this layer still produces (it may be the producer of a pruned group too).
    const keep = alive.get(out);
    if (node.opType === 'Conv') {
      const fit = await calibration.fitConvNode(graph, node, 'prune', node.inputs[0]!, out, node.name, keep);
      setFitted(graph, node, `${node.name}.refit`, graph.value(node.inputs[1]!).shape as number[], fit);
      fitted.push({ node: node.name, fitError: fit.fitError, heldOutError: fit.heldOutError });
    } else if (node.opType === 'Gemm' && !attrInt(node, 'transA', 0)) {
      const fit = await calibration.fitLinear(graph, 'prune', node.inputs[0]!, out, node.name, keep);
      const outN = fit.bias.length;
      const inN = fit.weight.length / outN;
      // y = alpha·A·B' + beta·C: B' = W (transB) or Wᵀ, divided by alpha; C = b / beta (beta 0 means no C: set it to 1).
      const alpha = attrFloat(node, 'alpha', 1);
      const beta = attrFloat(node, 'beta', 1) || 1;
      graph.setAttr(node, 'beta', { type: 'float', value: beta });
      const W = attrInt(node, 'transB', 0) ? fit.weight : transpose(fit.weight, outN, inN);
      setWeight(graph, node, 1, `${node.name}.weight_refit`, attrInt(node, 'transB', 0) ? [outN, inN] : [inN, outN], W.map((v) => v / alpha));
      setWeight(graph, node, 2, `${node.name}.bias_refit`, [outN], fit.bias.map((v) => v / beta));
      fitted.push({ node: node.name, fitError: fit.fitError, heldOutError: fit.heldOutError });
    } else {
      left.push(`${node.label}: refitting a ${node.opType} is not supported; its remaining weights are kept`);
    }
  }
  return { fitted, left };
}
