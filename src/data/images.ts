/**
 * Image files as a dataset: one image, a folder of images (unlabelled), or a folder of class
 * sub-folders (torchvision's ImageFolder: classes are the sorted sub-folder names, samples
 * sorted by class then path). Decoded with sharp (libvips), a batch at a time with a bounded
 * number of decodes in flight, the next batch decoding while the current one is used.
 */
import fs from 'node:fs';
import path from 'node:path';
import type SharpModule from 'sharp';
import { DataError } from '../errors.js';
import { describePreprocess, type FullPreprocess } from './preprocess.js';
import { resizeTarget, writeSample } from './transform.js';
import { firstSample } from './slice.js';
import type { Batch, BatchOptions, DataOptions, Dataset } from './types.js';
import { grouped } from '../text.js';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.avif'];

/** Decodes in flight at once (sharp runs them on libuv's thread pool, 4 threads by default). */
const CONCURRENCY = 4;

const isImage = (name: string): boolean => !name.startsWith('.') && IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase());

/** Every image under `dir`, sorted, recursively (appended to `out`: spreading a sub-folder's list into push overflows the stack past ~100,000 files). */
function imagesUnder(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && !e.name.startsWith('.')) imagesUnder(p, out);
    else if (isImage(e.name) && (e.isFile() || e.isSymbolicLink())) out.push(p);
  }
  return out;
}

interface Listing {
  files: string[];
  labels?: Int32Array;
  classes?: string[];
  note: string;
}

function listFolder(dir: string, modelLabels: string[] | undefined): Listing {
  const entries = fs.readdirSync(dir, { withFileTypes: true });
  const loose = entries.filter((e) => !e.isDirectory() && isImage(e.name)).map((e) => path.join(dir, e.name)).sort();
  const folders = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  const perClass = folders.map((name) => ({ name, files: imagesUnder(path.join(dir, name)) })).filter((c) => c.files.length > 0);
  if (perClass.length === 0) {
    if (loose.length === 0) throw new DataError(`${dir}: no images (${IMAGE_EXTENSIONS.join(' ')}) in the folder or its sub-folders`);
    return { files: loose, note: 'unlabelled' };
  }
  if (loose.length > 0) {
    throw new DataError(`${dir}: has both images (${path.basename(loose[0]!)}, …) and class sub-folders (${perClass[0]!.name}, …); put every image in a class folder, or point --data at a folder of images only`);
  }
  const names = perClass.map((c) => c.name);
  // The model's class names give the indices when every folder is one of them.
  const useModel = modelLabels !== undefined && names.every((n) => modelLabels.includes(n));
  const classes = useModel ? modelLabels : names;
  const files: string[] = [];
  const labels: number[] = [];
  for (const c of perClass) {
    const index = classes.indexOf(c.name);
    for (const f of c.files) {
      files.push(f);
      labels.push(index);
    }
  }
  const note = useModel
    ? `${names.length} class folders, indexed by the model's labels`
    : `${names.length} class folders (${names.slice(0, 4).join(', ')}${names.length > 4 ? ', …' : ''}) indexed in sorted order${modelLabels ? "; not all are among the model's labels, so its labels are not used" : ''}`;
  return { files, labels: Int32Array.from(labels), classes, note };
}

/** sharp loads libvips (most of a second): only when images are decoded, not with every leannet command. */
let sharpModule: Promise<typeof SharpModule> | undefined;
const loadSharp = (): Promise<typeof SharpModule> => (sharpModule ??= import('sharp').then((m) => m.default));

/** Decode one file to raw H×W×C uint8 pixels, resized by the rule's resize step if it has one. */
async function decode(file: string, p: FullPreprocess): Promise<{ data: Uint8Array; h: number; w: number; c: number }> {
  const sharp = await loadSharp();
  try {
    let img = sharp(file, { failOn: 'error' });
    img = p.channels === 1 ? img.greyscale() : img.removeAlpha().toColourspace('srgb');
    if (p.resize !== undefined) {
      const meta = await sharp(file).metadata();
      const [rh, rw] = resizeTarget(p.resize, meta.height ?? 0, meta.width ?? 0);
      img = img.resize(rw, rh, { fit: 'fill' });
    }
    const { data, info } = await img.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), h: info.height, w: info.width, c: info.channels };
  } catch (e) {
    throw new DataError(`${file}: cannot decode as an image: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** A dataset of image files: `target` is a folder or a single image. */
export function imageFolderDataset(target: string, p: FullPreprocess, o: DataOptions): Dataset {
  const single = !fs.statSync(target).isDirectory();
  const listing: Listing = single ? { files: [target], note: 'unlabelled' } : listFolder(target, o.modelLabels);
  if (o.labels) throw new DataError(`--labels ${o.labels}: image folders take their labels from class sub-folders, not a labels file`);
  const total = listing.files.length;
  const size = o.limit !== undefined ? Math.min(o.limit, total) : total;
  const outPer = o.inputDims.reduce((a, b) => a * b, 1);
  const description =
    `${single ? 'image' : 'images in'} ${target}: ${grouped(total)} file${total > 1 ? 's' : ''}` +
    (size < total ? ` (first ${grouped(size)})` : '') +
    `, ${listing.note}; ${describePreprocess(p)}`;

  async function decodeBatch(offset: number, n: number): Promise<Batch> {
    const data = p.dtype === 'uint8' ? new Uint8Array(n * outPer) : new Float32Array(n * outPer);
    const ids = listing.files.slice(offset, offset + n);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < n) {
        const j = next++;
        const img = await decode(ids[j]!, p);
        writeSample(img, p, data, j, ids[j]!, true);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, n) }, worker));
    const batch: Batch = { input: { dtype: p.dtype, dims: [n, ...o.inputDims], data }, ids, offset };
    if (listing.labels) batch.labels = listing.labels.slice(offset, offset + n);
    return batch;
  }

  async function* batches(batchSize: number, opts?: BatchOptions): AsyncGenerator<Batch> {
    if (!Number.isSafeInteger(batchSize) || batchSize <= 0) throw new DataError(`batch size must be a positive integer, got ${batchSize}`);
    const first = firstSample(opts, size);
    let pending: Promise<Batch> | undefined = first < size ? decodeBatch(first, Math.min(batchSize, size - first)) : undefined;
    for (let offset = first; pending; offset += batchSize) {
      const current: Promise<Batch> = pending;
      const nextOffset = offset + batchSize;
      // Start the next batch now; its failure is reported when it is awaited, not as an unhandled rejection.
      pending = nextOffset < size ? decodeBatch(nextOffset, Math.min(batchSize, size - nextOffset)) : undefined;
      pending?.catch(() => undefined);
      const batch = await current;
      opts?.onProgress?.(offset + batch.ids.length, size);
      yield batch;
    }
  }

  const ds: Dataset = { description, size, labelled: listing.labels !== undefined, batches };
  if (listing.classes) ds.classes = listing.classes;
  else if (o.modelLabels) ds.classes = o.modelLabels;
  return ds;
}
