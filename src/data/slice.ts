/**
 * Samples [from, to) of a dataset as a dataset of their own: how one set the user names is split
 * into the part a fit uses and a part it never sees (rewrite --data: fit, held out, scored).
 */
import { DataError } from '../errors.js';
import type { Batch, BatchOptions, DataTensor, Dataset } from './types.js';

/** Where a dataset's `batches` starts: `o.from` (a whole number ≥ 0; past the end, nothing), 0 by default. */
export function firstSample(o: BatchOptions | undefined, size: number): number {
  const from = o?.from ?? 0;
  if (!Number.isSafeInteger(from) || from < 0) throw new DataError(`the first sample must be a whole number ≥ 0, got ${from}`);
  return Math.min(from, size);
}

function rows(t: DataTensor, a: number, b: number): DataTensor {
  const per = t.dims.slice(1).reduce((p, d) => p * d, 1);
  return { dtype: t.dtype, dims: [b - a, ...t.dims.slice(1)], data: t.data.subarray(a * per, b * per) as DataTensor['data'] };
}

export function sliceDataset(d: Dataset, from: number, to: number): Dataset {
  const end = Math.min(to, d.size);
  const size = Math.max(0, end - from);
  return {
    description: `${d.description}, samples ${from + 1}–${end}`,
    size,
    labelled: d.labelled,
    ...(d.classes ? { classes: d.classes } : {}),
    async *batches(batchSize, o) {
      const start = from + firstSample(o, size);
      let done = start - from;
      // The source starts at `start`: the samples before it are not decoded.
      for await (const b of d.batches(batchSize, { from: start })) {
        const n = b.input.dims[0]!;
        const a = Math.max(from, b.offset) - b.offset;
        const z = Math.min(end, b.offset + n) - b.offset;
        if (b.offset >= end) break;
        if (z <= a) continue;
        const out: Batch = { input: rows(b.input, a, z), ids: b.ids.slice(a, z), offset: b.offset + a - from };
        if (b.labels) out.labels = b.labels.subarray(a, z);
        done += z - a;
        o?.onProgress?.(done, size);
        yield out;
      }
    },
    ...(d.close ? { close: () => d.close!() } : {}),
  };
}
