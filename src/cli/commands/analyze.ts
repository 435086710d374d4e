/** `leannet analyze <model>`: shapes and per-layer costs. */
import { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { analyzeGraph, openModel } from '../../analysis/index.js';
import { analyzeJson, analyzeTable } from '../../report/index.js';
import { bindOptions, positiveInt, withShapeOptions } from '../options.js';
import { print, printJson } from '../output.js';

export function analyzeCommand(): Command {
  const cmd = new Command('analyze')
    .description('per-layer shapes, params, madds, memAccess and intensity of a model')
    .argument('<model>', 'an .onnx file (or a built-in network, see `leannet zoo list`)')
    .option('--json', 'print a JSON document (schema: schemas/analyze.schema.json)')
    .option('--top <n>', 'show only the n layers with the most madds')
    .option('--by <what>', "group the table: 'op' (by op type)")
    .option('--all', 'also list Constant, Shape and ConstantOfShape nodes');
  withShapeOptions(cmd);
  cmd.action((model: string, opts) => {
    const top = opts.top !== undefined ? positiveInt(opts.top, '--top') : undefined;
    if (opts.by !== undefined && opts.by !== 'op') throw new UsageError(`--by: expected 'op', got '${opts.by}'`);
    const graph = openModel(model);
    const analysis = analyzeGraph(graph, bindOptions(opts));
    const common = { source: model, ...(top !== undefined ? { top } : {}), byOp: opts.by === 'op' };
    if (opts.json) printJson(analyzeJson(analysis, common));
    else print(analyzeTable(analysis, { ...common, all: !!opts.all }));
  });
  return cmd;
}
