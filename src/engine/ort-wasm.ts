/**
 * onnxruntime-web's WebAssembly backend (SIMD, optional threads), running in Node. Its thread
 * count is fixed for the process at the first session, so a later request for another count
 * is refused rather than silently ignored.
 */
import os from 'node:os';
import { EngineError } from '../errors.js';
import { OrtEngine, sessionOptions } from './ort-common.js';
import type { EngineFactory } from './types.js';

let initialisedThreads: number | undefined;

export const ortWasm: EngineFactory = {
  name: 'ort-wasm',
  description: 'onnxruntime-web, WebAssembly (SIMD) backend in Node',
  runs: ['onnx'],
  async create(o) {
    const ort = await import('onnxruntime-web');
    const threads = o.threads ?? Math.min(4, os.availableParallelism());
    if (initialisedThreads !== undefined && initialisedThreads !== threads) {
      throw new EngineError(`engine 'ort-wasm' already runs with ${initialisedThreads} thread(s) in this process; onnxruntime-web cannot change it (run another process for ${threads})`);
    }
    ort.env.wasm.numThreads = threads;
    ort.env.logLevel = o.verbose ? 'verbose' : 'error';
    initialisedThreads = threads;
    // The wasm backend takes its thread count from env, not from session options.
    const options = sessionOptions({ ...o, executionMode: 'sequential' }, threads, 'wasm');
    delete options.intraOpNumThreads;
    return new OrtEngine(
      ort,
      {
        engine: 'ort-wasm',
        runtime: 'onnxruntime-web',
        version: ort.env.versions.web ?? 'unknown',
        provider: 'wasm',
        threads,
        interOpThreads: null,
        executionMode: 'sequential',
        optLevel: o.optLevel ?? 'all',
        spinning: !!o.spinning,
      },
      options,
      false,
    );
  },
};
