/**
 * TensorFlow.js itself as the reference for TF.js models: the original model.json run with
 * @tensorflow/tfjs-core + -converter (graph models) / -layers (layers models), on the pure-JS CPU
 * backend (`tfjs`) or the WebAssembly one (`tfjs-wasm`, SIMD, one thread in Node), each loaded on
 * first use. Node only: it reads the weight shards from disk. Inputs and outputs are host tensors,
 * as the ORT engines use. tfjs has one active backend per process, so every load and run selects
 * its own first (a tensor made on the other one is moved by tfjs).
 */
import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../errors.js';
import { enginesFor, firstLine } from './registry.js';
import type { Engine, EngineFactory, EngineInfo, HostTensor, ModelBytes, Session } from './types.js';

type Tf = typeof import('@tensorflow/tfjs-core');
type Tensor = import('@tensorflow/tfjs-core').Tensor;
/** The TF.js backends leannet runs models on. */
export type TfjsBackend = 'cpu' | 'wasm';

interface Tfjs {
  tf: Tf;
  converter: typeof import('@tensorflow/tfjs-converter');
  layers: typeof import('@tensorflow/tfjs-layers');
  /** The backend's package version and the threads it runs (wasm: fixed by its build). */
  backend: { version: string; threads: number };
}
const loaded = new Map<TfjsBackend, Promise<Tfjs>>();

async function tfjs(backend: TfjsBackend): Promise<Tfjs> {
  let p = loaded.get(backend);
  if (!p) {
    p = (async () => {
      const tf = await import('@tensorflow/tfjs-core');
      // PROD silences tfjs's advice to install tfjs-node (the report's stderr stays ours).
      tf.env().set('PROD', true);
      let info;
      if (backend === 'wasm') {
        const w = await import('@tensorflow/tfjs-backend-wasm');
        await use(tf, 'wasm');
        info = { version: w.version_wasm, threads: w.getThreadsCount() };
      } else {
        const c = await import('@tensorflow/tfjs-backend-cpu');
        await use(tf, 'cpu');
        info = { version: c.version_cpu, threads: 1 };
      }
      const [converter, layers] = await Promise.all([import('@tensorflow/tfjs-converter'), import('@tensorflow/tfjs-layers')]);
      return { tf, converter, layers, backend: info };
    })();
    loaded.set(backend, p);
    p.catch(() => loaded.delete(backend));
  }
  return p;
}

async function use(tf: Tf, backend: TfjsBackend): Promise<void> {
  if (tf.getBackend() === backend) return;
  if (!(await tf.setBackend(backend))) throw new EngineError(`@tensorflow/tfjs-backend-${backend} failed to initialise`);
}

/** A loaded TF.js model: run it on named inputs (graph model inputs by Placeholder name). */
export interface TfjsModel {
  readonly kind: 'graph-model' | 'layers-model';
  /** The parsed model.json (read once, with the weights). */
  readonly json: { signature?: unknown; userDefinedMetadata?: { signature?: unknown } };
  run(inputs: Record<string, HostTensor>, outputs?: readonly string[]): Promise<Record<string, HostTensor>>;
  dispose(): void;
}

/** Load `model.json` (and its shards) with TensorFlow.js on `backend` (default: cpu). */
export async function loadTfjsReference(file: string, backend: TfjsBackend = 'cpu'): Promise<TfjsModel> {
  const { tf, converter, layers: tfl } = await tfjs(backend);
  await use(tf, backend);
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
  const toHost = async (t: Tensor): Promise<HostTensor> => ({ dtype: t.dtype, data: (await t.data()) as HostTensor['data'], dims: t.shape as number[] });
  if (layers) {
    const model = await tfl.loadLayersModel(handler);
    return {
      kind: 'layers-model',
      json,
      async run(inputs) {
        await use(tf, backend);
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
    model = await converter.loadGraphModel(handler);
  } catch (e) {
    throw new EngineError(`${file}: TensorFlow.js cannot load it: ${firstLine(e)}`);
  }
  // execute() for graphs without dynamic ops (executeAsync warns on them), executeAsync otherwise:
  // decided on the first run, not by catching an exception on every timed run.
  let sync: boolean | undefined;
  return {
    kind: 'graph-model',
    json,
    async run(inputs, outputs) {
      await use(tf, backend);
      const feed: Record<string, Tensor> = {};
      for (const [k, h] of Object.entries(inputs)) {
        const isInt = h.data instanceof Int32Array;
        feed[k] = tf.tensor(h.data as Float32Array, h.dims as number[], isInt ? 'int32' : 'float32');
      }
      const names = outputs ? [...outputs] : model.outputNodes;
      let r;
      if (sync !== false) {
        try {
          r = model.execute(feed, names);
          sync = true;
        } catch (e) {
          if (sync) throw e;
          sync = false;
        }
      }
      if (sync === false) r = await model.executeAsync(feed, names);
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
 * The `tfjs` (CPU backend) and `tfjs-wasm` engines: TensorFlow.js running the original model.json
 * a prepared TF.js model came from (verify A against the converted ONNX on ORT as B; bench and
 * compare time it too). ONNX bytes alone they refuse in one line.
 */
function tfjsFactory(name: string, backend: TfjsBackend, description: string): EngineFactory {
  return {
    name,
    description,
    runs: ['tfjs'],
    async create(): Promise<Engine> {
      const { backend: b } = await tfjs(backend);
      const info: EngineInfo = {
        engine: name, runtime: `@tensorflow/tfjs-backend-${backend}`, version: b.version, provider: backend, threads: b.threads, interOpThreads: null,
        executionMode: 'sequential', optLevel: 'all', spinning: false,
      };
      return {
        info,
        async load(model: ModelBytes): Promise<Session> {
          const file = 'path' in model ? model.path : model.source;
          if (!file || !/\.json$/i.test(file)) throw new EngineError(`the ${name} engine runs TF.js model.json files only; give it a model.json (ONNX runs on ${enginesFor('onnx').join(', ')})`);
          const m = await loadTfjsReference(file, backend);
          const sig = (m.json.signature ?? m.json.userDefinedMetadata?.signature) as { inputs?: unknown; outputs?: unknown } | undefined;
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
}

export const tfjsEngine = tfjsFactory('tfjs', 'cpu', 'TensorFlow.js, pure-JS CPU backend, TF.js model.json files only');
export const tfjsWasmEngine = tfjsFactory('tfjs-wasm', 'wasm', 'TensorFlow.js, WebAssembly (SIMD) backend in Node, TF.js model.json files only');
