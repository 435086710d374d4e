/** onnxruntime-node: the native CPU execution provider (default engine), and WebGPU where an adapter exists. */
import { createRequire } from 'node:module';
import os from 'node:os';
import { EngineError } from '../errors.js';
import { writeOnnx } from '../formats/onnx/index.js';
import { Graph, Node } from '../ir/index.js';
import { OrtEngine, sessionOptions } from './ort-common.js';
import { firstLine } from './registry.js';
import type { EngineFactory, EngineOptions } from './types.js';

/** onnxruntime-node's version, read from its package.json without loading the native runtime. */
export function ortNodeVersion(): string {
  return (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;
}

/**
 * onnxruntime-node, loaded on first use: analysing a model never pays for the native runtime.
 * Its Linux and macOS builds (1.30) start Microsoft's 1DS telemetry when loaded: a device id
 * under ~/.cache/Microsoft, an offline event store, uploads where the network allows, and an
 * empty /tmp/mat-debug-<pid>.log left behind by every process. leannet measures the user's own
 * models on their machine and reports nothing anywhere, so it opts out (ORT_DISABLE_TELEMETRY=1,
 * read once when the runtime starts) unless the user set that variable themselves.
 */
async function runtime() {
  if (process.env.ORT_DISABLE_TELEMETRY === undefined) process.env.ORT_DISABLE_TELEMETRY = '1';
  return (await import('onnxruntime-node')).default;
}

async function engine(name: string, provider: string, o: EngineOptions) {
  const ort = await runtime();
  ort.env.logLevel = o.verbose ? 'verbose' : 'error';
  const threads = o.threads ?? os.availableParallelism();
  return new OrtEngine(
    ort,
    {
      engine: name,
      runtime: 'onnxruntime-node',
      version: ort.env.versions.node ?? ortNodeVersion(),
      provider,
      threads,
      interOpThreads: o.interOpThreads ?? null,
      executionMode: o.executionMode ?? 'sequential',
      optLevel: o.optLevel ?? 'all',
      spinning: !!o.spinning,
    },
    sessionOptions(o, threads, provider),
    true,
  );
}

export const ortNode: EngineFactory = {
  name: 'ort',
  description: 'onnxruntime-node, CPU execution provider',
  runs: ['onnx'],
  create: (o) => engine('ort', 'cpu', o),
};

/** A one-Relu model, to check that an execution provider can start at all. */
function probeModel(): Uint8Array {
  const g = new Graph();
  g.opsets.set('', 13);
  g.addGraphInput('x');
  g.value('x').declared = { dtype: 'float32', shape: [1, 8] };
  g.addNode(new Node('Relu', 'probe', ['x'], ['y']));
  g.addGraphOutput('y');
  g.value('y').declared = { dtype: 'float32', shape: [1, 8] };
  return writeOnnx(g).model;
}

export const ortWebGpu: EngineFactory = {
  name: 'ort-webgpu',
  description: 'onnxruntime-node, WebGPU execution provider (needs a GPU adapter)',
  runs: ['onnx'],
  async create(o) {
    const e = await engine('ort-webgpu', 'webgpu', o);
    try {
      const s = await e.load({ bytes: probeModel() });
      await s.release();
    } catch (err) {
      throw new EngineError(`engine 'ort-webgpu' is not usable here: ${firstLine((err as Error).cause ?? err)}`);
    }
    return e;
  },
};
