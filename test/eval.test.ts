/**
 * Accuracy on real data: metrics against hand calculations, `leannet eval` on the Fashion-MNIST
 * test set against the model's published 92.90% and against onnxruntime run directly on
 * independently preprocessed images, and --data on verify and bench.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  AccuracyAccumulator, AgreementAccumulator, IoUAccumulator, SignalAccumulator, createEngine, evaluate, klDivergence, prepareModel, wilson,
  type BatchLike, type DatasetLike,
} from '../src/index.js';
import { leannet } from './helpers/cli.js';
import { fmnistImages, fmnistLabels, preprocessFmnist, readFmnist } from './helpers/fmnist.js';
import { repoRoot, sharedModel } from './helpers/models.js';

const fmnistModel = sharedModel('fmnist_resnet.onnx');
const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'schemas/eval.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true }).compile(schema);

describe('metrics', () => {
  it('Wilson 95% interval: 9/10 → [0.596, 0.982] (Brown, Cai & DasGupta 2001, by hand), 0/10 and 10/10 not empty', () => {
    const w = wilson(9, 10);
    expect(w.value).toBe(0.9);
    expect(w.lo).toBeCloseTo(0.5958, 4);
    expect(w.hi).toBeCloseTo(0.9821, 4);
    expect(wilson(0, 10).lo).toBe(0);
    expect(wilson(0, 10).hi).toBeCloseTo(0.2775, 4);
    expect(wilson(10, 10).lo).toBeCloseTo(0.7225, 4);
    expect(wilson(9290, 10000).lo).toBeCloseTo(0.92381, 4);
  });

  it('top-1, top-k and per-class counts on hand-made logits', () => {
    // 4 samples, 6 classes; labels 0, 1, 2, 5
    const logits = Float32Array.from([
      9, 1, 1, 1, 1, 1, // pred 0, label 0: right
      5, 4, 3, 2, 1, 0, // pred 0, label 1: wrong, label ranks 2nd
      0, 1, 2, 3, 4, 5, // pred 5, label 2: wrong, 3 classes higher → in top 5
      6, 5, 4, 3, 2, 1, // pred 0, label 5: wrong, 5 classes higher → not in top 5
    ]);
    const acc = new AccuracyAccumulator(6);
    acc.add(logits.subarray(0, 12), Int32Array.from([0, 1]));
    acc.add(logits.subarray(12), Int32Array.from([2, 5]));
    const r = acc.result(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(r.top1.count).toBe(1);
    expect(r.top1.total).toBe(4);
    expect(r.topk).toHaveLength(1);
    expect(r.topk[0]!.k).toBe(5);
    expect(r.topk[0]!.accuracy.count).toBe(3);
    const a = r.perClass[0]!;
    expect([a.support, a.predicted, a.correct, a.recall, a.precision]).toEqual([1, 3, 1, 1, 1 / 3]);
    expect(r.perClass[5]!.support).toBe(1);
    expect(r.perClass[5]!.predicted).toBe(1);
    expect(r.perClass[5]!.recall).toBe(0);
    expect(r.perClass[5]!.precision).toBe(0);
    expect(Number.isNaN(r.perClass[3]!.recall)).toBe(true);
    expect(new AccuracyAccumulator(3).result().topk).toEqual([]);
  });

  it('KL divergence of softmaxes against a hand computation; 0 for identical logits', () => {
    // softmax([0, ln 3]) = [1/4, 3/4]; softmax([0, 0]) = [1/2, 1/2]
    // KL(P‖Q) = 1/4·ln(1/2) + 3/4·ln(3/2) = 0.130812...
    expect(klDivergence([0, Math.log(3)], [0, 0])).toBeCloseTo(0.25 * Math.log(0.5) + 0.75 * Math.log(1.5), 12);
    // KL(Q‖P) = 1/2·ln(2) + 1/2·ln(2/3) = 1/2·ln(4/3): not symmetric
    expect(klDivergence([0, 0], [0, Math.log(3)])).toBeCloseTo(0.5 * Math.log(4 / 3), 12);
    expect(klDivergence([1000, 0, -1000], [1000, 0, -1000])).toBe(0);
    const ag = new AgreementAccumulator(2);
    ag.add([0, Math.log(3), 5, 0], [0, 0, 0, 5], 2);
    const r = ag.result();
    expect(r.top1.count).toBe(0); // row 1: argmax 1 vs 0 (first on ties); row 2: 0 vs 1
    expect(r.samples).toBe(2);
  });

  it('cosine and SNR by hand; +Infinity for identical outputs', () => {
    const s = new SignalAccumulator();
    s.add([3, 4], [3, 4]);
    expect(s.result().snrDb).toBe(Infinity);
    expect(s.result().cosine).toBe(1);
    const t = new SignalAccumulator();
    // signal Σref² = 25, noise Σ(ref−x)² = 0.25 → 10·log10(100) = 20 dB
    t.add([3, 4], [3.5, 4]);
    expect(t.result().snrDb).toBeCloseTo(20, 12);
    expect(t.result().cosine).toBeCloseTo((3 * 3.5 + 16) / (5 * Math.hypot(3.5, 4)), 12);
    // across two batches the sums add up: the same as one batch
    const u = new SignalAccumulator();
    u.add([3], [3.5]);
    u.add([4], [4]);
    expect(u.result().snrDb).toBeCloseTo(20, 12);
    const o = new SignalAccumulator();
    o.add([1, 0], [0, 1]);
    expect(o.result().cosine).toBe(0);
    expect(o.result().snrDb).toBeCloseTo(10 * Math.log10(1 / 2), 12);
  });

  it('IoU at a threshold: elements > t in each, pooled over batches', () => {
    const m = new IoUAccumulator(0.3);
    // ref on: 0, 1, 3; x on: 1, 2, 3 (0.3 itself is off) → ∩ {1, 3} = 2, ∪ {0, 1, 2, 3} = 4
    m.add([0.9, 0.5, 0.1, 0.4, 0.3], [0.2, 0.8, 0.7, 0.31, 0.3]);
    expect(m.result().iou).toBe(0.5);
    m.add([0, 0], [0, 0]); // empty masks change nothing
    expect(m.result()).toEqual({ threshold: 0.3, intersection: 2, union: 4, iou: 0.5 });
    expect(new IoUAccumulator(0.5).result().iou).toBe(1);
  });
});

/** A dataset read by the test's own IDX reader: evaluate() checked on data src/data did not produce. */
function handDataset(limit: number): DatasetLike {
  const { images, labels, count } = readFmnist(limit);
  const x = preprocessFmnist(images, count);
  return {
    description: `hand-read Fashion-MNIST (${count} samples)`,
    size: count,
    labelled: true,
    async *batches(batchSize: number): AsyncIterable<BatchLike> {
      for (let off = 0; off < count; off += batchSize) {
        const n = Math.min(batchSize, count - off);
        yield { input: { dtype: 'float32', dims: [n, 1, 32, 32], data: x.subarray(off * 1024, (off + n) * 1024) }, labels: Int32Array.from(labels.subarray(off, off + n)), ids: [], offset: off };
      }
    },
  };
}

/** onnxruntime run directly on the 20 first images, one session run, own argmax. */
async function handTop1(count: number): Promise<number> {
  const { images, labels } = readFmnist(count);
  const s = await ort.InferenceSession.create(fmnistModel);
  const out = await s.run({ input: new ort.Tensor('float32', preprocessFmnist(images, count), [count, 1, 32, 32]) });
  const logits = out['logits']!.data as Float32Array;
  let correct = 0;
  for (let n = 0; n < count; n++) {
    let best = 0;
    for (let j = 1; j < 10; j++) if (logits[n * 10 + j]! > logits[n * 10 + best]!) best = j;
    if (best === labels[n]) correct++;
  }
  await s.release();
  return correct;
}

describe('evaluate', () => {
  it('top-1 on 20 images equals onnxruntime run directly with its own argmax; the model against itself agrees fully', async () => {
    const expected = await handTop1(20);
    expect(expected).toBeGreaterThan(14); // the model is 92.9% accurate: a broken pipeline would not get here
    const engine = await createEngine('ort', { threads: 1 });
    const model = prepareModel(fmnistModel);
    const r = await evaluate(model, handDataset(20), engine, { batchSize: 8, reference: prepareModel(fmnistModel) });
    expect(r.samples).toBe(20);
    expect(r.timing.batches).toBe(3); // 8 + 8 + 4
    expect(r.accuracy!.top1.count).toBe(expected);
    const ag = r.agreement![0]!;
    expect(ag.kind).toBe('classes');
    expect(ag.snrDb).toBe(Infinity);
    expect(ag.classes!.top1.value).toBe(1);
    expect(ag.classes!.meanKL).toBe(0);
    expect(ag.cosine).toBeCloseTo(1, 12);
  });
});
