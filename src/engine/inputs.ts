/** Seeded inputs: the same seed gives the same data on every engine and machine. */
import type { DType, Graph } from '../ir/index.js';
import { mulberry32 } from '../random.js';
import type { Feeds, HostTensor } from './types.js';

/** Uniform values in [-1, 1) for floats, small non-negative integers for integer inputs. */
export function seededTensor(dtype: DType, dims: readonly number[], seed: number): HostTensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const rand = mulberry32(seed);
  switch (dtype) {
    case 'float32': {
      const data = new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = rand() * 2 - 1;
      return { dtype, dims, data };
    }
    case 'int64': {
      const data = new BigInt64Array(n);
      for (let i = 0; i < n; i++) data[i] = BigInt(Math.floor(rand() * 8));
      return { dtype, dims, data };
    }
    case 'int32': {
      const data = new Int32Array(n);
      for (let i = 0; i < n; i++) data[i] = Math.floor(rand() * 8);
      return { dtype, dims, data };
    }
    case 'uint8': {
      const data = new Uint8Array(n);
      for (let i = 0; i < n; i++) data[i] = Math.floor(rand() * 256);
      return { dtype, dims, data };
    }
    case 'int8': {
      const data = new Int8Array(n);
      for (let i = 0; i < n; i++) data[i] = Math.floor(rand() * 256) - 128;
      return { dtype, dims, data };
    }
    case 'bool': {
      const data = new Uint8Array(n);
      for (let i = 0; i < n; i++) data[i] = rand() < 0.5 ? 1 : 0;
      return { dtype, dims, data };
    }
    default:
      throw new Error(`cannot make seeded inputs of type ${dtype}`);
  }
}

/** Feeds for every input of an inferred graph (input k gets seed + k). */
export function seededInputs(graph: Graph, seed = 1): Feeds {
  const feeds: Feeds = {};
  graph.inputs.forEach((name, k) => {
    const v = graph.value(name);
    feeds[name] = seededTensor(v.dtype ?? 'float32', v.shape as number[], seed + k);
  });
  return feeds;
}
