/** `leannet bench`, `compare`, `verify` and `profile`: real runs on a real engine. */
import { Command } from 'commander';
import { UsageError } from '../../errors.js';
import {
  bench, benchJson, benchReport, checkBatchFits, compare, compareJson, compareReport, createEngine, firstBatchFeeds, openDataset, planBatches, prepareModel, profile, profileJson, profileReport,
  verifyJson, verifyModels, verifyOnData, verifyReport,
  type BenchResult, type PreparedModel,
} from '../../index.js';
import { dataOptions, withDataOptions } from '../data-options.js';
import { budget, engineOptions, withEngineOptions } from '../engine-options.js';
import { bindOptions, positiveInt, withShapeOptions } from '../options.js';
import { print, printJson } from '../output.js';
import { withProgress } from '../progress.js';

const verbose = (cmd: Command) => !!cmd.optsWithGlobals()['verbose'];

export function benchCommand(): Command {
  const cmd = new Command('bench')
    .description('latency distribution of one or more models: median, p10/p90, IQR, min, throughput')
    .argument('<models...>', '.onnx files or zoo:<network>');
  withDataOptions(withShapeOptions(withEngineOptions(cmd, { time: '3' })));
  cmd.action(async (models: string[], opts, self: Command) => {
    const b = budget(opts);
    const bind = bindOptions(opts);
    checkDataFlags(opts);
    const engine = await createEngine(opts.engine, engineOptions(opts, verbose(self)));
    const results: BenchResult[] = [];
    for (const spec of models) {
      const prepared = prepareModel(spec, bind, b.seed);
      const inputSource = await feedFromData(opts, prepared, b.seed);
      const r = await withProgress(`bench ${prepared.label}`, (update) => bench(prepared, engine, { ...b, onProgress: (p) => update(p.elapsedMs / p.budgetMs, `${p.runs} runs`) }));
      results.push({ ...r, inputSource });
    }
    if (opts.json) printJson(benchJson(results));
    else print(benchReport(results));
  });
  return cmd;
}

export function compareCommand(): Command {
  const cmd = new Command('compare')
    .description('A/B latency: A and B interleaved on the same inputs, the ratio per pair with a 95% interval')
    .argument('<a>', 'baseline model')
    .argument('<b>', 'candidate model')
    .option('--noise <percent>', 'a difference smaller than this is reported as none, however significant', '1');
  withDataOptions(withShapeOptions(withEngineOptions(cmd, { time: '6' })));
  cmd.action(async (a: string, b: string, opts, self: Command) => {
    const bud = budget(opts);
    const bind = bindOptions(opts);
    checkDataFlags(opts);
    const engine = await createEngine(opts.engine, engineOptions(opts, verbose(self)));
    const noise = nonNegative(opts.noise, '--noise') / 100;
    const pa = prepareModel(a, bind, bud.seed);
    const pb = prepareModel(b, bind, bud.seed);
    const inputSource = await feedFromData(opts, pa, bud.seed, pb);
    const r = { ...(await withProgress('compare', (update) =>
      compare(pa, pb, engine, { noise, warmup: bud.warmup, minPairs: Math.max(bud.minRuns, 20), budgetMs: bud.budgetMs, onProgress: (p) => update(p.elapsedMs / p.budgetMs, `${p.pairs} pairs`) }),
    )), inputSource };
    if (opts.json) printJson(compareJson(r));
    else print(compareReport(r));
  });
  return cmd;
}

export function verifyCommand(): Command {
  const cmd = new Command('verify')
    .description('numerical agreement of two models on the same seeded inputs (exit 1 beyond tolerance)')
    .argument('<a>', 'reference model')
    .argument('<b>', 'model to check')
    .option('--atol <x>', 'absolute tolerance', '1e-5')
    .option('--rtol <x>', 'relative tolerance', '1e-4')
    .option('--relative-to <what>', "rtol relative to each 'element' (numpy allclose) or to the output's 'max'", 'element')
    .option('--engine-b <name>', 'run B on another engine (default: the same as A)');
  withDataOptions(withShapeOptions(withEngineOptions(cmd, { time: '1' })));
  cmd.action(async (a: string, b: string, opts, self: Command) => {
    checkDataFlags(opts);
    if (opts.relativeTo !== 'element' && opts.relativeTo !== 'max') throw new UsageError(`--relative-to: expected 'element' or 'max', got '${opts.relativeTo}'`);
    const tol = { atol: nonNegative(opts.atol, '--atol'), rtol: nonNegative(opts.rtol, '--rtol'), relativeTo: opts.relativeTo as 'element' | 'max' };
    const bud = budget(opts);
    const bind = bindOptions(opts);
    const eo = engineOptions(opts, verbose(self));
    const ea = await createEngine(opts.engine, eo);
    const eb = opts.engineB ? await createEngine(opts.engineB, eo) : ea;
    const pa = prepareModel(a, bind, bud.seed);
    const pb = prepareModel(b, bind, bud.seed);
    if (opts.data !== undefined) {
      // Every sample up to --limit (default 256), batch by batch, with agreement figures beside the tolerance check.
      planBatches(pa, 1);
      planBatches(pb, 1);
      const d = dataOptions(opts, pa.graph);
      const dataset = await openDataset(d.data!, { ...d, limit: d.limit ?? VERIFY_LIMIT });
      const r = await withProgress('verify', (update) => verifyOnData(pa, pb, dataset, ea, eb, tol, { batchSize: d.batchSize, onProgress: (done, total) => update(total ? done / total : 0, `${done}/${total}`) }));
      if (opts.json) printJson(verifyJson(r));
      else print(verifyReport(r));
      if (!r.pass) process.exitCode = 1;
      return;
    }
    const r = await verifyModels(pa, pb, ea, eb, tol);
    if (opts.json) printJson(verifyJson(r));
    else print(verifyReport(r));
    if (!r.pass) process.exitCode = 1;
  });
  return cmd;
}

export function profileCommand(): Command {
  const cmd = new Command('profile')
    .description("per-node latency from onnxruntime's profiler, beside each node's share of madds and memAccess")
    .argument('<model>', '.onnx file or zoo:<network>')
    .option('--top <n>', 'show the n slowest nodes');
  withShapeOptions(withEngineOptions(cmd, { time: '3' }));
  cmd.action(async (model: string, opts, self: Command) => {
    const bud = budget(opts);
    const engine = await createEngine(opts.engine, engineOptions(opts, verbose(self)));
    const prepared = prepareModel(model, bindOptions(opts), bud.seed);
    const r = await withProgress(`profile ${prepared.label}`, (update) => profile(prepared, engine, { ...bud, onProgress: (p) => update(p.elapsedMs / p.budgetMs, `${p.runs} runs`) }));
    if (opts.json) printJson(profileJson(r));
    else print(profileReport(r, opts.top !== undefined ? positiveInt(opts.top, '--top') : undefined));
  });
  return cmd;
}

/** Samples `verify --data` compares when --limit is not given. */
const VERIFY_LIMIT = 256;

/** --batch binds the batch dim of seeded inputs; real data comes in --batch-size samples. */
function checkDataFlags(opts: Record<string, unknown>): void {
  if (opts['data'] === undefined) {
    for (const f of ['labels', 'limit', 'preprocess', 'batchSize']) {
      if (opts[f] !== undefined) throw new UsageError(`--${f === 'batchSize' ? 'batch-size' : f} needs --data`);
    }
  } else if (opts['batch'] !== undefined) {
    throw new UsageError('--batch sets the batch of seeded inputs; with --data give --batch-size');
  }
}

/**
 * With --data, the first batch of real samples (--batch-size of them) becomes the feeds of
 * `p` (and of `also`, which must take the same input); returns which inputs were used.
 */
async function feedFromData(opts: Record<string, unknown>, p: PreparedModel, seed: number, also?: PreparedModel): Promise<string> {
  if (opts['data'] === undefined) return `seeded random (seed ${seed})`;
  if (also) planBatches(also, 1);
  const d = dataOptions(opts, p.graph);
  const dataset = await openDataset(d.data!, { ...d, limit: Math.min(d.limit ?? d.batchSize, d.batchSize) });
  const { feeds, samples, plan } = await firstBatchFeeds(p, dataset, d.batchSize);
  const t = feeds[plan.input]!;
  for (const m of also ? [p, also] : [p]) {
    if (m !== p) {
      const plan = planBatches(m, d.batchSize);
      if (plan.mode === 'fixed' && plan.runBatch !== t.dims[0]) throw new UsageError(`${m.label} has a fixed batch dim ${plan.runBatch} but ${p.label} gets batches of ${t.dims[0]}: give --batch-size ${plan.runBatch}`);
      checkBatchFits(m, plan, { dtype: t.dtype, dims: [...t.dims], data: t.data as Float32Array });
    }
    m.feeds = feeds;
    m.batch = t.dims[0]!;
  }
  const padded = t.dims[0]! - samples;
  return `the first ${samples} samples of ${dataset.description}${padded ? ` (padded with ${padded} zero samples to the fixed batch dim)` : ''}`;
}

function nonNegative(text: string, what: string): number {
  const v = Number(text);
  if (!Number.isFinite(v) || v < 0) throw new UsageError(`${what}: expected a non-negative number, got '${text}'`);
  return v;
}
