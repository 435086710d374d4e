/**
 * TensorFlow.js itself as the reference for TF.js models: the original model.json run with
 * `@tensorflow/tfjs` on its pure-JS CPU backend (loaded on first use; Node only: it reads the
 * weight shards from disk). Inputs and outputs are host tensors, as the ORT engines use.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../errors.js';
import type { HostTensor } from './types.js';

type Tf = typeof import('@tensorflow/tfjs');
let tfPromise: Promise<Tf> | undefined;

async function tfjs(): Promise<Tf> {
  tfPromise ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    await tf.setBackend('cpu');
    await tf.ready();
    return tf;
  })();
  return tfPromise;
}

/** A loaded TF.js model: run it on named inputs (graph model inputs by Placeholder name). */
export interface TfjsModel {
  readonly kind: 'graph-model' | 'layers-model';
  run(inputs: Record<string, HostTensor>, outputs?: readonly string[]): Promise<Record<string, HostTensor>>;
  dispose(): void;
}

/** Load `model.json` (and its shards) with @tensorflow/tfjs. */
export async function loadTfjsReference(file: string): Promise<TfjsModel> {
  const tf = await tfjs();
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  const dir = path.dirname(path.resolve(file));
  const specs = [];
  const buffers: Buffer[] = [];
  for (const group of json.weightsManifest ?? []) {
    specs.push(...group.weights);
    for (const p of group.paths) buffers.push(fs.readFileSync(path.join(dir, p)));
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  const handler = tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData, format: json.format, signature: json.signature, userDefinedMetadata: json.userDefinedMetadata });
  const layers = json.format === 'layers-model' || (json.format === undefined && json.modelTopology && ('model_config' in json.modelTopology || 'class_name' in json.modelTopology));
  const toHost = async (t: import('@tensorflow/tfjs').Tensor): Promise<HostTensor> => ({ dtype: t.dtype, data: (await t.data()) as HostTensor['data'], dims: t.shape as number[] });
  if (layers) {
    const model = await tf.loadLayersModel(handler);
    return {
      kind: 'layers-model',
      async run(inputs) {
        const xs = Object.values(inputs).map((h) => tf.tensor(h.data as Float32Array, h.dims as number[]));
        const y = model.predict(xs.length === 1 ? xs[0]! : xs);
        const ys = Array.isArray(y) ? y : [y];
        const out: Record<string, HostTensor> = {};
        for (let i = 0; i < ys.length; i++) out[model.outputNames[i] ?? `output_${i}`] = await toHost(ys[i]!);
        tf.dispose([...xs, ...ys]);
        return out;
      },
      dispose: () => model.dispose(),
    };
  }
  let model;
  try {
    model = await tf.loadGraphModel(handler);
  } catch (e) {
    throw new EngineError(`${file}: @tensorflow/tfjs cannot load it: ${(e as Error).message}`);
  }
  return {
    kind: 'graph-model',
    async run(inputs, outputs) {
      const feed: Record<string, import('@tensorflow/tfjs').Tensor> = {};
      for (const [k, h] of Object.entries(inputs)) {
        const isInt = h.data instanceof Int32Array;
        feed[k] = tf.tensor(h.data as Float32Array, h.dims as number[], isInt ? 'int32' : 'float32');
      }
      const names = outputs ? [...outputs] : model.outputNodes;
      const r = await model.executeAsync(feed, names);
      const ys = Array.isArray(r) ? r : [r];
      const out: Record<string, HostTensor> = {};
      for (let i = 0; i < ys.length; i++) out[names[i]!.replace(/:0$/, '')] = await toHost(ys[i]!);
      tf.dispose([...Object.values(feed), ...ys]);
      return out;
    },
    dispose: () => model.dispose(),
  };
}
