/**
 * TF.js models: the three shared graph models read, infer and cost; params against the weights
 * manifest; every TF node's inferred shape against the shape TensorFlow.js produces for it (all
 * three models, nanodet on the wasm backend);
 * conv madds recomputed from those shapes; the converted ONNX run in onnxruntime against
 * TensorFlow.js (CPU backend) on the same seeded input; a hand-written layers model
 * (Conv2D + BatchNormalization + ReLU + Dense) with BN kept for fold-bn; bad input in one line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { analyzeGraph, compareTensors, loadTfjs, loadTfjsReference, parsePassSpecs, runPasses, writeOnnx, type Graph, type HostTensor } from '../src/index.js';
import { errorLines, leannet } from './helpers/cli.js';
import { sharedModels, tempDir } from './helpers/models.js';

const MODELS = ['emotion', 'movenet-lightning', 'nanodet'];
const modelJson = (m: string) => path.join(sharedModels, 'tfjs', m, 'model.json');
/**
 * tfjs's pure-JS CPU backend takes ~48 s (busy 2-core VM) to run nanodet (416×416) with its 259
 * intermediate outputs; the WebAssembly backend takes 3–5 s. Shapes do not depend on the backend,
 * so nanodet's shape check runs on wasm; its CPU-backend agreement check only when asked.
 */
const SLOW = process.env['LEANNET_TFJS_SLOW'] === '1';
/** The backend each model's shape check runs on. */
const SHAPE_BACKEND: Record<string, 'cpu' | 'wasm'> = { emotion: 'cpu', 'movenet-lightning': 'cpu', nanodet: 'wasm' };

function manifestFloatElements(file: string): number {
  const j = JSON.parse(fs.readFileSync(file, 'utf8'));
  let n = 0;
  for (const g of j.weightsManifest) for (const w of g.weights) if (w.dtype === 'float32') n += w.shape.reduce((a: number, b: number) => a * b, 1);
  return n;
}

/** A seeded input for the graph's first input (batch 1), in its dtype. */
function seededInput(g: Graph): { name: string; host: HostTensor } {
  const name = g.inputs[0]!;
  const v = g.values.get(name)!;
  const dims = v.declared!.shape!.map((d) => (typeof d === 'number' ? d : 1));
  const n = dims.reduce((a, b) => a * b, 1);
  let s = 12345;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const isInt = v.dtype === 'int32';
  const data = isInt ? Int32Array.from({ length: n }, () => Math.floor(rnd() * 256)) : Float32Array.from({ length: n }, () => rnd());
  return { name, host: { dtype: isInt ? 'int32' : 'float32', dims, data } };
}

async function runOrt(g: Graph, name: string, host: HostTensor): Promise<Record<string, HostTensor>> {
  const session = await ort.InferenceSession.create(writeOnnx(g).model);
  const r = await session.run({ [name]: new ort.Tensor(host.dtype as 'float32', host.data as Float32Array, host.dims as number[]) });
  const out: Record<string, HostTensor> = {};
  for (const [k, t] of Object.entries(r)) out[k] = { dtype: t.type, dims: t.dims, data: t.data as Float32Array };
  return out;
}

/** madds of every Conv and Gemm recomputed from their inferred shapes. */
function maddsFromShapes(g: Graph): number {
  let total = 0;
  for (const n of g.nodes) {
    if (n.opType === 'Conv') {
      const w = g.values.get(n.inputs[1]!)!.shape as number[];
      const y = g.values.get(n.outputs[0]!)!.shape as number[];
      total += y.reduce((a, b) => a * b, 1) * w[1]! * w[2]! * w[3]!;
    } else if (n.opType === 'Gemm' || n.opType === 'MatMul') {
      const y = g.values.get(n.outputs[0]!)!.shape as number[];
      const a = g.values.get(n.inputs[0]!)!.shape as number[];
      total += y.reduce((p, q) => p * q, 1) * a[a.length - 1]!;
    }
  }
  return total;
}

describe('TF.js graph models read, infer and cost', () => {
  for (const m of MODELS) {
    it(`${m}: params + buffers are the manifest's float elements; madds from shapes`, () => {
      const a = analyzeGraph(loadTfjs(modelJson(m)));
      expect(a.graph.nodes.some((n) => n.domain === 'org.tensorflow')).toBe(false);
      // The reader adds only Relu6's two scalar bounds (0 and 6) to the manifest's constants.
      const added = a.graph.initializers.has('relu6/min') ? 2 : 0;
      expect(a.cost.totals.params + a.cost.totals.buffers).toBe(manifestFloatElements(modelJson(m)) + added);
      expect(a.cost.totals.madds).toBe(maddsFromShapes(a.graph));
      // Transposes only at the edges: one per NHWC input and per NHWC output at most (+ before reshapes).
      const transposes = a.graph.nodes.filter((n) => n.opType === 'Transpose').length;
      expect(transposes).toBeLessThanOrEqual({ emotion: 1, 'movenet-lightning': 5, nanodet: 6 }[m]!);
    });
  }
  it('emotion: params and madds as counted by hand (205,127 params; 65.8 M madds)', () => {
    const a = analyzeGraph(loadTfjs(modelJson('emotion')));
    expect(a.cost.totals.params).toBe(205127);
    expect(a.cost.totals.buffers).toBe(0);
    expect(Math.round(a.cost.totals.madds / 1e5) / 10).toBe(65.8);
  });
});

describe('every TF node\'s inferred shape is the shape TensorFlow.js produces (intermediate outputs requested in one run)', () => {
  for (const m of MODELS) {
    it(`${m} (tfjs ${SHAPE_BACKEND[m]} backend)`, async () => {
      const g = loadTfjs(modelJson(m), { layout: false });
      analyzeGraph(g);
      const json = JSON.parse(fs.readFileSync(modelJson(m), 'utf8'));
      const computed = json.modelTopology.node.filter((d: { op: string }) => d.op !== 'Const' && d.op !== 'Placeholder' && d.op !== 'NoOp');
      const names: string[] = computed.filter((d: { name: string }) => g.values.get(d.name)?.shape).map((d: { name: string }) => d.name);
      // Every computing node has an inferred shape (none skipped).
      expect(names.length).toBe(computed.length);
      const ref = await loadTfjsReference(modelJson(m), SHAPE_BACKEND[m]);
      const { name, host } = seededInput(g);
      const out = await ref.run({ [name]: host }, names);
      for (const n of names) expect(`${n}: ${(g.values.get(n)!.shape as number[]).join('x')}`).toBe(`${n}: ${out[n]!.dims.join('x')}`);
      expect(names.length).toBe({ emotion: 21, 'movenet-lightning': 150, nanodet: 259 }[m]!);
      ref.dispose();
    }, 120_000);
  }
});

describe('against TensorFlow.js (CPU backend)', () => {
  for (const m of ['emotion', 'movenet-lightning', ...(SLOW ? ['nanodet'] : [])]) {
    it(`${m}: converted ONNX in onnxruntime agrees with tfjs (cosine ≥ 0.9999)`, async () => {
      const g = loadTfjs(modelJson(m));
      const { name, host } = seededInput(g);
      const ref = await loadTfjsReference(modelJson(m));
      const a = await ref.run({ [name]: host }, g.outputs);
      const b = await runOrt(g, name, host);
      for (const o of g.outputs) {
        const c = compareTensors(o, o, a[o]!, b[o]!);
        console.log(`${m} ${o} ${c.shape.join('x')}: cosine ${c.cosine.toFixed(8)}, max abs ${c.maxAbs.toExponential(2)}, max rel ${c.maxRel.toExponential(2)}`);
        expect(c.cosine).toBeGreaterThanOrEqual(0.9999);
        expect(c.normRel).toBeLessThan(1e-4);
      }
      ref.dispose();
    }, 120_000);
  }
  it('nanodet: the converted ONNX runs in onnxruntime with the signature output shapes', async () => {
    const g = loadTfjs(modelJson('nanodet'));
    const { name, host } = seededInput(g);
    const b = await runOrt(g, name, host);
    expect(Object.keys(b).sort()).toEqual(['Identity', 'Identity_1', 'Identity_2', 'Identity_3', 'Identity_4', 'Identity_5']);
    expect(b['Identity']!.dims).toEqual([1, 2704, 80]);
    expect(b['Identity_5']!.dims).toEqual([1, 169, 44]);
  }, 60_000);
});

describe('against TensorFlow.js (WebAssembly backend, engine tfjs-wasm)', () => {
  for (const m of MODELS) {
    it(`${m}: converted ONNX in onnxruntime agrees with tfjs-wasm (cosine ≥ 0.9999)`, async () => {
      const g = loadTfjs(modelJson(m));
      const { name, host } = seededInput(g);
      const ref = await loadTfjsReference(modelJson(m), 'wasm');
      const a = await ref.run({ [name]: host }, g.outputs);
      const b = await runOrt(g, name, host);
      for (const o of g.outputs) {
        const c = compareTensors(o, o, a[o]!, b[o]!);
        expect(c.cosine).toBeGreaterThanOrEqual(0.9999);
        expect(c.normRel).toBeLessThan(1e-4);
      }
      ref.dispose();
    }, 60_000);
  }
  it('emotion: cpu and wasm models loaded in one process, run interleaved, each gives its own backend\'s answer', async () => {
    const g = loadTfjs(modelJson('emotion'));
    const { name, host } = seededInput(g);
    const cpu = await loadTfjsReference(modelJson('emotion'), 'cpu');
    const wasm = await loadTfjsReference(modelJson('emotion'), 'wasm');
    const o = g.outputs[0]!;
    const c1 = (await cpu.run({ [name]: host }, [o]))[o]!;
    const w1 = (await wasm.run({ [name]: host }, [o]))[o]!;
    const c2 = (await cpu.run({ [name]: host }, [o]))[o]!;
    const w2 = (await wasm.run({ [name]: host }, [o]))[o]!;
    // Same backend, same input: bit-identical; across backends: float32 rounding only.
    expect(Array.from(c2.data as Float32Array)).toEqual(Array.from(c1.data as Float32Array));
    expect(Array.from(w2.data as Float32Array)).toEqual(Array.from(w1.data as Float32Array));
    expect(compareTensors(o, o, c1, w1).normRel).toBeLessThan(1e-5);
    cpu.dispose();
    wasm.dispose();
  }, 60_000);
  it('verify --engine tfjs-wasm --engine-b ort passes; an ONNX file is refused naming the ONNX engines', () => {
    const r = leannet(['verify', modelJson('movenet-lightning'), modelJson('movenet-lightning'), '--engine', 'tfjs-wasm', '--engine-b', 'ort', '--json']);
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    expect(j.engines.map((e: { engine: string; provider: string }) => `${e.engine}/${e.provider}`)).toEqual(['tfjs-wasm/wasm', 'ort/cpu']);
    expect(j.pass).toBe(true);
    const out = path.join(tempDir(), 'e.onnx');
    leannet(['convert', modelJson('emotion'), '-o', out]);
    const bad = leannet(['verify', out, out, '--engine', 'tfjs-wasm']);
    expect(bad.code).not.toBe(0);
    expect(errorLines(bad)).toEqual([
      `leannet: the tfjs-wasm engine runs TF.js model.json files only; give it a model.json (ONNX runs on ort, ort-wasm, ort-webgpu)`,
    ]);
  }, 60_000);
});

/** A Keras-style layers model written by hand: Conv2D(3×3, 8) → BatchNormalization → ReLU → Flatten → Dense(5). */
function writeLayersModel(dir: string, extraLayer?: object): string {
  let s = 7;
  const rnd = (n: number, lo = -0.5, hi = 0.5) => Float32Array.from({ length: n }, () => lo + ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * (hi - lo));
  const weights: [string, number[], Float32Array][] = [
    ['conv/kernel', [3, 3, 3, 8], rnd(216)],
    ['conv/bias', [8], rnd(8)],
    ['bn/gamma', [8], rnd(8, 0.5, 1.5)],
    ['bn/beta', [8], rnd(8)],
    ['bn/moving_mean', [8], rnd(8)],
    ['bn/moving_variance', [8], rnd(8, 0.5, 2)],
    ['dense/kernel', [8 * 6 * 6, 5], rnd(288 * 5)],
    ['dense/bias', [5], rnd(5)],
  ];
  const layers = [
    { class_name: 'InputLayer', config: { name: 'image', batch_input_shape: [null, 8, 8, 3], dtype: 'float32' } },
    { class_name: 'Conv2D', config: { name: 'conv', filters: 8, kernel_size: [3, 3], strides: [1, 1], padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: true } },
    { class_name: 'BatchNormalization', config: { name: 'bn', axis: -1, epsilon: 0.001, center: true, scale: true, momentum: 0.99 } },
    { class_name: 'ReLU', config: { name: 'relu' } },
    ...(extraLayer ? [extraLayer] : []),
    { class_name: 'Flatten', config: { name: 'flatten' } },
    { class_name: 'Dense', config: { name: 'dense', units: 5, activation: 'softmax', use_bias: true } },
  ];
  const json = {
    format: 'layers-model',
    generatedBy: 'hand',
    convertedBy: null,
    modelTopology: { class_name: 'Sequential', config: { name: 'tiny', layers }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
    weightsManifest: [{ paths: ['tiny.bin'], weights: weights.map(([name, shape]) => ({ name, shape, dtype: 'float32' })) }],
  };
  fs.writeFileSync(path.join(dir, 'tiny.bin'), Buffer.concat(weights.map(([, , d]) => Buffer.from(d.buffer))));
  const file = path.join(dir, 'model.json');
  fs.writeFileSync(file, JSON.stringify(json));
  return file;
}

describe('layers models', () => {
  it('Conv2D + BatchNormalization + ReLU + Dense: BN a separate node, fold-bn removes it, outputs equal tfjs before and after', async () => {
    const file = writeLayersModel(tempDir());
    const g = loadTfjs(file);
    const a = analyzeGraph(g);
    expect(g.nodes.filter((n) => n.opType === 'BatchNormalization')).toHaveLength(1);
    // BN's gamma and beta are params, its running statistics buffers (the project's convention).
    expect(a.cost.totals.params).toBe(216 + 8 + 2 * 8 + 288 * 5 + 5);
    expect(a.cost.totals.buffers).toBe(2 * 8);
    expect(a.cost.totals.madds).toBe(6 * 6 * 8 * 27 + 288 * 5);
    const { name, host } = seededInput(g);
    const ref = await loadTfjsReference(file);
    const want = Object.values(await ref.run({ [name]: host }))[0]!;
    const before = await runOrt(g, name, host);
    expect(compareTensors('dense', 'dense', want, before[g.outputs[0]!]!).cosine).toBeGreaterThanOrEqual(0.9999);
    const reports = await runPasses(g, parsePassSpecs(['fold-bn']));
    expect(reports.length).toBeGreaterThan(0);
    expect(g.nodes.filter((n) => n.opType === 'BatchNormalization')).toHaveLength(0);
    const after = await runOrt(g, name, host);
    const c = compareTensors('dense', 'dense', want, after[g.outputs[0]!]!);
    expect(c.cosine).toBeGreaterThanOrEqual(0.9999);
    expect(c.maxAbs).toBeLessThan(1e-5);
    ref.dispose();
  }, 60_000);
});

describe('bad input: one line, non-zero exit', () => {
  const one = (args: string[]) => {
    const r = leannet(args);
    expect(r.code).not.toBe(0);
    const lines = errorLines(r);
    expect(lines).toHaveLength(1);
    return lines[0]!;
  };
  it('control flow names the op', () => {
    const dir = tempDir();
    const json = JSON.parse(fs.readFileSync(modelJson('emotion'), 'utf8'));
    json.modelTopology.node.push({ name: 'loop/Switch', op: 'Switch', input: ['input_1', 'input_1'], attr: {} });
    fs.copyFileSync(path.join(sharedModels, 'tfjs/emotion/emotion.bin'), path.join(dir, 'emotion.bin'));
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    expect(one(['analyze', path.join(dir, 'model.json')])).toMatch(/node 'loop\/Switch' is Switch: TF control flow .* not supported/);
  });
  it('a TF op with no mapping: analyze keeps it as unknown cost; convert refuses it in one line naming it', () => {
    const dir = tempDir();
    const json = JSON.parse(fs.readFileSync(modelJson('emotion'), 'utf8'));
    json.modelTopology.node.find((n: { op: string }) => n.op === 'Softmax').op = 'Sparsemax';
    fs.copyFileSync(path.join(sharedModels, 'tfjs/emotion/emotion.bin'), path.join(dir, 'emotion.bin'));
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    const r = leannet(['analyze', path.join(dir, 'model.json')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/org\.tensorflow::Sparsemax ×1 \(unknown op\)/);
    expect(one(['convert', path.join(dir, 'model.json'), '-o', path.join(dir, 'x.onnx')])).toMatch(/TF ops with no ONNX mapping: Sparsemax$/);
  });
  it('missing, truncated and mis-sized shards; unknown dtype; unknown Keras layer', () => {
    const dir = tempDir();
    const src = JSON.parse(fs.readFileSync(modelJson('emotion'), 'utf8'));
    const bin = fs.readFileSync(path.join(sharedModels, 'tfjs/emotion/emotion.bin'));
    const file = path.join(dir, 'model.json');
    fs.writeFileSync(file, JSON.stringify(src));
    expect(one(['analyze', file])).toMatch(/weight shard 'emotion.bin' not found next to model.json/);
    fs.writeFileSync(path.join(dir, 'emotion.bin'), bin.subarray(0, bin.length - 10));
    expect(one(['analyze', file])).toMatch(/the manifest's weights need 820516 bytes but the shards emotion.bin hold 820506/);
    fs.writeFileSync(path.join(dir, 'emotion.bin'), bin);
    const bad = structuredClone(src);
    bad.weightsManifest[0].weights[0].dtype = 'complex64';
    fs.writeFileSync(file, JSON.stringify(bad));
    expect(one(['analyze', file])).toMatch(/has dtype 'complex64', which leannet does not read/);
    const layersDir = tempDir();
    writeLayersModel(layersDir, { class_name: 'Lambda', config: { name: 'mystery' } });
    expect(one(['analyze', path.join(layersDir, 'model.json')])).toMatch(/Keras layer class 'Lambda' \(layer 'mystery'\) is not supported/);
  });
  it('verify runs model.json on tfjs (A) against its conversion on ORT (B)', () => {
    const r = leannet(['verify', modelJson('emotion'), modelJson('emotion'), '--engine', 'tfjs', '--engine-b', 'ort', '--json']);
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    expect(j.engines.map((e: { engine: string }) => e.engine)).toEqual(['tfjs', 'ort']);
    expect(j.pass).toBe(true);
    expect(j.outputs[0].cosine).toBeGreaterThanOrEqual(0.9999);
    // Real images (Fashion-MNIST, resized to the model's 64×64 grey input, NHWC): every sample agrees.
    const d = leannet(['verify', modelJson('emotion'), modelJson('emotion'), '--engine', 'tfjs', '--engine-b', 'ort', '--json',
      '--data', path.join(sharedModels, '../data/fashion-mnist/t10k-images-idx3-ubyte.gz'), '--limit', '16', '--preprocess', 'resize=64x64,layout=NHWC']);
    const dj = JSON.parse(d.stdout);
    expect(dj.pass).toBe(true);
    expect(dj.agreement[0].classes.top1.count).toBe(16);
    expect(dj.agreement[0].cosine).toBeGreaterThanOrEqual(0.9999);
    // An ONNX file is not something the tfjs engine runs: one line.
    const out = path.join(tempDir(), 'e.onnx');
    leannet(['convert', modelJson('emotion'), '-o', out]);
    expect(one(['verify', out, out, '--engine', 'tfjs'])).toMatch(/the tfjs engine runs TF.js model.json files only/);
  });
  // Issue 17: lint and the structural rewrites run on converted TF.js models (fold-bn is moot: the
  // converter's convs carry their BN fused), each result written, read back and run by onnxruntime.
  it('lint and rewrite (dwsep, group, prune) run on the converted emotion and movenet models', async () => {
    const dir = tempDir();
    for (const m of ['emotion', 'movenet-lightning']) {
      const onnx = path.join(dir, `${m}.onnx`);
      expect(leannet(['convert', modelJson(m), '-o', onnx]).code).toBe(0);
      const l = leannet(['lint', '--json', '--no-ridge-measure', onnx]);
      expect(l.code, l.stderr).toBe(0);
      const findings: { rule: string }[] = JSON.parse(l.stdout).findings;
      expect(findings.length).toBeGreaterThan(0);
      const ref = await ort.InferenceSession.create(fs.readFileSync(onnx));
      for (const pass of ['dwsep', 'group', 'prune:ratio=0.5']) {
        const out = path.join(dir, `${m}-${pass.replace(/\W+/g, '_')}.onnx`);
        const r = leannet(['rewrite', onnx, '-o', out, '--pass', pass, '--no-measure', '--json']);
        expect(r.code, `${m} ${pass}: ${r.stderr}`).toBe(0);
        const j = JSON.parse(r.stdout);
        expect(j.passes[0].changes.length, `${m} ${pass}`).toBeGreaterThan(0);
        expect(j.after.totals.madds, `${m} ${pass}`).toBeLessThan(j.before.totals.madds);
        // The written model loads in onnxruntime with the converted model's inputs and outputs.
        const s = await ort.InferenceSession.create(fs.readFileSync(out));
        expect([s.inputNames, s.outputNames]).toEqual([ref.inputNames, ref.outputNames]);
        await s.release();
      }
      await ref.release();
    }
  }, 120_000);
  it('convert writes ONNX that analyze reads back with the same totals', () => {
    const out = path.join(tempDir(), 'emotion.onnx');
    const r = leannet(['convert', modelJson('emotion'), '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/1 Transpose/);
    const a = JSON.parse(leannet(['analyze', out, '--json']).stdout);
    const b = JSON.parse(leannet(['analyze', modelJson('emotion'), '--json']).stdout);
    expect(a.totals.params).toBe(b.totals.params);
    expect(a.totals.madds).toBe(b.totals.madds);
  });
});
