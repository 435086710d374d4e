/**
 * From a dataset's batches to a model's feeds: which input the data feeds, how many samples one
 * run takes (a symbolic batch dim takes any number; a fixed one takes exactly that many, the last
 * batch padded with zeros), and the one-line errors for data a model cannot take.
 */
import { UsageError } from '../errors.js';
import type { PreparedModel } from '../engine/index.js';
import type { Feeds, HostTensor } from '../engine/index.js';

/** A tensor as the data pipeline gives it (src/data's DataTensor). */
export interface DataTensorLike {
  dtype: string;
  dims: number[];
  data: ArrayBufferView & ArrayLike<number | bigint>;
}

/** One batch as the data pipeline gives it (src/data's Batch). */
export interface BatchLike {
  input: DataTensorLike;
  labels?: Int32Array;
  ids: string[];
  offset: number;
}

/** What evaluation needs of a dataset (src/data's Dataset satisfies it). */
export interface DatasetLike {
  description: string;
  size: number;
  labelled: boolean;
  classes?: string[];
  batches(batchSize: number, o?: { onProgress?: (done: number, total: number) => void }): AsyncIterable<BatchLike>;
  close?(): Promise<void>;
}

/** How a model takes batches of data. */
export interface BatchPlan {
  input: string;
  /** Samples per run. */
  runBatch: number;
  /** 'symbolic': any count per run; 'fixed': exactly runBatch, the last batch padded. */
  mode: 'symbolic' | 'fixed';
  /** A line to show when the plan differs from what was asked. */
  note?: string;
}

/** The one input real data feeds, and how many samples a run takes. */
export function planBatches(model: PreparedModel, batchSize: number): BatchPlan {
  const g = model.graph;
  if (g.inputs.length !== 1) {
    throw new UsageError(`--data feeds one input, but ${model.label} has ${g.inputs.length} inputs (${g.inputs.join(', ') || 'none'})`);
  }
  const input = g.inputs[0]!;
  const v = g.value(input);
  const lead = (v.declared?.shape ?? v.shape)?.[0];
  if (typeof lead === 'number') {
    const note = lead !== batchSize ? `input '${input}' of ${model.label} has a fixed batch dim ${lead}: runs take ${lead} sample${lead === 1 ? '' : 's'} at a time${lead > 1 ? ' (the last batch padded with zeros)' : ''}, not --batch-size ${batchSize}` : undefined;
    return { input, runBatch: lead, mode: 'fixed', ...(note ? { note } : {}) };
  }
  return { input, runBatch: batchSize, mode: 'symbolic' };
}

/** Check that the data's per-sample shape and type fit the model's input (one line if not). */
export function checkBatchFits(model: PreparedModel, plan: BatchPlan, t: DataTensorLike): void {
  const v = model.graph.value(plan.input);
  const want = (v.declared?.shape ?? v.shape)?.slice(1);
  const got = t.dims.slice(1);
  const clash = want && (want.length !== got.length || want.some((d, i) => typeof d === 'number' && d !== got[i]));
  if (clash) {
    throw new UsageError(`the data gives samples of shape ${got.join('x')} but input '${plan.input}' of ${model.label} takes ${want!.join('x')} per sample`);
  }
  const dtype = v.dtype ?? v.declared?.dtype;
  if (dtype && dtype !== t.dtype) throw new UsageError(`the data gives ${t.dtype} tensors but input '${plan.input}' of ${model.label} takes ${dtype}`);
}

/** Elements per sample of a batch tensor. */
export function sampleSize(dims: readonly number[]): number {
  let n = 1;
  for (let i = 1; i < dims.length; i++) n *= dims[i]!;
  return n;
}

/** The feeds for one run: the batch itself, or padded with zeros to a fixed batch dim. */
export function feedsFor(plan: BatchPlan, t: DataTensorLike): Feeds {
  const n = t.dims[0]!;
  let tensor: HostTensor = { dtype: t.dtype, dims: t.dims, data: t.data };
  if (plan.mode === 'fixed' && n !== plan.runBatch) {
    if (n > plan.runBatch) throw new Error(`batch of ${n} samples for a fixed batch dim ${plan.runBatch}`);
    const Ctor = t.data.constructor as new (n: number) => ArrayBufferView & { set(a: ArrayLike<number | bigint>): void };
    const data = new Ctor(plan.runBatch * sampleSize(t.dims));
    data.set(t.data as ArrayLike<number>);
    tensor = { dtype: t.dtype, dims: [plan.runBatch, ...t.dims.slice(1)], data };
  }
  return { [plan.input]: tensor };
}

/** The first batch of a dataset, as feeds for bench, compare and profile (the dataset is closed). */
export async function firstBatchFeeds(model: PreparedModel, dataset: DatasetLike, batchSize: number): Promise<{ feeds: Feeds; samples: number; plan: BatchPlan }> {
  const plan = planBatches(model, batchSize);
  try {
    for await (const b of dataset.batches(plan.runBatch)) {
      checkBatchFits(model, plan, b.input);
      return { feeds: feedsFor(plan, b.input), samples: b.input.dims[0]!, plan };
    }
  } finally {
    await dataset.close?.();
  }
  throw new UsageError(`the data holds no samples: ${dataset.description}`);
}
