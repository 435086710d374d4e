/**
 * Open a dataset by path: a folder of images, a single image, an IDX file (gzipped or not),
 * a .npy or a .npz. The format is chosen by extension, then by the file's first bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'fflate';
import { DataError, UsageError } from '../errors.js';
import { labelsOf, type NdArray } from './arrays.js';
import { arrayDataset } from './array-dataset.js';
import { idxLabelsCandidates, parseIdx } from './idx.js';
import { IMAGE_EXTENSIONS, imageFolderDataset } from './images.js';
import { isNpy, parseNpy, parseNpz, pickNpzArrays } from './npy.js';
import { completePreprocess } from './preprocess.js';
import type { DataOptions, Dataset } from './types.js';

/** Open `file` (a file or folder) as samples for a model input described by `o`. */
export async function openDataset(file: string, o: DataOptions): Promise<Dataset> {
  const st = statOf(file);
  if (!st) throw new UsageError(`--data ${file}: no such file or folder`);
  if (o.limit !== undefined && (!Number.isSafeInteger(o.limit) || o.limit <= 0)) throw new UsageError(`--limit: expected a positive integer, got ${o.limit}`);
  const pp = completePreprocess(o.preprocess, o.inputDims, o.inputDtype);
  if (st.isDirectory()) return imageFolderDataset(file, pp, o);
  const ext = path.extname(file).toLowerCase();
  if (IMAGE_EXTENSIONS.includes(ext)) return imageFolderDataset(file, pp, o);
  const bytes = readBytes(file);
  if (ext === '.npz') {
    const picked = pickNpzArrays(parseNpz(bytes, file));
    const [imgName, images] = picked.images;
    const n = images.dims[0];
    let labels: Int32Array | undefined;
    let note: string | undefined;
    if (o.labels) [labels, note] = readLabels(o.labels, n);
    else if (picked.labels) {
      labels = labelsOf(picked.labels[1], `${file}:${picked.labels[0]}`, n);
      note = `labels '${picked.labels[0]}'`;
    }
    return arrayDataset({ file, format: `npz '${imgName}' of`, images, labels, labelsNote: note, pp, o });
  }
  const body = maybeGunzip(bytes, file);
  if (ext === '.npy' || isNpy(body)) {
    const images = parseNpy(body, file);
    return arrayDataset({ file, format: 'npy', images, ...labelsFor(o, images), pp, o });
  }
  if (ext === '.gz' || ext === '.idx' || /ubyte/.test(path.basename(file)) || (body[0] === 0 && body[1] === 0)) {
    const images = parseIdx(body, file);
    let spec = labelsFor(o, images);
    if (!o.labels) {
      // MNIST naming: t10k-images-idx3-ubyte.gz beside t10k-labels-idx1-ubyte.gz.
      const beside = idxLabelsCandidates(file).find((f) => statOf(f)?.isFile());
      if (beside) {
        const [labels] = readLabels(beside, images.dims[0]);
        spec = { labels, labelsNote: `labels from ${path.basename(beside)} (found beside it)` };
      }
    }
    return arrayDataset({ file, format: 'IDX', images, ...spec, pp, o });
  }
  throw new DataError(`${file}: unknown data format; expected an IDX file (.gz or not), .npy, .npz, an image (${IMAGE_EXTENSIONS.join(' ')}) or a folder of images`);
}

/** --labels, checked against the number of samples. */
function labelsFor(o: DataOptions, images: NdArray): { labels?: Int32Array; labelsNote?: string } {
  if (!o.labels) return {};
  const [labels, note] = readLabels(o.labels, images.dims[0]);
  return { labels, labelsNote: note };
}

/** Class indices from --labels: a .npy, or an IDX file (gzipped or not). */
export function readLabels(file: string, count: number | undefined): [Int32Array, string] {
  if (!statOf(file)?.isFile()) throw new UsageError(`--labels ${file}: no such file`);
  const bytes = readBytes(file);
  const a = isNpy(bytes) ? parseNpy(bytes, file) : parseIdx(maybeGunzip(bytes, file), file);
  return [labelsOf(a, file, count), `labels from ${path.basename(file)}`];
}

function maybeGunzip(bytes: Uint8Array, file: string): Uint8Array {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new DataError(`${file}: cannot gunzip (${(e as Error).message}); the file is truncated or not gzip`);
  }
}

function readBytes(file: string): Uint8Array {
  try {
    return new Uint8Array(fs.readFileSync(file));
  } catch (e) {
    throw new UsageError(`--data ${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function statOf(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}
