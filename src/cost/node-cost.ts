/**
 * Cost of one node, in the names of DESIGN.md: params, buffers, madds, flops, memAccess
 * (elements read + written, and bytes), elementwise, intensity. View and shape ops move
 * no data (runtimes alias or fold them), so their memAccess is 0.
 */
import { bytesPerElement, isStatic, type Graph, type Node, type Shape } from '../ir/index.js';
import { opOf, parsedAttrs, type ConvKind, type OpCategory, type OpDef, type Work } from '../ops/index.js';

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

function unknownCost(node: Node, category: NodeCost['category'], params: number, buffers: number): NodeCost {
  return { node, category, kind: undefined, known: false, params, buffers, madds: 0, flops: 0, memAccess: 0, memAccessBytes: 0, elementwise: 0, intensity: 0 };
}

/** Weights charged to `node` (each stored tensor to one node only, so shared weights count once). */
export function chargedWeights(owned: readonly { role: 'param' | 'buffer'; numel: number }[] | undefined): { params: number; buffers: number } {
  let params = 0;
  let buffers = 0;
  for (const w of owned ?? []) {
    if (w.role === 'param') params += w.numel;
    else buffers += w.numel;
  }
  return { params, buffers };
}

export function nodeCost(graph: Graph, node: Node, owned: readonly { role: 'param' | 'buffer'; numel: number }[] | undefined): NodeCost {
  const opset = graph.opset(node.domain) ?? 1;
  const def = opOf(graph, node);
  const { params, buffers } = chargedWeights(owned);
  if (!def) return unknownCost(node, 'unknown', params, buffers);

  const inputs: (readonly number[] | undefined)[] = [];
  for (const name of node.inputs) {
    const s = name ? staticShape(graph, name) : undefined;
    if (name && !s) return unknownCost(node, def.category, params, buffers);
    inputs.push(s);
  }
  const outputs = node.outputs.map((name) => (name ? staticShape(graph, name) : undefined));
  if (!outputs[0]) return unknownCost(node, def.category, params, buffers);

  let work: Work;
  try {
    work = def.work ? def.work({ node, attrs: parsedAttrs(node, def as OpDef<unknown>, opset), inputs, outputs }) : {};
  } catch {
    return unknownCost(node, def.category, params, buffers);
  }
  let memAccess = 0;
  let memAccessBytes = 0;
  if (def.category !== 'view' && def.category !== 'shape') {
    const shapeSlots = def.shapeInputs;
    const add = (name: string, shape: readonly number[] | undefined) => {
      if (!shape) return;
      let n = 1;
      for (const d of shape) n *= d;
      const dtype = graph.values.get(name)?.dtype;
      memAccess += n;
      if (dtype) memAccessBytes += n * bytesPerElement(dtype);
    };
    node.inputs.forEach((name, i) => name && !shapeSlots?.includes(i) && add(name, inputs[i]));
    node.outputs.forEach((name, i) => name && add(name, outputs[i]));
  }
  const madds = work.madds ?? 0;
  const elementwise = work.elementwise ?? 0;
  const flops = work.flops ?? (madds ? 2 * madds : elementwise);
  return {
    node,
    category: def.category,
    kind: work.kind,
    known: true,
    params,
    buffers,
    madds,
    flops,
    memAccess,
    memAccessBytes,
    elementwise,
    intensity: memAccessBytes > 0 ? flops / memAccessBytes : 0,
  };
}

function staticShape(graph: Graph, name: string): readonly number[] | undefined {
  const s: Shape | undefined = graph.values.get(name)?.shape;
  return s && isStatic(s) ? s : undefined;
}
