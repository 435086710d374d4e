/**
 * Ground truth from onnxruntime-node itself: run a model (optionally with every intermediate
 * value made a graph output) and read back the shapes and data it produces.
 */
import ort from 'onnxruntime-node';
import { writeOnnx, type Graph } from '../../src/index.js';

export type Feeds = Record<string, ort.Tensor>;

/** Seeded pseudo-random float32 data (mulberry32), so runs are repeatable. */
export function seededFloats(n: number, seed = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

/** Float inputs for every graph input of an inferred graph. */
export function feedsFor(graph: Graph, seed = 1): Feeds {
  const feeds: Feeds = {};
  graph.inputs.forEach((name, k) => {
    const shape = graph.value(name).shape as number[];
    const n = shape.reduce((a, b) => a * b, 1);
    feeds[name] = new ort.Tensor('float32', seededFloats(n, seed + k), shape);
  });
  return feeds;
}

export async function runBytes(bytes: Uint8Array, feeds: Feeds, options: ort.InferenceSession.SessionOptions = {}): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3, ...options });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

/**
 * Shapes of every node output as onnxruntime computes them: the graph is written with each
 * node output listed as a graph output (dtype only, no declared shape, so ORT is not told).
 */
export async function ortShapes(graph: Graph, feeds: Feeds): Promise<Map<string, number[]>> {
  const saved = graph.outputs;
  const savedDeclared = new Map<string, unknown>();
  const names: string[] = [];
  for (const n of graph.nodes) for (const o of n.outputs) if (o && !names.includes(o)) names.push(o);
  for (const name of names) {
    const v = graph.value(name);
    savedDeclared.set(name, v.declared);
    v.declared = { dtype: v.dtype, shape: undefined };
  }
  graph.setGraphOutputs(names);
  let bytes: Uint8Array;
  try {
    bytes = writeOnnx(graph).model;
  } finally {
    graph.setGraphOutputs(saved);
    for (const [name, d] of savedDeclared) graph.value(name).declared = d as never;
  }
  // Optimisations off: ORT would otherwise fold or fuse values away before reporting them.
  const out = await runBytes(bytes, feeds, { graphOptimizationLevel: 'disabled' });
  return new Map(Object.entries(out).map(([k, t]) => [k, [...t.dims]]));
}
