/**
 * The Fashion-MNIST test set read here independently of src/data (node:zlib, the IDX header by
 * hand, the model README's preprocessing written out), so tests can check leannet's figures
 * against a second implementation.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { repoRoot } from './models.js';

export const fmnistDir = path.resolve(repoRoot, '../shared/data/fashion-mnist');
export const fmnistImages = path.join(fmnistDir, 't10k-images-idx3-ubyte.gz');
export const fmnistLabels = path.join(fmnistDir, 't10k-labels-idx1-ubyte.gz');

/** Raw 28×28 uint8 images and their labels (first `limit`). */
export function readFmnist(limit = Infinity): { images: Uint8Array; labels: Uint8Array; count: number } {
  const img = zlib.gunzipSync(fs.readFileSync(fmnistImages));
  const lab = zlib.gunzipSync(fs.readFileSync(fmnistLabels));
  if (img.readUInt32BE(0) !== 0x803 || lab.readUInt32BE(0) !== 0x801) throw new Error('not IDX image/label files');
  const count = Math.min(limit, img.readUInt32BE(4));
  const rows = img.readUInt32BE(8);
  const cols = img.readUInt32BE(12);
  if (rows !== 28 || cols !== 28) throw new Error(`expected 28x28 images, got ${rows}x${cols}`);
  return { images: img.subarray(16, 16 + count * 784), labels: lab.subarray(8, 8 + count), count };
}

/** fmnist_resnet's preprocessing: zero-pad 28×28 by 2 to 32×32, then x = (p/255 − 0.2860) / 0.3530 (padding too). */
export function preprocessFmnist(images: Uint8Array, count: number): Float32Array {
  const out = new Float32Array(count * 32 * 32);
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const inside = y >= 2 && y < 30 && x >= 2 && x < 30;
        const p = inside ? images[n * 784 + (y - 2) * 28 + (x - 2)]! : 0;
        out[n * 1024 + y * 32 + x] = (p / 255 - 0.286) / 0.353;
      }
    }
  }
  return out;
}

export interface Images {
  /** [count, 1, 32, 32] preprocessed. */
  data: Float32Array;
  labels: Uint8Array;
  count: number;
}

/** Test images [start, start + count), preprocessed, with their labels. */
export function fmnistTest(start: number, count: number): Images {
  const all = readFmnist(start + count);
  const n = Math.max(0, all.count - start);
  return { data: preprocessFmnist(all.images.subarray(start * 784), n), labels: all.labels.subarray(start, start + n), count: n };
}

/** Feeds of at most `batch` images each for input 'input'. */
export function batchesOf(images: Images, batch: number): { input: { dtype: string; dims: number[]; data: Float32Array } }[] {
  const out = [];
  for (let s = 0; s < images.count; s += batch) {
    const n = Math.min(batch, images.count - s);
    out.push({ input: { dtype: 'float32', dims: [n, 1, 32, 32], data: images.data.subarray(s * 1024, (s + n) * 1024) } });
  }
  return out;
}
