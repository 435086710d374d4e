/**
 * TensorFlow.js itself as the reference for TF.js models: the original model.json run with
 * `@tensorflow/tfjs` on its pure-JS CPU backend (loaded on first use; Node only: it reads the
 * weight shards from disk). Inputs and outputs are host tensors, as the ORT engines use.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../errors.js';
import type { Engine, EngineFactory, EngineInfo, HostTensor, ModelBytes, Session } from './types.js';

type Tf = typeof import('@tensorflow/tfjs');
let tfPromise: Promise<Tf> | undefined;

async function tfjs(): Promise<Tf> {
  tfPromise ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    // PROD silences tfjs's advice to install tfjs-node (the report's stderr stays ours).
    tf.env().set('PROD', true);
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
      // execute() for graphs without dynamic ops (executeAsync warns on them), executeAsync otherwise.
      let r;
      try {
        r = model.execute(feed, names);
      } catch {
        r = await model.executeAsync(feed, names);
      }
      const ys = Array.isArray(r) ? r : [r];
      const out: Record<string, HostTensor> = {};
      for (let i = 0; i < ys.length; i++) out[names[i]!.replace(/:0$/, '')] = await toHost(ys[i]!);
      tf.dispose([...Object.values(feed), ...ys]);
      return out;
    },
    dispose: () => model.dispose(),
  };
}

/**
 * The `tfjs` engine: @tensorflow/tfjs's CPU backend running the original model.json a prepared
 * TF.js model came from (verify A against the converted ONNX on ORT as B; bench and compare
 * time it too). ONNX bytes alone it refuses in one line.
 */
export const tfjsEngine: EngineFactory = {
  name: 'tfjs',
  description: '@tensorflow/tfjs CPU backend, TF.js model.json files only',
  async create(): Promise<Engine> {
    const tf = await tfjs();
    const info: EngineInfo = {
      engine: 'tfjs', runtime: '@tensorflow/tfjs', version: tf.version.tfjs, provider: 'cpu', threads: 1, interOpThreads: null,
      executionMode: 'sequential', optLevel: 'all', spinning: false,
    };
    return {
      info,
      async load(model: ModelBytes): Promise<Session> {
        const file = 'path' in model ? model.path : model.source;
        if (!file || !/\.json$/i.test(file)) throw new EngineError('the tfjs engine runs TF.js model.json files only; give it a model.json');
        const m = await loadTfjsReference(file);
        const json = JSON.parse(fs.readFileSync(file, 'utf8'));
        const sig = json.signature ?? json.userDefinedMetadata?.signature;
        const strip = (n: string) => n.replace(/:0$/, '');
        const outputNames = sig?.outputs ? Object.values(sig.outputs as Record<string, { name: string }>).map((o) => strip(o.name)) : [];
        const inputNames = sig?.inputs ? Object.values(sig.inputs as Record<string, { name: string }>).map((o) => strip(o.name)) : [];
        return {
          inputNames,
          outputNames,
          run: (feeds) => m.run(feeds, outputNames.length && m.kind === 'graph-model' ? outputNames : undefined),
          endProfiling: () => undefined,
          release: async () => m.dispose(),
        };
      },
    };
  },
};
