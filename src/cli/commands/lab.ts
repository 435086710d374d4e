/** `leannet lab [experiments...]`: the guideline experiments on this machine's engines. */
import path from 'node:path';
import { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { checkOutputFile, checkOutputFolder, engineNames, writeFilesAtomic, EXPERIMENTS, exportConfigs, labHtml, labJson, labReport, OPT_LEVELS, runLab, type LabSetting, type OptLevel } from '../../index.js';
import { positiveInt } from '../options.js';
import { print, printJson } from '../output.js';
import { withProgress } from '../progress.js';

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

export function labCommand(): Command {
  const cmd = new Command('lab')
    .description('reproduce the group/depthwise and ShuffleNet V2 G1–G4 experiments on this machine')
    .argument('[experiments...]', `any of: ${EXPERIMENTS.map((e) => e.id).join(', ')} (default: all)`)
    .option('--quick', 'fewer sizes and shorter budgets (about a minute)')
    .option('--engine <names>', `engines, comma-separated: any of ${engineNames().join(', ')}`, 'ort')
    .option('--threads <list>', "thread counts, comma-separated; 'all' = every core", 'all')
    .option('--opt <levels>', 'ORT optimisation levels, comma-separated', 'all')
    .option('--time <seconds>', 'time budget per experiment and setting (default 30, quick 5)')
    .option('--json', 'print a JSON document')
    .option('--html <file>', 'also write a self-contained HTML page with one chart per experiment')
    .option('--export <dir>', 'write every configuration as an ONNX file and exit');
  cmd.addHelpText('after', `\nExperiments:\n${EXPERIMENTS.map((e) => `  ${e.id.padEnd(6)} ${e.title}`).join('\n')}`);
  cmd.action(async (ids: string[], opts) => {
    if (opts.export) checkOutputFolder(opts.export, `--export ${opts.export}`);
    if (opts.html) checkOutputFile(opts.html, `--html ${opts.html}`);
    if (opts.export) {
      const files = exportConfigs(ids, path.resolve(opts.export), !!opts.quick);
      process.stderr.write(`wrote ${files.length} models under ${opts.export}\n`);
      return;
    }
    const engines = list(opts.engine);
    for (const e of engines) if (!engineNames().includes(e)) throw new UsageError(`--engine: unknown engine '${e}'; available: ${engineNames().join(', ')}`);
    const threads = list(opts.threads).map((t) => (t === 'all' ? undefined : positiveInt(t, '--threads')));
    const levels = list(opts.opt).map((l) => {
      if (!OPT_LEVELS.includes(l as OptLevel)) throw new UsageError(`--opt: expected ${OPT_LEVELS.join(', ')}, got '${l}'`);
      return l as OptLevel;
    });
    const settings: LabSetting[] = engines.flatMap((engine) => threads.flatMap((t) => levels.map((optLevel) => ({ engine, threads: t, optLevel }))));
    let budgetMs: number | undefined;
    if (opts.time !== undefined) {
      budgetMs = Number(opts.time) * 1000;
      if (!(budgetMs > 0)) throw new UsageError(`--time: expected a positive number of seconds, got '${opts.time}'`);
    }
    const result = await withProgress('lab', (update) =>
      runLab(ids, settings, {
        quick: !!opts.quick,
        ...(budgetMs ? { budgetMs } : {}),
        onProgress: (p) => update(p.total ? p.done / p.total : 0, `${p.setting} · ${p.experiment} ${p.column}`),
      }),
    );
    if (opts.html) writeFilesAtomic([{ file: opts.html, data: labHtml(result) }]);
    if (opts.json) printJson(labJson(result));
    else print(labReport(result));
    if (opts.html && !opts.json) process.stderr.write(`wrote ${opts.html}\n`);
  });
  return cmd;
}
