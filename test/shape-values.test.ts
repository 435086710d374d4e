/**
 * Values computed from shapes: a Swin-style window-attention block whose Pad amounts, window
 * view and crop come from the input's shape (as PyTorch exports them) gets every shape that
 * onnxruntime gets and its exact madds; a model whose cost cannot be known says so in the totals.
 */
import { describe, expect, it } from 'vitest';
import { analyzeGraph, analyzeJson, analyzeTable, readOnnx, writeOnnx } from '../src/index.js';
import { floatInit, tinyModel } from './helpers/tiny.js';
import ort from 'onnxruntime-node';
import { feedsFor, ortShapes, runBytes } from './helpers/ort.js';
import { swinBlock } from './helpers/swin.js';

describe('values computed from shapes', () => {
  it('Swin-style block with shape-computed Pad (10×7 input, 4×4 windows): every shape as onnxruntime, exact madds', async () => {
    const { graph, madds } = swinBlock({ h: 10, w: 7, c: 32, window: 4, heads: 2 });
    const a = analyzeGraph(graph);
    // Padded to 12×8: 6 windows of 16 tokens, 96 tokens. qkv 96·32·96, q·kᵀ and attn·v
    // 6·2·16·16·16 each, proj 96·32·32.
    expect(madds).toBe(96 * 32 * 96 + 2 * 6 * 2 * 16 * 16 * 16 + 96 * 32 * 32);
    expect(a.cost.totals.madds).toBe(491_520);
    expect(a.cost.totals.unknownNodes).toBe(0);
    const pad = graph.nodes.find((n) => n.opType === 'Pad')!;
    // pads as ONNX orders them: begins of the 4 axes, then ends; pad_b = 2 on H, pad_r = 1 on W.
    expect(graph.value(pad.inputs[1]!).folded).toEqual([0, 0, 0, 0, 0, 2, 1, 0]);
    expect(graph.value(pad.outputs[0]!).shape).toEqual([1, 12, 8, 32]);
    const ort = await ortShapes(graph, feedsFor(graph));
    let compared = 0;
    for (const n of graph.nodes) {
      for (const o of n.outputs) {
        expect(graph.value(o).shape, `${n.label} → ${o}`).toEqual(ort.get(o));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(80);
    expect(graph.value(graph.outputs[0]!).shape).toEqual([1, 10, 7, 32]);
  });

  it('a model whose cost cannot be known says so: lower bound, N nodes of unknown shape, in text and JSON', () => {
    // A Reshape whose target shape is a runtime input: the MatMul after it has no shape.
    const g = readOnnx(
      tinyModel({
        nodes: [
          { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], name: 'conv', attrs: [{ name: 'kernel_shape', type: 7, ints: [3, 3] }] },
          { op: 'Reshape', inputs: ['c', 'target'], outputs: ['r'], name: 'reshape' },
          { op: 'MatMul', inputs: ['r', 'fc'], outputs: ['y'], name: 'fc' },
        ],
        inputs: [{ name: 'x', dims: [1, 3, 8, 8] }, { name: 'target', elemType: 7, dims: [2] }],
        outputs: [{ name: 'y' }],
        initializers: [floatInit('w', [8, 3, 3, 3]), floatInit('fc', [288, 10])],
      }),
    );
    const a = analyzeGraph(g);
    expect(a.cost.totals.unknownNodes).toBe(2);
    expect(a.cost.totals.madds).toBe(8 * 27 * 36);
    const text = analyzeTable(a, { source: 'runtime-shape' });
    expect(text).toContain('Totals (lower bound: 2 nodes of unknown shape not counted; shares are of what is known)');
    const doc = analyzeJson(a, { source: 'runtime-shape' }) as { totals: { unknownNodes: number } };
    expect(doc.totals.unknownNodes).toBe(2);
  });

  it('folded values of Slice (step −1, 2-D), Transpose, Concat (2-D), Expand, Tile and integer reductions equal onnxruntime\'s', async () => {
    const i64 = (name: string, dims: number[], values: number[]) => ({ name, data_type: 7, dims, int64_data: values });
    const attr = (name: string, v: number | number[]) => (Array.isArray(v) ? { name, type: 7, ints: v } : { name, type: 2, i: v });
    const nodes = [
      { op: 'Shape', inputs: ['x'], outputs: ['s'] },
      // [[2, 3], [4, 5]] from the shape [2, 3, 4, 5].
      { op: 'Reshape', inputs: ['s', 'two_by_two'], outputs: ['m'] },
      { op: 'Slice', inputs: ['m', 'minus1', 'minf', 'zero', 'minus1'], outputs: ['flip'] },
      { op: 'Transpose', inputs: ['flip'], outputs: ['flipT'], attrs: [attr('perm', [1, 0])] },
      { op: 'Concat', inputs: ['m', 'flipT'], outputs: ['cat'], attrs: [attr('axis', 1)] },
      { op: 'Slice', inputs: ['m', 'zero', 'one', 'zero'], outputs: ['row'] },
      { op: 'Expand', inputs: ['row', 'three_by_two'], outputs: ['expanded'] },
      { op: 'Tile', inputs: ['m', 'reps'], outputs: ['tiled'] },
      { op: 'ReduceProd', inputs: ['s'], outputs: ['numel'], attrs: [attr('keepdims', 0)] },
      { op: 'ReduceSum', inputs: ['m', 'one'], outputs: ['rowsum'], attrs: [attr('keepdims', 1)] },
      { op: 'ReduceMax', inputs: ['cat'], outputs: ['colmax'], attrs: [attr('axes', [0]), attr('keepdims', 0)] },
      { op: 'ReduceMin', inputs: ['cat'], outputs: ['rowmin'], attrs: [attr('axes', [1]), attr('keepdims', 0)] },
    ];
    const outs = ['flip', 'flipT', 'cat', 'expanded', 'tiled', 'numel', 'rowsum', 'colmax', 'rowmin'];
    const g = readOnnx(
      tinyModel({
        nodes,
        inputs: [{ name: 'x', dims: [2, 3, 4, 5] }],
        outputs: outs.map((name) => ({ name, elemType: 7 })),
        initializers: [
          i64('two_by_two', [2], [2, 2]), i64('minus1', [1], [-1]), i64('minf', [1], [-9007199254740991]), i64('zero', [1], [0]), i64('one', [1], [1]),
          i64('three_by_two', [2], [3, 2]), i64('reps', [2], [2, 3]),
        ],
        opset: 13,
      }),
    );
    analyzeGraph(g);
    const got = await runBytes(writeOnnx(g).model, { x: new ort.Tensor('float32', new Float32Array(120), [2, 3, 4, 5]) });
    for (const o of outs) {
      const t = got[o]!;
      expect(g.value(o).shape, o).toEqual([...t.dims]);
      expect(g.value(o).folded, o).toEqual(Array.from(t.data as BigInt64Array, Number));
    }
    // By hand, two of them: the flip and the element count.
    expect(g.value('flip').folded).toEqual([4, 5, 2, 3]);
    expect(g.value('numel').folded).toEqual([120]);
  });
});
