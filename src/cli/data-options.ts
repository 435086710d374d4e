/**
 * Flags of the commands that read real data: --data, --labels, --limit, --preprocess and
 * --batch-size (samples per run; not --batch, which sets the symbolic batch dim of shapes).
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { bindInputs, labelsFromMetadata, resolvePreprocess, type DataOptions, type Graph } from '../index.js';
import { bindOptions, positiveInt } from './options.js';

export const DEFAULT_BATCH_SIZE = 32;

/** Add the data flags to a command. */
export function withDataOptions(cmd: Command): Command {
  return cmd
    .option('--data <path>', 'samples: an IDX file (.gz or not), .npy, .npz, an image, or a folder of images (class sub-folders = labels)')
    .option('--labels <file>', 'class indices: an IDX labels file or a .npy (IDX labels named *-labels-idx1-ubyte beside the images are found without it)')
    .option('--limit <n>', 'use only the first n samples')
    .option('--preprocess <spec>', "how images become the input: JSON, or key=value,… e.g. size=32x32,pad=2,mean=0.286,std=0.353 (default: the model's metadata, else assumed from the input shape)")
    .option('--batch-size <n>', `samples per run (default ${DEFAULT_BATCH_SIZE}, or the model's fixed batch dim)`);
}

/** What the data flags ask for, for the graph's first input. */
export interface CliDataOptions extends DataOptions {
  /** --data, when given. */
  data?: string;
  /** Samples per batch: --batch-size, or the model's fixed batch dim, or 32. */
  batchSize: number;
  /** The graph input the batches feed. */
  inputName: string;
}

/**
 * DataOptions for `graph`'s first input: its dims after binding the batch dim to the batch
 * size (with --input / --dim if the command has them), its dtype, the preprocessing rule
 * (--preprocess, else the model's metadata, else assumed) and the model's class names.
 */
export function dataOptions(opts: Record<string, unknown>, graph: Graph): CliDataOptions {
  const inputName = graph.inputs[0];
  if (inputName === undefined) throw new UsageError('the model has no inputs to feed data to');
  const declared = graph.value(inputName).declared;
  const fixedBatch = typeof declared?.shape?.[0] === 'number' ? (declared.shape[0] as number) : undefined;
  let batchSize = opts['batchSize'] !== undefined ? positiveInt(String(opts['batchSize']), '--batch-size') : (fixedBatch ?? DEFAULT_BATCH_SIZE);
  if (fixedBatch !== undefined && batchSize !== fixedBatch) {
    throw new UsageError(`--batch-size ${batchSize}: input '${inputName}' has a fixed batch dim of ${fixedBatch}; use --batch-size ${fixedBatch}`);
  }
  const bind = bindOptions(opts as { input?: string[]; dim?: string[]; batch?: string });
  const shape = bindInputs(graph, { ...bind, batch: batchSize }).get(inputName)! as number[]; // not symbolic: every dim bound
  batchSize = shape[0] ?? batchSize;
  const inputDims = shape.slice(1);
  const inputDtype = graph.value(inputName).dtype ?? declared?.dtype ?? 'float32';
  const meta = graph.meta.metadata;
  const text = opts['preprocess'] as string | undefined;
  const preprocess = resolvePreprocess(text !== undefined ? { text, meta, inputDims, inputDtype } : { meta, inputDims, inputDtype });
  const out: CliDataOptions = { preprocess, inputDims, inputDtype, batchSize, inputName };
  if (opts['data'] !== undefined) out.data = String(opts['data']);
  if (opts['labels'] !== undefined) out.labels = String(opts['labels']);
  if (opts['limit'] !== undefined) out.limit = positiveInt(String(opts['limit']), '--limit');
  const modelLabels = labelsFromMetadata(meta);
  if (modelLabels) out.modelLabels = modelLabels;
  return out;
}
