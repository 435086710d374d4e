/**
 * The cost model against independent references: madds recomputed from the shapes onnxruntime
 * reports, and params + buffers against the weight tensors counted straight from the protobuf.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeGraph, buildFromSpec, costModel, decodeModel, inferShapes, loadOnnx, nodeCost } from '../src/index.js';
import { sharedModel, sharedModelFiles } from './helpers/models.js';
import { feedsFor, ortShapes } from './helpers/ort.js';

const FLOAT_TYPES = new Set([1, 10, 11, 16]);
const prod = (d: readonly number[]) => d.reduce((a, b) => a * b, 1);

describe('cost model vs independent references', () => {
  for (const file of sharedModelFiles()) {
    it(`model=${file}: conv+gemm madds equal madds from ORT shapes`, async () => {
      const graph = loadOnnx(sharedModel(file));
      inferShapes(graph);
      const ortShape = await ortShapes(graph, feedsFor(graph));
      const feeds = feedsFor(graph);
      const shapeOf = (name: string) => ortShape.get(name) ?? (feeds[name]?.dims as number[] | undefined) ?? graph.initializers.get(name)?.dims;
      let expected = 0;
      for (const n of graph.nodes) {
        if (n.opType === 'Conv') {
          const y = ortShape.get(n.outputs[0]!)!;
          const w = shapeOf(n.inputs[1]!)!;
          const x = shapeOf(n.inputs[0]!)!;
          const g = n.attrs.get('group')?.value as number | undefined ?? 1;
          expected += prod(y) * (x[1]! / g) * prod(w.slice(2));
        } else if (n.opType === 'Gemm') {
          const y = ortShape.get(n.outputs[0]!)!;
          const a = shapeOf(n.inputs[0]!)!;
          const transA = (n.attrs.get('transA')?.value as number | undefined) ?? 0;
          expected += prod(y) * (transA ? a[0]! : a[1]!);
        }
      }
      expect(expected).toBeGreaterThan(0);
      expect(costModel(graph).totals.madds).toBe(expected);
    });

    it(`model=${file}: params + buffers equal the floating-point weights stored in the file`, () => {
      // Counted from the decoded protobuf, without leannet's graph: initializers, Constant
      // tensors and ConstantOfShape outputs (shape given by an int64 initializer).
      const model = decodeModel(fs.readFileSync(sharedModel(file)));
      const g = model.graph!;
      const init = new Map(g.initializer.map((t) => [t.name, t]));
      let stored = 0;
      for (const t of g.initializer) if (FLOAT_TYPES.has(t.data_type)) stored += prod(t.dims);
      for (const n of g.node) {
        if (n.op_type === 'Constant') {
          const t = n.attribute.find((a) => a.name === 'value')?.t;
          if (t && FLOAT_TYPES.has(t.data_type)) stored += prod(t.dims);
        } else if (n.op_type === 'ConstantOfShape') {
          const shape = init.get(n.input[0]!)!;
          const view = new DataView(shape.raw_data.buffer, shape.raw_data.byteOffset, shape.raw_data.byteLength);
          const dims = shape.raw_data.length ? Array.from({ length: shape.raw_data.length / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true))) : shape.int64_data;
          stored += prod(dims);
        }
      }
      const graph = loadOnnx(sharedModel(file));
      inferShapes(graph);
      const t = costModel(graph).totals;
      expect(t.params).toBeGreaterThan(0);
      expect(t.params + t.buffers).toBe(stored);
    });
  }
});

describe('per-node costs and the totals', () => {
  // Every conv kind occurs; ShuffleNet V1 has group convs as well as the other three.
  const cases: [string, string[]][] = [
    ['mobilenet_v2?width=0.5', ['depthwise', 'pointwise', 'standard']],
    ['shufflenet_v1?groups=3', ['depthwise', 'group', 'pointwise', 'standard']],
  ];
  for (const [spec, expectedKinds] of cases) {
    it(`${spec}: every node's row equals its cost computed alone, and the rows sum to the totals`, () => {
      const { graph, cost } = analyzeGraph(buildFromSpec(spec));
      expect(cost.nodes.length).toBe(graph.nodes.length);
      cost.nodes.forEach((c, i) => expect(c.node).toBe(graph.nodes[i]));
      const sum = { params: 0, buffers: 0, madds: 0, flops: 0, memAccess: 0, memAccessBytes: 0, elementwise: 0 };
      const kinds = new Map<string, number>();
      for (const c of cost.nodes) {
        expect(c).toEqual(nodeCost(graph, c.node, c.params, c.buffers));
        for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += c[k];
        if (c.kind) kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
      }
      for (const k of Object.keys(sum) as (keyof typeof sum)[]) expect(sum[k]).toBe(cost.totals[k]);
      expect(new Map(cost.convKinds.map((k) => [k.kind, k.count]))).toEqual(kinds);
      expect([...kinds.keys()].sort()).toEqual(expectedKinds);
      expect(cost.nodes.filter((c) => !c.known)).toEqual([]);
    });
  }
});
