/**
 * Shape inference over the whole graph, in topological order, with constant folding of shape
 * arithmetic (Shape → Gather → Unsqueeze → Concat → Reshape, as PyTorch exports write it).
 * Ops leannet does not know keep unknown outputs; everything downstream of them stays unknown.
 */
import { LeannetError, ShapeInferenceError, nodeContext } from '../errors.js';
import { isStatic, topoOrder, type DType, type Dim, type Graph, type Node, type Shape, type Tensor, type Value } from '../ir/index.js';
import { bindInputs, type BindOptions } from './bind.js';
import { graphOps, type GraphOps, type ResolvedOp } from './registry.js';
import { registerSubgraphInfer } from './subgraph.js';
import type { InferContext, OpDef, OutputInfo } from './types.js';

/** Thrown by context accessors when an input's type, shape or contents are unknown. */
class UnknownInput extends Error {}
const UNKNOWN = new UnknownInput();

/** Constants an op asks the values of (`ctx.values`) are folded up to this many elements… */
const FOLD_LIMIT = 4096;
/** …and passed through (`ctx.folded`: views, casts, element-wise arithmetic) up to this many: shape arithmetic. */
const PASS_LIMIT = 64;

export interface InferReport {
  /** Nodes whose op (domain, type, opset) leannet does not know. */
  unknownOps: Node[];
  /** Nodes whose outputs stayed unknown because an input was unknown. */
  unresolved: Node[];
}

/** Whole-graph inferences run in this process (not those skipped as current): what tests count. */
let walks = 0;
export function inferenceCount(): number {
  return walks;
}

/**
 * Infer dtype and shape of every value; store them on the graph's values. `outer` (subgraphs:
 * If branches, Scan bodies) gives the types and contents of the values a subgraph reads from the
 * scopes around it. A graph not edited since it was last inferred with the same options (and no
 * `outer`) is not walked again (the graph's shapes mark).
 */
export function inferShapes(graph: Graph, options: BindOptions = {}, outer?: ReadonlyMap<string, Value>): InferReport {
  const key = outer ? undefined : JSON.stringify(options);
  const mark = graph.shapesMark;
  const basis = key !== undefined ? basisOf(graph) : undefined;
  if (basis !== undefined && mark !== undefined && mark.key === key && sameItems(mark.basis, basis)) return { unknownOps: mark.unknownOps.slice(), unresolved: mark.unresolved.slice() };
  walks++;
  const bound = bindInputs(graph, options);
  // forEach, not for…of: no iterator result per entry in code V8 has not optimised yet.
  graph.values.forEach((v) => {
    if (v.tensor !== undefined && graph.initializers.get(v.name) === v.tensor) return;
    v.dtype = undefined;
    v.shape = undefined;
    v.folded = undefined;
    v.symbolic = undefined;
    v.tensor = undefined;
  });
  bound.forEach((shape, name) => {
    const v = graph.value(name);
    v.dtype = v.declared?.dtype;
    v.shape = shape;
  });
  graph.initializers.forEach((t, name) => {
    const v = graph.value(name);
    v.tensor = t;
    v.dtype = t.dtype;
    v.shape = t.dims;
  });
  if (outer) seedOuter(graph, outer);
  const report: InferReport = { unknownOps: [], unresolved: [] };
  const ctx = new Context(graph);
  // topoOrder indexes the graph: each node's inValues/outValues are its values, no lookups.
  const order = topoOrder(graph);
  for (let i = 0; i < order.length; i++) {
    const node = order[i]!;
    const result = inferOne(ctx, node, node.inValues, node.outValues);
    if (result === 'unknown op') report.unknownOps.push(node);
    else if (result === 'unresolved') report.unresolved.push(node);
  }
  if (key !== undefined) graph.markShapes({ key, basis: basis!, unknownOps: report.unknownOps.slice(), unresolved: report.unresolved.slice() });
  return report;
}

/**
 * What inference reads besides the nodes, initializers and attributes the graph's version
 * counts: the opsets (their stamp) and each graph input's declared type, fields anyone may set
 * directly: the declared object, and its dtype and shape too, in case they were changed in place.
 */
function basisOf(graph: Graph): unknown[] {
  // Sized at once and filled by index. Built with for…of and push, it cost analysis about 1.5%
  // (`bench:analyze-ab`, AB_PART=analyze, seven small and medium models, against 125cf69, the
  // tree before the architecture step: 1.015 as it was, 1.000 with no basis, 0.997–1.022 in
  // four runs of this; A/A 1.000).
  const inputs = graph.inputs;
  const values = graph.values;
  const b: unknown[] = new Array(1 + 3 * inputs.length);
  b[0] = graph.opsets.stamp;
  for (let i = 0; i < inputs.length; i++) {
    const d = values.get(inputs[i]!)?.declared;
    b[1 + 3 * i] = d;
    b[2 + 3 * i] = d?.dtype;
    b[3 + 3 * i] = d?.shape;
  }
  return b;
}

function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Values a subgraph reads from outside itself take the outer values' types and contents. */
function seedOuter(graph: Graph, outer: ReadonlyMap<string, Value>): void {
  const defined = new Set<string>([...graph.inputs, ...graph.initializers.keys()]);
  for (const n of graph.nodes) for (const o of n.outputs) defined.add(o);
  for (const n of graph.nodes) {
    for (const name of [...n.inputs, ...n.outerReads]) {
      if (!name || defined.has(name)) continue;
      const o = outer.get(name);
      if (!o) continue;
      const v = graph.value(name);
      v.dtype = o.dtype;
      v.shape = o.shape;
      v.folded = o.folded;
      v.symbolic = o.symbolic;
      v.tensor = o.tensor;
    }
  }
}

registerSubgraphInfer((g, outer) => {
  // A subgraph's inputs (Scan slices) may carry symbolic dims: kept, never bound to 1.
  inferShapes(g, { symbolic: true }, outer);
});

/**
 * Infer one node whose inputs are already known (builders call this as they add nodes).
 * Returns what happened: its outputs are set, its op is unknown, or an input was unknown.
 */
export function inferNode(graph: Graph, node: Node): 'ok' | 'unknown op' | 'unresolved' {
  // Looked up by name: builders call this after each node they add, so indexing the whole graph
  // each time would be quadratic.
  const ins = node.inputs.map((name) => (name ? graph.values.get(name) : undefined));
  const outs = node.outputs.map((name) => (name ? graph.value(name) : undefined));
  return inferOne(new Context(graph), node, ins, outs);
}

function inferOne(ctx: Context, node: Node, ins: readonly (Value | undefined)[], outValues: readonly (Value | undefined)[]): 'ok' | 'unknown op' | 'unresolved' {
  const op = ctx.ops.resolve(node);
  if (op.def === undefined) return 'unknown op';
  const outs = ctx.run(node, op, ins);
  if (!outs) return 'unresolved';
  for (let i = 0; i < outValues.length; i++) {
    const v = outValues[i];
    const o = outs[i];
    if (!v || !o) continue;
    v.dtype = o.dtype;
    v.shape = o.shape;
    v.folded = o.folded;
    v.symbolic = o.folded ? undefined : o.symbolic;
    v.tensor = o.tensor;
  }
  return 'ok';
}

/** One context object, pointed at each node in turn (no closures per node). */
class Context implements InferContext<unknown> {
  node!: Node;
  attrs: unknown;
  opset = 1;
  private ins: readonly (Value | undefined)[] = [];
  /** The ops' cache of this graph, looked up once per walk. */
  readonly ops: GraphOps;

  constructor(readonly graph: Graph) {
    this.ops = graphOps(graph);
  }

  run(node: Node, op: ResolvedOp, ins: readonly (Value | undefined)[]): OutputInfo[] | undefined {
    this.node = node;
    this.opset = op.opset;
    this.ins = ins;
    try {
      this.attrs = this.ops.parsed(op);
      const outs = op.def!.infer(this);
      for (let k = 0; k < outs.length; k++) {
        const shape = outs[k]!.shape;
        if (!shape) continue;
        for (let a = 0; a < shape.length; a++) {
          const d = shape[a]!;
          if (typeof d === 'number' && (!Number.isSafeInteger(d) || d < 0)) this.fail(`inferred an invalid dim ${d} in [${shape.join(',')}]`);
        }
      }
      return outs;
    } catch (e) {
      if (e instanceof UnknownInput) return undefined;
      if (e instanceof LeannetError) throw e;
      throw new ShapeInferenceError(nodeContext(node.opType, node.name) + (e as Error).message, { cause: e });
    }
  }

  private input(i: number): Value {
    const v = this.ins[i];
    if (!v) throw UNKNOWN;
    return v;
  }

  has(i: number): boolean {
    return !!this.node.inputs[i];
  }

  dtype(i: number): DType {
    const d = this.input(i).dtype;
    if (d === undefined) throw UNKNOWN;
    return d;
  }

  shape(i: number): Shape {
    const s = this.input(i).shape;
    if (s === undefined) throw UNKNOWN;
    return s;
  }

  staticShape(i: number): number[] {
    const s = this.input(i).shape;
    if (!s || !isStatic(s)) throw UNKNOWN;
    return s as number[];
  }

  folded(i: number): readonly number[] | undefined {
    return this.fold(i, PASS_LIMIT);
  }

  values(i: number): readonly number[] {
    const f = this.fold(i, FOLD_LIMIT);
    if (!f) throw UNKNOWN;
    return f;
  }

  dims(i: number): readonly Dim[] | undefined {
    return this.fold(i, PASS_LIMIT) ?? this.ins[i]?.symbolic;
  }

  dimValues(i: number): readonly Dim[] {
    const d = this.fold(i, FOLD_LIMIT) ?? this.ins[i]?.symbolic;
    if (!d) throw UNKNOWN;
    return d;
  }

  tryValues(i: number): readonly Dim[] | undefined {
    return this.fold(i, FOLD_LIMIT) ?? this.ins[i]?.symbolic;
  }

  private fold(i: number, limit: number): readonly number[] | undefined {
    const v = this.ins[i];
    if (!v) return undefined;
    if (v.folded) return v.folded;
    const t = v.tensor;
    if (t && t.numel <= limit && t.dtype !== 'string' && t.dtype !== 'bool' && (t.isInline || t.source.kind === 'fill')) v.folded = t.toNumbers();
    return v.folded;
  }

  constant(i: number): Tensor | undefined {
    return this.ins[i]?.tensor;
  }

  /** An arrow property: ops pass `ctx.fail` on as a callback. */
  fail = (message: string): never => {
    throw new ShapeInferenceError(nodeContext(this.node.opType, this.node.name) + message);
  };
}
