/**
 * Evaluation on real data: a model (and optionally a reference model) run over every batch of a
 * dataset on a real engine; accuracy when the data is labelled, agreement with the reference,
 * throughput with its time split between the data pipeline and the engine.
 *
 * Overlap: the next batch is requested before the current one runs. onnxruntime-node runs a
 * session synchronously on the main thread (inside setImmediate), so what the pipeline does off
 * that thread (file reads, sharp's image decoding in libuv's pool) proceeds during the run;
 * JavaScript decoding (IDX, npy) runs between runs and is counted as data time on the critical path.
 */
import { environment, pairOutputs, type Engine, type EngineInfo, type Environment, type HostTensor, type PreparedModel, type Session } from '../engine/index.js';
import { EngineError } from '../errors.js';
import { addOutput, agreementOf, outputState, type OutputAgreement, type OutputState } from './agreement.js';
import { checkBatchFits, feedsFor, planBatches, type BatchLike, type DatasetLike } from './batching.js';
import { AccuracyAccumulator, type AccuracyResult, type NumericArray } from './metrics.js';

export interface EvalOptions {
  /** A model whose outputs the evaluated model's are compared with, on the same inputs. */
  reference?: PreparedModel;
  /** The reference's outputs kept from an earlier evaluation over the same dataset and batches: replayed instead of running the reference again (filled on first use). */
  referenceRuns?: ReferenceRuns;
  /** Samples per run when the model's batch dim is symbolic (default 32). */
  batchSize?: number;
  /** Class names (default: the dataset's). */
  classes?: readonly string[];
  /** Threshold of the IoU of dense outputs (default 0.5). */
  iouThreshold?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface EvalTiming {
  batches: number;
  wallMs: number;
  /** The evaluated model's runs. */
  engineMs: number;
  /** The reference model's runs (0 without one). */
  referenceMs: number;
  /** Data work on the critical path: the part of producing each batch not hidden behind a run. */
  dataMs: number;
  /** The rest: metrics, padding, bookkeeping. */
  otherMs: number;
  /** Samples per second of wall time (reference runs included when there is one). */
  samplesPerSecond: number;
  /** Samples per second of the evaluated model's engine time alone. */
  engineSamplesPerSecond: number;
}

export interface EvalResult {
  model: string;
  reference?: string;
  dataset: { description: string; size: number; labelled: boolean };
  samples: number;
  batch: { requested: number; run: number; mode: 'symbolic' | 'fixed'; padded: number };
  /** The output accuracy is computed on and the class names used. */
  accuracy?: AccuracyResult & { output: string; classNames: string[] };
  agreement?: OutputAgreement[];
  timing: EvalTiming;
  engine: EngineInfo;
  env: Environment;
  /** Why a figure is missing or what differs from what was asked, one line each. */
  notes: string[];
}

const now = () => performance.now();

/**
 * A reference's outputs, batch by batch, for evaluations that compare many models with one
 * reference over the same dataset (a search scoring its candidates): the first evaluation runs
 * the reference and keeps its outputs, later ones replay them. Bound to the first dataset and
 * run batch it sees, and to its reference model; another is refused (its batches would not line up).
 */
export class ReferenceRuns {
  outputNames: readonly string[] | undefined;
  readonly outputs: Record<string, HostTensor>[] = [];
  private bound: { reference: PreparedModel; dataset: DatasetLike; runBatch: number } | undefined;

  /** Check (or record) that this evaluation compares with the same reference on the same dataset in the same batches. */
  bind(reference: PreparedModel, dataset: DatasetLike, runBatch: number): void {
    if (!this.bound) this.bound = { reference, dataset, runBatch };
    else if (this.bound.reference !== reference) {
      throw new EngineError(`kept reference outputs are of ${this.bound.reference.label}, not of ${reference.label}`);
    } else if (this.bound.dataset !== dataset || this.bound.runBatch !== runBatch) {
      throw new EngineError(`kept reference outputs are of ${this.bound.dataset.description} in batches of ${this.bound.runBatch}, not of ${dataset.description} in batches of ${runBatch}`);
    }
  }
}

/** Run `model` over every batch of `dataset` on `engine`. */
export async function evaluate(model: PreparedModel, dataset: DatasetLike, engine: Engine, o: EvalOptions = {}): Promise<EvalResult> {
  const batchSize = o.batchSize ?? 32;
  const plan = planBatches(model, batchSize);
  const notes: string[] = [];
  if (plan.note) notes.push(plan.note);
  const refPlan = o.reference ? planBatches(o.reference, batchSize) : undefined;
  if (refPlan && refPlan.mode === 'fixed' && plan.mode === 'fixed' && refPlan.runBatch !== plan.runBatch) {
    throw new EngineError(`the reference ${o.reference!.label} has a fixed batch dim ${refPlan.runBatch} but ${model.label} has ${plan.runBatch}: give models with the same batch dim`);
  }
  // A symbolic model runs in the batches a fixed reference takes.
  const runPlan = refPlan?.mode === 'fixed' && plan.mode === 'symbolic' ? refPlan : plan;
  if (runPlan === refPlan && refPlan.note) notes.push(refPlan.note);
  const iouThreshold = o.iouThreshold ?? 0.5;
  const kept = o.reference ? o.referenceRuns : undefined;
  kept?.bind(o.reference!, dataset, runPlan.runBatch);

  const session = await engine.load(model.model);
  let refSession: Session | undefined;
  try {
    // Not loaded when outputs are kept; a batch whose outputs are missing loads it then.
    refSession = o.reference && !(kept && kept.outputs.length > 0) ? await engine.load(o.reference.model) : undefined;
    let accuracy: AccuracyAccumulator | undefined;
    let accuracyOutput: string | undefined;
    let outputs: OutputState[] | undefined;
    let samples = 0;
    let padded = 0;
    let batches = 0;
    let engineMs = 0;
    let referenceMs = 0;
    let dataMs = 0;
    let labelsSeen = true;
    const t0 = now();

    const it = dataset.batches(runPlan.runBatch)[Symbol.asyncIterator]();
    let t = now();
    let cur = await it.next();
    dataMs += now() - t;
    try {
      while (!cur.done) {
        const batch: BatchLike = cur.value;
        const n = batch.input.dims[0]!;
        if (batches === 0) {
          checkBatchFits(model, plan, batch.input);
          if (o.reference) checkBatchFits(o.reference, refPlan!, batch.input);
        }
        const feeds = feedsFor(runPlan, batch.input);
        if (runPlan.mode === 'fixed') padded += runPlan.runBatch - n;
        // Ask for batch k+1 before running batch k: work the pipeline does off the main thread overlaps the run.
        t = now();
        const next = it.next();
        next.catch(() => {}); // a failing run must not leave this rejection unhandled; the await below still sees it
        dataMs += now() - t;
        t = now();
        const out = await session.run(feeds);
        engineMs += now() - t;
        let ref: Record<string, HostTensor> | undefined = kept?.outputs[batches];
        if (o.reference && !ref) {
          t = now();
          refSession ??= await engine.load(o.reference.model);
          ref = await refSession.run(feeds);
          referenceMs += now() - t;
          if (kept) {
            kept.outputs[batches] = ref;
            kept.outputNames ??= refSession.outputNames;
          }
        }
        const refNames = kept?.outputNames ?? refSession?.outputNames;

        // Samples in this run: n, or the fixed batch dim when padded; outputs lead with it.
        const fed = feeds[runPlan.input]!.dims[0]!;
        if (batches === 0) {
          const picked = pickClassOutput(session.outputNames, out, fed);
          if (picked) {
            accuracyOutput = picked.name;
            accuracy = new AccuracyAccumulator(picked.classes);
          }
          if (refNames && ref) outputs = pairOutputs(refNames, session.outputNames).map(([nr, nx]) => outputState(nx, nr, out[nx]!, ref![nr]!, fed, iouThreshold));
        }
        if (accuracy && accuracyOutput) {
          if (batch.labels) accuracy.add(out[accuracyOutput]!.data as unknown as NumericArray, batch.labels.subarray(0, n));
          else labelsSeen = false;
        }
        if (outputs && ref) for (const s of outputs) addOutput(s, out[s.name]!, ref[s.nameRef]!, n);

        samples += n;
        batches++;
        o.onProgress?.(samples, dataset.size);
        t = now();
        cur = await next;
        dataMs += now() - t;
      }
    } finally {
      await it.return?.();
    }
    const wallMs = now() - t0;

    const classNames = accuracy ? namesFor(accuracy.classes, o.classes ?? dataset.classes, notes) : [];
    let accuracyResult: EvalResult['accuracy'];
    if (!accuracy) notes.push(`no output of ${model.label} has the shape [N, classes]: accuracy omitted`);
    else if (samples === 0) {
      // nothing to count: the note below says why
    } else if (!dataset.labelled || !labelsSeen) notes.push('the data has no labels (give --labels): accuracy omitted');
    else {
      accuracyResult = { ...accuracy.result(classNames), output: accuracyOutput!, classNames };
      if (accuracyResult.outOfRange) notes.push(`${accuracyResult.outOfRange} labels are outside 0..${accuracy.classes - 1} (counted as wrong)`);
    }
    if (samples === 0) notes.push(`the data holds no samples: ${dataset.description}`);

    return {
      model: model.label,
      ...(o.reference ? { reference: o.reference.label } : {}),
      dataset: { description: dataset.description, size: dataset.size, labelled: dataset.labelled },
      samples,
      batch: { requested: batchSize, run: runPlan.runBatch, mode: runPlan.mode, padded },
      ...(accuracyResult ? { accuracy: accuracyResult } : {}),
      ...(outputs ? { agreement: outputs.map(agreementOf) } : {}),
      timing: {
        batches,
        wallMs,
        engineMs,
        referenceMs,
        dataMs,
        otherMs: Math.max(0, wallMs - engineMs - referenceMs - dataMs),
        samplesPerSecond: wallMs > 0 ? (samples * 1000) / wallMs : 0,
        engineSamplesPerSecond: engineMs > 0 ? (samples * 1000) / engineMs : 0,
      },
      engine: engine.info,
      env: environment(),
      notes,
    };
  } finally {
    await session.release();
    await refSession?.release();
    await dataset.close?.();
  }
}

/** The first output shaped [batch, classes] with at least 2 classes: the one accuracy is computed on. */
function pickClassOutput(names: readonly string[], out: Record<string, HostTensor>, batch: number): { name: string; classes: number } | undefined {
  for (const name of names) {
    const d = out[name]?.dims;
    if (d && d.length === 2 && d[0] === batch && d[1]! >= 2 && isNumeric(out[name]!)) return { name, classes: d[1]! };
  }
  return undefined;
}

function isNumeric(t: HostTensor): boolean {
  return t.dtype !== 'string' && t.dtype !== 'bool';
}

function namesFor(classes: number, given: readonly string[] | undefined, notes: string[]): string[] {
  if (given && given.length === classes) return [...given];
  if (given && given.length) notes.push(`${given.length} class names for ${classes} classes: classes are shown by index`);
  return Array.from({ length: classes }, (_, i) => String(i));
}

