/** Whether a value is a float constant, directly or through the ops a stored constant's value passes unchanged. */
import type { Graph } from '../ir/index.js';

/** Ops a constant passes through unchanged in value: PyTorch routes shared parameters through Identity. */
export const VALUE_PATH = new Set(['Identity', 'Reshape', 'Squeeze', 'Unsqueeze', 'Flatten']);
export const FLOAT_TYPES = new Set(['float32', 'float16', 'float64']);

/** The shape's dims when all are numbers. */
export function staticDims(shape: readonly (number | string)[] | undefined): number[] | undefined {
  return shape && shape.every((d) => typeof d === 'number') ? (shape as number[]) : undefined;
}

/** True when `name` is a float constant, directly or through Identity, Reshape/Squeeze/Unsqueeze/Flatten (static dims) and Cast to a float type (no data is read). */
export function isFloatConstant(graph: Graph, name: string | undefined, depth = 0): boolean {
  if (!name || depth > 16) return false;
  const v = graph.values.get(name);
  if (v?.tensor) return FLOAT_TYPES.has(v.tensor.dtype);
  const p = graph.producer(name);
  if (!p || p.domain) return false;
  if (VALUE_PATH.has(p.opType)) return (p.opType === 'Identity' || staticDims(v?.shape) !== undefined) && isFloatConstant(graph, p.inputs[0], depth + 1);
  if (p.opType === 'Cast') return FLOAT_TYPES.has(v?.dtype ?? '') && isFloatConstant(graph, p.inputs[0], depth + 1);
  return false;
}
