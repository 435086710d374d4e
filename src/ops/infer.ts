/**
 * Shape inference over the whole graph, in topological order, with constant folding of shape
 * arithmetic (Shape → Gather → Unsqueeze → Concat → Reshape, as PyTorch exports write it).
 * Ops leannet does not know keep unknown outputs; everything downstream of them stays unknown.
 */
import { LeannetError, ShapeInferenceError, nodeContext } from '../errors.js';
import { isStatic, topoOrder, type Graph, type Node, type Shape, type Value } from '../ir/index.js';
import { bindInputs, type BindOptions } from './bind.js';
import { resolveOp } from './registry.js';
import type { InferContext, OpDef, OutputInfo } from './types.js';

/** Thrown by context accessors when an input's type, shape or contents are unknown. */
class UnknownInput extends Error {}

/** Small constants are folded (their values kept as numbers) for shape arithmetic. */
const FOLD_LIMIT = 4096;

export interface InferReport {
  /** Nodes whose op (domain, type, opset) leannet does not know. */
  unknownOps: Node[];
  /** Nodes whose outputs stayed unknown because an input was unknown. */
  unresolved: Node[];
}

/** Infer dtype and shape of every value; store them on the graph's values. */
export function inferShapes(graph: Graph, options: BindOptions = {}): InferReport {
  const bound = bindInputs(graph, options);
  const constant = new Set(graph.initializers.keys());
  for (const v of graph.values.values()) {
    if (constant.has(v.name)) continue;
    v.dtype = undefined;
    v.shape = undefined;
    v.folded = undefined;
    v.tensor = undefined;
  }
  for (const [name, shape] of bound) {
    const v = graph.value(name);
    v.dtype = v.declared?.dtype;
    v.shape = shape;
  }
  for (const [name, t] of graph.initializers) {
    const v = graph.value(name);
    v.tensor = t;
    v.dtype = t.dtype;
    v.shape = t.dims;
  }
  const report: InferReport = { unknownOps: [], unresolved: [] };
  for (const node of topoOrder(graph)) {
    const def = resolveOp(node.domain, node.opType, graph.opset(node.domain) ?? 1);
    if (!def) {
      report.unknownOps.push(node);
      continue;
    }
    const outs = runInfer(graph, node, def);
    if (!outs) {
      report.unresolved.push(node);
      continue;
    }
    node.outputs.forEach((name, i) => {
      const o = outs[i];
      if (!name || !o) return;
      const v = graph.value(name);
      v.dtype = o.dtype;
      v.shape = o.shape;
      v.folded = o.folded;
      v.tensor = o.tensor;
    });
  }
  return report;
}

/** The op's typed attribute record, parsed on first use and kept on the node. */
export function parsedAttrs<A>(node: Node, def: OpDef<A>, opset: number): A {
  if (node.parsed === undefined) node.parsed = def.parse ? def.parse(node, opset) : {};
  return node.parsed as A;
}

function runInfer(graph: Graph, node: Node, def: OpDef<unknown>): OutputInfo[] | undefined {
  const opset = graph.opset(node.domain) ?? 1;
  const input = (i: number): Value => {
    const name = node.inputs[i];
    if (!name) throw new UnknownInput();
    return graph.value(name);
  };
  const fail = (message: string): never => {
    throw new ShapeInferenceError(nodeContext(node.opType, node.name) + message);
  };
  const folded = (i: number): readonly number[] | undefined => {
    if (!node.inputs[i]) return undefined;
    const v = input(i);
    if (v.folded) return v.folded;
    const t = v.tensor;
    if (t && t.numel <= FOLD_LIMIT && t.dtype !== 'string' && t.dtype !== 'bool' && t.isInline) v.folded = t.toNumbers();
    else if (t && t.source.kind === 'fill' && t.numel <= FOLD_LIMIT) v.folded = t.toNumbers();
    return v.folded;
  };
  const ctx: InferContext<unknown> = {
    node,
    graph,
    opset,
    attrs: undefined,
    has: (i) => !!node.inputs[i],
    dtype: (i) => input(i).dtype ?? (() => { throw new UnknownInput(); })(),
    shape: (i) => input(i).shape ?? (() => { throw new UnknownInput(); })(),
    staticShape: (i) => {
      const s: Shape | undefined = input(i).shape;
      if (!s || !isStatic(s)) throw new UnknownInput();
      return s as number[];
    },
    folded,
    values: (i) => folded(i) ?? (() => { throw new UnknownInput(); })(),
    constant: (i) => (node.inputs[i] ? input(i).tensor : undefined),
    fail,
  };
  try {
    (ctx as { attrs: unknown }).attrs = parsedAttrs(node, def, opset);
    const outs = def.infer(ctx);
    for (const o of outs) {
      if (o.shape) for (const d of o.shape) if (typeof d === 'number' && (!Number.isSafeInteger(d) || d < 0)) fail(`inferred an invalid dim ${d} in [${o.shape.join(',')}]`);
    }
    return outs;
  } catch (e) {
    if (e instanceof UnknownInput) return undefined;
    if (e instanceof LeannetError) throw e;
    throw new ShapeInferenceError(nodeContext(node.opType, node.name) + (e as Error).message, { cause: e });
  }
}
