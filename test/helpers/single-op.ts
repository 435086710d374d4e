/**
 * One-node graphs for op-level tests: inputs are graph inputs (fed with seeded data) or
 * initializers with given values; the node's outputs are the graph's outputs.
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Graph, Node, Tensor, inferShapes, writeOnnx, type Attribute, type DType } from '../../src/index.js';
import { seededFloats, type Feeds } from './ort.js';

export interface OpInput {
  shape: number[];
  dtype?: DType;
  /** Constant values: the input becomes an initializer. */
  values?: number[];
}

export interface OpCase {
  op: string;
  inputs: (OpInput | null)[];
  attrs?: Record<string, Attribute>;
  outputs?: number;
  opset?: number;
  domain?: string;
}

const ARRAYS: Partial<Record<DType, (n: number[]) => ArrayBufferView>> = {
  float32: (v) => Float32Array.from(v),
  float16: (v) => Uint16Array.from(v),
  int64: (v) => BigInt64Array.from(v.map((x) => BigInt(x))),
  int32: (v) => Int32Array.from(v),
  int8: (v) => Int8Array.from(v),
  uint8: (v) => Uint8Array.from(v),
  bool: (v) => Uint8Array.from(v),
};

export function singleOpGraph(c: OpCase): Graph {
  const g = new Graph();
  g.opsets.set('', c.opset ?? 13);
  if (c.domain) g.opsets.set(c.domain, 1);
  const names: string[] = [];
  c.inputs.forEach((inp, i) => {
    if (!inp) return names.push('');
    const name = `in${i}`;
    names.push(name);
    const dtype = inp.dtype ?? 'float32';
    if (inp.values) {
      g.setInitializer(name, Tensor.fromArray(dtype, inp.shape, ARRAYS[dtype]!(inp.values)));
    } else {
      g.addGraphInput(name);
      g.value(name).declared = { dtype, shape: inp.shape };
    }
    return undefined;
  });
  const outputs = Array.from({ length: c.outputs ?? 1 }, (_, i) => `out${i}`);
  g.addNode(new Node(c.op, c.op.toLowerCase(), names, outputs, new Map(Object.entries(c.attrs ?? {})), c.domain ?? ''));
  g.setGraphOutputs(outputs);
  inferShapes(g);
  for (const o of outputs) g.value(o).declared = { dtype: g.value(o).dtype, shape: undefined };
  return g;
}

function feed(dtype: DType, shape: number[], seed: number): ort.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const f = seededFloats(n, seed);
  switch (dtype) {
    case 'uint8':
      return new ort.Tensor('uint8', Uint8Array.from(f, (x) => Math.round((x + 1) * 100)), shape);
    case 'int8':
      return new ort.Tensor('int8', Int8Array.from(f, (x) => Math.round(x * 100)), shape);
    case 'int64':
      return new ort.Tensor('int64', BigInt64Array.from(f, (x) => BigInt(Math.round(x * 3))), shape);
    default:
      return new ort.Tensor('float32', f, shape);
  }
}

/** Output shapes onnxruntime produces for the case. */
export async function ortOutputShapes(g: Graph): Promise<number[][]> {
  const feeds: Feeds = {};
  g.inputs.forEach((name, i) => (feeds[name] = feed(g.value(name).declared!.dtype!, g.value(name).shape as number[], i + 1)));
  const session = await ort.InferenceSession.create(writeOnnx(g).model, { logSeverityLevel: 3, graphOptimizationLevel: 'disabled' });
  try {
    const out = await session.run(feeds);
    return g.outputs.map((o) => [...out[o]!.dims]);
  } finally {
    await session.release();
  }
}

/** One test per case: every output shape leannet infers for the one-node graph equals onnxruntime's. */
export function shapesLikeOrt(title: string, cases: readonly (readonly [string, OpCase])[]): void {
  describe(title, () => {
    for (const [name, c] of cases) {
      it(`op=${name}`, async () => {
        const g = singleOpGraph(c);
        const ours = g.outputs.map((o) => g.value(o).shape);
        expect(ours.every((sh) => sh !== undefined)).toBe(true);
        expect(ours).toEqual(await ortOutputShapes(g));
      });
    }
  });
}
