/** Flags shared by the measuring commands: engine choice and settings, time budget, seed. */
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { enginesFor, OPT_LEVELS, type EngineOptions, type OptLevel } from '../index.js';
import { positiveInt } from './options.js';

export function withEngineOptions(cmd: Command, defaults: { time: string }): Command {
  return cmd
    .option('--engine <name>', `runtime to measure on: ${enginesFor('onnx').join(', ')}; ${enginesFor('tfjs').join(', ')} (TF.js model.json)`, 'ort')
    .option('--threads <n>', 'intra-op threads (default: all cores)')
    .option('--inter-threads <n>', 'inter-op threads (parallel mode)')
    .addOption(new Option('--mode <mode>', 'execution mode').choices(['sequential', 'parallel']).default('sequential'))
    .addOption(new Option('--opt <level>', 'graph optimisation level').choices([...OPT_LEVELS]).default('all'))
    .option('--spin', "let idle runtime threads spin (onnxruntime's own default; off here, see README)")
    .option('--time <seconds>', 'time budget for the timed runs', defaults.time)
    .option('--warmup <n>', 'untimed runs first', '5')
    .option('--min-runs <n>', 'timed runs at least', '10')
    .option('--seed <n>', 'seed of the input data', '1')
    .option('--json', 'print a JSON document');
}

export function engineOptions(opts: Record<string, unknown>, verbose: boolean): EngineOptions {
  const o: EngineOptions = { optLevel: opts['opt'] as OptLevel, executionMode: opts['mode'] as 'sequential' | 'parallel', verbose, spinning: !!opts['spin'] };
  if (opts['threads'] !== undefined) o.threads = positiveInt(String(opts['threads']), '--threads');
  if (opts['interThreads'] !== undefined) o.interOpThreads = positiveInt(String(opts['interThreads']), '--inter-threads');
  return o;
}

export function budget(opts: Record<string, unknown>) {
  const seconds = Number(opts['time']);
  if (!(seconds > 0) || !Number.isFinite(seconds)) throw new UsageError(`--time: expected a positive number of seconds, got '${opts['time']}'`);
  return {
    budgetMs: seconds * 1000,
    warmup: nonNegativeInt(String(opts['warmup']), '--warmup'),
    minRuns: positiveInt(String(opts['minRuns']), '--min-runs'),
    seed: nonNegativeInt(String(opts['seed']), '--seed'),
  };
}

function nonNegativeInt(text: string, what: string): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`${what}: expected a non-negative integer, got '${text}'`);
  return Number(text);
}
