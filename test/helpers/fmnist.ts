/**
 * The Fashion-MNIST test set in ../shared/data/fashion-mnist, read directly (IDX, gzip) and
 * preprocessed as fmnist_resnet.onnx's README says: pad 2 with 0 to 32×32, (p/255 − 0.286)/0.353.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { repoRoot } from './models.js';

const dir = path.resolve(repoRoot, '../shared/data/fashion-mnist');

export interface Images {
  /** [count, 1, 32, 32] preprocessed. */
  data: Float32Array;
  labels: Uint8Array;
  count: number;
}

/** Test images [start, start + count), preprocessed, with their labels. */
export function fmnistTest(start: number, count: number): Images {
  const images = gunzipSync(fs.readFileSync(path.join(dir, 't10k-images-idx3-ubyte.gz')));
  const labels = gunzipSync(fs.readFileSync(path.join(dir, 't10k-labels-idx1-ubyte.gz')));
  const data = new Float32Array(count * 32 * 32);
  const pad = (0 / 255 - 0.286) / 0.353;
  data.fill(pad);
  for (let i = 0; i < count; i++) {
    for (let r = 0; r < 28; r++) {
      for (let c = 0; c < 28; c++) data[i * 1024 + (r + 2) * 32 + c + 2] = (images[16 + (start + i) * 784 + r * 28 + c]! / 255 - 0.286) / 0.353;
    }
  }
  return { data, labels: labels.subarray(8 + start, 8 + start + count), count };
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
