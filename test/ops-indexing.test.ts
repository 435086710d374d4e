/**
 * Ops detectors and spatial transformers use, once unknown to leannet: their inferred shapes
 * against onnxruntime on one-node graphs, and their cost by hand.
 */
import { describe, expect, it } from 'vitest';
import { float, int, ints, nodeCost, type Attribute } from '../src/index.js';
import { shapesLikeOrt, singleOpGraph, type OpCase } from './helpers/single-op.js';

const s = (value: string): Attribute => ({ type: 'string', value });
const x = (...shape: number[]) => ({ shape });
const f32 = (shape: number[], values: number[]) => ({ shape, values });
const i64 = (shape: number[], values: number[]) => ({ shape, dtype: 'int64' as const, values });

const CASES: [string, OpCase][] = [
  ['GatherND [2,3,4] by [5,2]', { op: 'GatherND', inputs: [x(2, 3, 4), i64([5, 2], [0, 1, 1, 2, 0, 0, 1, 0, 0, 2])] }],
  ['GatherND batch_dims=1', { op: 'GatherND', inputs: [x(2, 3, 4), i64([2, 1, 1], [1, 2])], attrs: { batch_dims: int(1) } }],
  ['ScatterND', { op: 'ScatterND', inputs: [x(4, 5), i64([2, 1], [0, 3]), x(2, 5)] }],
  ['ScatterElements axis=1', { op: 'ScatterElements', inputs: [x(3, 4), i64([3, 2], [0, 1, 2, 3, 0, 0]), x(3, 2)], attrs: { axis: int(1) } }],
  ['OneHot axis=-1', { op: 'OneHot', opset: 11, inputs: [i64([2, 3], [0, 1, 2, 3, 4, 0]), f32([], [5]), f32([2], [0, 1])] }],
  ['OneHot axis=1, float depth 4.7', { op: 'OneHot', opset: 11, inputs: [i64([2, 3], [0, 1, 2, 3, 0, 1]), f32([1], [4.7]), f32([2], [0, 1])], attrs: { axis: int(1) } }],
  ['Trilu upper', { op: 'Trilu', opset: 14, inputs: [x(2, 4, 5), i64([], [1])] }],
  ['EyeLike int64', { op: 'EyeLike', inputs: [x(3, 5)], attrs: { dtype: int(7) } }],
  ['CumSum axis 1', { op: 'CumSum', inputs: [x(2, 6), i64([], [1])] }],
  ['MaxUnpool k=2 s=2', { op: 'MaxUnpool', opset: 11, inputs: [x(1, 2, 3, 3), i64([1, 2, 3, 3], new Array(18).fill(0))], attrs: { kernel_shape: ints([2, 2]), strides: ints([2, 2]) } }],
  ['MaxUnpool output_shape', { op: 'MaxUnpool', opset: 11, inputs: [x(1, 2, 3, 3), i64([1, 2, 3, 3], new Array(18).fill(0)), i64([4], [1, 2, 7, 7])], attrs: { kernel_shape: ints([2, 2]), strides: ints([2, 2]) } }],
  ['GridSample bilinear', { op: 'GridSample', opset: 16, inputs: [x(2, 3, 8, 8), x(2, 5, 6, 2)] }],
  ['Einsum ij,jk->ik', { op: 'Einsum', opset: 12, inputs: [x(2, 3), x(3, 4)], attrs: { equation: s('ij,jk->ik') } }],
  ['Einsum batched bhqd,bhkd->bhqk', { op: 'Einsum', opset: 12, inputs: [x(2, 4, 5, 8), x(2, 4, 6, 8)], attrs: { equation: s('bhqd,bhkd->bhqk') } }],
  ['Einsum implicit ...ij,...jk with broadcast ellipsis', { op: 'Einsum', opset: 12, inputs: [x(3, 1, 2, 5), x(1, 4, 5, 6)], attrs: { equation: s('...ij,...jk') } }],
  ['Einsum ...ij,jk->...ik (one operand without ellipsis)', { op: 'Einsum', opset: 12, inputs: [x(3, 2, 5), x(5, 6)], attrs: { equation: s('...ij,jk->...ik') } }],
  ['Einsum diagonal ii->i', { op: 'Einsum', opset: 12, inputs: [x(4, 4)], attrs: { equation: s('ii->i') } }],
  ['Einsum implicit transpose ji', { op: 'Einsum', opset: 12, inputs: [x(2, 3)], attrs: { equation: s('ji') } }],
  ['IsInf', { op: 'IsInf', opset: 10, inputs: [x(2, 3)] }],
  // Sizes decided by values known at analysis time (a constant condition, a constant input).
  ['Compress axis=1, constant condition', { op: 'Compress', opset: 11, inputs: [x(3, 4), { shape: [3], dtype: 'bool', values: [1, 0, 1] }], attrs: { axis: int(1) } }],
  ['Compress flattened, constant condition', { op: 'Compress', opset: 11, inputs: [x(2, 3), { shape: [5], dtype: 'bool', values: [0, 1, 1, 0, 1] }] }],
  ['Unique of a constant', { op: 'Unique', opset: 11, outputs: 4, inputs: [{ shape: [2, 3], values: [2, 1, 1, 3, 4, 3] }] }],
  ['MeanVarianceNormalization', { op: 'MeanVarianceNormalization', opset: 13, inputs: [x(2, 3, 4, 4)] }],
  ['ReverseSequence', { op: 'ReverseSequence', opset: 10, inputs: [x(4, 2, 3), i64([2], [4, 2])] }],
  ['RoiAlign 7x7', { op: 'RoiAlign', opset: 16, inputs: [x(1, 4, 16, 16), f32([3, 4], [0, 0, 8, 8, 2, 2, 10, 10, 4, 4, 15, 15]), i64([3], [0, 0, 0])], attrs: { output_height: int(7), output_width: int(7), sampling_ratio: int(2), spatial_scale: float(1) } }],
];

shapesLikeOrt('index and sampling ops: shapes equal onnxruntime', CASES);

describe('index and sampling ops: costs by hand', () => {
  const cost = (c: OpCase) => {
    const g = singleOpGraph(c);
    return nodeCost(g, g.nodes[0]!);
  };
  it('GridSample bilinear: 2·2² weights×values + 2·2 coordinate ops per output element', () => {
    const r = cost({ op: 'GridSample', opset: 16, inputs: [x(2, 3, 8, 8), x(2, 5, 6, 2)], attrs: { mode: s('bilinear') } });
    expect(r.known).toBe(true);
    expect(r.elementwise).toBe(2 * 3 * 5 * 6 * (8 + 4));
  });
  it('RoiAlign: ratio² samples of 8 operations per output element', () => {
    const r = cost(CASES.find(([n]) => n === 'RoiAlign 7x7')![1]);
    expect(r.flops).toBe(3 * 4 * 7 * 7 * 2 * 2 * 8);
  });
  it('Einsum ij,jk->ik: one multiply-add per (i, j, k)', () => {
    expect(cost({ op: 'Einsum', opset: 12, inputs: [x(2, 3), x(3, 4)], attrs: { equation: s('ij,jk->ik') } }).madds).toBe(2 * 3 * 4);
  });
  it('CumSum: one add per element', () => {
    expect(cost({ op: 'CumSum', inputs: [x(2, 6), i64([], [1])] }).elementwise).toBe(12);
  });
});
