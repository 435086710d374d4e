/** Whether a BatchNormalization is in inference form, which fold-bn and reparam both need. */
import type { Graph, Node } from '../ir/index.js';
import { attrInt } from '../ir/index.js';

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
