/**
 * Layers models as TensorFlow.js (@tensorflow/tfjs-layers) itself saves them (the format Keras exports and Teachable
 * Machine produce): a Functional model with a nested Sequential, built and saved with tfjs,
 * read by leannet, converted and run on onnxruntime against tfjs's own prediction.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-layers';
import { analyzeGraph, compareTensors, loadTfjs, parsePassSpecs, runPasses, writeOnnx } from '../src/index.js';
import { tempDir } from './helpers/models.js';

/** Save a tfjs LayersModel as model.json + weights.bin in `dir`. */
async function save(model: tf.LayersModel, dir: string): Promise<string> {
  await model.save(tfc.io.withSaveHandler(async (a) => {
    const json = { format: 'layers-model', generatedBy: 'tfjs', convertedBy: null, modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] };
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(a.weightData as ArrayBuffer));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return path.join(dir, 'model.json');
}

describe('layers models saved by @tensorflow/tfjs-layers', () => {
  it('Functional with a nested Sequential: every layer kind read, ORT agrees with tfjs.predict, fold-bn applies', async () => {
    tfc.env().set('PROD', true);
    await tfc.setBackend('cpu');
    const input = tf.input({ shape: [12, 12, 3], name: 'image' });
    let x = tf.layers.zeroPadding2d({ padding: [[1, 0], [0, 1]] }).apply(input) as tf.SymbolicTensor;
    x = tf.layers.conv2d({ filters: 8, kernelSize: 2, strides: 1, padding: 'valid', useBias: false }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ epsilon: 1e-3 }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU({ maxValue: 6 }).apply(x) as tf.SymbolicTensor;
    const block = tf.sequential({ name: 'block', layers: [
      tf.layers.depthwiseConv2d({ inputShape: [12, 12, 8], kernelSize: 3, padding: 'same', depthMultiplier: 1 }),
      tf.layers.batchNormalization(),
      tf.layers.leakyReLU({ alpha: 0.2 }),
      tf.layers.conv2d({ filters: 8, kernelSize: 1, activation: 'relu' }),
    ] });
    const y = block.apply(x) as tf.SymbolicTensor;
    let z = tf.layers.add().apply([x, y]) as tf.SymbolicTensor;
    const s = tf.layers.separableConv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'sigmoid' }).apply(z) as tf.SymbolicTensor;
    z = tf.layers.multiply().apply([z, s]) as tf.SymbolicTensor;
    const p1 = tf.layers.maxPooling2d({ poolSize: 2 }).apply(z) as tf.SymbolicTensor;
    const p2 = tf.layers.averagePooling2d({ poolSize: 2, padding: 'same' }).apply(z) as tf.SymbolicTensor;
    let c = tf.layers.concatenate({ axis: -1 }).apply([p1, p2]) as tf.SymbolicTensor;
    c = tf.layers.upSampling2d({ size: [2, 2] }).apply(c) as tf.SymbolicTensor;
    c = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'elu' }).apply(c) as tf.SymbolicTensor;
    const g = tf.layers.globalAveragePooling2d({}).apply(c) as tf.SymbolicTensor;
    const f = tf.layers.flatten().apply(tf.layers.reshape({ targetShape: [6, 6, 4] }).apply(c) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const h = tf.layers.dropout({ rate: 0.5 }).apply(tf.layers.concatenate().apply([g, f]) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 5, activation: 'softmax' }).apply(h) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out, name: 'mixed' });
    // Non-trivial BN statistics (fresh layers have mean 0, variance 1).
    for (const l of [...model.layers, ...block.layers]) {
      if (l.getClassName() === 'BatchNormalization') l.setWeights(l.getWeights().map((w, i) => tfc.randomUniform(w.shape, i === 3 ? 0.5 : -0.5, i === 3 ? 2 : 0.5)));
    }
    const file = await save(model, tempDir());

    const graph = loadTfjs(file);
    const a = analyzeGraph(graph);
    expect(graph.nodes.filter((n) => n.opType === 'BatchNormalization')).toHaveLength(2);
    expect(a.cost.totals.params + a.cost.totals.buffers).toBe(model.countParams() + (graph.initializers.has('relu6/min') ? 2 : 0));
    const data = tfc.randomUniform([2, 12, 12, 3], 0, 1, 'float32', 7);
    const want = model.predict(data) as tfc.Tensor;
    const host = { dtype: 'float32', dims: want.shape, data: await want.data() };
    const run = async () => {
      const session = await ort.InferenceSession.create(writeOnnx(graph).model);
      const r = await session.run({ image: new ort.Tensor('float32', await data.data() as Float32Array, [2, 12, 12, 3]) });
      const t = r[graph.outputs[0]!]!;
      return compareTensors('out', 'out', host, { dtype: t.type, dims: t.dims, data: t.data as Float32Array });
    };
    const before = await run();
    expect(before.cosine).toBeGreaterThanOrEqual(0.9999);
    expect(before.maxAbs).toBeLessThan(1e-5);
    await runPasses(graph, parsePassSpecs(['fold-bn']));
    expect(graph.nodes.filter((n) => n.opType === 'BatchNormalization')).toHaveLength(0);
    const after = await run();
    expect(after.maxAbs).toBeLessThan(1e-5);
  }, 60_000);
});
