/** `leannet rewrite in.onnx -o out.onnx --pass fold-bn,reparam --pass dwsep:energy=0.95`. */
import { Command } from 'commander';
import { EngineError, UsageError } from '../../errors.js';
import { checkOutputPath, createEngine, nameFilter, openModel, parsePassSpecs, PASSES, rewriteJson, rewriteModel, rewriteReport, writeRewritten, type Graph } from '../../index.js';
import { withDataOptions } from '../data-options.js';
import { heldOutScorer, keepFlags, rewriteData, withRewriteDataOptions } from '../rewrite-data.js';
import { budget, engineOptions, withEngineOptions } from '../engine-options.js';
import { bindOptions, withShapeOptions } from '../options.js';
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
    .option('--report <file>', 'also write an HTML page diffing the model before and after (as `leannet diff --html`)', outputFileArg);
  withRewriteDataOptions(withDataOptions(withShapeOptions(withEngineOptions(cmd, { time: '6' }))));
  cmd.addHelpText('after', `\nPasses:\n${PASSES.map((p) => `  ${p.id.padEnd(22)} ${p.exact ? 'exact' : 'approx'}  ${p.algebra}`).join('\n')}`);
  cmd.action(async (model: string, opts, self: Command) => {
    checkOutputPath(model, opts.output);
    const specs = parsePassSpecs(opts.pass);
    if (opts.init) for (const s of specs) if (s.pass.id === 'group') s.params = { ...s.params, init: 'he' };
    const b = budget(opts);
    const keep = keepFlags(opts);
    const bind = bindOptions(opts);
    const engine = opts.verify || opts.measure || opts.data ? await createEngine(opts.engine, engineOptions(opts, !!self.optsWithGlobals()['verbose'])) : undefined;
    // Read once (when first needed, so option errors still come first): the data options, the
    // scorer's reference, every build and the report start from it.
    let opened: Graph | undefined;
    const source = () => (opened ??= openModel(model));
    const data = await rewriteData(model, opts, !!(keep && (keep.maxDrop !== undefined || keep.minAgreement !== undefined)), source);
    const score = keep && data && engine && data.heldOut ? heldOutScorer(model, data, engine, bind, source()) : undefined;
    const r = await withProgress('rewrite', (update) =>
      rewriteModel(model, specs, engine, {
        graph: source(),
        ...(opts.only ? { only: opts.only } : {}),
        seed: b.seed,
        bind,
        verify: opts.verify,
        measure: opts.measure,
        ...(keep
          ? { keep: { ...keep, ...(score ? { score } : {}), compare: { warmup: b.warmup, minPairs: 20, budgetMs: keep.seconds * 1000 }, onProgress: (d: number, n: number, what: string) => update(d / n, `change ${d}/${n}: ${what}`) } }
          : {}),
        ...(data ? { calibration: data.calibration } : {}),
        ...(data?.heldOut ? { verifyData: { dataset: data.heldOut, batchSize: data.batchSize } } : {}),
        compare: { warmup: b.warmup, minPairs: Math.max(20, b.minRuns), budgetMs: b.budgetMs, onProgress: (p) => update(p.elapsedMs / p.budgetMs, `${p.pairs} pairs`) },
      }),
    );
    await data?.close();
    if (opts.json) printJson(rewriteJson(r, opts.output));
    else print(rewriteReport(r));
    if (r.ok && r.passes.every((p) => p.changes.length === 0)) {
      const only = opts.only ? nameFilter(opts.only) : undefined;
      const selected = only ? r.graph.nodes.filter((n) => only(n.name)).length : undefined;
      const why = selected === undefined ? '' : ` (--only '${opts.only}' selects ${selected} of ${r.graph.nodes.length} nodes)`;
      process.stderr.write(`leannet: no pass changed the model${why}; ${opts.output} holds the input, re-encoded\n`);
    }
    if (!r.ok) throw new EngineError(`${r.failure}; ${opts.output} was not written`);
    writeRewritten(r.graph, opts.output, opts.external);
    if (opts.report) writeRewriteReport(model, r.graph, opts.output, opts.report, bindOptions(opts), r.timing, source());
    if (!opts.json) process.stderr.write(`wrote ${opts.output}\n`);
  });
  return cmd;
}
