/**
 * protobufjs types for ONNX, built once from the schema. int64 fields decode to plain
 * numbers (exact up to 2^53, which covers every real dim, offset and opset version):
 * callers check Number.isSafeInteger where a larger value would matter.
 */
import protobuf from 'protobufjs';
import { onnxSchema } from './schema.js';

// Decode int64 as JS numbers rather than Long objects: faster, and what every caller wants.
protobuf.util.Long = null as unknown as protobuf.Constructor<Long>;
protobuf.configure();

type Long = { low: number; high: number; unsigned: boolean };

const root = protobuf.Root.fromJSON(onnxSchema);
export const ModelProtoType = root.lookupType('onnx.ModelProto');
export const TensorProtoType = root.lookupType('onnx.TensorProto');

/** The subset of decoded ONNX messages that leannet reads; field names are as in onnx.proto. */
export interface StringStringEntry { key: string; value: string }
export interface OperatorSetId { domain: string; version: number }
export interface TensorProtoMsg {
  dims: number[];
  data_type: number;
  segment?: { begin: number; end: number } | null;
  float_data: number[];
  int32_data: number[];
  string_data: Uint8Array[];
  int64_data: number[];
  name: string;
  doc_string: string;
  raw_data: Uint8Array;
  external_data: StringStringEntry[];
  data_location: number;
  double_data: number[];
  uint64_data: number[];
  metadata_props: StringStringEntry[];
}
export interface DimensionMsg { dim_value?: number; dim_param?: string; denotation?: string }
export interface TypeProtoMsg {
  tensor_type?: { elem_type: number; shape?: { dim: DimensionMsg[] } | null } | null;
  sequence_type?: unknown;
  map_type?: unknown;
  optional_type?: unknown;
  sparse_tensor_type?: unknown;
  opaque_type?: unknown;
  denotation?: string;
}
export interface ValueInfoMsg { name: string; type?: TypeProtoMsg | null; doc_string: string; metadata_props: StringStringEntry[] }
export interface AttributeMsg {
  name: string;
  ref_attr_name: string;
  doc_string: string;
  type: number;
  f: number;
  i: number;
  s: Uint8Array;
  t?: TensorProtoMsg | null;
  g?: GraphProtoMsg | null;
  sparse_tensor?: unknown;
  tp?: unknown;
  floats: number[];
  ints: number[];
  strings: Uint8Array[];
  tensors: TensorProtoMsg[];
  graphs: GraphProtoMsg[];
  sparse_tensors: unknown[];
  type_protos: unknown[];
}
export interface NodeProtoMsg {
  input: string[];
  output: string[];
  name: string;
  op_type: string;
  domain: string;
  overload: string;
  attribute: AttributeMsg[];
  doc_string: string;
  metadata_props: StringStringEntry[];
  device_configurations: unknown[];
}
export interface GraphProtoMsg {
  node: NodeProtoMsg[];
  name: string;
  initializer: TensorProtoMsg[];
  sparse_initializer: unknown[];
  doc_string: string;
  input: ValueInfoMsg[];
  output: ValueInfoMsg[];
  value_info: ValueInfoMsg[];
  quantization_annotation: unknown[];
  metadata_props: StringStringEntry[];
}
export interface ModelProtoMsg {
  ir_version: number;
  opset_import: OperatorSetId[];
  producer_name: string;
  producer_version: string;
  domain: string;
  model_version: number;
  doc_string: string;
  graph?: GraphProtoMsg | null;
  metadata_props: StringStringEntry[];
  training_info: unknown[];
  functions: unknown[];
  configuration: unknown[];
}

/** Decode a ModelProto. Throws protobufjs's own error on malformed bytes. */
export function decodeModel(bytes: Uint8Array): ModelProtoMsg {
  return ModelProtoType.decode(bytes) as unknown as ModelProtoMsg;
}

/** Encode a ModelProto-shaped plain object. */
export function encodeModel(model: Partial<ModelProtoMsg> | Record<string, unknown>): Uint8Array {
  return ModelProtoType.encode(model as protobuf.Message).finish();
}

/** True when a decoded message carries `field` explicitly (proto2 presence). */
export function has(msg: object, field: string): boolean {
  return Object.prototype.hasOwnProperty.call(msg, field);
}

/** Lists up to this long are copied when the graph keeps them (longer ones carry little slack). */
const SMALL_LIST = 64;

/**
 * A decoded repeated field as the graph should keep it: short lists copied to their exact size
 * (the decoder grows them by push, which leaves room for 16 elements, and a graph keeps
 * thousands of them), long ones (weights in float_data) as they are, never copied twice.
 */
export function keepList<L extends readonly unknown[]>(list: L): L {
  return list.length <= SMALL_LIST ? (list.slice() as unknown as L) : list;
}
