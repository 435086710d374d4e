/**
 * Shape inference op by op, against onnxruntime on one-node graphs: the conv geometry rules
 * (auto_pad, dilations, asymmetric pads, ceil mode), quantised ops, and shape arithmetic ops.
 */
import { describe, expect, it } from 'vitest';
import { int, ints, float } from '../src/index.js';
import { shapesLikeOrt, singleOpGraph, type OpCase } from './helpers/single-op.js';

const s = (value: string) => ({ type: 'string' as const, value });
const x = (...shape: number[]) => ({ shape });
const w = (...shape: number[]) => ({ shape, values: new Array(shape.reduce((a, b) => a * b, 1)).fill(0.01) });
const i64 = (values: number[]) => ({ shape: [values.length], dtype: 'int64' as const, values });
const f32 = (values: number[]) => ({ shape: [values.length], values });
const scalar = (dtype: 'float32' | 'uint8' | 'int8', v: number) => ({ shape: [], dtype, values: [v] });

const CASES: [string, OpCase][] = [
  ['Conv k=3 s=1 p=1', { op: 'Conv', inputs: [x(1, 3, 9, 9), w(4, 3, 3, 3)], attrs: { pads: ints([1, 1, 1, 1]) } }],
  ['Conv k=3 s=2 SAME_UPPER odd input', { op: 'Conv', inputs: [x(1, 3, 7, 7), w(4, 3, 3, 3)], attrs: { strides: ints([2, 2]), auto_pad: s('SAME_UPPER') } }],
  ['Conv k=4 s=3 SAME_LOWER', { op: 'Conv', inputs: [x(1, 3, 10, 11), w(4, 3, 4, 4)], attrs: { strides: ints([3, 3]), auto_pad: s('SAME_LOWER') } }],
  ['Conv k=3 d=2 p=2', { op: 'Conv', inputs: [x(1, 3, 12, 12), w(4, 3, 3, 3)], attrs: { dilations: ints([2, 2]), pads: ints([2, 2, 2, 2]) } }],
  ['Conv k=5 s=3 VALID', { op: 'Conv', inputs: [x(1, 3, 17, 16), w(4, 3, 5, 5)], attrs: { strides: ints([3, 3]), auto_pad: s('VALID') } }],
  ['Conv asymmetric pads [0,1,2,3]', { op: 'Conv', inputs: [x(1, 3, 8, 8), w(2, 3, 3, 3)], attrs: { pads: ints([0, 1, 2, 3]) } }],
  ['Conv group=4', { op: 'Conv', inputs: [x(1, 8, 6, 6), w(12, 2, 3, 3), f32(new Array(12).fill(0))], attrs: { group: int(4), pads: ints([1, 1, 1, 1]) } }],
  ['Conv depthwise g=c k=3 s=2', { op: 'Conv', inputs: [x(1, 8, 9, 9), w(8, 1, 3, 3)], attrs: { group: int(8), strides: ints([2, 2]), pads: ints([1, 1, 1, 1]) } }],
  ['Conv 1-D', { op: 'Conv', inputs: [x(2, 4, 10), w(6, 4, 3)], attrs: { strides: ints([2]) } }],
  ['ConvTranspose k=3 s=2 p=1 output_padding=1', { op: 'ConvTranspose', inputs: [x(1, 4, 5, 5), w(4, 2, 3, 3)], attrs: { strides: ints([2, 2]), pads: ints([1, 1, 1, 1]), output_padding: ints([1, 1]) } }],
  ['ConvTranspose k=4 s=2 p=1 group=2', { op: 'ConvTranspose', inputs: [x(1, 4, 6, 7), w(4, 3, 4, 4)], attrs: { strides: ints([2, 2]), pads: ints([1, 1, 1, 1]), group: int(2) } }],
  ['ConvTranspose output_shape', { op: 'ConvTranspose', inputs: [x(1, 2, 5, 5), w(2, 3, 3, 3)], attrs: { strides: ints([2, 2]), output_shape: ints([10, 10]) } }],
  ['ConvTranspose SAME_UPPER s=2', { op: 'ConvTranspose', inputs: [x(1, 2, 5, 6), w(2, 3, 3, 3)], attrs: { strides: ints([2, 2]), auto_pad: s('SAME_UPPER') } }],
  ['MaxPool k=3 s=2 p=1', { op: 'MaxPool', inputs: [x(1, 2, 9, 9)], attrs: { kernel_shape: ints([3, 3]), strides: ints([2, 2]), pads: ints([1, 1, 1, 1]) } }],
  ['MaxPool k=3 s=2 ceil_mode', { op: 'MaxPool', inputs: [x(1, 2, 6, 6)], attrs: { kernel_shape: ints([3, 3]), strides: ints([2, 2]), ceil_mode: int(1) } }],
  ['MaxPool ceil_mode last window in padding', { op: 'MaxPool', inputs: [x(1, 1, 5, 5)], attrs: { kernel_shape: ints([2, 2]), strides: ints([2, 2]), pads: ints([1, 1, 1, 1]), ceil_mode: int(1) } }],
  ['MaxPool dilations=2', { op: 'MaxPool', inputs: [x(1, 1, 10, 10)], attrs: { kernel_shape: ints([3, 3]), dilations: ints([2, 2]) } }],
  ['MaxPool with indices', { op: 'MaxPool', inputs: [x(1, 2, 8, 8)], attrs: { kernel_shape: ints([2, 2]), strides: ints([2, 2]) }, outputs: 2 }],
  ['AveragePool k=3 s=2 ceil count_include_pad', { op: 'AveragePool', inputs: [x(1, 2, 7, 7)], attrs: { kernel_shape: ints([3, 3]), strides: ints([2, 2]), pads: ints([1, 1, 1, 1]), ceil_mode: int(1), count_include_pad: int(1) } }],
  ['AveragePool SAME_UPPER', { op: 'AveragePool', inputs: [x(1, 2, 7, 8)], attrs: { kernel_shape: ints([3, 3]), strides: ints([2, 2]), auto_pad: s('SAME_UPPER') } }],
  ['GlobalAveragePool', { op: 'GlobalAveragePool', inputs: [x(2, 5, 7, 3)] }],
  ['GlobalMaxPool', { op: 'GlobalMaxPool', inputs: [x(1, 5, 4, 4)] }],
  ['Gemm transA transB', { op: 'Gemm', inputs: [x(4, 3), w(5, 4), f32([1, 2, 3, 4, 5])], attrs: { transA: int(1), transB: int(1) } }],
  ['MatMul batched broadcast', { op: 'MatMul', inputs: [x(2, 1, 3, 4), x(5, 4, 6)] }],
  ['MatMul 1-D by 2-D', { op: 'MatMul', inputs: [x(4), x(4, 6)] }],
  ['BatchNormalization', { op: 'BatchNormalization', inputs: [x(2, 3, 4, 4), f32([1, 1, 1]), f32([0, 0, 0]), f32([0, 0, 0]), f32([1, 1, 1])] }],
  ['InstanceNormalization', { op: 'InstanceNormalization', inputs: [x(2, 3, 4, 4), f32([1, 1, 1]), f32([0, 0, 0])] }],
  ['LRN size=5', { op: 'LRN', inputs: [x(1, 8, 4, 4)], attrs: { size: int(5) } }],
  ['PRelu slope [C,1,1]', { op: 'PRelu', inputs: [x(1, 3, 4, 4), { shape: [3, 1, 1], values: [0.1, 0.2, 0.3] }] }],
  ['LeakyRelu', { op: 'LeakyRelu', inputs: [x(2, 3)], attrs: { alpha: float(0.1) } }],
  ['HardSigmoid', { op: 'HardSigmoid', inputs: [x(2, 3)] }],
  ['HardSwish', { op: 'HardSwish', inputs: [x(2, 3)], opset: 14 }],
  ['Clip opset 6 attributes', { op: 'Clip', inputs: [x(2, 3)], attrs: { min: float(0), max: float(6) }, opset: 6 }],
  ['Clip opset 13 inputs', { op: 'Clip', inputs: [x(2, 3), scalar('float32', 0), scalar('float32', 6)] }],
  ['Softmax axis=1', { op: 'Softmax', inputs: [x(2, 3, 4)], attrs: { axis: int(1) } }],
  ['Add broadcast', { op: 'Add', inputs: [x(2, 1, 4), x(3, 1)] }],
  ['Sum of three', { op: 'Sum', inputs: [x(2, 3), x(1, 3), x(2, 1)] }],
  ['Where', { op: 'Where', inputs: [{ shape: [2, 1], dtype: 'bool', values: [1, 0] }, x(1, 3), x(2, 3)] }],
  ['Concat axis=1', { op: 'Concat', inputs: [x(1, 2, 4), x(1, 5, 4)], attrs: { axis: int(1) } }],
  ['Split sizes input (opset 13)', { op: 'Split', inputs: [x(1, 10, 3), i64([3, 7])], attrs: { axis: int(1) }, outputs: 2 }],
  ['Split attribute (opset 11)', { op: 'Split', inputs: [x(1, 10, 3)], attrs: { axis: int(1), split: ints([4, 6]) }, outputs: 2, opset: 11 }],
  ['Split equal parts', { op: 'Split', inputs: [x(6, 4)], outputs: 3 }],
  ['Slice negative step', { op: 'Slice', inputs: [x(10, 8), i64([-1, 1]), i64([-11, 7]), i64([0, 1]), i64([-2, 3])] }],
  ['Slice INT64 max end', { op: 'Slice', inputs: [x(5, 6), i64([2]), i64([Number.MAX_SAFE_INTEGER]), i64([1])] }],
  ['Reshape 0 and -1', { op: 'Reshape', inputs: [x(2, 3, 4), i64([0, -1])] }],
  ['Flatten axis=2', { op: 'Flatten', inputs: [x(2, 3, 4, 5)], attrs: { axis: int(2) } }],
  ['Squeeze axes input', { op: 'Squeeze', inputs: [x(1, 3, 1, 4), i64([0, 2])] }],
  ['Unsqueeze axes input', { op: 'Unsqueeze', inputs: [x(3, 4), i64([0, -1])] }],
  ['Unsqueeze opset 11 attribute', { op: 'Unsqueeze', inputs: [x(3, 4)], attrs: { axes: ints([1]) }, opset: 11 }],
  ['Transpose perm', { op: 'Transpose', inputs: [x(2, 3, 4, 5)], attrs: { perm: ints([0, 2, 3, 1]) } }],
  ['Expand', { op: 'Expand', inputs: [x(3, 1), i64([2, 1, 6])] }],
  ['Tile', { op: 'Tile', inputs: [x(2, 3), i64([2, 3])] }],
  ['DepthToSpace', { op: 'DepthToSpace', inputs: [x(1, 8, 2, 3)], attrs: { blocksize: int(2) } }],
  ['Pad opset 11 pads input', { op: 'Pad', inputs: [x(1, 3, 4, 4), i64([0, 0, 1, 2, 0, 0, 3, 4])] }],
  ['Pad opset 2 attribute reflect', { op: 'Pad', inputs: [x(1, 3, 4, 4)], attrs: { pads: ints([0, 0, 1, 1, 0, 0, 1, 1]), mode: s('reflect') }, opset: 2 }],
  ['Resize scales (opset 13)', { op: 'Resize', inputs: [x(1, 3, 5, 7), null, f32([1, 1, 2, 1.5])], attrs: { mode: s('nearest') } }],
  ['Resize sizes (opset 13)', { op: 'Resize', inputs: [x(1, 3, 5, 7), null, null, i64([1, 3, 9, 4])], attrs: { mode: s('linear') } }],
  ['Upsample (opset 9)', { op: 'Upsample', inputs: [x(1, 2, 3, 3), f32([1, 1, 2, 2])], opset: 9 }],
  ['ReduceMean axes keepdims=0', { op: 'ReduceMean', inputs: [x(2, 3, 4, 5)], attrs: { axes: ints([2, 3]), keepdims: int(0) } }],
  ['ReduceSum axes input', { op: 'ReduceSum', inputs: [x(2, 3, 4), i64([1])] }],
  ['ArgMax', { op: 'ArgMax', inputs: [x(2, 3, 4)], attrs: { axis: int(2), keepdims: int(0) } }],
  ['Gather axis=1 2-D indices', { op: 'Gather', inputs: [x(3, 5, 2), { shape: [2, 2], dtype: 'int64', values: [0, 4, 1, 2] }], attrs: { axis: int(1) } }],
  ['Shape start/end (opset 15)', { op: 'Shape', inputs: [x(2, 3, 4, 5)], attrs: { start: int(1), end: int(-1) }, opset: 15 }],
  ['ConstantOfShape', { op: 'ConstantOfShape', inputs: [i64([2, 3, 4])] }],
  ['Cast to int64', { op: 'Cast', inputs: [x(2, 3)], attrs: { to: int(7) } }],
  ['TopK k input', { op: 'TopK', inputs: [x(3, 10), i64([4])], outputs: 2 }],
  ['QuantizeLinear', { op: 'QuantizeLinear', inputs: [x(2, 3), scalar('float32', 0.1), scalar('uint8', 128)] }],
  ['DequantizeLinear', { op: 'DequantizeLinear', inputs: [{ shape: [2, 3], dtype: 'int8' }, scalar('float32', 0.1), scalar('int8', 0)] }],
  ['DynamicQuantizeLinear', { op: 'DynamicQuantizeLinear', inputs: [x(2, 3, 4)], outputs: 3, opset: 11 }],
  ['ConvInteger uint8', { op: 'ConvInteger', inputs: [{ shape: [1, 3, 8, 8], dtype: 'uint8' }, { shape: [4, 3, 3, 3], dtype: 'uint8', values: new Array(108).fill(1) }], attrs: { pads: ints([1, 1, 1, 1]) } }],
  [
    'QLinearConv uint8 x, int8 w, int32 bias',
    {
      op: 'QLinearConv',
      inputs: [
        { shape: [1, 3, 8, 8], dtype: 'uint8' }, scalar('float32', 0.02), scalar('uint8', 128),
        { shape: [4, 3, 3, 3], dtype: 'int8', values: new Array(108).fill(2) }, scalar('float32', 0.01), scalar('int8', 0),
        scalar('float32', 0.05), scalar('uint8', 128), { shape: [4], dtype: 'int32', values: [1, 2, 3, 4] },
      ],
      attrs: { strides: ints([2, 2]), pads: ints([1, 1, 1, 1]) },
    },
  ],
  ['MatMulInteger', { op: 'MatMulInteger', inputs: [{ shape: [2, 4], dtype: 'uint8' }, { shape: [4, 3], dtype: 'uint8', values: new Array(12).fill(3) }] }],
];

shapesLikeOrt('op shape inference equals onnxruntime', CASES);

describe('op errors name the node and the problem', () => {
  const bad: [string, OpCase, RegExp][] = [
    ['Conv channels vs weights', { op: 'Conv', inputs: [x(1, 3, 8, 8), w(4, 2, 3, 3)] }, /Error in Conv 'conv': input has 3 channels but weights \[4,2,3,3\] with group 1 expect 2/],
    ['Conv pads length', { op: 'Conv', inputs: [x(1, 3, 8, 8), w(4, 3, 3, 3)], attrs: { pads: ints([1, 1]) } }, /Error in Conv 'conv': pads must have 4 values, got \[1,1\]/],
    ['Conv group does not divide', { op: 'Conv', inputs: [x(1, 4, 8, 8), w(6, 1, 3, 3)], attrs: { group: int(4) } }, /6 output channels are not divisible by group 4/],
    ['Reshape element count', { op: 'Reshape', inputs: [x(2, 3), i64([4, 2])] }, /cannot reshape \[2,3\] \(6 elements\) to \[4,2\]/],
    ['Add shapes', { op: 'Add', inputs: [x(2, 3), x(4, 3)] }, /do not broadcast/],
    ['Gemm K', { op: 'Gemm', inputs: [x(2, 3), w(4, 5)] }, /disagree on K \(3 vs 4\)/],
  ];
  for (const [name, c, pattern] of bad) {
    it(`case=${name}`, () => {
      expect(() => singleOpGraph(c)).toThrow(pattern);
    });
  }
});
