/**
 * Folded values computed as the runtime computes them: each model feeds a folded value into a
 * shape (Reshape target, Slice bound, Resize scales), and the shape leannet infers must equal
 * the shape onnxruntime-node produces for it. Every case here was wrong before fold.ts.
 */
import { describe, expect, it } from 'vitest';
import { ShapeInferenceError, createEngine, inferShapes, readOnnx } from '../src/index.js';
import { floatInit, tinyModel, type TinyModel } from './helpers/tiny.js';

const i64 = (name: string, values: number[], dims: number[] = [values.length]) => ({ name, dims, data_type: 7, int64_data: values });
const f32 = (name: string, values: number[], dims: number[] = [values.length]) => floatInit(name, dims, values);
const attrInt = (name: string, i: number) => ({ name, type: 2, i });
const attrStr = (name: string, s: string) => ({ name, type: 3, s: new TextEncoder().encode(s) });
const attrInts = (name: string, ints: number[]) => ({ name, type: 7, ints });
const attrFloat = (name: string, f: number) => ({ name, type: 1, f });

/** The output shape onnxruntime produces, feeding zeros to the one input `x`. */
async function ortShape(bytes: Uint8Array, x: number[]): Promise<number[]> {
  const engine = await createEngine('ort', { threads: 1, optLevel: 'disabled' });
  const session = await engine.load({ bytes });
  try {
    const n = x.reduce((a, b) => a * b, 1);
    const out = await session.run({ x: { dtype: 'float32', dims: x, data: new Float32Array(n) } });
    return [...out[session.outputNames[0]!]!.dims];
  } finally {
    await session.release();
  }
}

function leannetShape(bytes: Uint8Array): unknown {
  const g = readOnnx(bytes);
  inferShapes(g);
  return g.value(g.outputs[0]!).shape;
}

interface Case {
  name: string;
  model: TinyModel;
  x: number[];
  /** The shape ORT gives, by hand (checked against ORT too). */
  want: number[];
}

/** `dim` of x's shape as a float32 scalar: Shape → Gather → Cast(float). */
const dimAsFloat = (axis: number) => [
  { op: 'Shape', inputs: ['x'], outputs: ['shp'] },
  { op: 'Gather', inputs: ['shp', `ax${axis}`], outputs: ['d'], attrs: [attrInt('axis', 0)] },
  { op: 'Cast', inputs: ['d'], outputs: ['df'], attrs: [attrInt('to', 1)] },
];

const cases: Case[] = [
  {
    // ViT-style token grid: √196 = 14.
    name: 'Sqrt of a token count reshapes to a 14x14 grid',
    x: [1, 196, 8],
    want: [1, 14, 14, 8],
    model: {
      nodes: [
        ...dimAsFloat(1),
        { op: 'Sqrt', inputs: ['df'], outputs: ['r'] },
        { op: 'Cast', inputs: ['r'], outputs: ['ri'], attrs: [attrInt('to', 7)] },
        { op: 'Unsqueeze', inputs: ['ri', 'zero'], outputs: ['ru'] },
        { op: 'Concat', inputs: ['one', 'ru', 'ru', 'eight'], outputs: ['target'], attrs: [attrInt('axis', 0)] },
        { op: 'Reshape', inputs: ['x', 'target'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', dims: [1, 196, 8] }],
      outputs: [{ name: 'y' }],
      initializers: [i64('ax1', [1], []), i64('zero', [0]), i64('one', [1]), i64('eight', [8])],
    },
  },
  {
    name: 'Ceil(7 / 2) as a Slice end keeps 4',
    x: [1, 7],
    want: [1, 4],
    model: {
      nodes: [
        ...dimAsFloat(1),
        { op: 'Div', inputs: ['df', 'two'], outputs: ['h'] },
        { op: 'Ceil', inputs: ['h'], outputs: ['c'] },
        { op: 'Cast', inputs: ['c'], outputs: ['ci'], attrs: [attrInt('to', 7)] },
        { op: 'Unsqueeze', inputs: ['ci', 'zero'], outputs: ['end'] },
        { op: 'Slice', inputs: ['x', 'zero', 'end', 'one'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', dims: [1, 7] }],
      outputs: [{ name: 'y' }],
      initializers: [i64('ax1', [1], []), f32('two', [2], []), i64('zero', [0]), i64('one', [1])],
    },
  },
  {
    // start −⌊3.5⌋ = −3 on axis 1: the last 3 of 7.
    name: 'Floor(7 / 2) and Neg as a Slice start',
    x: [1, 7],
    want: [1, 3],
    model: {
      nodes: [
        ...dimAsFloat(1),
        { op: 'Div', inputs: ['df', 'two'], outputs: ['h'] },
        { op: 'Floor', inputs: ['h'], outputs: ['fl'] },
        { op: 'Neg', inputs: ['fl'], outputs: ['n'] },
        { op: 'Cast', inputs: ['n'], outputs: ['ni'], attrs: [attrInt('to', 7)] },
        { op: 'Unsqueeze', inputs: ['ni', 'zero'], outputs: ['start'] },
        { op: 'Slice', inputs: ['x', 'start', 'big', 'one'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', dims: [1, 7] }],
      outputs: [{ name: 'y' }],
      initializers: [i64('ax1', [1], []), f32('two', [2], []), i64('zero', [0]), i64('one', [1]), i64('big', [100])],
    },
  },
  {
    // Round half to even: Round(3.5) − Round(2.5) = 4 − 2 = 2; then (|−2| + Relu(−2)) · (1/0.25) = 8.
    name: 'Round to even and Abs, Reciprocal, Clip, Relu in a Reshape target',
    x: [1, 7, 8],
    want: [8, 7],
    model: {
      nodes: [
        ...dimAsFloat(1),
        { op: 'Div', inputs: ['df', 'two'], outputs: ['h'] },
        { op: 'Round', inputs: ['h'], outputs: ['r1'] },
        { op: 'Reciprocal', inputs: ['quarter'], outputs: ['four'] },
        { op: 'Div', inputs: ['five', 'two'], outputs: ['h2'] },
        { op: 'Round', inputs: ['h2'], outputs: ['r2'] },
        { op: 'Sub', inputs: ['r1', 'r2'], outputs: ['s'] },
        { op: 'Clip', inputs: ['s', 'lo', 'hi'], outputs: ['cl'] },
        { op: 'Neg', inputs: ['cl'], outputs: ['ng'] },
        { op: 'Abs', inputs: ['ng'], outputs: ['ab'] },
        { op: 'Relu', inputs: ['ng'], outputs: ['re'] },
        { op: 'Add', inputs: ['ab', 're'], outputs: ['sum'] },
        { op: 'Mul', inputs: ['sum', 'four'], outputs: ['m'] },
        { op: 'Cast', inputs: ['m'], outputs: ['qi'], attrs: [attrInt('to', 7)] },
        { op: 'Unsqueeze', inputs: ['qi', 'zero'], outputs: ['first'] },
        { op: 'Concat', inputs: ['first', 'minus1'], outputs: ['target'], attrs: [attrInt('axis', 0)] },
        { op: 'Reshape', inputs: ['x', 'target'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', dims: [1, 7, 8] }],
      outputs: [{ name: 'y' }],
      initializers: [i64('ax1', [1], []), f32('two', [2], []), f32('five', [5], []), f32('quarter', [0.25], []), f32('lo', [0], []), f32('hi', [100], []), i64('zero', [0]), i64('minus1', [-1])],
    },
  },
  {
    // Clip's max below the value: 10 clipped to 4 (the slice keeps 4 of 9).
    name: 'Clip of an int64 Slice end',
    x: [1, 9],
    want: [1, 4],
    model: {
      nodes: [
        { op: 'Clip', inputs: ['ten', '', 'four'], outputs: ['end'] },
        { op: 'Slice', inputs: ['x', 'zero', 'end', 'one'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', dims: [1, 9] }],
      outputs: [{ name: 'y' }],
      initializers: [i64('ten', [10]), i64('four', [4], []), i64('zero', [0]), i64('one', [1])],
    },
  },
  {
    // Mod(−7, 3): fmod=1 gives −1 (dividend's sign), so the Slice end is −1: 9 of 10 kept.
    name: 'Mod with fmod=1 on int64',
    x: [1, 10],
    want: [1, 9],
    model: {
      nodes: [
        { op: 'Mod', inputs: ['a', 'b'], outputs: ['end'], attrs: [attrInt('fmod', 1)] },
        { op: 'Slice', inputs: ['x', 'zero', 'end', 'one'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', dims: [1, 10] }],
      outputs: [{ name: 'y' }],
      initializers: [i64('a', [-7]), i64('b', [3]), i64('zero', [0]), i64('one', [1])],
    },
  },
  {
    // float32(0.7) · 10 = 6.99999988 in double, 7 in float32, which is what onnxruntime truncates.
    name: 'Resize by scale 0.7 on 10',
    x: [1, 1, 10, 10],
    want: [1, 1, 7, 7],
    model: {
      nodes: [{ op: 'Resize', inputs: ['x', '', 'scales'], outputs: ['y'], attrs: [attrStr('mode', 'nearest')] }],
      inputs: [{ name: 'x', dims: [1, 1, 10, 10] }],
      outputs: [{ name: 'y' }],
      initializers: [f32('scales', [1, 1, 0.7, 0.7])],
    },
  },
  {
    // scales = (1/3)·7 folded in float32 (2.3333333), on 27: 63 (in double, 62.99999…: 62).
    name: 'Resize by a folded float Div then Mul',
    x: [1, 1, 27, 27],
    want: [1, 1, 63, 27],
    model: {
      nodes: [
        { op: 'Div', inputs: ['one_f', 'three'], outputs: ['third'] },
        { op: 'Mul', inputs: ['third', 'seven'], outputs: ['s'] },
        { op: 'Concat', inputs: ['ones', 's', 'one_f'], outputs: ['scales'], attrs: [attrInt('axis', 0)] },
        { op: 'Resize', inputs: ['x', '', 'scales'], outputs: ['y'], attrs: [attrStr('mode', 'nearest')] },
      ],
      inputs: [{ name: 'x', dims: [1, 1, 27, 27] }],
      outputs: [{ name: 'y' }],
      initializers: [f32('one_f', [1]), f32('three', [3]), f32('seven', [7]), f32('ones', [1, 1])],
    },
  },
  {
    // Upsample (opset 9) shares onnxruntime's formula: float32(1.3) · 10 = 12.9999995 in double, 13 in float32.
    name: 'Upsample by scale 1.3 on 10',
    x: [1, 1, 10, 10],
    want: [1, 1, 13, 10],
    model: {
      opset: 9,
      nodes: [{ op: 'Upsample', inputs: ['x', 'scales'], outputs: ['y'], attrs: [attrStr('mode', 'nearest')] }],
      inputs: [{ name: 'x', dims: [1, 1, 10, 10] }],
      outputs: [{ name: 'y' }],
      initializers: [f32('scales', [1, 1, 1.3, 1])],
    },
  },
  {
    // Clip before opset 11 takes its bounds from attributes.
    name: 'Clip (opset 6 attributes) of a float Slice end',
    x: [1, 9],
    want: [1, 3],
    model: {
      opset: 10,
      nodes: [
        { op: 'Clip', inputs: ['ten'], outputs: ['c'], attrs: [attrFloat('max', 3)] },
        { op: 'Cast', inputs: ['c'], outputs: ['end'], attrs: [attrInt('to', 7)] },
        { op: 'Slice', inputs: ['x', 'zero', 'end', 'one'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', dims: [1, 9] }],
      outputs: [{ name: 'y' }],
      initializers: [f32('ten', [10]), i64('zero', [0]), i64('one', [1])],
    },
  },
];

describe('folded values as onnxruntime computes them', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const bytes = tinyModel(c.model);
      expect(leannetShape(bytes)).toEqual(c.want);
      expect(await ortShape(bytes, c.x)).toEqual(c.want);
    });
  }

  it('Mod with fmod=0 on float inputs is refused, as onnxruntime refuses it', async () => {
    const bytes = tinyModel({
      nodes: [{ op: 'Mod', inputs: ['x', 'b'], outputs: ['y'] }],
      inputs: [{ name: 'x', dims: [1, 4] }],
      outputs: [{ name: 'y' }],
      initializers: [f32('b', [3])],
    });
    expect(() => leannetShape(bytes)).toThrow(/fmod must be 1 for float32/);
    await expect(ortShape(bytes, [1, 4])).rejects.toThrow();
  });

  it('Conv with both auto_pad and pads is refused, as onnxruntime refuses it', async () => {
    const bytes = tinyModel({
      nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: [attrStr('auto_pad', 'SAME_UPPER'), attrInts('pads', [1, 1, 1, 1])] }],
      inputs: [{ name: 'x', dims: [1, 2, 8, 8] }],
      outputs: [{ name: 'y' }],
      initializers: [floatInit('w', [4, 2, 3, 3])],
    });
    expect(() => leannetShape(bytes)).toThrow(ShapeInferenceError);
    expect(() => leannetShape(bytes)).toThrow(/auto_pad .* and pads/);
    await expect(ortShape(bytes, [1, 2, 8, 8])).rejects.toThrow();
  });
});
