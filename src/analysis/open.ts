/**
 * Open a model by what a user types: a path to an .onnx file, or `zoo:<network>[?options]`
 * for a built-in network (for example `zoo:mobilenet_v2?width=0.5`), or a TF.js `model.json`
 * (graph or layers model, its weight shards beside it).
 */
import { UsageError } from '../errors.js';
import { isTfjsPath, loadOnnx, loadTfjs } from '../formats/node/index.js';
import type { Graph } from '../ir/index.js';
import { buildFromSpec, NETWORKS } from '../zoo/index.js';

/** A source of models addressed by a `prefix:` (for example `zoo:`). */
export interface ModelSource {
  prefix: string;
  describe: string;
  open(rest: string): Graph;
}

const sources = new Map<string, ModelSource>([
  ['zoo', { prefix: 'zoo', describe: `a built-in network: ${NETWORKS.map((n) => n.name).join(', ')}`, open: buildFromSpec }],
]);

export function registerModelSource(source: ModelSource): void {
  sources.set(source.prefix, source);
}

/** A Graph for `spec`: `path/to/model.onnx` or `<prefix>:<rest>` of a registered source. */
export function openModel(spec: string): Graph {
  const m = /^([a-z][a-z0-9]*):(.*)$/.exec(spec);
  if (m && sources.has(m[1]!)) return sources.get(m[1]!)!.open(m[2]!);
  if (m && m[1]!.length > 1 && !sources.has(m[1]!)) {
    const known = [...sources.keys()].map((p) => `${p}:`).join(', ');
    throw new UsageError(`'${spec}': unknown model source '${m[1]}:'${known ? `; known: ${known}` : ''} (or give a path to an .onnx file)`);
  }
  if (isTfjsPath(spec)) return loadTfjs(spec);
  return loadOnnx(spec);
}
