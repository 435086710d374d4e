/**
 * Op rules the ONNX backend suite showed missing (npm run conformance), each against
 * onnxruntime on one-node graphs: LayerNormalization's Mean/InvStdDev, PRelu's slope
 * broadcasting, BatchNormalization's spatial=0, zero-size dims. Opset-6 PRelu, which
 * onnxruntime does not run, is checked against the spec (the suite's expected output).
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { int } from '../src/index.js';
import { runBytes } from './helpers/ort.js';
import { shapesLikeOrt, singleOpGraph, type OpCase } from './helpers/single-op.js';
import { floatInit, tinyModel } from './helpers/tiny.js';

const x = (...shape: number[]) => ({ shape });
const w = (...shape: number[]) => ({ shape, values: new Array(shape.reduce((a, b) => a * b, 1)).fill(0.5) });
const i64 = (values: number[]) => ({ shape: [values.length], dtype: 'int64' as const, values });

const CASES: [string, OpCase][] = [
  ['LayerNormalization axis=-1 with Mean and InvStdDev', { op: 'LayerNormalization', opset: 17, outputs: 3, inputs: [x(2, 3, 4), w(4), w(4)] }],
  ['LayerNormalization axis=1 with Mean and InvStdDev', { op: 'LayerNormalization', opset: 17, outputs: 3, inputs: [x(2, 3, 4), w(3, 4), w(3, 4)], attrs: { axis: int(1) } }],
  ['PRelu opset 9, slope [4] on [2,3,4]', { op: 'PRelu', opset: 9, inputs: [x(2, 3, 4), w(4)] }],
  ['PRelu opset 9, slope [3,1,1] on [2,3,4,5]', { op: 'PRelu', opset: 9, inputs: [x(2, 3, 4, 5), w(3, 1, 1)] }],
  ['PRelu opset 16, slope [1] on [2,3]', { op: 'PRelu', opset: 16, inputs: [x(2, 3), w(1)] }],
  ['BatchNormalization opset 7 spatial=0', { op: 'BatchNormalization', opset: 7, inputs: [x(2, 3, 4, 5), w(3, 4, 5), w(3, 4, 5), w(3, 4, 5), w(3, 4, 5)], attrs: { spatial: int(0) } }],
  ['BatchNormalization opset 7 spatial=1', { op: 'BatchNormalization', opset: 7, inputs: [x(2, 3, 4, 5), w(3), w(3), w(3), w(3)] }],
  ['Split opset 13 with a zero-size part', { op: 'Split', opset: 13, outputs: 3, inputs: [x(2, 4), i64([0, 3, 1])], attrs: { axis: int(1) } }],
  ['Reshape allowzero on a zero-size input', { op: 'Reshape', opset: 14, inputs: [{ shape: [0, 3, 4], values: [] }, i64([3, 4, 0])], attrs: { allowzero: int(1) } }],
  ['Reshape without allowzero copies the zero dim', { op: 'Reshape', opset: 14, inputs: [{ shape: [0, 3, 4], values: [] }, i64([0, 12])] }],
];

shapesLikeOrt('op rules from the ONNX backend suite equal onnxruntime', CASES);

describe('op rules from the ONNX backend suite: refusals as onnxruntime refuses', () => {
  it('PRelu opset 9 with a slope that broadcasts only multidirectionally is refused, as onnxruntime refuses it', async () => {
    // [3] against [2,3,4]: trailing axes 3 vs 4. leannet refuses it at inference, ORT when it runs.
    expect(() => singleOpGraph({ op: 'PRelu', opset: 9, inputs: [x(2, 3, 4), w(3)] })).toThrow(/slope \[3\] does not broadcast to X \[2,3,4\]/);
    const bytes = tinyModel({
      opset: 9,
      nodes: [{ op: 'PRelu', inputs: ['x', 'slope'], outputs: ['y'] }],
      inputs: [{ name: 'x', dims: [2, 3, 4] }],
      outputs: [{ name: 'y' }],
      initializers: [floatInit('slope', [3], 0.5)],
    });
    await expect(runBytes(bytes, { x: new ort.Tensor('float32', new Float32Array(24), [2, 3, 4]) })).rejects.toThrow();
  });

  it('PRelu opset 6 with one slope per channel ([3] on [2,3,4,5]) keeps X’s shape (the opset-6 spec, as PyTorch exported nn.PReLU(3))', () => {
    // onnxruntime runs PRelu from opset 7 only; the backend suite's test_PReLU_2d_multiparam expects [2,3,4,5].
    const g = singleOpGraph({ op: 'PRelu', opset: 6, inputs: [x(2, 3, 4, 5), w(3)] });
    expect(g.value('out0').shape).toEqual([2, 3, 4, 5]);
  });
});
