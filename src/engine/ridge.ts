/**
 * This machine's ridge point (roofline balance): peak compute ÷ memory bandwidth, in flops per
 * byte. Measured on the engine with a large Gemm (compute-bound) and a large Add (memory-bound),
 * then cached per CPU, core count, engine version and thread count. A measurement, so it lives
 * with the engines; lint takes the number it gives (`LintOptions.ridge`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { timeRuns } from './bench.js';
import { environment } from './environment.js';
import { ortNodeVersion } from './ort-node.js';
import { prepareGraph } from './prepare.js';
import { createEngine } from './registry.js';
import { summarize } from './stats.js';
import { Builder } from '../zoo/index.js';

export interface Ridge {
  /** flops per byte */
  ridge: number;
  peakGflops: number;
  bandwidthGBs: number;
  measuredAt: string;
  key: string;
}

function cacheFile(): string {
  const base = process.env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache');
  return path.join(base, 'leannet', 'ridge.json');
}

/** Gemm n×n×n: 2n³ flops. */
function gemmModel(n: number) {
  const b = new Builder({ name: 'ridge-gemm', seed: 1 });
  const x = b.input('a', [n, n]);
  const w = b.param('b', [n, n], { kind: 'normal', mean: 0, std: 0.01 });
  b.output(b.op('Gemm', [x, w]));
  return b.finish();
}

/** Add of two n-element tensors: reads 2n, writes n floats. */
function addModel(n: number) {
  const b = new Builder({ name: 'ridge-add', seed: 1 });
  const x = b.input('x', [1, n]);
  const y = b.input('y', [1, n]);
  b.output(b.op('Add', [x, y]));
  return b.finish();
}

function ridgeKey(info: { version: string; threads: number }): string {
  const env = environment();
  return `${env.cpu}|${env.cores} cores|onnxruntime-node ${info.version}|${info.threads} threads`;
}

export async function measureRidge(threads?: number): Promise<Ridge> {
  const engine = await createEngine('ort', threads ? { threads } : {});
  const key = ridgeKey(engine.info);
  const N = 1024;
  const gemm = prepareGraph(gemmModel(N), 'gemm');
  const gs = await engine.load(gemm.model);
  const gt = summarize(await timeRuns(gs, gemm.feeds, { warmup: 3, minRuns: 10, budgetMs: 1000 })).median;
  await gs.release();
  const M = 16 * 2 ** 20;
  const add = prepareGraph(addModel(M), 'add');
  const as = await engine.load(add.model);
  const at = summarize(await timeRuns(as, add.feeds, { warmup: 3, minRuns: 10, budgetMs: 1000 })).median;
  await as.release();
  const peak = (2 * N ** 3) / (gt / 1000);
  const bw = (3 * M * 4) / (at / 1000);
  return { ridge: peak / bw, peakGflops: peak / 1e9, bandwidthGBs: bw / 1e9, measuredAt: new Date().toISOString(), key };
}

/** The cached ridge for this machine, measuring (and caching) it the first time. */
export async function machineRidge(onMeasure?: () => void): Promise<Ridge> {
  const file = cacheFile();
  // The key of the default engine, without loading the native runtime (a cached ridge is the common case).
  const key = ridgeKey({ version: ortNodeVersion(), threads: os.availableParallelism() });
  try {
    const cached = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Ridge>;
    if (cached[key]) return cached[key]!;
  } catch {
    // no cache yet
  }
  onMeasure?.();
  const r = await measureRidge();
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    let all: Record<string, Ridge> = {};
    try {
      all = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      all = {};
    }
    all[key] = r;
    fs.writeFileSync(file, JSON.stringify(all, null, 2));
  } catch {
    // A read-only home is fine: the figure is still used for this run.
  }
  return r;
}
