/**
 * A calibration set from a dataset: the first `fit` samples for the fits and the `holdOut`
 * after them for held-out errors, regrouped into feeds of `batchSize` for the model's input.
 */
import type { Dataset } from '../data/index.js';
import type { Feeds } from '../engine/index.js';
import { UsageError } from '../errors.js';

export interface CalibrationBatches {
  fit: Feeds[];
  heldOut: Feeds[];
}

export async function calibrationBatches(dataset: Dataset, inputName: string, fit: number, holdOut: number, batchSize: number): Promise<CalibrationBatches> {
  const samples: { data: ArrayLike<number> & { subarray(a: number, b: number): unknown }; dims: number[]; dtype: string }[] = [];
  let have = 0;
  for await (const b of dataset.batches(batchSize)) {
    samples.push(b.input as never);
    have += b.input.dims[0]!;
    if (have >= fit + holdOut) break;
  }
  if (have === 0) throw new UsageError(`${dataset.description}: no samples to calibrate on`);
  const first = samples[0]!;
  const per = first.dims.slice(1).reduce((a, b) => a * b, 1);
  const Ctor = (first.data as unknown as { constructor: new (n: number) => Float32Array }).constructor;
  const all = new Ctor(Math.min(have, fit + holdOut) * per);
  let at = 0;
  for (const s of samples) {
    const take = Math.min(s.data.length, all.length - at);
    all.set((s.data as unknown as Float32Array).subarray(0, take), at);
    at += take;
  }
  const split = (from: number, to: number): Feeds[] => {
    const out: Feeds[] = [];
    for (let s = from; s < to; s += batchSize) {
      const n = Math.min(batchSize, to - s);
      out.push({ [inputName]: { dtype: first.dtype, dims: [n, ...first.dims.slice(1)], data: all.subarray(s * per, (s + n) * per) } });
    }
    return out;
  };
  const total = all.length / per;
  const nFit = Math.min(fit, total);
  return { fit: split(0, nFit), heldOut: split(nFit, total) };
}
