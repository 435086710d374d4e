/**
 * Params as PyTorch counts them (sum of p.numel() over model.parameters(), by hand below) when
 * the exporter splits a layer into plain arithmetic: Linear on 3-D input (MatMul + Add), LayerNorm
 * decomposed at opset 13 against LayerNormalization at 17, a class token and position embedding,
 * a layer scale; and what stays a buffer (masks, anchors, scalars, Caffe's BN + Scale).
 */
import { describe, expect, it } from 'vitest';
import { Builder, analyzeGraph, ints, int, openModel, type Graph, type T } from '../src/index.js';
import { sharedModel } from './helpers/models.js';

const totals = (g: Graph) => analyzeGraph(g).cost.totals;
const normal = { kind: 'normal' as const, mean: 0, std: 0.02 };

/** LayerNorm over the last axis of width d, as PyTorch exports it at opset < 17 (or one op at 17). */
function layerNorm(b: Builder, x: T, d: number, opset17: boolean): T {
  const g = b.param(`ln${d}.weight`, [d], normal);
  const beta = b.param(`ln${d}.bias`, [d], normal);
  if (opset17) return b.op('LayerNormalization', [x, g, beta], { axis: int(-1) });
  const mean = b.op('ReduceMean', [x], { axes: ints([-1]) });
  const xc = b.op('Sub', [x, mean]);
  const sq = b.op('Pow', [xc, b.constant(`two${d}`, 'float32', [], [2])]);
  const v = b.op('ReduceMean', [sq], { axes: ints([-1]) });
  const std = b.op('Sqrt', [b.op('Add', [v, b.constant(`eps${d}`, 'float32', [], [1e-5])])]);
  return b.op('Add', [b.op('Mul', [b.op('Div', [xc, std]), g]), beta]);
}

describe('params as PyTorch counts them across export patterns', () => {
  it('Linear on 3-D input: MatMul + Add bias → 16·32 + 32 params', () => {
    const b = new Builder({ name: 'linear3d', opset: 13 });
    const x = b.input('x', [1, 10, 16]);
    const y = b.op('MatMul', [x, b.param('fc.weight', [16, 32], normal)]);
    b.output(b.op('Add', [y, b.param('fc.bias', [32], normal)]));
    const t = totals(b.finish());
    expect(t.params).toBe(16 * 32 + 32);
    expect(t.buffers).toBe(0);
  });

  it('LayerNorm: decomposed at opset 13 and one op at 17 both count scale and shift (2·64)', () => {
    for (const opset17 of [false, true]) {
      const b = new Builder({ name: 'ln', opset: opset17 ? 17 : 13 });
      const x = b.input('x', [1, 10, 64]);
      b.output(layerNorm(b, x, 64, opset17));
      const t = totals(b.finish());
      expect(t.params).toBe(2 * 64);
      // The decomposed form keeps its two scalars (the exponent 2 and ε) as buffers, as before.
      expect(t.buffers).toBe(opset17 ? 0 : 2);
    }
  });

  it('a LayerNorm-based block (pre-norm MLP with residual) at opsets 13 and 17: exact madds, every shape known', () => {
    for (const opset17 of [false, true]) {
      const b = new Builder({ name: 'ln-block', opset: opset17 ? 17 : 13 });
      const x = b.input('x', [1, 10, 64]);
      const h = b.op('Relu', [b.op('MatMul', [layerNorm(b, x, 64, opset17), b.param('fc1', [64, 256], normal)])]);
      b.output(b.op('Add', [x, b.op('MatMul', [h, b.param('fc2', [256, 64], normal)])]));
      const t = totals(b.finish());
      // Two Linear layers over 10 tokens: 10·64·256 each way; LayerNorm does no multiply-adds.
      expect(t.madds, `opset ${opset17 ? 17 : 13}`).toBe(2 * 10 * 64 * 256);
      expect(t.unknownNodes).toBe(0);
      expect(t.params).toBe(2 * 64 + 2 * 64 * 256);
    }
  });

  it('ViT: patch embedding, class token (through Expand) and position embedding', () => {
    const d = 32;
    const b = new Builder({ name: 'vit-embed', opset: 13 });
    const x = b.input('x', [1, 3, 16, 16]);
    const conv = b.op('Conv', [x, b.param('patch.weight', [d, 3, 4, 4], normal), b.param('patch.bias', [d], normal)], { kernel_shape: ints([4, 4]), strides: ints([4, 4]) });
    const flat = b.op('Reshape', [conv, b.constant('flat', 'int64', [3], [1, d, 16])]);
    const tokens = b.op('Transpose', [flat], { perm: ints([0, 2, 1]) });
    const cls = b.op('Expand', [b.param('class_token', [1, 1, d], normal), b.constant('cls_shape', 'int64', [3], [1, 1, 1])]);
    const seq = b.op('Concat', [cls, tokens], { axis: int(1) });
    const withPos = b.op('Add', [seq, b.param('pos_embedding', [1, 17, d], normal)]);
    b.output(layerNorm(b, withPos, d, false));
    const t = totals(b.finish());
    // conv d·3·4·4 + d, class token d, position embedding 17·d, LayerNorm 2·d.
    expect(t.params).toBe(d * 3 * 16 + d + d + 17 * d + 2 * d);
  });

  it('ConvNeXt layer scale: a per-channel Mul before the residual Add', () => {
    const c = 48;
    const b = new Builder({ name: 'layer-scale', opset: 13 });
    const x = b.input('x', [1, c, 8, 8]);
    const dw = b.op('Conv', [x, b.param('dw.weight', [c, 1, 7, 7], normal), b.param('dw.bias', [c], normal)], { kernel_shape: ints([7, 7]), pads: ints([3, 3, 3, 3]), group: int(c) });
    const scaled = b.op('Mul', [dw, b.param('layer_scale', [c, 1, 1], normal)]);
    b.output(b.op('Add', [x, scaled]));
    expect(totals(b.finish()).params).toBe(c * 49 + c + c);
  });

  it('what stays a buffer: a Swin mask broadcast over heads, anchors added to decoded boxes, a scale with no residual', () => {
    const b = new Builder({ name: 'buffers', opset: 13 });
    const s = b.input('scores', [1, 4, 3, 49, 49]);
    b.output(b.op('Add', [s, b.param('attn_mask', [1, 4, 1, 49, 49], normal)]));
    const loc = b.input('loc', [1, 100, 2]);
    b.output(b.op('Add', [b.op('Mul', [loc, b.constant('variance', 'float32', [], [0.1])]), b.param('priors', [1, 100, 2], normal)]));
    const img = b.input('img', [1, 3, 8, 8]);
    b.output(b.op('Mul', [img, b.param('inv_std', [1, 3, 1, 1], normal)]));
    const t = totals(b.finish());
    expect(t.params).toBe(0);
    expect(t.buffers).toBe(4 * 49 * 49 + 1 + 200 + 3);
  });

  it("Caffe's BatchNorm + Scale (DenseNet-121 from Caffe2): the torchvision count, 7,978,856, stays exact", () => {
    expect(totals(openModel(sharedModel('light_densenet121.onnx'))).params).toBe(7_978_856);
  });
});
