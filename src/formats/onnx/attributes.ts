/** AttributeProto <-> Attribute. */
import { ModelFormatError } from '../../errors.js';
import type { Attribute, Tensor } from '../../ir/index.js';
import { has, keepList, type AttributeMsg, type NodeProtoMsg, type TensorProtoMsg } from './proto.js';
import { decodeTensor, encodeTensor, int64Out, type ExternalResolver, type TensorSink } from './tensor-proto.js';

const utf8 = new TextDecoder();
const utf8Encode = new TextEncoder();

/** AttributeProto.AttributeType codes. */
const CODE = { float: 1, int: 2, string: 3, tensor: 4, graph: 5, floats: 6, ints: 7, strings: 8, tensors: 9, graphs: 10 } as const;

/** Decide an attribute's type from which field is present (IR version 1 files have no `type`). */
function guessType(a: AttributeMsg): number {
  if (has(a, 'f')) return 1;
  if (has(a, 'i')) return 2;
  if (has(a, 's')) return 3;
  if (has(a, 't')) return 4;
  if (has(a, 'g')) return 5;
  if (a.floats.length) return 6;
  if (a.ints.length) return 7;
  if (a.strings.length) return 8;
  if (a.tensors.length) return 9;
  if (a.graphs.length) return 10;
  return 0;
}

/** How messages name node number `index` of the file. */
export function nodeWhere(n: NodeProtoMsg, index: number): string {
  return `node ${n.name ? `'${n.name}'` : `#${index}`} (${n.op_type})`;
}

/** A tensor held by an attribute (a function of its own: its message closure costs an allocation). */
function tensorAttribute(t: TensorProtoMsg, a: AttributeMsg, n: NodeProtoMsg, index: number, external?: ExternalResolver, item?: number): Tensor {
  return decodeTensor(t, () => `${nodeWhere(n, index)} attribute '${a.name}'${item === undefined ? '' : `[${item}]`}`, external);
}

/** Decode one attribute of node `n` (number `index` in the file, named only in messages). */
export function decodeAttribute(a: AttributeMsg, n: NodeProtoMsg, index: number, external?: ExternalResolver): Attribute {
  if (a.ref_attr_name) return { type: 'opaque', value: a };
  switch (a.type || guessType(a)) {
    case 1:
      return { type: 'float', value: a.f };
    case 2:
      return { type: 'int', value: a.i };
    case 3:
      // A STRING attribute whose `s` is absent holds proto2's default, the empty string.
      return { type: 'string', value: has(a, 's') ? utf8.decode(a.s) : '' };
    case 4:
      if (!a.t) throw new ModelFormatError(`${nodeWhere(n, index)} attribute '${a.name}' is a tensor attribute without a tensor`);
      return { type: 'tensor', value: tensorAttribute(a.t, a, n, index, external) };
    case 5:
      if (!a.g) throw new ModelFormatError(`${nodeWhere(n, index)} attribute '${a.name}' is a graph attribute without a graph`);
      return { type: 'graph', value: a.g };
    case 6:
      return { type: 'floats', value: keepList(a.floats) };
    case 7:
      return { type: 'ints', value: keepList(a.ints) };
    case 8:
      return { type: 'strings', value: a.strings.map((s) => utf8.decode(s)) };
    case 9:
      return { type: 'tensors', value: a.tensors.map((t, i) => tensorAttribute(t, a, n, index, external, i)) };
    case 10:
      return { type: 'graphs', value: a.graphs };
    case 0:
      // An empty list attribute (`ints: []`) carries no field at all; keep it as an empty ints.
      return { type: 'ints', value: [] };
    default:
      return { type: 'opaque', value: a };
  }
}

export function encodeAttribute(name: string, attr: Attribute, sink?: TensorSink): Record<string, unknown> {
  switch (attr.type) {
    case 'opaque':
      return attr.value as Record<string, unknown>;
    case 'float':
      return { name, type: CODE.float, f: attr.value };
    case 'int':
      return { name, type: CODE.int, i: int64Out(attr.value) };
    case 'string':
      return { name, type: CODE.string, s: utf8Encode.encode(attr.value) };
    case 'tensor':
      return { name, type: CODE.tensor, t: encodeTensor(attr.value, undefined, sink) };
    case 'graph':
      return { name, type: CODE.graph, g: attr.value };
    case 'floats':
      return { name, type: CODE.floats, floats: attr.value };
    case 'ints':
      return { name, type: CODE.ints, ints: attr.value.map(int64Out) };
    case 'strings':
      return { name, type: CODE.strings, strings: attr.value.map((s) => utf8Encode.encode(s)) };
    case 'tensors':
      return { name, type: CODE.tensors, tensors: attr.value.map((t) => encodeTensor(t, undefined, sink)) };
    case 'graphs':
      return { name, type: CODE.graphs, graphs: attr.value };
  }
}
