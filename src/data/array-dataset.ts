/**
 * A dataset over one in-memory array (IDX, .npy, .npz): the raw array stays as it was read and
 * each batch is decoded into the model's input only when it is asked for, so a 60,000-image
 * set never exists as floats all at once.
 */
import { DataError } from '../errors.js';
import { dimsText, isFloat, type NdArray } from './arrays.js';
import type { FullPreprocess } from './preprocess.js';
import { describePreprocess } from './preprocess.js';
import { writeSample, type RawImage } from './transform.js';
import { firstSample } from './slice.js';
import type { Batch, BatchOptions, DataOptions, Dataset, DataTensor } from './types.js';
import { grouped } from '../text.js';

/** How the array's samples are read: as the model input already, or as images to preprocess. */
type Mode = { kind: 'as-is' } | { kind: 'image'; h: number; w: number; c: number; channelsFirst: boolean };

export interface ArrayDatasetSpec {
  /** The file as the user named it; sample ids are `file#index`. */
  file: string;
  /** 'IDX', 'npy', 'npz x' — the start of the description. */
  format: string;
  images: NdArray;
  labels?: Int32Array;
  /** Where the labels came from, for the description: 'labels from y.npy'. */
  labelsNote?: string;
  pp: FullPreprocess;
  o: DataOptions;
}

/** How an array of `dims` feeds a model input of `inputDims`. */
function modeOf(a: NdArray, pp: FullPreprocess, inputDims: readonly number[], file: string): Mode {
  const sample = a.dims.slice(1);
  const sameShape = sample.length === inputDims.length && sample.every((d, i) => d === inputDims[i]);
  // Already the model's input (floats, or uint8 for a uint8 input): used as is unless --preprocess asks otherwise.
  if (sameShape && pp.source !== '--preprocess' && (isFloat(a.dtype) ? pp.dtype === 'float32' : pp.dtype === 'uint8')) return { kind: 'as-is' };
  const d = a.dims;
  if (d.length === 3) return { kind: 'image', h: d[1]!, w: d[2]!, c: 1, channelsFirst: false };
  if (d.length === 4 && [1, 2, 3, 4].includes(d[3]!)) return { kind: 'image', h: d[1]!, w: d[2]!, c: d[3]!, channelsFirst: false };
  if (d.length === 4 && (d[1] === 1 || d[1] === 3)) return { kind: 'image', h: d[2]!, w: d[3]!, c: d[1]!, channelsFirst: true };
  throw new DataError(`${file}: an array of shape [${d.join(',')}] is neither the model input [N,${inputDims.join(',')}] nor images [N,H,W], [N,H,W,C] or [N,C,H,W]`);
}

export function arrayDataset(spec: ArrayDatasetSpec): Dataset {
  const { images, pp, o, file } = spec;
  const total = images.dims[0]!;
  if (images.dims.length < 2) throw new DataError(`${file}: expected samples [N, ...], got a ${images.dims.length}-D array`);
  if (total === 0) throw new DataError(`${file}: the array holds no samples`);
  const mode = modeOf(images, pp, o.inputDims, file);
  const size = o.limit !== undefined ? Math.min(o.limit, total) : total;
  const per = images.dims.slice(1).reduce((a, b) => a * b, 1);
  const outPer = o.inputDims.reduce((a, b) => a * b, 1);
  const labels = spec.labels;
  const how = mode.kind === 'as-is' ? 'used as the model input as is' : describePreprocess(pp);
  const description =
    `${spec.format} ${file}: ${dimsText(images.dims)} ${images.dtype}` +
    (size < total ? ` (first ${grouped(size)})` : '') +
    `, ${labels ? spec.labelsNote ?? 'labelled' : 'no labels'}; ${how}`;

  /** Sample i as an H×W×C image (a view where the array already is one). */
  const imageAt = (i: number, m: Extract<Mode, { kind: 'image' }>): RawImage => {
    const start = i * per;
    let data: ArrayLike<number>;
    if (images.data instanceof BigInt64Array) data = Float64Array.from(images.data.subarray(start, start + per), Number);
    else data = images.data.subarray(start, start + per);
    if (m.channelsFirst && m.c > 1) {
      const hw = m.h * m.w;
      const t = new Float32Array(per);
      for (let k = 0; k < m.c; k++) for (let j = 0; j < hw; j++) t[j * m.c + k] = data[k * hw + j]!;
      data = t;
    }
    return { h: m.h, w: m.w, c: m.c, data };
  };

  async function* batches(batchSize: number, opts?: BatchOptions): AsyncGenerator<Batch> {
    if (!Number.isSafeInteger(batchSize) || batchSize <= 0) throw new DataError(`batch size must be a positive integer, got ${batchSize}`);
    for (let offset = firstSample(opts, size); offset < size; offset += batchSize) {
      const n = Math.min(batchSize, size - offset);
      const data = pp.dtype === 'uint8' ? new Uint8Array(n * outPer) : new Float32Array(n * outPer);
      const ids: string[] = [];
      for (let j = 0; j < n; j++) {
        const i = offset + j;
        const id = `${file}#${i}`;
        ids.push(id);
        if (mode.kind === 'as-is') {
          const src = images.data.subarray(i * per, (i + 1) * per);
          if (src instanceof BigInt64Array) for (let t = 0; t < per; t++) data[j * per + t] = Number(src[t]);
          else data.set(src, j * per);
        } else {
          writeSample(imageAt(i, mode), pp, data, j, id);
        }
      }
      const input: DataTensor = { dtype: pp.dtype, dims: [n, ...o.inputDims], data };
      const batch: Batch = { input, ids, offset };
      if (labels) batch.labels = labels.slice(offset, offset + n);
      opts?.onProgress?.(offset + n, size);
      // No yield to the event loop here: decoding the next batch then runs inside the consumer's
      // next() (eval counts it as data time), not interleaved with its engine run.
      yield batch;
    }
  }

  const ds: Dataset = { description, size, labelled: labels !== undefined, batches };
  if (o.modelLabels) ds.classes = o.modelLabels;
  return ds;
}
