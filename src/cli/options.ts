/** Parsers for flags several commands share: --input name=1x3x224x224, --dim N=1, numbers. */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { parseShapeText, type BindOptions } from '../index.js';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Add --input, --dim and --batch to a command. */
export function withShapeOptions(cmd: Command): Command {
  return cmd
    .option('--input <name=shape>', 'set an input shape, e.g. --input input=1x3x224x224 (repeatable)', collect)
    .option('--dim <name=n>', 'set a symbolic dim, e.g. --dim N=1 (repeatable)', collect)
    .option('--batch <n>', 'batch size: the value of a symbolic leading dim (default 1)');
}

export function bindOptions(opts: { input?: string[]; dim?: string[]; batch?: string }): BindOptions {
  const inputs: Record<string, number[]> = {};
  for (const spec of opts.input ?? []) {
    const i = spec.lastIndexOf('=');
    if (i <= 0) throw new UsageError(`--input '${spec}': expected name=shape, e.g. input=1x3x224x224`);
    inputs[spec.slice(0, i)] = parseShapeText(spec.slice(i + 1), `--input ${spec.slice(0, i)}`);
  }
  const dims: Record<string, number> = {};
  for (const spec of opts.dim ?? []) {
    const i = spec.lastIndexOf('=');
    if (i <= 0) throw new UsageError(`--dim '${spec}': expected name=n, e.g. N=1`);
    dims[spec.slice(0, i)] = positiveInt(spec.slice(i + 1), `--dim ${spec.slice(0, i)}`);
  }
  return { inputs, dims, ...(opts.batch !== undefined ? { batch: positiveInt(opts.batch, '--batch') } : {}) };
}

export function positiveInt(text: string, what: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) <= 0 || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`${what}: expected a positive integer, got '${text}'`);
  }
  return Number(text);
}
