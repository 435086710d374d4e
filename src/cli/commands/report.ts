/** `leannet report <model> -o report.html [--profile] [--lint]`: one self-contained HTML page with the graph and per-node overlays. */
import { Command } from 'commander';
import { UsageError } from '../../errors.js';
import {
  analyzeGraph, chartLibrary, checkOutputFile, createEngine, lint, machineRidge, measuredFromProfile, openModel, prepareGraph, profile, reportData, reportHtml,
  writeFilesAtomic, type ProfileResult, type Ridge,
} from '../../index.js';
import { bindOptions, positiveInt, withShapeOptions } from '../options.js';
import { withProgress } from '../progress.js';

export function reportCommand(): Command {
  const cmd = new Command('report')
    .description('write one HTML page (opens from disk, no network): the graph coloured by madds, memAccess, intensity, measured time or lint severity, a layer table and charts')
    .argument('<model>', '.onnx file or zoo:<network>')
    .requiredOption('-o, --output <file>', 'the HTML file to write')
    .option('--profile', "measure per-node time with onnxruntime's profiler (colour by time, roofline with measured GFLOP/s)")
    .option('--lint', 'run the lint rules and mark their findings')
    .option('--ridge <flops-per-byte>', "this machine's ridge point (default with --profile or --lint: measured once and cached)")
    .option('--time <seconds>', 'time budget of the profiled runs', '3')
    .option('--threads <n>', 'intra-op threads for --profile (default: all cores)');
  withShapeOptions(cmd);
  cmd.action(async (model: string, opts) => {
    checkOutputFile(opts.output);
    const seconds = Number(opts.time);
    if (!(seconds > 0) || !Number.isFinite(seconds)) throw new UsageError(`--time: expected a positive number of seconds, got '${opts.time}'`);
    let ridge: Ridge | { ridge: number; peakGflops: number; bandwidthGBs: number } | undefined;
    const bind = bindOptions(opts);
    const graph = openModel(model);
    const analysis = analyzeGraph(graph, bind);
    if (opts.ridge !== undefined) {
      const r = Number(opts.ridge);
      if (!(r > 0)) throw new UsageError(`--ridge: expected a positive number of flops per byte, got '${opts.ridge}'`);
      ridge = { ridge: r, peakGflops: NaN, bandwidthGBs: NaN };
    } else if (opts.profile || opts.lint) {
      ridge = await machineRidge(() => process.stderr.write("measuring this machine's ridge point once (cached for next time)…\n"));
    }
    let prof: ProfileResult | undefined;
    if (opts.profile) {
      const engine = await createEngine('ort', opts.threads !== undefined ? { threads: positiveInt(opts.threads, '--threads') } : {});
      prof = await withProgress(`profile ${model}`, (update) =>
        profile(prepareGraph(graph, model, bind), engine, { budgetMs: seconds * 1000, onProgress: (p) => update(p.elapsedMs / p.budgetMs, `${p.runs} runs`) }),
      );
    }
    const lintResult = opts.lint ? lint(analysis, { ...(ridge ? { ridge: ridge.ridge } : {}), ...(prof ? { measured: measuredFromProfile(prof, analysis) } : {}) }) : undefined;
    const knownRoof = ridge && Number.isFinite(ridge.peakGflops) ? ridge : undefined;
    const data = reportData(analysis, { source: model, ...(prof ? { profile: prof } : {}), ...(lintResult ? { lint: lintResult } : {}), ...(knownRoof ? { ridge: knownRoof } : {}) });
    writeFilesAtomic([{ file: opts.output, data: reportHtml(data, chartLibrary()) }]);
    process.stderr.write(`wrote ${opts.output} (${data.graph.visible} of ${graph.nodes.length} nodes drawn)\n`);
  });
  return cmd;
}
