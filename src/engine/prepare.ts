/**
 * A model made ready for an engine: its Graph (for shapes and costs), the bytes or file the
 * engine loads, and seeded inputs of the shapes the user asked for.
 */
import path from 'node:path';
import { openModel } from '../analysis/index.js';
import { UsageError } from '../errors.js';
import { writeOnnx } from '../formats/onnx/index.js';
import { isTfjsPath } from '../formats/node/index.js';
import type { Graph } from '../ir/index.js';
import { inferShapes, type BindOptions } from '../ops/index.js';
import { seededInputs } from './inputs.js';
import type { Feeds, ModelBytes } from './types.js';

export interface PreparedModel {
  /** How results name the model (a file name or the zoo spec). */
  label: string;
  graph: Graph;
  model: ModelBytes;
  feeds: Feeds;
  /** The leading dim of the first input: images per run, for throughput. */
  batch: number;
}

/** Open `spec` (a path or `zoo:…`; `graph` when the caller opened it already), bind its inputs, and make seeded feeds. */
export function prepareModel(spec: string, bind: BindOptions = {}, seed = 1, graph?: Graph): PreparedModel {
  if (isTfjsPath(spec)) {
    // ONNX engines run the converted bytes; the tfjs engine runs the original model.json.
    const p = prepareGraph(graph ?? openModel(spec), path.basename(path.dirname(path.resolve(spec))) + '/' + path.basename(spec), bind, seed);
    return { ...p, model: { ...(p.model as { bytes: Uint8Array }), source: spec } };
  }
  return prepareGraph(graph ?? openModel(spec), spec.startsWith('zoo:') ? spec : path.basename(spec), bind, seed, spec.startsWith('zoo:') ? undefined : spec);
}

/** The same for a Graph in memory; `file` lets the engine load an unchanged file directly. */
export function prepareGraph(graph: Graph, label: string, bind: BindOptions = {}, seed = 1, file?: string): PreparedModel {
  inferShapes(graph, bind);
  const feeds = seededInputs(graph, seed);
  const first = graph.inputs[0];
  const batch = first ? Number(graph.value(first).shape?.[0] ?? 1) : 1;
  // A file whose inputs the user did not re-shape can be loaded as is (keeps external data working).
  const model: ModelBytes = file ? { path: file } : { bytes: writeOnnx(graph).model };
  return { label, graph, model, feeds, batch };
}

/** Both models must take the same inputs for compare and verify. */
export function checkSameInputs(a: PreparedModel, b: PreparedModel): void {
  const describe = (p: PreparedModel) => Object.entries(p.feeds).map(([n, t]) => `${n} ${t.dims.join('x')}`).sort().join(', ');
  if (describe(a) !== describe(b)) {
    throw new UsageError(`the models take different inputs: ${a.label} takes ${describe(a) || 'none'}, ${b.label} takes ${describe(b) || 'none'}`);
  }
}
