/** `leannet rewrite in.onnx -o out.onnx --pass fold-bn,reparam --pass dwsep:energy=0.95`. */
import { Command } from 'commander';
import { EngineError, UsageError } from '../../errors.js';
import { calibrationBatches, checkOutputPath, createEngine, nameFilter, openDataset, openModel, parsePassSpecs, PASSES, rewriteModel, rewriteReport, writeRewritten } from '../../index.js';
import { dataOptions, withDataOptions } from '../data-options.js';
import { budget, engineOptions, withEngineOptions } from '../engine-options.js';
import { bindOptions, positiveInt, withShapeOptions } from '../options.js';
import { print, printJson } from '../output.js';
import { withProgress } from '../progress.js';
import { outputFileArg, writeRewriteReport } from './diff.js';

export function rewriteCommand(): Command {
  const cmd = new Command('rewrite')
    .description('apply structural passes, verify the outputs on a runtime, measure, and write the result')
    .argument('<model>', '.onnx file or zoo:<network>')
    .requiredOption('-o, --output <file>', 'where to write the rewritten model (never the input)')
    .requiredOption('--pass <passes>', `passes in order, e.g. fold-bn,reparam or dwsep:energy=0.95 (repeatable); passes: ${PASSES.map((p) => p.id).join(', ')}`, (v: string, prev: string[] = []) => [...prev, v])
    .option('--only <regex>', 'rewrite only nodes whose name matches')
    .option('--init', "group pass: fresh seeded He weights instead of the block-diagonal part (same as group:init=he)")
    .option('--no-verify', 'skip running both models (nothing checks the outputs then)')
    .option('--no-measure', 'skip the interleaved latency comparison')
    .option('--external', "write the weights to '<output>.data'")
    .option('--keep <what>', "'faster': time each approximate change alone against the model without it (interleaved) and revert those not measurably faster")
    .option('--report <file>', 'also write an HTML page diffing the model before and after (as `leannet diff --html`)', outputFileArg)
    .option('--keep-time <seconds>', 'time budget of each change\'s comparison under --keep', '1.5')
    .option('--calib <n>', 'with --data: samples the dwsep and group fits use (default 256)')
    .option('--holdout <n>', 'with --data: samples after those, for each layer\'s held-out error (default 128)');
  withDataOptions(withShapeOptions(withEngineOptions(cmd, { time: '6' })));
  cmd.addHelpText('after', `\nPasses:\n${PASSES.map((p) => `  ${p.id.padEnd(22)} ${p.exact ? 'exact' : 'approx'}  ${p.algebra}`).join('\n')}`);
  cmd.action(async (model: string, opts, self: Command) => {
    checkOutputPath(model, opts.output);
    const specs = parsePassSpecs(opts.pass);
    if (opts.init) for (const s of specs) if (s.pass.id === 'group') s.params = { ...s.params, init: 'he' };
    const b = budget(opts);
    if (opts.keep !== undefined && opts.keep !== 'faster') throw new UsageError(`--keep: expected 'faster', got '${opts.keep}'`);
    if (opts.keep && !opts.measure) throw new UsageError('--keep faster measures every change: it cannot be combined with --no-measure');
    const keepSeconds = Number(opts.keepTime);
    if (!(keepSeconds > 0) || !Number.isFinite(keepSeconds)) throw new UsageError(`--keep-time: expected a positive number of seconds, got '${opts.keepTime}'`);
    const engine = opts.verify || opts.measure || opts.data ? await createEngine(opts.engine, engineOptions(opts, !!self.optsWithGlobals()['verbose'])) : undefined;
    const calibration = opts.data ? await calibrationSet(model, opts) : undefined;
    if (!opts.data && (opts.calib !== undefined || opts.holdout !== undefined)) throw new UsageError('--calib and --holdout need --data');
    const r = await withProgress('rewrite: measuring before vs after', (update) =>
      rewriteModel(model, specs, engine, {
        ...(opts.only ? { only: opts.only } : {}),
        seed: b.seed,
        bind: bindOptions(opts),
        verify: opts.verify,
        measure: opts.measure,
        ...(opts.keep ? { keep: { faster: true, compare: { warmup: b.warmup, minPairs: 20, budgetMs: keepSeconds * 1000 }, onProgress: (d: number, n: number, what: string) => update(d / n, `change ${d}/${n}: ${what}`) } } : {}),
        ...(calibration ? { calibration } : {}),
        compare: { warmup: b.warmup, minPairs: Math.max(20, b.minRuns), budgetMs: b.budgetMs, onProgress: (p) => update(p.elapsedMs / p.budgetMs, `${p.pairs} pairs`) },
      }),
    );
    if (opts.json) {
      const { graph, ...doc } = r;
      printJson({ schema: 'leannet.rewrite/1', output: r.ok ? opts.output : null, ...doc });
    } else print(rewriteReport(r));
    if (r.ok && r.passes.every((p) => p.changes.length === 0)) {
      const only = opts.only ? nameFilter(opts.only) : undefined;
      const selected = only ? r.graph.nodes.filter((n) => only(n.name)).length : undefined;
      const why = selected === undefined ? '' : ` (--only '${opts.only}' selects ${selected} of ${r.graph.nodes.length} nodes)`;
      process.stderr.write(`leannet: no pass changed the model${why}; ${opts.output} holds the input, re-encoded\n`);
    }
    if (!r.ok) throw new EngineError(`${r.failure}; ${opts.output} was not written`);
    writeRewritten(r.graph, opts.output, opts.external);
    if (opts.report) writeRewriteReport(model, r.graph, opts.output, opts.report, bindOptions(opts), r.timing);
    if (!opts.json) process.stderr.write(`wrote ${opts.output}\n`);
  });
  return cmd;
}

/** --data: the first --calib samples for the fits, the --holdout after them for held-out errors. */
async function calibrationSet(model: string, opts: Record<string, unknown>) {
  const calib = opts['calib'] !== undefined ? positiveInt(String(opts['calib']), '--calib') : 256;
  const holdout = opts['holdout'] !== undefined ? Number(opts['holdout']) : 128;
  if (!Number.isInteger(holdout) || holdout < 0) throw new UsageError(`--holdout must be a whole number ≥ 0, got '${String(opts['holdout'])}'`);
  const d = dataOptions(opts, openModel(model));
  const dataset = await openDataset(d.data!, { ...d, limit: Math.min(d.limit ?? Infinity, calib + holdout) });
  try {
    return await calibrationBatches(dataset, d.inputName, calib, holdout, d.batchSize);
  } finally {
    await dataset.close?.();
  }
}
