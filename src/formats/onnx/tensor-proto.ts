/** TensorProto <-> Tensor, with every size checked against the bytes actually present. */
import { ModelFormatError } from '../../errors.js';
import { Tensor, byteSize, dtypeFromOnnx, DTYPES, type DType, type ValueField } from '../../ir/index.js';
import { has, keepList, type TensorProtoMsg } from './proto.js';
import { dimsProblem } from './types.js';

/** Opens external data for a tensor; validates eagerly, reads lazily. */
export type ExternalResolver = (req: { location: string; offset: number; length: number; tensor: string }) => () => Uint8Array;

const VALUE_FIELDS: readonly ValueField[] = ['float_data', 'int32_data', 'int64_data', 'double_data', 'uint64_data', 'string_data'];

/** Which typed field ONNX uses to store a dtype when raw_data is not used. */
function fieldFor(dtype: DType): ValueField {
  switch (dtype) {
    case 'float32':
    case 'complex64':
      return 'float_data';
    case 'int64':
      return 'int64_data';
    case 'float64':
    case 'complex128':
      return 'double_data';
    case 'uint32':
    case 'uint64':
      return 'uint64_data';
    case 'string':
      return 'string_data';
    default:
      return 'int32_data';
  }
}

/**
 * Decode a TensorProto; `describe` names it in messages (by default `initializer '<name>'`).
 * It is a function because the name is built only for a message: most tensors are read without one.
 */
export function decodeTensor(t: TensorProtoMsg, describe: (() => string) | undefined, external?: ExternalResolver): Tensor {
  const dtype = dtypeFromOnnx(t.data_type);
  if (!dtype) throw new ModelFormatError(`${nameOf(t, describe)} has unknown data_type ${t.data_type}`);
  const dims = keepList(t.dims);
  const problem = dimsProblem(dims, true);
  if (problem) throw new ModelFormatError(`${nameOf(t, describe)} ${problem}`);
  let n = 1;
  for (let i = 0; i < dims.length; i++) n *= dims[i]!;
  if (t.segment) throw new ModelFormatError(`${nameOf(t, describe)} is a segmented tensor, which leannet does not read`);
  const need = byteSize(dtype, n);

  if (t.data_location === 1) {
    if (!external) throw new ModelFormatError(`${nameOf(t, describe)} uses external data, but the model was read from bytes without a folder`);
    const entry = (key: string) => t.external_data.find((e) => e.key === key)?.value;
    const location = entry('location');
    if (!location) throw new ModelFormatError(`${nameOf(t, describe)} has external data without a location`);
    const offset = parseSize(entry('offset') ?? '0', `${nameOf(t, describe)} external offset`);
    const length = entry('length') !== undefined ? parseSize(entry('length')!, `${nameOf(t, describe)} external length`) : need;
    if (length !== need) {
      throw new ModelFormatError(`${nameOf(t, describe)} external length ${length} does not match ${need} bytes for ${dtype} [${dims.join(',')}]`);
    }
    const read = external({ location, offset, length, tensor: nameOf(t, describe) });
    return new Tensor(dtype, dims, { kind: 'external', location, offset, length, read });
  }
  if (has(t, 'raw_data')) {
    if (dtype === 'string') throw new ModelFormatError(`${nameOf(t, describe)}: string tensors cannot use raw_data`);
    if (t.raw_data.length !== need) {
      throw new ModelFormatError(`${nameOf(t, describe)} has ${t.raw_data.length} bytes of raw_data; ${dtype} [${dims.join(',')}] needs ${need}`);
    }
    return new Tensor(dtype, dims, { kind: 'raw', bytes: t.raw_data });
  }
  for (const field of VALUE_FIELDS) {
    const values = t[field] as readonly number[] | readonly Uint8Array[];
    if (values && values.length > 0) {
      const expected = dtype === 'complex64' || dtype === 'complex128' ? 2 * n : n;
      if (values.length !== expected) {
        throw new ModelFormatError(`${nameOf(t, describe)} has ${values.length} values in ${field}; [${dims.join(',')}] needs ${expected}`);
      }
      return new Tensor(dtype, dims, { kind: 'values', field, values: keepList(values) });
    }
  }
  if (n === 0) return new Tensor(dtype, dims, { kind: 'raw', bytes: new Uint8Array(0) });
  throw new ModelFormatError(`${nameOf(t, describe)} (${dtype} [${dims.join(',')}]) has no data`);
}

function nameOf(t: TensorProtoMsg, describe: (() => string) | undefined): string {
  return describe ? describe() : `initializer '${t.name}'`;
}

function parseSize(text: string, what: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new ModelFormatError(`${what} '${text}' is not a byte count`);
  return Number(text);
}

/** int64 values beyond 2^63 (INT64_MAX read as a double) must be written back as INT64_MAX, not wrap. */
export function int64Out(v: number): number | { low: number; high: number } {
  if (Number.isSafeInteger(v)) return v;
  if (v >= 2 ** 63) return { low: 0xffffffff, high: 0x7fffffff };
  if (v <= -(2 ** 63)) return { low: 0, high: 0x80000000 | 0 };
  return v;
}

/** Where the writer puts tensor bytes: inline, or appended to an external blob. */
export interface TensorSink {
  /** Returns external_data entries when the tensor goes to the blob, undefined to inline it. */
  place(tensor: Tensor): { location: string; offset: number; length: number } | undefined;
}

/** Encode a Tensor as a TensorProto-shaped object for protobufjs. */
export function encodeTensor(tensor: Tensor, name: string | undefined, sink?: TensorSink): Record<string, unknown> {
  const out: Record<string, unknown> = { dims: tensor.dims.slice(), data_type: DTYPES[tensor.dtype].onnx };
  if (name !== undefined) out['name'] = name;
  const s = tensor.source;
  const ext = sink?.place(tensor);
  if (ext) {
    out['data_location'] = 1;
    out['external_data'] = [
      { key: 'location', value: ext.location },
      { key: 'offset', value: String(ext.offset) },
      { key: 'length', value: String(ext.length) },
    ];
  } else if (s.kind === 'values') {
    out[s.field] = s.field === 'int64_data' ? (s.values as number[]).map(int64Out) : s.values;
  } else if (tensor.dtype === 'string') {
    out[fieldFor('string')] = [];
  } else {
    out['raw_data'] = tensor.bytes();
  }
  return out;
}
