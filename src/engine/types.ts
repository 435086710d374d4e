/**
 * One small interface for every runtime (STYLE.md #7). Adapters wrap a real engine; callers
 * (bench, compare, verify, profile, the lab, rewrite) never name a runtime's own API.
 */

export type OptLevel = 'disabled' | 'basic' | 'extended' | 'all';
export const OPT_LEVELS: readonly OptLevel[] = ['disabled', 'basic', 'extended', 'all'];

export interface EngineOptions {
  /** Intra-op threads; undefined = all available cores. */
  threads?: number;
  /** Inter-op threads (parallel execution mode only). */
  interOpThreads?: number;
  executionMode?: 'sequential' | 'parallel';
  /** Graph optimisation level; default 'all'. */
  optLevel?: OptLevel;
  /** Let the runtime's own log lines through. */
  verbose?: boolean;
  /**
   * Let idle intra-op threads spin waiting for work (ORT's default). Off by default here: a
   * spinning pool steals cores from the other session of an A/B pair and from Node itself,
   * which on a 2-core machine doubled run times and made pair ratios vary ±30%.
   */
  spinning?: boolean;
}

/** What a result records about the engine that produced it. */
export interface EngineInfo {
  engine: string;
  runtime: string;
  version: string;
  provider: string;
  threads: number;
  interOpThreads: number | null;
  executionMode: 'sequential' | 'parallel';
  optLevel: OptLevel;
  spinning: boolean;
}

/** A tensor in a runtime-neutral form. */
export interface HostTensor {
  dtype: string;
  dims: readonly number[];
  data: ArrayBufferView;
}

export type Feeds = Record<string, HostTensor>;

/**
 * Where a model comes from: encoded bytes, or a file (needed for external data). `source` names
 * the file the bytes were converted from (a TF.js model.json: what the `tfjs` engine runs).
 */
export type ModelBytes = { bytes: Uint8Array; source?: string } | { path: string };

export interface LoadOptions {
  /** Collect the runtime's per-node profile into this folder. */
  profileDir?: string;
  /** Ask the runtime to write its optimised graph here. */
  optimizedModelPath?: string;
}

export interface Session {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Feeds): Promise<Record<string, HostTensor>>;
  /** Stop profiling and return the path of the trace file (sessions loaded with `profileDir`). */
  endProfiling(): string | undefined;
  release(): Promise<void>;
}

export interface Engine {
  readonly info: EngineInfo;
  load(model: ModelBytes, options?: LoadOptions): Promise<Session>;
}

/** What an engine loads: ONNX (bytes or file), or the TF.js model.json a model was converted from. */
export type EngineInput = 'onnx' | 'tfjs';

export interface EngineFactory {
  name: string;
  description: string;
  /** The model forms this engine runs. */
  runs: readonly EngineInput[];
  create(options: EngineOptions): Promise<Engine>;
}
