/**
 * `rewrite --data D` and what rests on it: the first --calib samples fit the lossy passes, the
 * --holdout after them are never fitted on and serve the per-layer held-out errors, the
 * verification of the result and the accuracy budget of --keep (--max-drop, --min-agreement).
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import {
  calibrationBatches, evaluate, ReferenceRuns, openDataset, openModel, prepareModel, sliceDataset,
  type BindOptions, type Dataset, type Engine, type Feeds, type Graph, type KeepOptions, type Score,
} from '../index.js';
import { dataOptions } from './data-options.js';
import { positiveInt } from './options.js';

export function withRewriteDataOptions(cmd: Command): Command {
  return cmd
    .option('--calib <n>', 'with --data: samples the lossy passes are fitted on (default 256)')
    .option('--holdout <n>', 'with --data: samples after those, never fitted on: held-out errors, verification, accuracy budget (default 128; 1000 with --max-drop or --min-agreement)')
    .option('--keep <what>', "'faster': time each approximate change alone against the model without it (interleaved) and revert those not measurably faster")
    .option('--keep-time <seconds>', "time budget of each change's comparison under --keep", '1.5')
    .option('--max-drop <points>', 'with labelled --data: revert changes until top-1 on the held-out samples is at most this many points below the original')
    .option('--min-agreement <fraction>', "with --data: revert changes until top-1 agreement with the original's predictions on the held-out samples is at least this");
}

export interface RewriteData {
  calibration: { fit: Feeds[]; heldOut: Feeds[] };
  /** The held-out samples as a dataset (undefined when --holdout 0). */
  heldOut: Dataset | undefined;
  batchSize: number;
  close(): Promise<void>;
}

function fraction(text: unknown, what: string, lo: number, hi: number): number {
  const v = Number(text);
  if (!Number.isFinite(v) || v < lo || v > hi) throw new UsageError(`${what}: expected a number in [${lo}, ${hi}], got '${String(text)}'`);
  return v;
}

/** The budget flags, checked before any work. */
export function keepFlags(opts: Record<string, unknown>): { faster: boolean; maxDrop?: number; minAgreement?: number; seconds: number } | undefined {
  if (opts['keep'] !== undefined && opts['keep'] !== 'faster') throw new UsageError(`--keep: expected 'faster', got '${String(opts['keep'])}'`);
  const maxDrop = opts['maxDrop'] !== undefined ? fraction(opts['maxDrop'], '--max-drop', 0, 100) : undefined;
  const minAgreement = opts['minAgreement'] !== undefined ? fraction(opts['minAgreement'], '--min-agreement', 0, 1) : undefined;
  const seconds = Number(opts['keepTime']);
  if (!(seconds > 0) || !Number.isFinite(seconds)) throw new UsageError(`--keep-time: expected a positive number of seconds, got '${String(opts['keepTime'])}'`);
  const faster = opts['keep'] === 'faster';
  if (!faster && maxDrop === undefined && minAgreement === undefined) return undefined;
  if (!opts['measure']) throw new UsageError('--keep, --max-drop and --min-agreement measure every change: they cannot be combined with --no-measure');
  if ((maxDrop !== undefined || minAgreement !== undefined) && opts['data'] === undefined) throw new UsageError('--max-drop and --min-agreement score changes on data: give --data');
  return { faster, seconds, ...(maxDrop !== undefined ? { maxDrop } : {}), ...(minAgreement !== undefined ? { minAgreement } : {}) };
}

export async function rewriteData(model: string, opts: Record<string, unknown>, budgeted: boolean, graph?: () => Graph): Promise<RewriteData | undefined> {
  if (opts['data'] === undefined) {
    if (opts['calib'] !== undefined || opts['holdout'] !== undefined) throw new UsageError('--calib and --holdout need --data');
    return undefined;
  }
  const calib = opts['calib'] !== undefined ? positiveInt(String(opts['calib']), '--calib') : 256;
  const holdout = opts['holdout'] !== undefined ? Number(opts['holdout']) : budgeted ? 1000 : 128;
  if (!Number.isInteger(holdout) || holdout < 0) throw new UsageError(`--holdout must be a whole number ≥ 0, got '${String(opts['holdout'])}'`);
  if (budgeted && holdout === 0) throw new UsageError('--max-drop and --min-agreement are judged on the held-out samples: --holdout must be at least 1');
  const d = dataOptions(opts, graph ? graph() : openModel(model));
  const limit = Math.min(d.limit ?? Infinity, calib + holdout);
  // One dataset: its batches can be iterated again, so the held-out samples are a slice of it.
  const all = await openDataset(d.data!, { ...d, limit });
  let calibration;
  try {
    calibration = await calibrationBatches(all, d.inputName, calib, holdout, d.batchSize);
  } catch (e) {
    await all.close?.();
    throw e;
  }
  const heldOut = holdout > 0 && all.size > calib ? sliceDataset(all, calib, limit) : undefined;
  if (budgeted && heldOut?.labelled === false && opts['maxDrop'] !== undefined) throw new UsageError(`--max-drop needs labels: ${all.description} has none (--labels, or --min-agreement)`);
  if (budgeted && !heldOut) throw new UsageError(`--data ${String(opts['data'])} has no samples after the ${calib} fitted on, to judge accuracy on`);
  return { calibration, heldOut, batchSize: d.batchSize, close: async () => void (await all.close?.()) };
}

/** Scores a model on the held-out samples: its top-1 (with labels) and its agreement with the original's predictions. */
export function heldOutScorer(model: string, data: RewriteData, engine: Engine, bind: BindOptions, graph?: Graph): KeepOptions['score'] {
  const original = prepareModel(model, bind, 1, graph);
  // The original's outputs on the held-out split, computed on the first score and replayed on the others.
  const referenceRuns = new ReferenceRuns();
  return async (candidate): Promise<Score> => {
    const r = await evaluate(candidate, data.heldOut!, engine, { reference: original, referenceRuns, batchSize: data.batchSize });
    const agreement = r.agreement?.find((a) => a.classes)?.classes?.top1.value;
    if (agreement === undefined) throw new UsageError('the accuracy budget needs a [N, classes] output to compare predictions on');
    return { ...(r.accuracy ? { top1: r.accuracy.top1.value } : {}), agreement };
  };
}
