/**
 * onnxruntime-web in the page (a Web Worker) as a leannet Engine, so the core's bench and
 * interleaved compare measure here as they do in Node. Models come as bytes; the wasm files are
 * served from this app's own folder (ort/, copied from node_modules at build), never fetched from
 * elsewhere. WebGPU is used only where the browser has an adapter.
 */
import * as ort from 'onnxruntime-web';
import type { Engine, EngineInfo, Feeds, HostTensor, ModelBytes, Session } from '../../src/core.js';
import { EngineError } from '../../src/core.js';
import type { Backend } from './messages.js';

let configured = false;
function configure(): void {
  if (configured) return;
  ort.env.wasm.wasmPaths = new URL('ort/', (globalThis as unknown as { location: Location }).location.href).href;
  // One thread: threads need a cross-origin-isolated page and spawn their own workers from this script.
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  configured = true;
}

/** The backends this browser can run: wasm always, WebGPU when an adapter is there. */
export async function availableBackends(): Promise<Backend[]> {
  const gpu = (globalThis.navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  let adapter: unknown = null;
  try {
    adapter = gpu ? await gpu.requestAdapter() : null;
  } catch {
    adapter = null;
  }
  return adapter ? ['wasm', 'webgpu'] : ['wasm'];
}

const message = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0];

class WebSession implements Session {
  constructor(private readonly s: ort.InferenceSession) {}
  get inputNames() {
    return this.s.inputNames;
  }
  get outputNames() {
    return this.s.outputNames;
  }
  async run(feeds: Feeds): Promise<Record<string, HostTensor>> {
    const inputs: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) inputs[name] = new ort.Tensor(t.dtype as 'float32', t.data as Float32Array, t.dims);
    let out: ort.InferenceSession.ReturnType;
    try {
      out = await this.s.run(inputs);
    } catch (e) {
      throw new EngineError(`onnxruntime-web: ${message(e)}`);
    }
    const result: Record<string, HostTensor> = {};
    for (const [name, t] of Object.entries(out)) {
      // WebGPU outputs stay on the GPU unless read; reading them is part of a run, as in Node.
      const data = t.location === 'gpu-buffer' ? await t.getData(true) : t.data;
      result[name] = { dtype: t.type, dims: t.dims, data: data as HostTensor['data'] };
    }
    return result;
  }
  endProfiling(): string | undefined {
    return undefined;
  }
  async release() {
    await this.s.release();
  }
}

export function webEngine(backend: Backend): Engine {
  configure();
  const info: EngineInfo = {
    engine: backend === 'webgpu' ? 'ort-web-webgpu' : 'ort-web-wasm',
    runtime: 'onnxruntime-web',
    version: ort.env.versions.web ?? 'unknown',
    provider: backend,
    threads: 1,
    interOpThreads: null,
    executionMode: 'sequential',
    optLevel: 'all',
    spinning: false,
  };
  return {
    info,
    async load(model: ModelBytes) {
      if (!('bytes' in model)) throw new EngineError('onnxruntime-web in the page loads models from bytes only');
      try {
        return new WebSession(await ort.InferenceSession.create(model.bytes, { executionProviders: [backend], graphOptimizationLevel: 'all' }));
      } catch (e) {
        throw new EngineError(`onnxruntime-web (${backend}) rejected the model: ${message(e)}`);
      }
    },
  };
}
