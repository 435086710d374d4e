/**
 * Cost of one node, in the names of DESIGN.md: params, buffers, madds, flops, memAccess
 * (elements read + written, and bytes), elementwise, intensity. View and shape ops move
 * no data (runtimes alias or fold them), so their memAccess is 0.
 */
import { bytesPerElement, isStatic, type Graph, type Node, type Value } from '../ir/index.js';
import { graphOps, product, type GraphOps, type ConvKind, type OpCategory, type Work } from '../ops/index.js';

export interface NodeCost {
  readonly node: Node;
  /** The op family's category, or 'unknown' when leannet has no definition for the op. */
  readonly category: OpCategory | 'unknown';
  /** For convs. */
  readonly kind: ConvKind | undefined;
  /** False when the op is unknown or a shape it needs is unknown: the numbers below are then 0. */
  readonly known: boolean;
  readonly params: number;
  readonly buffers: number;
  readonly madds: number;
  readonly flops: number;
  readonly memAccess: number;
  readonly memAccessBytes: number;
  readonly elementwise: number;
  /** flops / memAccess bytes. */
  readonly intensity: number;
}

/** A node's cost as `measureNode` writes it: one record reused for every node of a model. */
export interface CostRecord {
  category: NodeCost['category'];
  kind: ConvKind | undefined;
  known: boolean;
  madds: number;
  flops: number;
  memAccess: number;
  memAccessBytes: number;
  elementwise: number;
}

export function newCostRecord(): CostRecord {
  return { category: 'unknown', kind: undefined, known: false, madds: 0, flops: 0, memAccess: 0, memAccessBytes: 0, elementwise: 0 };
}

/** flops per byte moved; 0 when nothing moves. */
export function intensityOf(flops: number, memAccessBytes: number): number {
  return memAccessBytes > 0 ? flops / memAccessBytes : 0;
}

/**
 * Cost of one node of a graph whose shapes have been inferred; `params` and `buffers` are the
 * weights charged to it (each stored tensor to one node only, so shared weights count once).
 */
export function nodeCost(graph: Graph, node: Node, params = 0, buffers = 0): NodeCost {
  const r = newCostRecord();
  measureNode(graph, node, r);
  return {
    node,
    category: r.category,
    kind: r.kind,
    known: r.known,
    params,
    buffers,
    madds: r.madds,
    flops: r.flops,
    memAccess: r.memAccess,
    memAccessBytes: r.memAccessBytes,
    elementwise: r.elementwise,
    intensity: intensityOf(r.flops, r.memAccessBytes),
  };
}

/** Write one node's cost (everything but its weights) into `r`, which is overwritten. */
export function measureNode(graph: Graph, node: Node, r: CostRecord, ops: GraphOps = graphOps(graph)): void {
  r.kind = undefined;
  r.known = false;
  r.madds = 0;
  r.flops = 0;
  r.memAccess = 0;
  r.memAccessBytes = 0;
  r.elementwise = 0;
  const op = ops.resolve(node);
  const def = op.def;
  if (!def) {
    r.category = 'unknown';
    return;
  }
  r.category = def.category;
  graph.index();
  const ins = node.inValues;
  const outs = node.outValues;
  const inputs = staticShapes(ins, true, IN_POOL);
  const outputs = staticShapes(outs, false, OUT_POOL);
  if (!inputs || !outputs || !outputs[0]) return;

  let work: Work;
  try {
    if (def.work) {
      const ctx = WORK_CONTEXT;
      ctx.node = node;
      ctx.opset = op.opset;
      ctx.attrs = ops.parsed(op);
      ctx.inputs = inputs;
      ctx.outputs = outputs;
      work = def.work(ctx);
    } else work = NO_WORK;
  } catch {
    return;
  }
  let memAccess = 0;
  let memAccessBytes = 0;
  if (def.category !== 'view' && def.category !== 'shape') {
    const shapeSlots = def.shapeInputs;
    for (let i = 0; i < ins.length; i++) {
      const v = ins[i];
      if (!v || (shapeSlots !== undefined && shapeSlots.includes(i))) continue;
      const n = product(inputs[i]!);
      memAccess += n;
      if (v.dtype) memAccessBytes += n * bytesPerElement(v.dtype);
    }
    for (let i = 0; i < outs.length; i++) {
      const v = outs[i];
      if (!v || !outputs[i]) continue;
      const n = product(outputs[i]!);
      memAccess += n;
      if (v.dtype) memAccessBytes += n * bytesPerElement(v.dtype);
    }
  }
  const madds = work.madds ?? 0;
  const elementwise = work.elementwise ?? 0;
  r.known = true;
  r.kind = work.kind;
  r.madds = madds;
  r.flops = work.flops ?? (madds ? 2 * madds : elementwise);
  r.memAccess = memAccess;
  r.memAccessBytes = memAccessBytes;
  r.elementwise = elementwise;
}

const NO_WORK: Work = {};

/**
 * One work context and one shape list per arity, reused for every node: work functions read
 * them and keep nothing, and a model has thousands of nodes.
 */
const WORK_CONTEXT: { node: Node; attrs: unknown; opset: number; inputs: Shapes; outputs: Shapes } = { node: undefined as unknown as Node, attrs: undefined, opset: 1, inputs: [], outputs: [] };
type Shapes = (readonly number[] | undefined)[];
const IN_POOL: Shapes[] = [];
const OUT_POOL: Shapes[] = [];

/**
 * Each value's static shape (undefined for an omitted value or, unless `strict`, one whose shape
 * is not static); with `strict`, undefined as a whole when a present value's shape is not static.
 */
function staticShapes(values: readonly (Value | undefined)[], strict: boolean, pool: Shapes[]): Shapes | undefined {
  const out = (pool[values.length] ??= new Array<readonly number[] | undefined>(values.length));
  for (let i = 0; i < values.length; i++) {
    const s = values[i]?.shape;
    if (s !== undefined && isStatic(s)) out[i] = s;
    else if (strict && values[i]) return undefined;
    else out[i] = undefined;
  }
  return out;
}
