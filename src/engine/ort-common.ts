/**
 * The part of both onnxruntime-node and onnxruntime-web that leannet uses (they share
 * onnxruntime-common's API): sessions, tensors, and errors turned into one line.
 */
import fs from 'node:fs';
import path from 'node:path';
import type * as OrtCommon from 'onnxruntime-common';
import { EngineError } from '../errors.js';
import { firstLine } from './registry.js';
import type { Engine, EngineInfo, EngineOptions, Feeds, HostTensor, LoadOptions, ModelBytes, Session } from './types.js';

type Ort = Pick<typeof OrtCommon, 'InferenceSession' | 'Tensor' | 'env'>;

/** Session options every ORT flavour understands, from leannet's engine options. */
export function sessionOptions(o: EngineOptions, threads: number, provider: string): OrtCommon.InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    graphOptimizationLevel: o.optLevel ?? 'all',
    intraOpNumThreads: threads,
    ...(o.interOpThreads !== undefined ? { interOpNumThreads: o.interOpThreads } : {}),
    executionMode: o.executionMode ?? 'sequential',
    // 3 = errors only: ORT otherwise warns once per initializer listed as an input, and more.
    logSeverityLevel: o.verbose ? 1 : 3,
    extra: { session: { intra_op: { allow_spinning: o.spinning ? '1' : '0' }, inter_op: { allow_spinning: o.spinning ? '1' : '0' } } },
  };
}

export class OrtEngine implements Engine {
  constructor(
    private readonly ort: Ort,
    readonly info: EngineInfo,
    private readonly options: OrtCommon.InferenceSession.SessionOptions,
    private readonly supportsFiles: boolean,
  ) {}

  async load(model: ModelBytes, load: LoadOptions = {}): Promise<Session> {
    const opts: OrtCommon.InferenceSession.SessionOptions = { ...this.options };
    let prefix: string | undefined;
    if (load.profileDir) {
      prefix = path.join(load.profileDir, 'ort-profile');
      opts.enableProfiling = true;
      opts.profileFilePrefix = prefix;
    }
    if (load.optimizedModelPath) opts.optimizedModelFilePath = load.optimizedModelPath;
    let session: OrtCommon.InferenceSession;
    try {
      if ('path' in model && this.supportsFiles) session = await this.ort.InferenceSession.create(model.path, opts);
      else session = await this.ort.InferenceSession.create('bytes' in model ? model.bytes : fs.readFileSync(model.path), opts);
    } catch (e) {
      throw new EngineError(`${this.info.engine}: onnxruntime rejected the model: ${firstLine(e)}`, { cause: e });
    }
    return new OrtSession(this.ort, session, this.info.engine, prefix, load.profileDir);
  }
}

class OrtSession implements Session {
  constructor(
    private readonly ort: Ort,
    private readonly s: OrtCommon.InferenceSession,
    private readonly engine: string,
    private readonly profilePrefix: string | undefined,
    private readonly profileDir: string | undefined,
  ) {}

  get inputNames() {
    return this.s.inputNames;
  }

  get outputNames() {
    return this.s.outputNames;
  }

  async run(feeds: Feeds): Promise<Record<string, HostTensor>> {
    const ortFeeds: Record<string, OrtCommon.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) {
      ortFeeds[name] = new this.ort.Tensor(t.dtype as 'float32', t.data as Float32Array, t.dims);
    }
    let out: OrtCommon.InferenceSession.ReturnType;
    try {
      out = await this.s.run(ortFeeds);
    } catch (e) {
      throw new EngineError(`${this.engine}: run failed: ${firstLine(e)}`, { cause: e });
    }
    const result: Record<string, HostTensor> = {};
    for (const [name, t] of Object.entries(out)) result[name] = { dtype: t.type, dims: t.dims, data: t.data as ArrayBufferView };
    return result;
  }

  endProfiling(): string | undefined {
    if (!this.profilePrefix || !this.profileDir) return undefined;
    this.s.endProfiling();
    const base = path.basename(this.profilePrefix);
    const files = fs.readdirSync(this.profileDir).filter((f) => f.startsWith(base) && f.endsWith('.json'));
    files.sort();
    return files.length ? path.join(this.profileDir, files[files.length - 1]!) : undefined;
  }

  async release(): Promise<void> {
    await this.s.release();
  }
}
