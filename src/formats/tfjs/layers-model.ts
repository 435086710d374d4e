/** placeholder */
import { ModelFormatError } from '../../errors.js';
import type { Graph, Tensor } from '../../ir/index.js';
export function readLayersModel(_json: Record<string, unknown>, _w: Map<string, Tensor>, source: string): Graph {
  throw new ModelFormatError(`${source}: layers models not yet`);
}
