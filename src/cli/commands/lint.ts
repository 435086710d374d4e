/** `leannet lint <model>`: structure findings with evidence and estimated savings. */
import { Command, Option } from 'commander';
import { UsageError } from '../../errors.js';
import {
  analyzeGraph, applyConfigFile, applyFlags, createEngine, defaultConfig, lint, lintJson, lintReport, machineRidge, measuredFromProfile, meetsSeverity,
  openModel, prepareGraph, profile, RULES, SEVERITIES, toSarif, type Severity,
} from '../../index.js';
import { VERSION } from '../version.js';
import { bindOptions, withShapeOptions } from '../options.js';
import { print, printJson } from '../output.js';
import { withProgress } from '../progress.js';

export function lintCommand(): Command {
  const cmd = new Command('lint')
    .description('find group / depthwise-separable opportunities and breaches of the ShuffleNet V2 guidelines G1–G4')
    .argument('<model>', '.onnx file or zoo:<network>')
    .option('--json', 'print a JSON document')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'sarif']).default('text'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding at or above this severity exists').choices([...SEVERITIES]))
    .option('--rules <ids>', 'run only these rules (comma-separated)')
    .option('--disable <ids>', 'turn these rules off (comma-separated)')
    .option('--set <rule.threshold=value>', 'set a threshold, e.g. dwsep-opportunity.minShare=0.02 (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--config <file>', 'JSON file: {"rules": {"<rule>": false | {"<threshold>": value}}}')
    .option('--ridge <flops-per-byte>', "this machine's ridge point (default: measured once and cached)")
    .option('--no-ridge-measure', 'do not measure the ridge point (memory-bound rule off unless --ridge)')
    .option('--measure', "rank findings by time measured with onnxruntime's profiler")
    .addOption(new Option('--opt <level>', 'ORT optimisation level for --measure').choices(['disabled', 'basic', 'extended', 'all']).default('all'))
    .option('--all', 'list every finding (default: the top 5 per rule)');
  withShapeOptions(cmd);
  cmd.addHelpText('after', `\nRules:\n${RULES.map((r) => `  ${r.id.padEnd(20)} ${r.title}; thresholds: ${Object.entries(r.defaults).map(([k, v]) => `${k}=${v}`).join(', ') || 'none'}`).join('\n')}\n\nSeverity comes from the estimated saving: high ≥ 10% of the model, medium ≥ 2%, low below.`);
  cmd.action(async (model: string, opts) => {
    const config = defaultConfig(RULES);
    if (opts.config) applyConfigFile(config, opts.config);
    applyFlags(config, { rules: opts.rules, disable: opts.disable, set: opts.set });
    const graph = openModel(model);
    const analysis = analyzeGraph(graph, bindOptions(opts));
    let ridge: number | undefined;
    if (opts.ridge !== undefined) {
      ridge = Number(opts.ridge);
      if (!(ridge > 0)) throw new UsageError(`--ridge: expected a positive number of flops per byte, got '${opts.ridge}'`);
    } else if (opts.ridgeMeasure && config.get('memory-bound')?.enabled) {
      ridge = (await machineRidge(() => process.stderr.write('measuring this machine\'s ridge point once (cached for next time)…\n'))).ridge;
    }
    let measured;
    if (opts.measure) {
      const engine = await createEngine('ort', { optLevel: opts.opt });
      const p = await withProgress('profiling', (update) =>
        profile(prepareGraph(graph, model, bindOptions(opts)), engine, { budgetMs: 2000, onProgress: (x) => update(x.elapsedMs / x.budgetMs, `${x.runs} runs`) }),
      );
      measured = measuredFromProfile(p, analysis);
    }
    const result = lint(analysis, { config, ...(ridge ? { ridge } : {}), ...(measured ? { measured } : {}) });
    const format = opts.json ? 'json' : opts.format;
    if (format === 'sarif') printJson(toSarif(result, model, VERSION));
    else if (format === 'json') printJson(lintJson(result, model, config));
    else print(lintReport(result, model, { all: !!opts.all }));
    if (opts.failOn && meetsSeverity(result.findings, opts.failOn as Severity)) process.exitCode = 1;
  });
  return cmd;
}
