/**
 * Hand-built ONNX files for tests of bad input, written with protobufjs directly (not with
 * leannet's writer, which refuses to produce some of these).
 */
import { encodeModel } from '../../src/index.js';

export interface TinyValue {
  name: string;
  elemType?: number;
  dims?: (number | string | null)[];
}

export function valueInfo(v: TinyValue) {
  return {
    name: v.name,
    type: {
      tensor_type: {
        elem_type: v.elemType ?? 1,
        ...(v.dims ? { shape: { dim: v.dims.map((d) => (d === null ? {} : typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } : {}),
      },
    },
  };
}

export interface TinyModel {
  nodes: { op: string; inputs: string[]; outputs: string[]; name?: string; attrs?: Record<string, unknown>[] }[];
  inputs: TinyValue[];
  outputs: TinyValue[];
  initializers?: Record<string, unknown>[];
  irVersion?: number;
  opset?: number;
}

export function tinyModel(m: TinyModel): Uint8Array {
  return encodeModel({
    ir_version: m.irVersion ?? 8,
    opset_import: [{ domain: '', version: m.opset ?? 13 }],
    producer_name: 'leannet-test',
    graph: {
      name: 'tiny',
      node: m.nodes.map((n, i) => ({ name: n.name ?? `n${i}`, op_type: n.op, input: n.inputs, output: n.outputs, attribute: n.attrs ?? [] })),
      input: m.inputs.map(valueInfo),
      output: m.outputs.map(valueInfo),
      initializer: m.initializers ?? [],
    },
  });
}

/** A float32 initializer with raw data: the given values, every element `values` when a number, or a small pattern. */
export function floatInit(name: string, dims: number[], values?: number[] | number) {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = typeof values === 'number' ? new Float32Array(n).fill(values) : new Float32Array(values ?? Array.from({ length: n }, (_, i) => ((i % 7) - 3) / 10));
  return { name, dims, data_type: 1, raw_data: new Uint8Array(data.buffer) };
}

/** A float32 initializer whose data lives in an external file. */
export function externalInit(name: string, dims: number[], location: string, offset = 0) {
  const n = dims.reduce((a, b) => a * b, 1);
  return {
    name,
    dims,
    data_type: 1,
    data_location: 1,
    external_data: [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(n * 4) },
    ],
  };
}

/** Relu(x) → y on a 1x3x8x8 input: the smallest valid model. */
export function reluModel(): Uint8Array {
  return tinyModel({
    nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
    inputs: [{ name: 'x', dims: [1, 3, 8, 8] }],
    outputs: [{ name: 'y', dims: [1, 3, 8, 8] }],
  });
}
