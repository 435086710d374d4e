/**
 * Values computed from symbolic shapes: with the batch left symbolic (`symbolic: true`), Shape →
 * Gather → Unsqueeze → Concat → Reshape chains (PyTorch's `x.view(x.size(0), -1)`) carry `N`, so
 * Reshape, Expand, ConstantOfShape and the Swin block's window views get shapes with `N` in them.
 * Every shape is checked against onnxruntime run at two batch sizes (the symbol's value substituted).
 */
import { describe, expect, it } from 'vitest';
import ort from 'onnxruntime-node';
import { Builder, Tensor, inferShapes, int, readOnnx, type Dim, type Graph } from '../src/index.js';
import { floatInit, tinyModel } from './helpers/tiny.js';
import { ortShapes, seededFloats } from './helpers/ort.js';
import { swinBlock } from './helpers/swin.js';

/** A dim with N = n substituted: `N` → n, `6*N` → 6n; other symbols stay unknown. */
function at(d: Dim, n: number): number | undefined {
  if (typeof d === 'number') return d;
  let p = 1;
  for (const f of d.split('*')) {
    if (f === 'N') p *= n;
    else if (/^\d+$/.test(f)) p *= Number(f);
    else return undefined;
  }
  return p;
}

/** Every node output's symbolic shape, evaluated at N = n, equals ORT's shape at batch n. */
async function agreesWithOrt(graph: Graph, n: number): Promise<number> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of graph.inputs) {
    const shape = graph.value(name).shape!.map((d) => at(d, n)!);
    feeds[name] = new ort.Tensor('float32', seededFloats(shape.reduce((a, b) => a * b, 1)), shape);
  }
  const theirs = await ortShapes(graph, feeds);
  let compared = 0;
  for (const node of graph.nodes) {
    for (const o of node.outputs) {
      const ours = graph.value(o).shape!;
      expect(ours, `${node.label} → ${o}`).toBeDefined();
      expect(ours.map((d) => at(d, n)), `${node.label} → ${o} at N=${n}`).toEqual(theirs.get(o));
      compared++;
    }
  }
  return compared;
}

/** Conv → Relu → MaxPool → x.view(x.size(0), -1) → Gemm, as PyTorch exports it, batch `N`. */
function flattenNet(): Graph {
  const b = new Builder({ name: 'view-flatten', seed: 1, opset: 13 });
  const x = b.input('x', [1, 3, 8, 8]);
  b.graph.value('x').declared = { dtype: 'float32', shape: ['N', 3, 8, 8] };
  const k = (name: string, v: number[]) => b.constant(name, 'int64', [v.length], v);
  const c = b.op('Relu', [b.op('Conv', [x, b.param('w', [4, 3, 3, 3], { kind: 'normal', mean: 0, std: 0.1 })], { pads: { type: 'ints', value: [1, 1, 1, 1] } })]);
  const p = b.op('MaxPool', [c], { kernel_shape: { type: 'ints', value: [2, 2] }, strides: { type: 'ints', value: [2, 2] } });
  const batch = b.op('Gather', [b.op('Shape', [p]), b.constant('zero', 'int64', [], [0])], { axis: int(0) });
  const target = b.op('Concat', [b.op('Unsqueeze', [batch, k('ax', [0])]), k('minus1', [-1])], { axis: int(0) });
  const flat = b.op('Reshape', [p, target]);
  // Expand of a learned token to the batch (ViT's class token) and a ConstantOfShape mask [N, 1].
  const tokenShape = b.op('Concat', [b.op('Unsqueeze', [batch, k('ax2', [0])]), k('one16', [1, 16])], { axis: int(0) });
  const tok = b.op('Expand', [b.param('cls', [1, 1, 16], { kind: 'normal', mean: 0, std: 0.1 }), tokenShape]);
  const maskShape = b.op('Concat', [b.op('Unsqueeze', [batch, k('ax3', [0])]), k('one', [1])], { axis: int(0) });
  const mask = b.op('ConstantOfShape', [maskShape], { value: { type: 'tensor', value: Tensor.fromArray('float32', [1], Float32Array.of(1)) } });
  b.output(b.op('Gemm', [flat, b.param('fc', [10, 64], { kind: 'normal', mean: 0, std: 0.1 })], { transB: int(1) }));
  b.output(tok);
  b.output(mask);
  return b.finish();
}

describe('values computed from symbolic shapes', () => {
  it("x.view(x.size(0), -1) with a symbolic batch: [N,64] after Reshape, Expand and ConstantOfShape with N, as ORT at N = 1 and 5", async () => {
    const g = flattenNet();
    const report = inferShapes(g, { symbolic: true });
    expect(report.unresolved).toEqual([]);
    const reshape = g.nodes.find((n) => n.opType === 'Reshape')!;
    expect(g.value(reshape.inputs[1]!).symbolic).toEqual(['N', -1]);
    expect(g.value(reshape.outputs[0]!).shape).toEqual(['N', 64]);
    expect(g.value(g.outputs[0]!).shape).toEqual(['N', 10]);
    expect(g.value(g.outputs[1]!).shape).toEqual(['N', 1, 16]);
    expect(g.value(g.outputs[2]!).shape).toEqual(['N', 1]);
    expect(await agreesWithOrt(g, 1)).toBeGreaterThan(10);
    await agreesWithOrt(g, 5);
  });

  it('bound to batch 1 (the default) the same chain folds to numbers', () => {
    // Bound to batch 1 the chain folds to numbers; what the symbolic mode adds is N itself.
    const g = flattenNet();
    inferShapes(g);
    expect(g.value(g.outputs[0]!).shape).toEqual([1, 10]);
  });

  it('Swin-style block with a symbolic batch: window views [6*N,16,32] and the crop [N,10,7,32], as ORT at N = 1 and 3', async () => {
    const { graph } = swinBlock({ h: 10, w: 7, c: 32, window: 4, heads: 2, symbolicBatch: true });
    const report = inferShapes(graph, { symbolic: true });
    expect(report.unresolved).toEqual([]);
    expect(graph.value(graph.outputs[0]!).shape).toEqual(['N', 10, 7, 32]);
    const shapes = graph.nodes.flatMap((n) => n.outputs.map((o) => graph.value(o).shape!.join('x')));
    expect(shapes).toContain('6*Nx16x32');
    expect(await agreesWithOrt(graph, 1)).toBeGreaterThan(80);
    await agreesWithOrt(graph, 3);
  });

  it('a shape that depends on a runtime value keeps its rank (onnx keeps it): Reshape, Expand, Unsqueeze, Slice, ConstantOfShape, Resize', () => {
    const i64 = (name: string, n: number) => ({ name, elemType: 7, dims: [n] });
    const g = readOnnx(
      tinyModel({
        nodes: [
          { op: 'Reshape', inputs: ['x', 'target'], outputs: ['r'] },
          { op: 'Expand', inputs: ['x', 'eshape'], outputs: ['e'] },
          { op: 'Unsqueeze', inputs: ['x', 'axes'], outputs: ['u'] },
          { op: 'Slice', inputs: ['x', 'starts', 'ends', 'saxes'], outputs: ['s'] },
          { op: 'ConstantOfShape', inputs: ['target'], outputs: ['c'] },
          { op: 'Resize', inputs: ['x', '', 'scales'], outputs: ['z'] },
          { op: 'MatMul', inputs: ['r', 'fc'], outputs: ['y'] },
        ],
        inputs: [{ name: 'x', dims: [1, 3, 8, 1] }, i64('target', 2), i64('eshape', 4), i64('axes', 2), i64('starts', 1), i64('ends', 1), { name: 'scales', dims: [4] }],
        outputs: [{ name: 'y' }, { name: 'e' }, { name: 'u' }, { name: 's' }, { name: 'c' }, { name: 'z' }],
        initializers: [floatInit('fc', [24, 10]), { name: 'saxes', dims: [1], data_type: 7, raw_data: new Uint8Array(BigInt64Array.of(2n).buffer) }],
      }),
    );
    inferShapes(g);
    const rank = (v: string) => g.value(v).shape?.length;
    expect([rank('r'), rank('e'), rank('u'), rank('s'), rank('c'), rank('z')]).toEqual([2, 4, 6, 4, 2, 4]);
    // Expand keeps x's dims where they are not 1; the MatMul after the Reshape knows its last dim.
    expect(g.value('e').shape!.slice(0, 3)).toEqual([expect.any(String), 3, 8]);
    expect(g.value('y').shape![1]).toBe(10);
    // Slice on a known axis (2) keeps the other dims.
    expect(g.value('s').shape!.map((d) => (typeof d === 'number' ? d : '?'))).toEqual([1, 3, '?', 1]);
  });
});
