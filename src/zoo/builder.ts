/**
 * A small typed builder for networks: every call adds ONNX nodes (as PyTorch's exporter writes
 * them), creates seeded weights named like PyTorch parameters (`layer1.0.conv1.weight`), and
 * infers the new node's shape at once, so a mistake fails where it is made.
 */
import { ShapeInferenceError } from '../errors.js';
import { Graph, Node, Tensor, validate, type Attribute } from '../ir/index.js';
import { inferNode, inferShapes } from '../ops/index.js';
import { hashSeed, mulberry32, normal, uniform } from '../random.js';

/** A value in the network being built: its name and (static) shape. */
export interface T {
  readonly name: string;
  readonly shape: readonly number[];
}

export interface BuilderOptions {
  /** Graph name. */
  name: string;
  /** Seed for every weight (same seed → byte-identical model). */
  seed?: number;
  /** ai.onnx opset (default 13; raised automatically by ops that need a newer one). */
  opset?: number;
}

/** How a parameter is initialised. */
export type Init =
  /** He (Kaiming) normal: N(0, 2 / fanIn). */
  | { kind: 'he'; fanIn: number }
  | { kind: 'normal'; mean: number; std: number }
  | { kind: 'uniform'; lo: number; hi: number };

export class Builder {
  readonly graph = new Graph();
  readonly seed: number;
  private scopes: string[] = [];
  private counters = new Map<string, number>();

  constructor(options: BuilderOptions) {
    this.graph.name = options.name;
    this.graph.meta.producerName = 'leannet zoo';
    this.graph.opsets.set('', options.opset ?? 13);
    this.seed = options.seed ?? 0;
  }

  /** Run `fn` with `name` appended to the module path (`layer1` → `layer1.0` → `layer1.0.conv1`). */
  scope<R>(name: string | number, fn: () => R): R {
    this.scopes.push(String(name));
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  /** Full dotted name for `leaf` in the current scope; numbered when no leaf is given. */
  qualify(leaf: string | undefined, fallback: string): string {
    let base = leaf;
    if (base === undefined) {
      const key = [...this.scopes, fallback].join('.');
      const k = this.counters.get(key) ?? 0;
      this.counters.set(key, k + 1);
      base = k === 0 ? fallback : `${fallback}_${k}`;
    }
    return [...this.scopes, base].join('.');
  }

  /** Raise the ai.onnx opset if an op needs a newer one. */
  requireOpset(version: number): void {
    if ((this.graph.opset('') ?? 0) < version) this.graph.opsets.set('', version);
  }

  input(name: string, shape: readonly number[]): T {
    this.graph.addGraphInput(name);
    const v = this.graph.value(name);
    v.declared = { dtype: 'float32', shape };
    v.dtype = 'float32';
    v.shape = shape;
    return { name, shape };
  }

  output(t: T): void {
    this.graph.addGraphOutput(t.name);
    this.graph.value(t.name).declared = { dtype: 'float32', shape: t.shape };
  }

  /** Add a node; its outputs are named after the node. Returns the outputs with inferred shapes. */
  node(opType: string, inputs: readonly (T | string)[], attrs: Record<string, Attribute> = {}, options: { name?: string; outputs?: number } = {}): T[] {
    const name = options.name ?? this.qualify(undefined, opType.toLowerCase());
    const count = options.outputs ?? 1;
    const outputs = Array.from({ length: count }, (_, i) => (i === 0 ? name : `${name}:${i}`));
    const node = new Node(opType, name, inputs.map((x) => (typeof x === 'string' ? x : x.name)), outputs, new Map(Object.entries(attrs)));
    this.graph.addNode(node);
    const r = inferNode(this.graph, node);
    if (r !== 'ok') throw new ShapeInferenceError(`zoo: ${node.label} could not be inferred (${r})`);
    return outputs.map((o) => ({ name: o, shape: this.graph.value(o).shape as number[] }));
  }

  /** One-output shorthand for `node`. */
  op(opType: string, inputs: readonly (T | string)[], attrs: Record<string, Attribute> = {}, name?: string): T {
    return this.node(opType, inputs, attrs, name === undefined ? {} : { name })[0]!;
  }

  /** A seeded float32 parameter, generated only when its bytes are needed. */
  param(name: string, dims: readonly number[], init: Init): string {
    const seed = hashSeed(this.seed, name);
    const n = dims.reduce((a, b) => a * b, 1);
    const generate = () => {
      const rand = mulberry32(seed);
      const data =
        init.kind === 'he' ? normal(n, 0, Math.sqrt(2 / init.fanIn), rand)
        : init.kind === 'normal' ? normal(n, init.mean, init.std, rand)
        : uniform(n, init.lo, init.hi, rand);
      return new Uint8Array(data.buffer);
    };
    this.graph.setInitializer(name, new Tensor('float32', dims, { kind: 'generated', generate }));
    return name;
  }

  /** A constant initializer with given values (shapes, scalars). */
  constant(name: string, dtype: 'float32' | 'int64', dims: readonly number[], values: readonly number[]): string {
    const data = dtype === 'int64' ? BigInt64Array.from(values.map((v) => BigInt(v))) : Float32Array.from(values);
    this.graph.setInitializer(name, Tensor.fromArray(dtype, dims, data));
    return name;
  }

  /** Infer every shape once more from the inputs and check the graph's invariants. */
  finish(): Graph {
    inferShapes(this.graph);
    validate(this.graph, `zoo network '${this.graph.name}'`);
    return this.graph;
  }
}
