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
  AccuracyAccumulator, AgreementAccumulator, IoUAccumulator, ReferenceRuns, SignalAccumulator, createEngine, evaluate, klDivergence, openModel, parsePassSpecs, prepareGraph, prepareModel, runPasses, saveOnnx, wilson,
  type BatchLike, type DatasetLike,
} from '../src/index.js';
import { errorLines, leannet } from './helpers/cli.js';
import { fmnistImages, fmnistLabels, preprocessFmnist, readFmnist } from './helpers/fmnist.js';
import { repoRoot, sharedModel, tempDir } from './helpers/models.js';
import { tinyModel } from './helpers/tiny.js';

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

describe('evaluate with kept reference outputs', () => {
  it('replays the reference outputs of its first evaluation: the same agreement, the reference not run again; another batch size is refused', async () => {
    const engine = await createEngine('ort', { threads: 1 });
    const reference = prepareModel(fmnistModel);
    const g = openModel(fmnistModel);
    await runPasses(g, parsePassSpecs(['prune:ratio=0.3']));
    const candidate = prepareGraph(g, 'pruned');
    const ds = handDataset(20);
    const plain = await evaluate(candidate, ds, engine, { batchSize: 8, reference });
    const ag = plain.agreement![0]!.classes!;
    expect(ag.meanKL).toBeGreaterThan(0); // a real difference to agree on
    const referenceRuns = new ReferenceRuns();
    const first = await evaluate(candidate, ds, engine, { batchSize: 8, reference, referenceRuns });
    expect(first.timing.referenceMs).toBeGreaterThan(0);
    expect(referenceRuns.outputs).toHaveLength(3);
    const again = await evaluate(candidate, ds, engine, { batchSize: 8, reference, referenceRuns });
    expect(again.timing.referenceMs).toBe(0);
    for (const r of [first, again]) expect(r.agreement).toEqual(plain.agreement);
    // What is replayed is what was kept: zeroed logits in one batch change the agreement.
    const kept = referenceRuns.outputs[0]!;
    referenceRuns.outputs[0] = Object.fromEntries(Object.entries(kept).map(([k, t]) => [k, { ...t, data: new Float32Array((t.data as Float32Array).length) }]));
    const tampered = await evaluate(candidate, ds, engine, { batchSize: 8, reference, referenceRuns });
    expect(tampered.agreement![0]!.classes!.meanKL).not.toBeCloseTo(ag.meanKL, 6);
    await expect(evaluate(candidate, ds, engine, { batchSize: 4, reference, referenceRuns })).rejects.toThrow(/kept reference outputs are of .* in batches of 8, not of .* in batches of 4/);
    // …and so is another reference model (its outputs would differ from those kept).
    await expect(evaluate(candidate, ds, engine, { batchSize: 8, reference: candidate, referenceRuns })).rejects.toThrow(/kept reference outputs are of .*, not of pruned/);
  });
});

const D = fmnistImages;
const json = (args: string[]) => {
  const r = leannet(args, { timeout: 300_000 });
  expect(r.code, r.stderr).toBe(0);
  const doc = JSON.parse(r.stdout);
  expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  return doc;
};

describe('leannet eval', () => {
  // The one slow test: the full test set (10,000 images, 138.7 M madds each).
  it('reproduces the model\'s published 92.90% on the 10,000 Fashion-MNIST test images (labels found beside the images)', { timeout: 400_000 }, () => {
    const doc = json(['eval', fmnistModel, '--data', D, '--batch-size', '100', '--json']);
    expect(doc.samples).toBe(10_000);
    expect(doc.dataset.labelled).toBe(true);
    expect(doc.accuracy.top1.total).toBe(10_000);
    expect(Math.abs(doc.accuracy.top1.value - 0.929)).toBeLessThanOrEqual(0.0005);
    expect(doc.accuracy.top1.lo).toBeLessThan(doc.accuracy.top1.value);
    expect(doc.accuracy.topk[0].k).toBe(5);
    expect(doc.accuracy.topk[0].accuracy.value).toBeGreaterThan(doc.accuracy.top1.value);
    expect(doc.accuracy.classNames[9]).toBe('Ankle boot'); // from the model's metadata 'labels'
    const sum = (k: string) => doc.accuracy.perClass.reduce((s: number, c: Record<string, number>) => s + c[k]!, 0);
    expect(sum('support')).toBe(10_000); // Fashion-MNIST's test set: 1,000 per class
    expect(doc.accuracy.perClass.every((c: { support: number }) => c.support === 1000)).toBe(true);
    expect(sum('predicted')).toBe(10_000);
    expect(sum('correct')).toBe(doc.accuracy.top1.count);
    expect(doc.timing.batches).toBe(100);
    expect(doc.timing.engineMs).toBeGreaterThan(doc.timing.dataMs);
    expect(doc.engine.engine).toBe('ort');
  });

  it('top-1 on --limit 20 equals onnxruntime run directly on the 20 images preprocessed here, own argmax', async () => {
    const expected = await handTop1(20);
    const doc = json(['eval', fmnistModel, '--data', D, '--labels', fmnistLabels, '--limit', '20', '--batch-size', '7', '--json']);
    expect(doc.samples).toBe(20);
    expect(doc.timing.batches).toBe(3);
    expect(doc.accuracy.top1.count).toBe(expected);
    expect(doc.accuracy.top1.total).toBe(20);
  });

  it('the model against itself: 100% top-1 agreement, SNR +Infinity, KL 0; the table says so', () => {
    const doc = json(['eval', fmnistModel, fmnistModel, '--data', D, '--limit', '48', '--json']);
    const a = doc.agreement[0];
    expect(a).toMatchObject({ name: 'logits', kind: 'classes', snrDb: 'Infinity', cosine: 1, maxAbs: 0 });
    expect(a.classes.top1).toMatchObject({ count: 48, total: 48, value: 1 });
    expect(a.classes.meanKL).toBe(0);
    const r = leannet(['eval', fmnistModel, fmnistModel, '--data', D, '--limit', '20']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^top-1 accuracy\s+\d+\.\d\d% \(\d+ \/ 20; 95% interval/m);
    expect(r.stdout).toMatch(/^logits\s+10\s+1\.0000000\s+\+inf\s+0\.00e\+0\s+100\.00% \(20\/20\)\s+0\.00e\+0/m);
    expect(r.stdout).toMatch(/^9 Ankle boot\s+\d+/m);
    expect(r.stdout).toMatch(/^throughput\s+\d+\.\d samples\/s/m);
  });
});

describe('eval: other models and bad cases', () => {
  const dir = tempDir('leannet-eval-');
  const tiny = (name: string, m: Parameters<typeof tinyModel>[0]) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, tinyModel(m));
    return f;
  };
  const grey28 = { name: 'x', dims: ['N', 1, 28, 28] as (string | number)[] };

  it('dense outputs: IoU above --iou and SNR against a hand computation (x against 0.5·x on raw pixels / 255)', () => {
    const identity = tiny('identity.onnx', { nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }], inputs: [grey28], outputs: [{ name: 'y', dims: ['N', 1, 28, 28] }] });
    const half = tiny('half.onnx', {
      nodes: [{ op: 'Mul', inputs: ['x', 'h'], outputs: ['y'] }],
      inputs: [grey28],
      outputs: [{ name: 'y', dims: ['N', 1, 28, 28] }],
      initializers: [{ name: 'h', dims: [], data_type: 1, raw_data: new Uint8Array(Float32Array.of(0.5).buffer) }],
    });
    const doc = json(['eval', half, identity, '--data', D, '--limit', '30', '--iou', '0.31', '--json']);
    // no [N, classes] output: accuracy is omitted with a note, not a crash
    expect(doc.accuracy).toBeUndefined();
    expect(doc.notes.join('\n')).toMatch(/no output of half\.onnx has the shape \[N, classes\]: accuracy omitted/);
    const a = doc.agreement[0];
    expect(a.kind).toBe('dense');
    expect(a.sampleShape).toEqual([1, 28, 28]);
    // reference x, candidate x/2: Σx² / Σ(x/2)² = 4 → 6.02 dB; on: p/255 > 0.31 (p ≥ 80) and p/510 > 0.31 (p ≥ 159)
    expect(a.snrDb).toBeCloseTo(10 * Math.log10(4), 4);
    const { images } = readFmnist(30);
    let ref = 0;
    let both = 0;
    for (const p of images) {
      if (p / 255 > 0.31) ref++;
      if (p / 510 > 0.31) both++;
    }
    expect(a.iou).toEqual({ threshold: 0.31, intersection: both, union: ref, iou: both / ref });
  });

  it('a fixed batch dim: runs of 4, the last padded; the same top-1 as the symbolic model', () => {
    const g = openModel(fmnistModel);
    g.value('input').declared = { dtype: 'float32', shape: [4, 1, 32, 32] };
    g.value('logits').declared = { dtype: 'float32', shape: [4, 10] };
    const fixed = path.join(dir, 'fixed4.onnx');
    saveOnnx(g, fixed);
    const a = json(['eval', fixed, '--data', D, '--limit', '10', '--json']);
    expect(a.batch).toMatchObject({ run: 4, mode: 'fixed', padded: 2 });
    expect(a.timing.batches).toBe(3);
    const b = json(['eval', fmnistModel, '--data', D, '--limit', '10', '--json']);
    expect(a.accuracy.top1.count).toBe(b.accuracy.top1.count);
    expect(a.accuracy.perClass).toEqual(b.accuracy.perClass);
    const r = leannet(['eval', fixed, '--data', D, '--limit', '10', '--batch-size', '8']);
    expect(r.code).toBe(1);
    expect(errorLines(r)).toEqual(["leannet: --batch-size 8: input 'input' has a fixed batch dim of 4; use --batch-size 4"]);
  });

  it('labels missing: accuracy omitted with a note; bad cases are one-line errors', () => {
    const alone = path.join(dir, 'images-only.gz');
    fs.copyFileSync(D, alone);
    const doc = json(['eval', fmnistModel, '--data', alone, '--limit', '8', '--json']);
    expect(doc.accuracy).toBeUndefined();
    expect(doc.notes).toContain('the data has no labels (give --labels): accuracy omitted');
    const two = tiny('two.onnx', { nodes: [{ op: 'Add', inputs: ['a', 'b'], outputs: ['y'] }], inputs: [{ name: 'a', dims: ['N', 1, 28, 28] }, { name: 'b', dims: ['N', 1, 28, 28] }], outputs: [{ name: 'y', dims: ['N', 1, 28, 28] }] });
    for (const args of [['eval', two, '--data', D], ['verify', two, two, '--data', D], ['bench', two, '--data', D]]) {
      const r = leannet(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(errorLines(r)).toEqual(['leannet: --data feeds one input, but two.onnx has 2 inputs (a, b)']);
    }
    const none = leannet(['eval', fmnistModel]);
    expect(none.code).toBe(1);
    expect(errorLines(none)).toEqual(['leannet: eval needs --data <path>: an IDX file, .npy/.npz, an image or a folder of images']);
    const batch = leannet(['bench', fmnistModel, '--data', D, '--batch', '4']);
    expect(errorLines(batch)).toEqual(['leannet: --batch sets the batch of seeded inputs; with --data give --batch-size']);
    const limit = leannet(['verify', fmnistModel, fmnistModel, '--limit', '4']);
    expect(errorLines(limit)).toEqual(['leannet: --limit needs --data']);
  });
});

describe('--data on verify and bench', () => {
  it('verify --data compares every sample up to --limit batch by batch and adds agreement figures', () => {
    const r = leannet(['verify', fmnistModel, sharedModel('fmnist_resnet_bn.onnx'), '--data', D, '--limit', '40', '--batch-size', '16', '--relative-to', 'max', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.samples).toBe(40);
    expect(doc.inputs).toMatch(/^IDX .*t10k-images-idx3-ubyte\.gz: 10,000×28×28 uint8 \(first 40\)/);
    expect(doc.outputs[0].shape).toEqual([40, 10]);
    expect(doc.agreement[0].classes.top1).toMatchObject({ count: 40, total: 40 });
    expect(doc.agreement[0].snrDb === 'Infinity' || doc.agreement[0].snrDb > 100).toBe(true); // BN folded: equal to float rounding
    const t = leannet(['verify', fmnistModel, fmnistModel, '--data', D]);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/^A = fmnist_resnet\.onnx, B = fmnist_resnet\.onnx \(ort, same 256 samples of IDX .*\(first 256\)/);
    expect(t.stdout).toMatch(/^logits\s+10\s+1\.0000000\s+\+inf\s+0\.00e\+0\s+100\.00% \(256\/256\)/m);
  });

  it('bench --data runs on the first --batch-size samples and says so; without --data, seeded inputs as before', () => {
    const r = leannet(['bench', fmnistModel, '--data', D, '--batch-size', '8', '--time', '0.2', '--min-runs', '3', '--warmup', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^fmnist_resnet\.onnx\s.*\s8\s+\d+$/m);
    expect(r.stdout).toMatch(/^inputs: the first 8 samples of IDX .*\(first 8\)/m);
    // What the engine was fed: a batch of 8 real samples, not the model's batch-1 seeded input.
    const rj = leannet(['bench', fmnistModel, '--data', D, '--batch-size', '8', '--time', '0.2', '--min-runs', '3', '--warmup', '1', '--json']);
    expect(JSON.parse(rj.stdout).results[0].inputs).toEqual([{ name: 'input', shape: [8, 1, 32, 32] }]);
    const c = leannet(['compare', fmnistModel, sharedModel('fmnist_resnet_bn.onnx'), '--data', D, '--batch-size', '4', '--time', '0.3', '--warmup', '1', '--json']);
    expect(c.code, c.stderr).toBe(0);
    expect(JSON.parse(c.stdout).inputSource).toMatch(/^the first 4 samples of IDX /);
    const s = leannet(['bench', fmnistModel, '--time', '0.2', '--min-runs', '3', '--warmup', '1', '--json']);
    const doc = JSON.parse(s.stdout);
    expect(doc.results[0].inputs).toEqual([{ name: 'input', shape: [1, 1, 32, 32] }]);
    expect(doc.results[0].inputSource).toBe('seeded random (seed 1)');
  });
});
