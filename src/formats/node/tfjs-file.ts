/**
 * TF.js models on disk: `model.json` and the weight shards its manifest names, read from the
 * folder beside it (paths that leave that folder are refused). Graph models and layers models
 * (`format`, or a Keras `model_config` / `class_name` topology) go to their readers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ModelFormatError, UsageError } from '../../errors.js';
import { host } from '../../host.js';
import type { Graph } from '../../ir/index.js';
import { readGraphModel, readLayersModel, readWeights, type GraphModelJson, type TfjsWeightGroup } from '../tfjs/index.js';
import { checkExternalLocation } from './onnx-file.js';

/** True when `spec` names a TF.js model.json (by name or by a `.json` extension). */
export function isTfjsPath(spec: string): boolean {
  return /\.json$/i.test(spec);
}

/** Read a TF.js model.json (graph or layers model) with its weight shards. */
/** How to read: `layout: false` keeps every NHWC↔NCHW transpose pair (each TF node's value then keeps its TF name and NHWC shape). */
export interface TfjsReadOptions {
  layout?: boolean;
}

export function loadTfjs(file: string, options: TfjsReadOptions = {}): Graph {
  let text: string;
  try {
    if (!fs.statSync(file).isFile()) throw new UsageError(`${file}: not a file`);
    text = host.readTextFile(file);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read (${code ?? (e as Error).message})`);
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new ModelFormatError(`${file}: not JSON (${(e as Error).message})`);
  }
  return readTfjsJson(json, file, shardReader(path.dirname(path.resolve(file)), file), options);
}

/** Read an already parsed model.json; `readShard` returns a shard's bytes by manifest path. */
export function readTfjsJson(json: Record<string, unknown>, source: string, readShard: (p: string) => Uint8Array, options: TfjsReadOptions = {}): Graph {
  const topo = json['modelTopology'] as Record<string, unknown> | undefined;
  if (!topo || typeof topo !== 'object') throw new ModelFormatError(`${source}: no modelTopology (not a TF.js model.json)`);
  const manifest = (json['weightsManifest'] ?? []) as TfjsWeightGroup[];
  const weights = readWeights(manifest, readShard, source);
  const format = json['format'];
  const layers = format === 'layers-model' || (format === undefined && ('model_config' in topo || 'class_name' in topo));
  if (layers) return readLayersModel(json, weights, source, options);
  if (format !== undefined && format !== 'graph-model') throw new ModelFormatError(`${source}: format '${String(format)}' is not graph-model or layers-model`);
  return readGraphModel(json as unknown as GraphModelJson, weights, source, options);
}

function shardReader(dir: string, source: string): (p: string) => Uint8Array {
  return (p) => {
    const file = path.join(dir, ...checkExternalLocation(p, source));
    try {
      const b = fs.readFileSync(file);
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch {
      throw new ModelFormatError(`${source}: weight shard '${p}' not found next to model.json`);
    }
  };
}
