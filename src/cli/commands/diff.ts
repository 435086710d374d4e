/** `leannet diff <a> <b> [--json] [--html out.html] [--measure]`: nodes matched across two models, per-node and total deltas. */
import { Command } from 'commander';
import {
  analyzeGraph, chartLibrary, checkOutputFile, compare, createEngine, diffHtml, diffJson, diffModels, diffReport, openModel, prepareGraph, writeFilesAtomic,
  type Analysis, type CompareResult, type DiffResult, type Engine, type Graph,
} from '../../index.js';
import { budget, engineOptions, withEngineOptions } from '../engine-options.js';
import { bindOptions, withShapeOptions } from '../options.js';
import { print, printJson } from '../output.js';
import { withProgress } from '../progress.js';

export function diffCommand(): Command {
  const cmd = new Command('diff')
    .description('match the nodes of two models (by name, then by structure) and show per-node and total deltas of params, madds and memAccess')
    .argument('<a>', 'model A (.onnx file or zoo:<network>)')
    .argument('<b>', 'model B')
    .option('--html <file>', 'also write an HTML page with the two graphs side by side, changed nodes marked')
    .option('--measure', 'time A and B interleaved (as `leannet compare`)')
    .option('--all', 'list every differing node');
  withShapeOptions(withEngineOptions(cmd, { time: '6' }));
  cmd.action(async (a: string, b: string, opts, self: Command) => {
    if (opts.html) checkOutputFile(opts.html);
    const bind = bindOptions(opts);
    const A = analyzeGraph(openModel(a), bind);
    const B = analyzeGraph(openModel(b), bind);
    const d = diffModels(A, B, { a, b });
    if (opts.measure) {
      const bud = budget(opts);
      const engine = await createEngine(opts.engine, engineOptions(opts, !!self.optsWithGlobals()['verbose']));
      d.compare = await measureDiff(A, B, a, b, engine, bind, bud);
    }
    if (opts.html) writeDiffHtml(A, B, d, opts.html);
    if (opts.json) printJson(diffJson(d));
    else print(diffReport(d, opts.all ? Infinity : 40));
    if (opts.html) process.stderr.write(`wrote ${opts.html}\n`);
  });
  return cmd;
}

async function measureDiff(A: Analysis, B: Analysis, a: string, b: string, engine: Engine, bind: ReturnType<typeof bindOptions>, bud: ReturnType<typeof budget>) {
  return withProgress('diff: measuring A vs B', (update) =>
    compare(prepareGraph(A.graph, a, bind, bud.seed), prepareGraph(B.graph, b, bind, bud.seed), engine, {
      warmup: bud.warmup,
      minPairs: Math.max(bud.minRuns, 20),
      budgetMs: bud.budgetMs,
      onProgress: (p) => update(p.elapsedMs / p.budgetMs, `${p.pairs} pairs`),
    }),
  );
}

/** The diff page of two analysed models (also `rewrite --report`). */
export function writeDiffHtml(A: Analysis, B: Analysis, d: DiffResult, file: string): void {
  writeFilesAtomic([{ file, data: diffHtml(A, B, d, chartLibrary()) }]);
}

/** `rewrite --report <file>`: the diff page of the model before and after its rewrite, with the rewrite's own timing when it measured one. */
export function writeRewriteReport(model: string, after: Graph, output: string, file: string, bind: ReturnType<typeof bindOptions>, timing: CompareResult | undefined, before?: Graph): void {
  const A = analyzeGraph(before ?? openModel(model), bind);
  const B = analyzeGraph(after, bind);
  const d = diffModels(A, B, { a: model, b: output });
  if (timing) d.compare = timing;
  writeDiffHtml(A, B, d, file);
}

/** An option parser that refuses an output file that cannot be written, before any work. */
export function outputFileArg(file: string): string {
  checkOutputFile(file);
  return file;
}
