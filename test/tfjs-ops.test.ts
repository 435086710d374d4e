/**
 * The TF op mappings one by one: a graph model written by hand (GraphDef JSON + a weight shard,
 * with uint8- and float16-quantised weights) whose outputs exercise each op's attributes
 * (EXPLICIT/SAME padding, dilations, fused Prelu/LeakyRelu, the resize coordinate modes,
 * StridedSlice's masks, SplitV with -1, …), run by TensorFlow.js and, converted, by
 * onnxruntime: every output must agree.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { analyzeGraph, compareTensors, float32ToFloat16, loadTfjs, loadTfjsReference, writeOnnx, type HostTensor } from '../src/index.js';
import { tempDir } from './helpers/models.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const A = {
  s: (v: string) => ({ s: b64(v) }),
  i: (v: number) => ({ i: String(v) }),
  f: (v: number) => ({ f: v }),
  b: (v: boolean) => ({ b: v }),
  ints: (v: number[]) => ({ list: { i: v.map(String) } }),
  strs: (v: string[]) => ({ list: { s: v.map(b64) } }),
  T: { type: 'DT_FLOAT' },
};

/** A GraphDef with its weights manifest, built node by node. */
class GraphDef {
  nodes: object[] = [];
  specs: object[] = [];
  chunks: Buffer[] = [];
  outputs: string[] = [];
  private seed = 3;
  rnd(n: number, lo = -1, hi = 1): Float32Array {
    return Float32Array.from({ length: n }, () => lo + ((this.seed = (this.seed * 1103515245 + 12345) % 2147483648) / 2147483648) * (hi - lo));
  }
  input(name: string, shape: number[]): string {
    this.nodes.push({ name, op: 'Placeholder', attr: { dtype: A.T ? { type: 'DT_FLOAT' } : {}, shape: { shape: { dim: shape.map((d) => ({ size: String(d) })) } } } });
    return name;
  }
  const(name: string, shape: number[], values: Float32Array | Int32Array, quant?: 'uint8' | 'float16'): string {
    const dtype = values instanceof Int32Array ? 'int32' : 'float32';
    this.nodes.push({ name, op: 'Const', attr: { dtype: { type: dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT' }, value: { tensor: { dtype: dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT', tensorShape: { dim: shape.map((d) => ({ size: String(d) })) } } } } });
    if (quant === 'uint8') {
      const v = values as Float32Array;
      const min = Math.min(...v);
      const max = Math.max(...v);
      const scale = (max - min) / 255;
      this.chunks.push(Buffer.from(Uint8Array.from(v, (x) => Math.round((x - min) / scale))));
      this.specs.push({ name, shape, dtype, quantization: { dtype: 'uint8', min, scale, original_dtype: 'float32' } });
    } else if (quant === 'float16') {
      const h = float32ToFloat16(values as Float32Array);
      this.chunks.push(Buffer.from(h.buffer, h.byteOffset, h.byteLength));
      this.specs.push({ name, shape, dtype, quantization: { dtype: 'float16', original_dtype: 'float32' } });
    } else {
      this.chunks.push(Buffer.from(values.buffer, values.byteOffset, values.byteLength));
      this.specs.push({ name, shape, dtype });
    }
    return name;
  }
  ints(name: string, values: number[], shape = [values.length]): string {
    return this.const(name, shape, Int32Array.from(values));
  }
  op(name: string, op: string, input: string[], attr: Record<string, object> = {}, output = true): string {
    this.nodes.push({ name, op, input, attr: { T: A.T, ...attr } });
    if (output) this.outputs.push(name);
    return name;
  }
  write(dir: string): string {
    const json = {
      format: 'graph-model',
      generatedBy: 'hand',
      convertedBy: 'hand',
      signature: { outputs: Object.fromEntries(this.outputs.map((o) => [o, { name: o.includes(':') ? o : `${o}:0` }])) },
      modelTopology: { node: this.nodes, library: {}, versions: {} },
      weightsManifest: [{ paths: ['w.bin'], weights: this.specs }],
    };
    fs.writeFileSync(path.join(dir, 'w.bin'), Buffer.concat(this.chunks));
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    return path.join(dir, 'model.json');
  }
}

function buildOps(): GraphDef {
  const g = new GraphDef();
  const x = g.input('x', [1, 9, 9, 4]);
  const conv = { data_format: A.s('NHWC'), dilations: A.ints([1, 1, 1, 1]) };
  g.op('conv_explicit', 'Conv2D', [x, g.const('w1', [3, 3, 4, 6], g.rnd(216), 'uint8')], { ...conv, strides: A.ints([1, 2, 2, 1]), padding: A.s('EXPLICIT'), explicit_paddings: A.ints([0, 0, 1, 2, 2, 1, 0, 0]) });
  g.op('conv_same_s2', 'Conv2D', [x, g.const('w1b', [2, 2, 4, 3], g.rnd(48))], { ...conv, strides: A.ints([1, 2, 2, 1]), padding: A.s('SAME') });
  g.op('dw_mult2', 'DepthwiseConv2dNative', [x, g.const('wd', [3, 3, 4, 2], g.rnd(72), 'float16')], { ...conv, strides: A.ints([1, 2, 2, 1]), padding: A.s('SAME') });
  g.op('fused_prelu', '_FusedConv2D', [x, g.const('w2', [1, 1, 4, 5], g.rnd(20)), g.const('b2', [5], g.rnd(5)), g.const('a2', [5], g.rnd(5, 0, 0.5))], {
    ...conv, strides: A.ints([1, 1, 1, 1]), padding: A.s('SAME'), fused_ops: A.strs(['BiasAdd', 'Prelu']), num_args: A.i(2), epsilon: A.f(0),
  });
  // tfjs 4.22 ignores leakyrelu_alpha on FusedDepthwiseConv2dNative (its op table lacks it: NaN for
  // negatives), so the fused depthwise is checked with Relu6 and LeakyRelu on _FusedConv2D.
  g.op('fused_dw_dilated', 'FusedDepthwiseConv2dNative', [x, g.const('wd2', [3, 3, 4, 1], g.rnd(36)), g.const('bd2', [4], g.rnd(4))], {
    data_format: A.s('NHWC'), strides: A.ints([1, 1, 1, 1]), padding: A.s('VALID'), dilations: A.ints([1, 2, 2, 1]), fused_ops: A.strs(['BiasAdd', 'Relu6']), num_args: A.i(1),
  });
  g.op('fused_leaky', '_FusedConv2D', [x, g.const('w4', [3, 3, 4, 2], g.rnd(72)), g.const('b4', [2], g.rnd(2))], {
    ...conv, strides: A.ints([1, 1, 1, 1]), padding: A.s('SAME'), fused_ops: A.strs(['BiasAdd', 'LeakyRelu']), num_args: A.i(1), leakyrelu_alpha: A.f(0.1), epsilon: A.f(0),
  });
  g.op('fused_relu6', '_FusedConv2D', [x, g.const('w3', [3, 3, 4, 4], g.rnd(144)), g.const('b3', [4], g.rnd(4))], {
    ...conv, strides: A.ints([1, 1, 1, 1]), padding: A.s('VALID'), fused_ops: A.strs(['BiasAdd', 'Relu6']), num_args: A.i(1), epsilon: A.f(0),
  });
  g.op('maxpool', 'MaxPool', [x], { data_format: A.s('NHWC'), ksize: A.ints([1, 3, 3, 1]), strides: A.ints([1, 2, 2, 1]), padding: A.s('SAME') });
  g.op('avgpool', 'AvgPool', [x], { data_format: A.s('NHWC'), ksize: A.ints([1, 2, 2, 1]), strides: A.ints([1, 2, 2, 1]), padding: A.s('SAME') });
  const resize = (name: string, op: string, size: number[], ac: boolean, hp: boolean) =>
    g.op(name, op, [x, g.ints(`${name}/size`, size)], { align_corners: A.b(ac), half_pixel_centers: A.b(hp) });
  resize('bilinear_ac', 'ResizeBilinear', [5, 7], true, false);
  resize('bilinear_hp', 'ResizeBilinear', [13, 4], false, true);
  resize('bilinear_plain', 'ResizeBilinear', [18, 18], false, false);
  resize('nearest_hp', 'ResizeNearestNeighbor', [14, 5], false, true);
  resize('nearest_plain', 'ResizeNearestNeighbor', [4, 13], false, false);
  resize('nearest_ac', 'ResizeNearestNeighbor', [6, 11], true, false);
  const paddings = g.ints('paddings', [0, 0, 1, 2, 2, 1, 0, 0], [4, 2]);
  g.op('mirror', 'MirrorPad', [x, paddings], { mode: A.s('REFLECT'), Tpaddings: { type: 'DT_INT32' } });
  g.op('padv2', 'PadV2', [x, paddings, g.const('padval', [], Float32Array.of(-1.5))], { Tpaddings: { type: 'DT_INT32' } });
  const ss = (name: string, b: number[], e: number[], s: number[], masks: Record<string, number>) =>
    g.op(name, 'StridedSlice', [x, g.ints(`${name}/b`, b), g.ints(`${name}/e`, e), g.ints(`${name}/s`, s)], {
      Index: { type: 'DT_INT32' },
      ...Object.fromEntries(['begin_mask', 'end_mask', 'ellipsis_mask', 'new_axis_mask', 'shrink_axis_mask'].map((k) => [k, A.i(masks[k] ?? 0)])),
    });
  ss('ss_negstride', [0, 1, -1, 0], [1, 8, 0, 3], [1, 2, -2, 1], {});
  ss('ss_masks', [0, 5, 0, 1], [0, 0, 0, 0], [1, -1, 3, 1], { begin_mask: 1 | 4, end_mask: 1 | 2 | 4 | 8 });
  ss('ss_ellipsis_new_shrink', [0, 0, 2], [0, 0, 3], [1, 1, 1], { ellipsis_mask: 1, new_axis_mask: 2, shrink_axis_mask: 4 });
  ss('ss_shrink0', [0, 2, 0, 0], [1, 3, 9, 4], [1, 1, 1, 1], { shrink_axis_mask: 1 | 2 });
  const mean = g.op('mean', 'Mean', [x, g.ints('mean/axes', [1, 2])], { keep_dims: A.b(false), Tidx: { type: 'DT_INT32' } });
  g.op('sum_keep', 'Sum', [x, g.ints('sum/axes', [-1])], { keep_dims: A.b(true), Tidx: { type: 'DT_INT32' } });
  g.op('max_red', 'Max', [x, g.ints('max/axes', [2])], { keep_dims: A.b(false), Tidx: { type: 'DT_INT32' } });
  const sq = g.op('sqdiff', 'SquaredDifference', [x, g.const('c4', [4], g.rnd(4))]);
  g.op('concat', 'ConcatV2', [x, sq, g.ints('concat/axis', [-1], [])], { N: A.i(2), Tidx: { type: 'DT_INT32' } });
  g.op('splitv', 'SplitV', [x, g.ints('splitv/sizes', [1, -1, 3]), g.ints('splitv/axis', [2], [])], { num_split: A.i(3), Tlen: { type: 'DT_INT32' } });
  g.outputs.push('splitv:1', 'splitv:2');
  g.op('split', 'Split', [g.ints('split/axis', [3], []), x], { num_split: A.i(2) });
  g.outputs.push('split:1');
  g.op('unpack', 'Unpack', [x], { axis: A.i(3), num: A.i(4) }, false);
  g.op('pack', 'Pack', ['unpack:2', 'unpack:3'], { axis: A.i(-1), N: A.i(2) });
  g.op('transpose', 'Transpose', [x, g.ints('perm', [0, 3, 1, 2])], { Tperm: { type: 'DT_INT32' } });
  g.op('matmul', '_FusedMatMul', [mean, g.const('wm', [4, 3], g.rnd(12)), g.const('bm', [3], g.rnd(3))], {
    transpose_a: A.b(false), transpose_b: A.b(false), fused_ops: A.strs(['BiasAdd', 'Relu']), num_args: A.i(1), epsilon: A.f(0),
  });
  g.op('softmax', 'Softmax', [mean]);
  const flat = g.op('flat', 'Reshape', [x, g.ints('flat/shape', [1, -1])], { Tshape: { type: 'DT_INT32' } }, false);
  g.op('topk', 'TopKV2', [flat, g.ints('topk/k', [5], [])], { sorted: A.b(true) });
  g.outputs.push('topk:1');
  g.op('argmax', 'ArgMax', [x, g.ints('argmax/dim', [-1], [])], { output_type: { type: 'DT_INT32' }, Tidx: { type: 'DT_INT32' } });
  g.op('gather', 'GatherV2', [x, g.ints('gather/idx', [2, 0, 2]), g.ints('gather/axis', [1], [])], { batch_dims: A.i(0), Tindices: { type: 'DT_INT32' }, Tparams: A.T, Taxis: { type: 'DT_INT32' } });
  g.op('gathernd', 'GatherNd', [x, g.ints('gathernd/idx', [0, 1, 2, 0, 3, 4], [2, 3])], { Tindices: { type: 'DT_INT32' }, Tparams: A.T });
  const hi = g.op('maximum', 'Maximum', [x, g.const('lo', [], Float32Array.of(0.2))]);
  g.op('minimum', 'Minimum', [hi, g.const('hi', [], Float32Array.of(0.7))]);
  g.op('rsqrt', 'Rsqrt', [g.op('plus1', 'AddV2', [x, g.const('one', [], Float32Array.of(1.5))], {}, false)]);
  g.op('relu6', 'Relu6', [g.op('scaled', 'Mul', [x, g.const('eight', [], Float32Array.of(8))], {}, false)]);
  g.op('bn', 'FusedBatchNormV3', [x, g.const('bn/s', [4], g.rnd(4, 0.5, 1.5)), g.const('bn/o', [4], g.rnd(4)), g.const('bn/m', [4], g.rnd(4)), g.const('bn/v', [4], g.rnd(4, 0.5, 2))], {
    epsilon: A.f(0.001), data_format: A.s('NHWC'), is_training: A.b(false), U: A.T,
  });
  g.op('expand_squeeze', 'Squeeze', [g.op('expand', 'ExpandDims', [mean, g.ints('expand/dim', [-1], [])], { Tdim: { type: 'DT_INT32' } }, false)], { squeeze_dims: A.ints([2]) });
  g.op('leaky', 'LeakyRelu', [x], { alpha: A.f(0.3) });
  // Eight boxes [y1,x1,y2,x2], overlapping in pairs; scores from a seeded draw.
  const boxes = Float32Array.from([0, 0, 1, 1, 0.1, 0.1, 1.1, 1.1, 2, 2, 3, 3, 2.05, 2, 3.05, 3, 5, 5, 6, 6, 5.5, 5, 6.5, 6, 8, 8, 9, 9, 8, 8.6, 9, 9.6]);
  g.op('nms', 'NonMaxSuppressionV3', [g.const('boxes', [8, 4], boxes), g.const('scores', [8], g.rnd(8, 0, 1)), g.ints('nms/max', [5], []), g.const('nms/iou', [], Float32Array.of(0.5)), g.const('nms/thr', [], Float32Array.of(0.2))], {});
  g.op('floordiv', 'FloorDiv', [x, g.const('third', [], Float32Array.of(0.3))]);
  return g;
}

describe('TF ops against TensorFlow.js, one output each', () => {
  it('every output of the hand-written graph model agrees (tfjs CPU vs converted ONNX on ORT)', async () => {
    const file = buildOps().write(tempDir());
    const graph = loadTfjs(file);
    analyzeGraph(graph);
    const ref = await loadTfjsReference(file);
    let s = 99;
    const data = Float32Array.from({ length: 9 * 9 * 4 }, () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    const host: HostTensor = { dtype: 'float32', dims: [1, 9, 9, 4], data };
    const want = await ref.run({ x: host }, graph.outputs);
    const session = await ort.InferenceSession.create(writeOnnx(graph).model);
    const got = await session.run({ x: new ort.Tensor('float32', data, [1, 9, 9, 4]) });
    const failures: string[] = [];
    for (const o of graph.outputs) {
      const a = want[o]!;
      const b = got[o]!;
      if (a.dims.join('x') !== b.dims.join('x')) {
        failures.push(`${o}: shape ${a.dims.join('x')} in tfjs, ${b.dims.join('x')} in ORT`);
        continue;
      }
      const c = compareTensors(o, o, a, { dtype: b.type, dims: b.dims, data: b.data as Float32Array }, { atol: 1e-5, rtol: 1e-4 });
      if (!c.pass) failures.push(`${o}: max abs ${c.maxAbs.toExponential(2)}, cosine ${c.cosine}, tfjs ${Array.from(a.data as Float32Array).slice(0, 4)}, ort ${Array.from(b.data as Float32Array).slice(0, 4)}`);
    }
    expect(failures).toEqual([]);
    expect(graph.outputs.length).toBeGreaterThanOrEqual(40);
    // NMS kept some boxes and dropped some (the comparison above is not of empty outputs).
    expect(want['nms']!.dims[0]).toBeGreaterThan(1);
    expect(want['nms']!.dims[0]).toBeLessThan(8);
    ref.dispose();
  }, 60_000);
});
