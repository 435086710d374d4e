/**
 * Capture intermediate values of a Graph on real inputs: an encoded copy of the graph gets the
 * chosen values as its only outputs (nodes nothing of them needs are dropped, so a value early
 * in the network costs only the layers before it), runs on the engine over the batches, and each
 * value comes back as one float32 array over all the images. The graph itself is never edited.
 */
import { UsageError } from '../errors.js';
import type { Engine, Feeds, HostTensor } from '../engine/index.js';
import { readOnnx, writeOnnx } from '../formats/onnx/index.js';
import { topoOrder, type Graph } from '../ir/index.js';
import { hashSeed, mulberry32 } from '../random.js';

/** A captured value: [N, C, H, W] (or [N, F]) row-major; with `positions`, [N, C, P]. */
export interface Activation {
  dims: number[];
  data: Float32Array;
  /** The flat spatial indices (h·W + w) kept per image when the capture subsampled positions. */
  positions?: Int32Array;
}

export interface CaptureRequest {
  name: string;
  /** Keep only the first `images` images (full maps: conv inputs need whole patches). */
  images?: number;
  /** Keep only this many seeded random spatial positions per image (the same for every image). */
  positions?: number;
  seed?: number;
}

/**
 * The graph with `names` as its outputs, encoded: a copy made by encoding and decoding, so that
 * pruning what the outputs do not need leaves the caller's graph as it was.
 */
export function captureModel(graph: Graph, names: readonly string[]): Uint8Array {
  for (const name of names) {
    if (!graph.values.has(name) || (!graph.producer(name) && !graph.inputs.includes(name))) {
      throw new UsageError(`cannot capture '${name}': no node of the graph produces it`);
    }
  }
  const copy = readOnnx(writeOnnx(graph).model, { source: 'capture copy' });
  copy.setGraphOutputs(names);
  for (const name of names) {
    const v = copy.value(name);
    // Declare the dtype only: ORT checks a declared output shape against what it computes.
    v.declared = { dtype: v.declared?.dtype ?? graph.values.get(name)?.dtype ?? 'float32', shape: undefined };
  }
  // Keep only the nodes the outputs depend on (ORT would run the rest for nothing).
  const needed = new Set<string>(names);
  const keep = new Set<unknown>();
  for (const n of [...topoOrder(copy)].reverse()) {
    if (!n.outputs.some((o) => needed.has(o))) continue;
    keep.add(n);
    for (const i of [...n.inputs, ...n.outerReads]) if (i) needed.add(i);
  }
  copy.nodes = copy.nodes.filter((n) => keep.has(n));
  copy.setGraphInputs(copy.inputs.filter((i) => needed.has(i)));
  copy.prune();
  return writeOnnx(copy).model;
}

/** Run `graph` over `batches` and return each requested value over all the images, in order. */
export async function captureValues(graph: Graph, engine: Engine, batches: readonly Feeds[], requests: readonly CaptureRequest[]): Promise<Map<string, Activation>> {
  const names = [...new Set(requests.map((r) => r.name))];
  const session = await engine.load({ bytes: captureModel(graph, names) });
  const parts = new Map<string, { dims: readonly number[]; data: Float32Array }[]>(names.map((n) => [n, []]));
  const seen = new Map<string, number>(names.map((n) => [n, 0]));
  const limit = (name: string) => Math.max(...requests.filter((r) => r.name === name).map((r) => r.images ?? Infinity));
  try {
    for (const feeds of batches) {
      const wanted = names.filter((n) => seen.get(n)! < limit(n));
      if (!wanted.length) break;
      // Inputs the captured values do not depend on were dropped from the copy.
      const out = await session.run(Object.fromEntries(session.inputNames.map((n) => [n, feeds[n]!])));
      for (const name of wanted) {
        const t = out[name];
        if (!t) throw new UsageError(`capture: the runtime returned no '${name}'`);
        const data = asFloat32(t, name);
        const n = Number(t.dims[0] ?? 1);
        const keep = Math.min(n, limit(name) - seen.get(name)!);
        const per = data.length / (n || 1);
        parts.get(name)!.push({ dims: t.dims, data: keep === n ? data : data.slice(0, keep * per) });
        seen.set(name, seen.get(name)! + keep);
      }
    }
  } finally {
    await session.release();
  }
  const result = new Map<string, Activation>();
  for (const r of requests) {
    const chunks = parts.get(r.name)!;
    if (!chunks.length) throw new UsageError(`capture: no batches to run`);
    const images = Math.min(seen.get(r.name)!, r.images ?? Infinity);
    const inner = chunks[0]!.dims.slice(1).map(Number);
    const per = inner.reduce((a, b) => a * b, 1);
    const data = new Float32Array(images * per);
    let at = 0;
    for (const c of chunks) {
      const take = Math.min(c.data.length, data.length - at);
      data.set(take === c.data.length ? c.data : c.data.subarray(0, take), at);
      at += take;
    }
    const full: Activation = { dims: [images, ...inner], data };
    result.set(r.positions === undefined ? r.name : `${r.name}@${r.positions}`, r.positions === undefined ? full : subsample(full, r.positions, r.seed ?? 0, r.name));
  }
  return result;
}

function asFloat32(t: HostTensor, name: string): Float32Array {
  if (t.data instanceof Float32Array) return t.data;
  if (t.data instanceof Float64Array) return Float32Array.from(t.data);
  throw new UsageError(`capture: '${name}' is ${t.dtype}, not a float tensor`);
}

/** [N, C, H·W] → [N, C, P] at P seeded positions (sorted, without repeats). */
export function subsample(a: Activation, count: number, seed: number, label: string): Activation {
  const [n, c, ...space] = a.dims as [number, number, ...number[]];
  const hw = space.reduce((x, y) => x * y, 1);
  const positions = samplePositions(hw, count, hashSeed(seed, label));
  const p = positions.length;
  const data = new Float32Array(n * c * p);
  for (let i = 0; i < n * c; i++) for (let k = 0; k < p; k++) data[i * p + k] = a.data[i * hw + positions[k]!]!;
  return { dims: [n, c, p], data, positions };
}

/** `count` distinct indices below `total`, seeded, ascending (all of them when count ≥ total). */
export function samplePositions(total: number, count: number, seed: number): Int32Array {
  const all = Int32Array.from({ length: total }, (_, i) => i);
  if (count >= total) return all;
  const rand = mulberry32(seed);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rand() * (total - i));
    const t = all[i]!;
    all[i] = all[j]!;
    all[j] = t;
  }
  return all.slice(0, count).sort();
}
