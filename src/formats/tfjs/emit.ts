/**
 * The builder the TF.js readers write through: adds ONNX nodes (opset 18) and constants to a
 * Graph, infers each node's shape as it is added (so a mapping can ask for a rank or a static
 * size, and a contradiction fails at the TF node that caused it), and names what TF names.
 */
import { ModelFormatError, ShapeInferenceError } from '../../errors.js';
import { Graph, Node, Tensor, type Attribute, type DType, type Shape } from '../../ir/index.js';
import { inferNode } from '../../ops/index.js';

/** Opset 18: Resize takes `axes` (sizes of H and W alone, whatever the batch), reductions take axes as an input. */
export const OPSET = 18;

export const ints = (value: readonly number[]): Attribute => ({ type: 'ints', value });
export const int = (value: number): Attribute => ({ type: 'int', value });
export const float = (value: number): Attribute => ({ type: 'float', value });
export const str = (value: string): Attribute => ({ type: 'string', value });

/** NHWC → NCHW and back. */
export const TO_NCHW = [0, 3, 1, 2] as const;
export const TO_NHWC = [0, 2, 3, 1] as const;

export class Emitter {
  readonly graph = new Graph();
  /** The TF node being mapped (its name prefixes helper nodes; messages name it). */
  current = '';
  currentOp = '';

  constructor(readonly source: string) {
    this.graph.opsets.set('', OPSET);
  }

  /** Add a node; returns its output names (`outputs` given, or one fresh name). */
  node(opType: string, inputs: readonly string[], outputs?: readonly string[], attrs?: Record<string, Attribute>, name?: string): string[] {
    const g = this.graph;
    const outs = outputs ? [...outputs] : [g.uniqueValueName(`${this.current}/${opType}`)];
    for (const o of outs) g.value(o);
    const n = new Node(opType, g.uniqueNodeName(name ?? `${this.current}/${opType}`), [...inputs], outs, new Map(Object.entries(attrs ?? {})));
    g.addNode(n);
    try {
      inferNode(g, n);
    } catch (e) {
      if (e instanceof ShapeInferenceError) throw new ShapeInferenceError(`${this.source}: TF node ${this.currentOp} '${this.current}': ${e.message}`, { cause: e });
      throw e;
    }
    return outs;
  }

  /** Add a constant (initializer) and return its name. */
  constant(base: string, tensor: Tensor): string {
    const name = this.graph.uniqueValueName(base);
    this.graph.setInitializer(name, tensor);
    return name;
  }

  i64(base: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.constant(`${this.current}/${base}`, Tensor.fromArray('int64', dims, BigInt64Array.from(values, (v) => BigInt(v))));
  }

  f32(base: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.constant(`${this.current}/${base}`, Tensor.fromArray('float32', dims, Float32Array.from(values)));
  }

  /** One float32 scalar constant per name for the whole graph (Clip bounds). */
  shared(name: string, value: number): string {
    if (!this.graph.initializers.has(name)) this.graph.setInitializer(name, Tensor.fromArray('float32', [], Float32Array.of(value)));
    return name;
  }

  shape(name: string): Shape | undefined {
    return this.graph.values.get(name)?.shape;
  }

  dtype(name: string): DType | undefined {
    return this.graph.values.get(name)?.dtype ?? this.graph.initializers.get(name)?.dtype;
  }

  rank(name: string): number {
    const s = this.shape(name);
    if (!s) this.fail(`the rank of '${name}' is not known`);
    return s.length;
  }

  /** A static dim, or a failure naming why it is needed. */
  staticShape(name: string, why: string): number[] {
    const s = this.shape(name);
    if (!s || s.some((d) => typeof d !== 'number')) this.fail(`${why} needs the static shape of '${name}', got ${s ? `[${s.join(',')}]` : 'none'}`);
    return s as number[];
  }

  /** The integer contents of a constant or folded value, when known at read time. */
  values(name: string): number[] | undefined {
    const t = this.graph.initializers.get(name);
    if (t) return t.toNumbers();
    const v = this.graph.values.get(name);
    if (v?.tensor) return v.tensor.toNumbers();
    return v?.folded ? [...v.folded] : undefined;
  }

  requireValues(name: string, what: string): number[] {
    const v = this.values(name);
    if (!v) this.fail(`${what} ('${name}') must be a constant`);
    return v;
  }

  fail(message: string): never {
    throw new ModelFormatError(`${this.source}: TF node ${this.currentOp} '${this.current}': ${message}`);
  }

  transpose(x: string, perm: readonly number[], out?: string): string {
    return this.node('Transpose', [x], out ? [out] : undefined, { perm: ints(perm) })[0]!;
  }

  cast(x: string, to: DType, out?: string): string {
    const codes: Partial<Record<DType, number>> = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10, float64: 11 };
    return this.node('Cast', [x], out ? [out] : undefined, { to: int(codes[to] ?? 1) })[0]!;
  }

  /** `x` as int64 (a new initializer for constants, a Cast node otherwise). */
  asInt64(x: string): string {
    if (this.dtype(x) === 'int64') return x;
    const t = this.graph.initializers.get(x);
    if (t) return this.constant(`${x}/i64`, Tensor.fromArray('int64', t.dims, BigInt64Array.from(t.toNumbers(), (v) => BigInt(v))));
    return this.cast(x, 'int64');
  }
}

/**
 * Declare the graph's outputs as read: dtype and shape, the leading 1 written as the inputs'
 * symbolic batch where they have one (shapes while reading took batch 1).
 */
export function declareOutputs(g: Graph): void {
  const batch = g.inputs.map((i) => g.values.get(i)?.declared?.shape?.[0]).find((d) => typeof d === 'string');
  for (const o of g.outputs) {
    const v = g.value(o);
    const shape = v.shape && batch !== undefined && v.shape[0] === 1 ? [batch, ...v.shape.slice(1)] : v.shape;
    v.declared = { dtype: v.dtype, shape };
  }
}
