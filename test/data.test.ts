/**
 * The data layer against references computed here by hand: the first 20 Fashion-MNIST test
 * images, read with a small independent IDX reader (node:zlib, not fflate), written out as IDX,
 * IDX.gz, .npy, .npz, PNG and JPEG files; every format must give the tensor the model's
 * preprocessing formula gives, computed pixel by pixel in the test.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { Command } from 'commander';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DataError,
  UsageError,
  labelsFromMetadata,
  loadOnnx,
  openDataset,
  parsePreprocess,
  preprocessFromMetadata,
  resolvePreprocess,
  sliceDataset,
  type Batch,
  type DataOptions,
  type Dataset,
  type FullPreprocess,
} from '../src/index.js';
import { dataOptions, withDataOptions } from '../src/cli/data-options.js';
import { sharedModel, tempDir, repoRoot } from './helpers/models.js';
import { npyBytes } from './helpers/npy.js';

const FMNIST = path.resolve(repoRoot, '../shared/data/fashion-mnist');
const MODEL = sharedModel('fmnist_resnet.onnx');
const N = 20;

/** Independent IDX reader: gunzip with node:zlib, big-endian header by hand. */
function readIdxGz(file: string): { dims: number[]; data: Uint8Array } {
  const b = zlib.gunzipSync(fs.readFileSync(file));
  const rank = b[3]!;
  const dims = Array.from({ length: rank }, (_, i) => b.readUInt32BE(4 + 4 * i));
  return { dims, data: new Uint8Array(b.buffer, b.byteOffset + 4 + 4 * rank, dims.reduce((a, c) => a * c, 1)) };
}

function idxBytes(type: number, dims: number[], data: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE((type << 8) | dims.length, 0);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(data)]);
}


/** The model's rule by hand: pad 2 with 0, then (p/255 − 0.286)/0.353, as [1,32,32]. */
function expected(img: Uint8Array): Float32Array {
  const out = new Float32Array(32 * 32).fill((0 - 0.286) / 0.353);
  for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) out[(r + 2) * 32 + (c + 2)] = (img[r * 28 + c]! / 255 - 0.286) / 0.353;
  return out;
}

async function all(ds: Dataset, batchSize = 7): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of ds.batches(batchSize)) out.push(b);
  return out;
}

/** Inputs of every batch joined, and labels joined. */
async function collect(ds: Dataset, batchSize = 7): Promise<{ x: Float32Array; y: number[]; ids: string[] }> {
  const bs = await all(ds, batchSize);
  const x = new Float32Array(bs.reduce((a, b) => a + b.input.data.length, 0));
  let o = 0;
  for (const b of bs) {
    x.set(b.input.data as Float32Array, o);
    o += b.input.data.length;
  }
  return { x, y: bs.flatMap((b) => [...(b.labels ?? [])]), ids: bs.flatMap((b) => b.ids) };
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const graph = loadOnnx(MODEL);
const meta = graph.meta.metadata;
const fmnistPP = resolvePreprocess({ meta, inputDims: [1, 32, 32] });
const opts = (extra: Partial<DataOptions> = {}): DataOptions => ({ preprocess: fmnistPP, inputDims: [1, 32, 32], ...extra });

let dir: string;
let images: Uint8Array; // first N images, 28×28 each
let labels: Uint8Array;
let want: Float32Array; // first N images preprocessed by hand
let allLabels: Uint8Array;

beforeAll(async () => {
  dir = tempDir('leannet-data-');
  const im = readIdxGz(path.join(FMNIST, 't10k-images-idx3-ubyte.gz'));
  const lb = readIdxGz(path.join(FMNIST, 't10k-labels-idx1-ubyte.gz'));
  expect(im.dims).toEqual([10000, 28, 28]);
  allLabels = lb.data;
  images = im.data.slice(0, N * 784);
  labels = lb.data.slice(0, N);
  want = new Float32Array(N * 1024);
  for (let i = 0; i < N; i++) want.set(expected(images.subarray(i * 784, (i + 1) * 784)), i * 1024);

  const w = (name: string, bytes: Uint8Array): string => {
    const f = path.join(dir, name);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, bytes);
    return f;
  };
  const imgIdx = idxBytes(0x08, [N, 28, 28], images);
  const lblIdx = idxBytes(0x08, [N], labels);
  w('idx/s-images-idx3-ubyte', imgIdx);
  w('idx/s-labels-idx1-ubyte', lblIdx);
  w('gz/s-images-idx3-ubyte.gz', zlib.gzipSync(imgIdx));
  w('gz/s-labels-idx1-ubyte.gz', zlib.gzipSync(lblIdx));
  w('plain/images.idx', imgIdx);
  w('plain/labels.idx', lblIdx);
  const x = npyBytes('|u1', [N, 28, 28], images);
  const y = npyBytes('<i8', [N], BigInt64Array.from(labels, BigInt));
  w('x.npy', x);
  w('x-v2.npy', npyBytes('|u1', [N, 28, 28], images, 2));
  w('x-nhwc.npy', npyBytes('|u1', [N, 28, 28, 1], images));
  w('y.npy', y);
  w('y-short.npy', npyBytes('<i8', [N - 1], BigInt64Array.from(labels.subarray(0, N - 1), BigInt)));
  w('ready.npy', npyBytes('<f4', [N, 1, 32, 32], want));
  w('fortran.npy', npyBytes('|u1', [N, 28, 28], images, 1, true));
  w('stored.npz', zipSync({ 'x.npy': [x, { level: 0 }], 'y.npy': [y, { level: 0 }] }));
  w('positional.npz', zipSync({ 'arr_0.npy': x, 'arr_1.npy': y }));
  w('x.npy.gz', zlib.gzipSync(x));
  w('deflated.npz', zipSync({ 'images.npy': [x, { level: 9 }], 'labels.npy': [y, { level: 9 }] }));
  // Image folders: class sub-folders named by class, files sorted = IDX order within a class.
  const names = ['tshirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'boot'];
  for (let i = 0; i < N; i++) {
    const raw = sharp(Buffer.from(images.subarray(i * 784, (i + 1) * 784)), { raw: { width: 28, height: 28, channels: 1 } });
    const file = `${String(i).padStart(3, '0')}`;
    w(`png/${names[labels[i]!]}/${file}.png`, await raw.clone().png().toBuffer());
    w(`jpg/${names[labels[i]!]}/${file}.jpg`, await raw.clone().jpeg({ quality: 100 }).toBuffer());
    w(`flat/${file}.png`, await raw.clone().png().toBuffer());
  }
  w('models-labels.txt', Buffer.from(names.join('\n')));
  w('empty/notes.txt', Buffer.from('no images here'));
  w('broken/a.png', Buffer.from('not a png at all'));
});

describe('preprocess rules', () => {
  it("reads the fmnist model's metadata rule and labels", () => {
    expect(fmnistPP).toMatchObject({ layout: 'NCHW', channels: 1, size: [32, 32], pad_from: [28, 28], pad: [2, 2, 2, 2], pad_value: 0, mean: [0.286], std: [0.353], dtype: 'float32' });
    expect(fmnistPP.scale).toBeCloseTo(1 / 255, 15);
    expect(fmnistPP.source).toBe("the model's metadata 'preprocess'");
    expect(labelsFromMetadata(meta)).toEqual(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
    expect(preprocessFromMetadata([])).toBeUndefined();
  });

  it('short form = JSON; --preprocess wins over metadata', () => {
    const short = parsePreprocess('layout=NCHW,channels=1,size=32x32,pad_from=28x28,pad=2,pad_value=0,scale=1/255,mean=0.286,std=0.353', 'x');
    expect(short).toEqual({ layout: 'NCHW', channels: 1, size: [32, 32], pad_from: [28, 28], pad: [2], pad_value: 0, scale: 1 / 255, mean: [0.286], std: [0.353] });
    const r = resolvePreprocess({ text: 'pad=2,mean=0.5,std=0.5', meta, inputDims: [1, 32, 32] });
    expect(r).toMatchObject({ source: '--preprocess', pad: [2, 2, 2, 2], mean: [0.5], std: [0.5], size: [32, 32] });
    expect(parsePreprocess('mean=0.485:0.456:0.406,resize=256,crop=224,order=BGR', 'x')).toEqual({ mean: [0.485, 0.456, 0.406], resize: 256, crop: [224, 224], order: 'BGR' });
  });

  it('assumes a default from the input shape and says so', () => {
    expect(resolvePreprocess({ meta: [], inputDims: [3, 224, 224] })).toMatchObject({ layout: 'NCHW', channels: 3, size: [224, 224], mean: [0], std: [1] });
    expect(resolvePreprocess({ meta: [], inputDims: [3, 224, 224] }).source).toBe('assumed from the model input [3,224,224]: NCHW, 3 channels, 224x224, pixels x/255, no resize');
    expect(resolvePreprocess({ meta: [], inputDims: [64, 64, 3] })).toMatchObject({ layout: 'NHWC', channels: 3, size: [64, 64] });
  });

  it('refuses rules that contradict the model input, and unknown keys', () => {
    const bad = (text: string, inputDims = [1, 32, 32]) => () => resolvePreprocess({ text, meta, inputDims });
    expect(bad('channels=3')).toThrow(new UsageError('--preprocess: channels 3 does not match the model input [1,32,32] (NCHW: 1 channel)'));
    expect(bad('size=28x28')).toThrow(new UsageError('--preprocess: size 28x28 does not match the model input [1,32,32] (32x32)'));
    expect(bad('pad_from=28x28,pad=1')).toThrow(new UsageError('--preprocess: pad_from 28x28 padded by [1,1,1,1] gives 30x30, not the input\'s 32x32'));
    expect(bad('mean=1:2')).toThrow(new UsageError('--preprocess: mean has 2 values; give one value'));
    expect(bad('sise=32')).toThrow(/^--preprocess: unknown key 'sise'; known: layout, channels, order, size/);
    expect(bad('{"size":[32,32],"padding":2}')).toThrow(/^--preprocess: unknown key 'padding'/);
    expect(bad('{"size":[32,32]')).toThrow(/^--preprocess: not valid JSON/);
    expect(bad('std=0')).toThrow(new UsageError('--preprocess: std must be non-zero, got 0'));
  });
});

describe('every format gives the same tensors', () => {
  it('IDX: the hand-computed pixel and border of image 0', async () => {
    const ds = await openDataset(path.join(dir, 'idx/s-images-idx3-ubyte'), opts());
    expect(ds.description).toBe(
      `IDX ${path.join(dir, 'idx/s-images-idx3-ubyte')}: 20×28×28 uint8, labels from s-labels-idx1-ubyte (found beside it); NCHW 1x32x32, pad 28x28 by [2,2,2,2] with 0, (p*0.003922 - 0.286) / 0.353`,
    );
    const [b] = await all(ds, 20);
    const x = b!.input.data as Float32Array;
    expect(b!.input.dims).toEqual([20, 1, 32, 32]);
    // Image 0's brightest pixel (r, c) → output (r+2, c+2).
    const at = images.subarray(0, 784).indexOf(Math.max(...images.subarray(0, 784)));
    const [r0, c0] = [Math.floor(at / 28), at % 28];
    const p = images[at]!;
    expect(p).toBeGreaterThan(200);
    expect(x[(r0 + 2) * 32 + (c0 + 2)]).toBeCloseTo((p / 255 - 0.286) / 0.353, 6);
    expect(x[(r0 + 2) * 32 + (c0 + 2)]).not.toBeCloseTo(x[r0 * 32 + c0]!, 3);
    for (const [r, c] of [[0, 0], [1, 31], [31, 5], [17, 0], [17, 30]] as const) expect(x[r * 32 + c]).toBeCloseTo((0 - 0.286) / 0.353, 6);
    expect(maxDiff(x, want)).toBeLessThan(1e-6);
    expect([...b!.labels!]).toEqual([...labels]);
    expect(b!.ids[3]).toBe(`${path.join(dir, 'idx/s-images-idx3-ubyte')}#3`);
  });

  for (const [name, file, extra] of [
    ['IDX.gz (labels found beside)', 'gz/s-images-idx3-ubyte.gz', {}],
    ['IDX with --labels IDX', 'plain/images.idx', { labels: 'plain/labels.idx' }],
    ['IDX with --labels .npy', 'plain/images.idx', { labels: 'y.npy' }],
    ['npy u1 [N,28,28] with --labels .npy (i8)', 'x.npy', { labels: 'y.npy' }],
    ['npy v2 header', 'x-v2.npy', { labels: 'y.npy' }],
    ['npy [N,28,28,1]', 'x-nhwc.npy', { labels: 'y.npy' }],
    ['npz stored (x, y)', 'stored.npz', {}],
    ['npz deflated (images, labels)', 'deflated.npz', {}],
    ['npz positional (arr_0, arr_1)', 'positional.npz', {}],
    ['npy gzipped', 'x.npy.gz', { labels: 'y.npy' }],
    ['npy float [N,1,32,32] used as is', 'ready.npy', { labels: 'y.npy' }],
  ] as const) {
    it(name, async () => {
      const o = opts('labels' in extra ? { labels: path.join(dir, extra.labels) } : {});
      const ds = await openDataset(path.join(dir, file), o);
      expect(ds.size).toBe(N);
      expect(ds.labelled).toBe(true);
      const got = await collect(ds);
      expect(maxDiff(got.x, want)).toBeLessThan(1e-6);
      expect(got.y).toEqual([...labels]);
    });
  }

  it('PNG class folders: sorted class names, files in order', async () => {
    const ds = await openDataset(path.join(dir, 'png'), opts());
    const classes = [...new Set(labels)].map((l) => ['tshirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'boot'][l]!).sort();
    expect(ds.classes).toEqual(classes);
    const got = await collect(ds);
    // Sample k is file got.ids[k]; its number is its IDX index.
    for (let k = 0; k < N; k++) {
      const i = Number(path.basename(got.ids[k]!, '.png'));
      expect(maxDiff(got.x.subarray(k * 1024, (k + 1) * 1024), want.subarray(i * 1024, (i + 1) * 1024))).toBeLessThan(1e-6);
      expect(ds.classes![got.y[k]!]).toBe(path.basename(path.dirname(got.ids[k]!)));
    }
  });

  it("folders named by the model's labels take the model's indices", async () => {
    const modelLabels = ['tshirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'boot'];
    const ds = await openDataset(path.join(dir, 'jpg'), opts({ modelLabels }));
    expect(ds.classes).toEqual(modelLabels);
    expect(ds.description).toMatch(/indexed by the model's labels/);
    const got = await collect(ds, 32);
    let worst = 0;
    for (let k = 0; k < N; k++) {
      const i = Number(path.basename(got.ids[k]!, '.jpg'));
      expect(got.y[k]).toBe(labels[i]);
      worst = Math.max(worst, maxDiff(got.x.subarray(k * 1024, (k + 1) * 1024), want.subarray(i * 1024, (i + 1) * 1024)));
    }
    // JPEG quality 100 is still lossy: within 3 grey levels of the PNG (3/255/0.353 ≈ 0.033).
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThan(3 / 255 / 0.353);
  });

  it('unlabelled folder, a single image, --limit', async () => {
    const flat = await openDataset(path.join(dir, 'flat'), opts({ limit: 5 }));
    expect(flat).toMatchObject({ size: 5, labelled: false });
    const got = await collect(flat, 2);
    expect(got.ids.map((f) => path.basename(f))).toEqual(['000.png', '001.png', '002.png', '003.png', '004.png']);
    expect(maxDiff(got.x, want.subarray(0, 5 * 1024))).toBeLessThan(1e-6);
    const one = await openDataset(path.join(dir, 'flat/007.png'), opts());
    expect(one.size).toBe(1);
    expect(maxDiff((await collect(one)).x, want.subarray(7 * 1024, 8 * 1024))).toBeLessThan(1e-6);
  });

  it('a slice starts reading at its first sample: the same tensors, and a file before it that does not decode is never opened', async () => {
    const png = await openDataset(path.join(dir, 'flat'), opts());
    const all = await collect(png, 4);
    const part = await collect(sliceDataset(png, 6, 15), 4);
    expect(part.ids).toEqual(all.ids.slice(6, 15));
    expect(maxDiff(part.x, all.x.subarray(6 * 1024, 15 * 1024))).toBe(0);
    const idx = await openDataset(path.join(FMNIST, 't10k-images-idx3-ubyte.gz'), opts({ labels: path.join(FMNIST, 't10k-labels-idx1-ubyte.gz') }));
    const tail = await collect(sliceDataset(idx, 9990, 10000), 4);
    expect(tail.ids).toEqual(Array.from({ length: 10 }, (_, k) => `${path.join(FMNIST, 't10k-images-idx3-ubyte.gz')}#${9990 + k}`));
    expect(tail.y).toEqual([...allLabels.subarray(9990)]);
    // The offsets a slice yields are its own, from 0.
    const offsets: number[] = [];
    for await (const b of sliceDataset(idx, 9990, 10000).batches(4)) offsets.push(b.offset);
    expect(offsets).toEqual([0, 4, 8]);
    // A slice of a slice, and `from` on a slice: the same samples, offsets the slice's own.
    const inner = sliceDataset(sliceDataset(idx, 9000, 10000), 990, 1000);
    expect((await collect(inner, 4)).ids).toEqual(tail.ids);
    const late: number[] = [];
    for await (const b of sliceDataset(idx, 9990, 10000).batches(4, { from: 6 })) late.push(b.offset, ...b.labels!);
    expect(late).toEqual([6, ...allLabels.subarray(9996, 10000)]);
    // A folder whose first file is not an image: reading it all fails on that file, a slice after it does not.
    const broken = path.join(tempDir(), 'broken');
    fs.mkdirSync(broken);
    fs.writeFileSync(path.join(broken, '000.png'), 'not a png');
    for (let i = 1; i < 5; i++) fs.copyFileSync(path.join(dir, 'flat', `00${i}.png`), path.join(broken, `00${i}.png`));
    const b = await openDataset(broken, opts());
    await expect(collect(b)).rejects.toThrow(/000\.png/);
    const rest = await collect(sliceDataset(b, 1, 5));
    expect(maxDiff(rest.x, all.x.subarray(1024, 5 * 1024))).toBe(0);
    await expect(collect(sliceDataset(b, 0, 5))).rejects.toThrow(/000\.png/);
  });

  it('grey images into a 3-channel NHWC input with a resize and mean/std per channel', async () => {
    const pp = resolvePreprocess({ text: 'layout=NHWC,resize=56,mean=0.1:0.2:0.3,std=0.5:0.5:0.25', meta: [], inputDims: [56, 56, 3] });
    const ds = await openDataset(path.join(dir, 'x.npy'), { preprocess: pp, inputDims: [56, 56, 3], limit: 1 });
    const [b] = await all(ds);
    const x = b!.input.data as Float32Array;
    expect(b!.input.dims).toEqual([1, 56, 56, 3]);
    // Doubling with half-pixel centres: output (2r+1, 2c+1) is 3/4 of pixel (r,c) and 1/4 of its neighbours — here an interior pixel.
    const px = (r: number, c: number) => images[r * 28 + c]!;
    const r = 10;
    const c = 14;
    const v = 0.5625 * px(r, c) + 0.1875 * px(r + 1, c) + 0.1875 * px(r, c + 1) + 0.0625 * px(r + 1, c + 1);
    const o = ((2 * r + 1) * 56 + (2 * c + 1)) * 3;
    expect(x[o]).toBeCloseTo((v / 255 - 0.1) / 0.5, 5);
    expect(x[o + 1]).toBeCloseTo((v / 255 - 0.2) / 0.5, 5);
    expect(x[o + 2]).toBeCloseTo((v / 255 - 0.3) / 0.25, 5);
  });
});

describe('colour', () => {
  it('an RGB PNG and a lossless WebP: NCHW RGB, NCHW BGR, NHWC, uint8; grey into 3 channels', async () => {
    // 4×5 RGB image, pixel (y, x) = (10y + x, 100 + 10y + x, 200 + y + x).
    const h = 4;
    const w = 5;
    const rgb = new Uint8Array(h * w * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) rgb.set([10 * y + x, 100 + 10 * y + x, 200 + y + x], (y * w + x) * 3);
    const raw = sharp(Buffer.from(rgb), { raw: { width: w, height: h, channels: 3 } });
    const png = path.join(dir, 'colour.png');
    const webp = path.join(dir, 'colour.webp');
    fs.writeFileSync(png, await raw.clone().png().toBuffer());
    fs.writeFileSync(webp, await raw.clone().webp({ lossless: true }).toBuffer());
    const first = async (file: string, text: string, inputDims: number[]) => {
      const preprocess = resolvePreprocess({ text, meta: [], inputDims });
      const [b] = await all(await openDataset(file, { preprocess, inputDims }));
      return b!.input;
    };
    for (const file of [png, webp]) {
      const nchw = (await first(file, 'mean=0.5,std=0.25', [3, h, w])).data as Float32Array;
      const bgr = (await first(file, 'order=BGR,scale=1,mean=1:2:3,std=1', [3, h, w])).data as Float32Array;
      const nhwc = (await first(file, 'scale=1', [h, w, 3])).data as Float32Array;
      const u8 = await first(file, 'dtype=uint8', [3, h, w]);
      expect(u8.dtype).toBe('uint8');
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          for (let k = 0; k < 3; k++) {
            const v = rgb[(y * w + x) * 3 + k]!;
            expect(nchw[(k * h + y) * w + x]).toBeCloseTo((v / 255 - 0.5) / 0.25, 5);
            expect(bgr[((2 - k) * h + y) * w + x]).toBe(v - (2 - k + 1));
            expect(nhwc[(y * w + x) * 3 + k]).toBe(v);
            expect(u8.data[(k * h + y) * w + x]).toBe(v);
          }
        }
      }
    }
    // sharp's resize (shorter side to 32, 40×60 → 32×48), then the centre 32×32: a horizontal ramp stays a ramp, centred.
    const ramp = new Uint8Array(40 * 60 * 3);
    for (let y = 0; y < 40; y++) for (let x = 0; x < 60; x++) ramp.fill(4 * x, (y * 60 + x) * 3, (y * 60 + x + 1) * 3);
    const rampFile = path.join(dir, 'ramp.png');
    fs.writeFileSync(rampFile, await sharp(Buffer.from(ramp), { raw: { width: 60, height: 40, channels: 3 } }).png().toBuffer());
    const rc = (await first(rampFile, 'resize=32,crop=32,scale=1', [3, 32, 32])).data as Float32Array;
    // Output column x samples source column (x + 8 + 0.5)·60/48 − 0.5, worth 4× that.
    for (const x of [0, 15, 31]) expect(Math.abs(rc[5 * 32 + x]! - 4 * ((x + 8.5) * 1.25 - 0.5))).toBeLessThan(3);
    for (let k = 0; k < 3; k++) expect(rc[(k * 32 + 20) * 32 + 10]).toBe(rc[10]);
    // A grey PNG into a 3-channel input: three equal planes.
    const grey = (await first(path.join(dir, 'flat/000.png'), 'pad=2,mean=0.286,std=0.353', [3, 32, 32])).data as Float32Array;
    for (let k = 0; k < 3; k++) expect(maxDiff(grey.subarray(k * 1024, (k + 1) * 1024), want.subarray(0, 1024))).toBeLessThan(1e-6);
  });
});

describe('streaming the 10,000-image test set', () => {
  it('313 batches of 32, labels equal the IDX labels, decoded lazily', async () => {
    const t0 = performance.now();
    const ds = await openDataset(path.join(FMNIST, 't10k-images-idx3-ubyte.gz'), opts());
    const opened = performance.now() - t0;
    expect(ds.size).toBe(10000);
    expect(ds.classes).toBeUndefined();
    let batches = 0;
    let samples = 0;
    let progress = 0;
    const got: number[] = [];
    for await (const b of ds.batches(32, { onProgress: (done, total) => (progress = done / total) })) {
      expect(b.offset).toBe(samples);
      expect(b.input.dims).toEqual([batches < 312 ? 32 : 16, 1, 32, 32]);
      expect(b.input.data.length).toBe(b.input.dims.reduce((a, c) => a * c, 1));
      if (batches === 0) expect(maxDiff((b.input.data as Float32Array).subarray(0, N * 1024), want)).toBeLessThan(1e-6);
      got.push(...b.labels!);
      samples += b.ids.length;
      batches++;
    }
    const ms = performance.now() - t0;
    console.log(`fmnist t10k: opened (gunzip + parse) in ${opened.toFixed(0)} ms, 313 batches of 32 decoded in ${(ms - opened).toFixed(0)} ms (${(((ms - opened) * 1000) / 10000).toFixed(1)} µs/image, test checks included)`);
    expect(batches).toBe(313);
    expect(samples).toBe(10000);
    expect(progress).toBe(1);
    expect(got).toEqual([...allLabels]);
  });

  it('batches feed the trained model: top-1 accuracy on the first 1,000 test images is that of a 92.9% model', async () => {
    const session = await ort.InferenceSession.create(MODEL, { intraOpNumThreads: 1, logSeverityLevel: 3 });
    const ds = await openDataset(path.join(FMNIST, 't10k-images-idx3-ubyte.gz'), opts({ limit: 1000 }));
    let right = 0;
    for await (const b of ds.batches(100)) {
      const out = await session.run({ input: new ort.Tensor('float32', b.input.data as Float32Array, b.input.dims) });
      const logits = out['logits']!.data as Float32Array;
      for (let i = 0; i < b.ids.length; i++) {
        const row = logits.subarray(i * 10, i * 10 + 10);
        if (row.indexOf(Math.max(...row)) === b.labels![i]) right++;
      }
    }
    await session.release();
    console.log(`fmnist_resnet top-1 on t10k[0:1000] through openDataset: ${(right / 10).toFixed(1)}%`);
    // A wrong rule (no padding shift, no normalisation, transposed) drops far below this.
    expect(right / 1000).toBeGreaterThan(0.9);
  });
});

describe('bad data: one line naming the file', () => {
  const fail = async (file: string, o: DataOptions = opts()): Promise<string> => {
    try {
      const ds = await openDataset(file, o);
      await all(ds, 32);
    } catch (e) {
      expect(e).toBeInstanceOf(e instanceof UsageError ? UsageError : DataError);
      expect((e as Error).message).not.toMatch(/\n/);
      return (e as Error).message;
    }
    throw new Error(`no error for ${file}`);
  };
  const write = (name: string, bytes: Uint8Array): string => {
    const f = path.join(dir, 'bad', name);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, bytes);
    return f;
  };

  it('IDX: bad magic, truncated data, truncated gzip', async () => {
    const good = idxBytes(0x08, [N, 28, 28], images);
    const magic = write('magic-images-idx3-ubyte', Buffer.concat([Buffer.from([0x12, 0x34, 0x08, 0x03]), good.subarray(4)]));
    expect(await fail(magic)).toBe(`${magic}: not an IDX file: magic 0x12340803, expected 0x00000803 (images) or 0x00000801 (labels)`);
    const short = write('short-images-idx3-ubyte', good.subarray(0, 5000));
    expect(await fail(short)).toBe(`${short}: truncated: the header says 20×28×28 uint8 (15,680 bytes of data), the file has 4,984`);
    const gz = zlib.gzipSync(good);
    const shortGz = write('short-images-idx3-ubyte.gz', gz.subarray(0, gz.length >> 1));
    expect(await fail(shortGz)).toBe(`${shortGz}: cannot gunzip (unexpected EOF); the file is truncated or not gzip`);
  });

  it('labels of the wrong length; npy in Fortran order; truncated npy', async () => {
    expect(await fail(path.join(dir, 'x.npy'), opts({ labels: path.join(dir, 'y-short.npy') }))).toBe(`${path.join(dir, 'y-short.npy')}: 19 labels for 20 samples`);
    const f = path.join(dir, 'fortran.npy');
    expect(await fail(f)).toBe(`${f}: Fortran-order arrays are not supported; save it with np.ascontiguousarray(a)`);
    const t = write('trunc.npy', fs.readFileSync(path.join(dir, 'x.npy')).subarray(0, 1000));
    expect(await fail(t)).toBe(`${t}: truncated: shape (20, 28, 28) |u1 needs 15,680 bytes of data, the file has 872`);
  });

  it('a 28×28 image into a 32×32 input with no pad or resize rule', async () => {
    const pp = resolvePreprocess({ text: 'mean=0.286,std=0.353', meta, inputDims: [1, 32, 32] });
    const f = path.join(dir, 'x.npy');
    expect(await fail(f, opts({ preprocess: pp }))).toBe(`${f}#0: a 28x28 image does not fit the model input 32x32 (no resize, crop or pad rule)`);
    const png = path.join(dir, 'flat/003.png');
    expect(await fail(png, opts({ preprocess: pp }))).toBe(`${png}: a 28x28 image does not fit the model input 32x32 (no resize, crop or pad rule)`);
  });

  it('a folder with no images, a file that does not decode, a missing path, an unknown format', async () => {
    expect(await fail(path.join(dir, 'empty'))).toBe(`${path.join(dir, 'empty')}: no images (.png .jpg .jpeg .webp .gif .tif .tiff .avif) in the folder or its sub-folders`);
    const broken = path.join(dir, 'broken/a.png');
    expect(await fail(path.join(dir, 'broken'))).toMatch(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot decode as an image: `));
    expect(await fail(path.join(dir, 'nope.npy'))).toBe(`--data ${path.join(dir, 'nope.npy')}: no such file or folder`);
    const txt = path.join(dir, 'models-labels.txt');
    expect(await fail(txt)).toBe(`${txt}: unknown data format; expected an IDX file (.gz or not), .npy, .npz, an image (.png .jpg .jpeg .webp .gif .tif .tiff .avif) or a folder of images`);
  });
});

describe('CLI data options', () => {
  const parse = (args: string[]): Record<string, unknown> => {
    const cmd = withDataOptions(new Command('eval').exitOverride());
    cmd.parse(args, { from: 'user' });
    return cmd.opts();
  };

  it('defaults for the fmnist model: its first input, batch 32, its rule and labels', () => {
    const o = dataOptions(parse(['--data', 'x.npy']), graph);
    expect(o).toMatchObject({ data: 'x.npy', batchSize: 32, inputName: 'input', inputDims: [1, 32, 32], inputDtype: 'float32' });
    expect(o.preprocess).toEqual(fmnistPP);
    expect(o.modelLabels).toHaveLength(10);
    expect(o.limit).toBeUndefined();
  });

  it('--batch-size, --limit, --labels, --preprocess', () => {
    const o = dataOptions(parse(['--data', 'd', '--batch-size', '8', '--limit', '100', '--labels', 'y.npy', '--preprocess', 'pad=2,mean=0.5,std=0.5']), graph);
    expect(o).toMatchObject({ batchSize: 8, limit: 100, labels: 'y.npy' });
    expect((o.preprocess as FullPreprocess).source).toBe('--preprocess');
    expect(() => dataOptions(parse(['--batch-size', '0']), graph)).toThrow(new UsageError("--batch-size: expected a positive integer, got '0'"));
    expect(() => dataOptions(parse(['--limit', 'ten']), graph)).toThrow(new UsageError("--limit: expected a positive integer, got 'ten'"));
    expect(() => dataOptions(parse(['--preprocess', 'channels=3']), graph)).toThrow(UsageError);
  });
});
