/**
 * `verify --data`: two models (or two engines) on the same real samples, compared batch by batch.
 * The element-wise check is verify's own (compareTensors, per batch, merged); agreement figures
 * (top-1 agreement, KL, SNR, IoU) are added beside it. Only one batch of outputs is held at a time.
 */
import { DEFAULT_TOLERANCE, compareTensors, pairOutputs, type Engine, type HostTensor, type OutputComparison, type PreparedModel, type Session, type Tolerance, type VerifyResult } from '../engine/index.js';
import { EngineError } from '../errors.js';
import { addOutput, agreementOf, outputState, type OutputAgreement, type OutputState } from './agreement.js';
import { checkBatchFits, feedsFor, planBatches, sampleSize, type DatasetLike } from './batching.js';

export interface DataVerifyResult extends VerifyResult {
  /** Which inputs were used: the dataset's description. */
  inputs: string;
  samples: number;
  agreement: OutputAgreement[];
}

/** The first n samples of a batch output (leading dim n); the whole tensor when it has no batch dim. */
function firstSamples(t: HostTensor, n: number, batch: number): HostTensor {
  if (t.dims[0] !== batch || n === batch) return t;
  const data = (t.data as unknown as { subarray(a: number, b: number): ArrayBufferView }).subarray(0, n * sampleSize(t.dims));
  return { dtype: t.dtype, dims: [n, ...t.dims.slice(1)], data };
}

function maxAbsOf(t: HostTensor): number {
  const d = t.data as unknown as ArrayLike<number | bigint>;
  let m = 0;
  for (let i = 0; i < d.length; i++) m = Math.max(m, Math.abs(Number(d[i]!)));
  return m;
}

/**
 * Merge one batch's comparison into the running one: maxima and counts add up; normRel is
 * recomputed against the largest |A| seen. maxRel's floor (1e-3·max|A|) and 'max' tolerances are
 * per batch: a batch is held to its own scale.
 */
function merge(acc: (OutputComparison & { maxA: number; samples: number }) | undefined, c: OutputComparison, maxA: number, n: number) {
  if (!acc) return { ...c, maxA, samples: n };
  acc.maxAbs = Number.isNaN(acc.maxAbs) || Number.isNaN(c.maxAbs) ? NaN : Math.max(acc.maxAbs, c.maxAbs);
  acc.maxRel = Math.max(acc.maxRel, c.maxRel);
  acc.maxA = Math.max(acc.maxA, maxA);
  acc.normRel = acc.maxA ? acc.maxAbs / acc.maxA : acc.maxAbs;
  acc.mismatched += c.mismatched;
  acc.nonFinite += c.nonFinite;
  acc.pass = acc.pass && c.pass;
  acc.samples += n;
  return acc;
}

/** Run both models over every batch of `dataset` (already limited) and compare every output. */
export async function verifyOnData(
  a: PreparedModel, b: PreparedModel, dataset: DatasetLike, engineA: Engine, engineB: Engine = engineA,
  tolerance: Tolerance = DEFAULT_TOLERANCE, o: { batchSize?: number; iouThreshold?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<DataVerifyResult> {
  const batchSize = o.batchSize ?? 32;
  const pa = planBatches(a, batchSize);
  const pb = planBatches(b, batchSize);
  if (pa.mode !== pb.mode || (pa.mode === 'fixed' && pa.runBatch !== pb.runBatch)) {
    throw new EngineError(`${a.label} and ${b.label} take different batch dims (${pa.mode === 'fixed' ? pa.runBatch : 'symbolic'} and ${pb.mode === 'fixed' ? pb.runBatch : 'symbolic'}): give models with the same batch dim`);
  }
  const sa = await engineA.load(a.model);
  let sb: Session | undefined;
  try {
    sb = await engineB.load(b.model);
    let pairs: [string, string][] | undefined;
    const merged = new Map<string, OutputComparison & { maxA: number; samples: number }>();
    let states: OutputState[] = [];
    let samples = 0;
    let first = true;
    for await (const batch of dataset.batches(pa.runBatch)) {
      const n = batch.input.dims[0]!;
      if (first) {
        checkBatchFits(a, pa, batch.input);
        checkBatchFits(b, pb, batch.input);
      }
      const feeds = feedsFor(pa, batch.input);
      const fed = feeds[pa.input]!.dims[0]!;
      const ra = await sa.run(feeds);
      const rb = await sb.run(feeds);
      if (first) {
        pairs = pairOutputs(sa.outputNames, sb.outputNames);
        states = pairs.map(([na, nb]) => outputState(nb, na, rb[nb]!, ra[na]!, fed, o.iouThreshold ?? 0.5));
        first = false;
      }
      for (const [na, nb] of pairs!) {
        const ta = firstSamples(ra[na]!, n, fed);
        const tb = firstSamples(rb[nb]!, n, fed);
        merged.set(na, merge(merged.get(na), compareTensors(na, nb, ta, tb, tolerance), maxAbsOf(ta), n));
      }
      for (const s of states) addOutput(s, rb[s.name]!, ra[s.nameRef]!, n);
      samples += n;
      o.onProgress?.(samples, dataset.size);
    }
    if (samples === 0) throw new EngineError(`the data holds no samples: ${dataset.description}`);
    const outputs: OutputComparison[] = pairs!.map(([na]) => {
      const { maxA: _m, samples: _s, ...c } = merged.get(na)!;
      const st = states.find((s) => s.nameRef === na)!;
      return { ...c, shape: st.sampleShape ? [samples, ...st.sampleShape] : c.shape, cosine: st.signal.result().cosine };
    });
    return {
      a: a.label,
      b: b.label,
      engines: [engineA.info, engineB.info],
      tolerance,
      outputs,
      pass: outputs.every((x) => x.pass),
      inputs: dataset.description,
      samples,
      agreement: states.map(agreementOf),
    };
  } finally {
    await sa.release();
    await sb?.release();
    await dataset.close?.();
  }
}
