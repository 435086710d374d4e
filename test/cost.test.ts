/**
 * The cost model against independent references: madds recomputed from the shapes onnxruntime
 * reports, and params + buffers against the weight tensors counted straight from the protobuf.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { costModel, decodeModel, inferShapes, loadOnnx } from '../src/index.js';
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
