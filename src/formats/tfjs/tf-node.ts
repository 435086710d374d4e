/** A GraphDef node as TF.js model.json holds it, the ops refused outright, and the mapper type. */
import { Emitter, float, int, ints, str } from './emit.js';

/** One GraphDef node's attribute as JSON. */
export interface TfAttr {
  s?: string;
  i?: string | number;
  f?: number;
  b?: boolean;
  type?: string;
  list?: { s?: string[]; i?: (string | number)[]; f?: number[]; type?: string[] };
  shape?: { dim?: { size?: string | number }[]; unknownRank?: boolean };
  tensor?: unknown;
}

export interface TfNodeDef {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
}

/** The node being mapped: its inputs as IR value names, its outputs' names and its attributes. */
export class TfNode {
  constructor(
    readonly def: TfNodeDef,
    readonly inputs: string[],
  ) {}

  get name(): string {
    return this.def.name;
  }

  /** The IR name of output `k` (`name`, `name:1`, …). */
  out(k = 0): string {
    return k === 0 ? this.def.name : `${this.def.name}:${k}`;
  }

  str(key: string, fallback = ''): string {
    const s = this.def.attr?.[key]?.s;
    return s === undefined ? fallback : atob(s);
  }

  strs(key: string): string[] {
    return (this.def.attr?.[key]?.list?.s ?? []).map((s) => atob(s));
  }

  int(key: string, fallback = 0): number {
    const i = this.def.attr?.[key]?.i;
    return i === undefined ? fallback : Number(i);
  }

  ints(key: string): number[] {
    return (this.def.attr?.[key]?.list?.i ?? []).map(Number);
  }

  float(key: string, fallback = 0): number {
    return this.def.attr?.[key]?.f ?? fallback;
  }

  bool(key: string, fallback = false): boolean {
    return this.def.attr?.[key]?.b ?? fallback;
  }

  type(key: string): string | undefined {
    return this.def.attr?.[key]?.type;
  }
}

/** Writes one TF node as ONNX nodes through the emitter. */
export type Mapper = (e: Emitter, n: TfNode) => void;

/** Control flow and stateful ops: a one-line refusal naming the op. */
export const CONTROL_FLOW = new Set([
  'Switch', 'Merge', 'Enter', 'Exit', 'NextIteration', 'LoopCond', 'If', 'StatelessIf', 'While', 'StatelessWhile',
  'TensorListReserve', 'TensorListSetItem', 'TensorListGetItem', 'TensorListStack', 'TensorListFromTensor',
  'TensorListLength', 'TensorListPushBack', 'TensorListPopBack', 'TensorListConcat', 'TensorListConcatV2', 'TensorListGather',
  'TensorListScatter', 'TensorListScatterV2', 'TensorListSplit', 'TensorListResize', 'TensorListElementShape',
  'TensorArrayV3', 'TensorArrayReadV3', 'TensorArrayWriteV3', 'TensorArrayGatherV3', 'TensorArrayScatterV3', 'TensorArraySizeV3',
  'VarHandleOp', 'ReadVariableOp', 'HashTableV2', 'LookupTableFindV2',
]);
