/**
 * Channel dependency groups of an ONNX graph (what Torch-Pruning's DepGraph finds for PyTorch).
 * Each Conv's output channels form a channel space; every tensor's channel axis is a list of
 * pieces of spaces (a Concat joins lists, a Split cuts them, BN / activations / pooling /
 * depthwise convs pass them on). An element-wise op over two tensors of the same channels (a
 * residual Add) unites their spaces into one group. A group is prunable when nothing on its
 * path reads its channels in a way leannet cannot slice: those it lists with the reason.
 */
import { attrInt, type Graph, type Node } from '../../ir/index.js';
import { parseConv } from '../../ops/index.js';

/** Channels [start, start+len) of a space, in order, on a tensor's channel axis. */
export interface Piece {
  space: number;
  start: number;
  len: number;
}

/** A tensor's channel axis (axis 1): feature f is channel ⌊f / spatial⌋ (spatial > 1 after Flatten of C×H×W). */
export interface Layout {
  pieces: Piece[];
  spatial: number;
}

/** A slicing step tied to the channels of one tensor. */
export type Edit =
  | { kind: 'convOut'; node: Node }
  | { kind: 'convIn'; node: Node }
  | { kind: 'depthwise'; node: Node }
  | { kind: 'const'; node: Node; input: number; axis: number }
  | { kind: 'features'; node: Node; axis: number; spatial: number }
  | { kind: 'split'; node: Node }
  | { kind: 'slice'; node: Node; start: number; end: number; index: number }
  | { kind: 'reshape'; node: Node; spatial: number };

export interface Space {
  size: number;
  parent: number;
  /** The Conv whose output channels this space is (none for graph inputs and opaque tensors). */
  producer: Node | undefined;
  reasons: string[];
}

export interface ChannelGroup {
  /** 'g0', 'g1', … in the order of their first producer. */
  id: string;
  root: number;
  size: number;
  producers: Node[];
  /** Why it cannot be pruned (empty when it can). */
  reasons: string[];
}

export interface Dependencies {
  spaces: Space[];
  layouts: Map<string, Layout>;
  edits: Map<string, Edit[]>;
  groups: ChannelGroup[];
  find(space: number): number;
}

const UNARY = new Set([
  'Relu', 'LeakyRelu', 'Clip', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Elu', 'Selu', 'Celu', 'Softplus', 'Softsign', 'Gelu', 'Mish',
  'Identity', 'Dropout', 'Neg', 'Abs', 'Exp', 'Sqrt', 'Erf', 'ThresholdedRelu', 'Floor', 'Ceil', 'Round', 'Sin', 'Cos', 'Reciprocal',
]);
const POOLS = new Set(['MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'LpPool', 'GlobalLpPool']);
const ELEMENTWISE = new Set(['Add', 'Sub', 'Mul', 'Div', 'Max', 'Min', 'Sum', 'Mean', 'PRelu', 'Pow']);
const NORMS = new Set(['BatchNormalization', 'InstanceNormalization']);
/** Ops whose constant inputs are the same values under another shape. */
const CONST_VIEWS = new Set(['Identity', 'Unsqueeze', 'Reshape', 'Squeeze']);

/** True when `name` is a constant: a tensor, or one seen through Identity / Unsqueeze / Reshape / Squeeze. */
export function isConst(graph: Graph, name: string | undefined): boolean {
  if (!name) return false;
  if (graph.values.get(name)?.tensor) return true;
  const p = graph.producer(name);
  return !!p && CONST_VIEWS.has(p.opType) && isConst(graph, p.inputs[0]) && p.inputs.slice(1).every((i) => !i || isConst(graph, i));
}

const numericShape = (graph: Graph, name: string | undefined): number[] | undefined => {
  const s = name ? graph.values.get(name)?.shape : undefined;
  return s && s.every((d) => typeof d === 'number') ? (s as number[]) : undefined;
};

const intsOf = (graph: Graph, name: string | undefined): number[] | undefined =>
  name ? graph.values.get(name)?.tensor?.toNumbers() ?? (graph.values.get(name)?.folded as number[] | undefined) : undefined;

/** The channels [start, end) of a layout (spatial 1), as pieces. */
function subLayout(l: Layout, start: number, end: number): Layout {
  const pieces: Piece[] = [];
  let at = 0;
  for (const p of l.pieces) {
    const a = Math.max(start, at);
    const b = Math.min(end, at + p.len);
    if (a < b) pieces.push({ space: p.space, start: p.start + (a - at), len: b - a });
    at += p.len;
  }
  return { pieces, spatial: l.spatial };
}

export function findDependencies(graph: Graph): Dependencies {
  const spaces: Space[] = [];
  const layouts = new Map<string, Layout>();
  const edits = new Map<string, Edit[]>();
  const find = (s: number): number => {
    while (spaces[s]!.parent !== s) s = spaces[s]!.parent = spaces[spaces[s]!.parent]!.parent;
    return s;
  };
  const fresh = (size: number, producer?: Node, reason?: string): Layout => {
    spaces.push({ size, parent: spaces.length, producer, reasons: reason ? [reason] : [] });
    return { pieces: [{ space: spaces.length - 1, start: 0, len: size }], spatial: 1 };
  };
  const poison = (name: string, reason: string) => {
    for (const p of layouts.get(name)?.pieces ?? []) spaces[p.space]!.reasons.push(reason);
  };
  const edit = (tensor: string, e: Edit) => {
    const list = edits.get(tensor);
    if (list) list.push(e);
    else edits.set(tensor, [e]);
  };
  const channels = (name: string | undefined) => numericShape(graph, name)?.[1];
  const isFloat = (name: string) => {
    const t = graph.values.get(name)?.dtype;
    return t === 'float32' || t === 'float16' || t === 'float64' || t === 'bfloat16';
  };
  /** Unite two layouts of equal channels piece by piece; parts that do not line up make both unprunable. */
  const unify = (a: Layout, b: Layout, node: Node) => {
    const bad = (why: string) => {
      for (const p of [...a.pieces, ...b.pieces]) spaces[p.space]!.reasons.push(`${node.label} ${why}`);
    };
    if (a.spatial !== b.spatial) return bad('joins tensors of different layouts');
    const cuts = (l: Layout) => {
      let at = 0;
      return l.pieces.map((p) => (at += p.len));
    };
    if (cuts(a).join() !== cuts(b).join()) return bad('joins channels that do not line up with whole groups');
    a.pieces.forEach((p, i) => {
      const q = b.pieces[i]!;
      const [rp, rq] = [find(p.space), find(q.space)];
      if (rp === rq && p.start === q.start) return;
      const whole = (x: Piece) => x.start === 0 && x.len === spaces[x.space]!.size;
      if (!whole(p) || !whole(q)) return bad('joins parts of channel groups');
      spaces[rq]!.parent = rp;
    });
  };
  /** An op leannet does not follow: its inputs' channels are frozen, its outputs are new frozen spaces. */
  const opaque = (n: Node, why = 'reads the channels') => {
    const read = n.inputs.filter((i) => i && layouts.has(i));
    for (const i of read) poison(i, `${n.label} ${why}`);
    if (read.length === 0) return;
    for (const o of n.outputs) {
      const c = channels(o);
      if (o && c !== undefined && isFloat(o) && (numericShape(graph, o)?.length ?? 0) >= 2) layouts.set(o, fresh(c, undefined, `produced by ${n.label}`));
    }
  };

  for (const name of graph.inputs) {
    const c = channels(name);
    if (c !== undefined && isFloat(name)) layouts.set(name, fresh(c, undefined, `graph input '${name}'`));
  }
  for (const n of graph.nodes) {
    const x = n.inputs[0] ?? '';
    const lx = layouts.get(x);
    const out = n.outputs[0] ?? '';
    if (n.domain && n.domain !== 'ai.onnx') {
      opaque(n);
      continue;
    }
    switch (n.opType) {
      case 'Conv': {
        const w = numericShape(graph, n.inputs[1]);
        const cIn = channels(x);
        if (!w || cIn === undefined || !isConst(graph, n.inputs[1]) || (n.inputs[2] && !isConst(graph, n.inputs[2]))) {
          opaque(n, 'has weights that are not constant');
          break;
        }
        const g = parseConv(n).group;
        if (g === 1) {
          if (lx) edit(x, { kind: 'convIn', node: n });
          layouts.set(out, fresh(w[0]!, n));
          edit(out, { kind: 'convOut', node: n });
        } else if (g === cIn && w[0] === cIn && lx) {
          layouts.set(out, { pieces: lx.pieces.map((p) => ({ ...p })), spatial: 1 });
          edit(out, { kind: 'depthwise', node: n });
        } else {
          const why = `is a group conv (g=${g}) that is not depthwise`;
          if (lx) poison(x, `${n.label} ${why}`);
          layouts.set(out, fresh(w[0]!, undefined, `${n.label} ${why}`));
        }
        break;
      }
      case 'BatchNormalization':
      case 'InstanceNormalization': {
        const params = n.inputs.slice(1);
        if (!lx || lx.spatial !== 1 || !params.every((p) => isConst(graph, p)) || n.outputs.slice(1).some((o) => o && graph.consumers(o).length)) {
          opaque(n, 'has statistics that are not constant');
          break;
        }
        layouts.set(out, lx);
        params.forEach((p, i) => p && edit(out, { kind: 'const', node: n, input: i + 1, axis: 0 }));
        break;
      }
      case 'Concat': {
        const ins = n.inputs.map((i) => layouts.get(i));
        const rank = numericShape(graph, out)?.length ?? 0;
        const axis = attrInt(n, 'axis', 1);
        if (ins.some((l) => !l || l.spatial !== 1)) {
          opaque(n, 'concatenates tensors whose channels are not tracked');
          break;
        }
        if ((axis + rank) % rank === 1) layouts.set(out, { pieces: ins.flatMap((l) => l!.pieces.map((p) => ({ ...p }))), spatial: 1 });
        else {
          ins.slice(1).forEach((l) => unify(ins[0]!, l!, n));
          layouts.set(out, ins[0]!);
        }
        break;
      }
      case 'Split': {
        const rank = numericShape(graph, x)?.length ?? 0;
        const axis = (attrInt(n, 'axis', 0) + rank) % rank;
        if (!lx || lx.spatial !== 1) {
          opaque(n);
          break;
        }
        if (axis !== 1) {
          for (const o of n.outputs) layouts.set(o, lx);
          break;
        }
        let at = 0;
        n.outputs.forEach((o) => {
          const c = channels(o)!;
          layouts.set(o, subLayout(lx, at, at + c));
          edit(o, { kind: 'split', node: n });
          at += c;
        });
        break;
      }
      case 'Slice': {
        const shape = numericShape(graph, x);
        const [starts, ends, axes, steps] = [1, 2, 3, 4].map((i) => intsOf(graph, n.inputs[i]));
        if (!lx || lx.spatial !== 1 || !shape || !starts || !ends || (n.inputs[3] && !axes) || (n.inputs[4] && !steps)) {
          opaque(n, 'slices with bounds that are not constant');
          break;
        }
        const ax = (axes ?? starts.map((_, i) => i)).map((a) => (a + shape.length) % shape.length);
        const k = ax.indexOf(1);
        if (k < 0) {
          layouts.set(out, lx);
          break;
        }
        if ((steps?.[k] ?? 1) !== 1) {
          opaque(n, 'slices channels with a step');
          break;
        }
        const c = shape[1]!;
        const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + c : v, 0), c);
        const [s, e] = [clamp(starts[k]!), clamp(ends[k]!)];
        layouts.set(out, subLayout(lx, s, Math.max(s, e)));
        edit(x, { kind: 'slice', node: n, start: s, end: Math.max(s, e), index: k });
        break;
      }
      case 'Flatten':
      case 'Reshape': {
        const si = numericShape(graph, x);
        const so = numericShape(graph, out);
        const axisOk = n.opType === 'Flatten' ? attrInt(n, 'axis', 1) === 1 : isConst(graph, n.inputs[1]);
        if (!lx || lx.spatial !== 1 || !si || !so || so.length !== 2 || !axisOk || so[0] !== si[0] || so[1] !== si.slice(1).reduce((a, b) => a * b, 1)) {
          opaque(n, 'mixes the channel axis with others');
          break;
        }
        const spatial = si.slice(2).reduce((a, b) => a * b, 1);
        layouts.set(out, { pieces: lx.pieces, spatial });
        if (n.opType === 'Reshape') edit(x, { kind: 'reshape', node: n, spatial });
        break;
      }
      case 'Gemm':
      case 'MatMul': {
        const b = n.inputs[1];
        const gemmOk = n.opType === 'MatMul' || attrInt(n, 'transA', 0) === 0;
        if (!lx || !gemmOk || !isConst(graph, b) || numericShape(graph, x)?.length !== 2 || numericShape(graph, b)?.length !== 2) {
          opaque(n, 'multiplies the features by weights that are not a constant matrix');
          break;
        }
        const axis = n.opType === 'Gemm' && attrInt(n, 'transB', 0) === 1 ? 1 : 0;
        edit(x, { kind: 'features', node: n, axis, spatial: lx.spatial });
        break;
      }
      default: {
        if (UNARY.has(n.opType) || POOLS.has(n.opType)) {
          if (!lx || (POOLS.has(n.opType) && lx.spatial !== 1)) opaque(n);
          else layouts.set(out, lx);
          break;
        }
        if (ELEMENTWISE.has(n.opType)) {
          elementwise(n);
          break;
        }
        opaque(n);
      }
    }
  }

  function elementwise(n: Node): void {
    const out = n.outputs[0]!;
    const so = numericShape(graph, out);
    const c = so?.[1];
    if (!so || c === undefined) return opaque(n);
    const tracked: Layout[] = [];
    const consts: { input: number; axis: number }[] = [];
    for (let i = 0; i < n.inputs.length; i++) {
      const name = n.inputs[i]!;
      const s = numericShape(graph, name);
      if (!s) return opaque(n, 'reads a tensor of unknown shape');
      const axis = 1 - (so.length - s.length);
      const ci = axis >= 0 ? s[axis] : 1;
      if (isConst(graph, name)) {
        if (ci !== 1 && ci === c) consts.push({ input: i, axis });
        else if (ci !== 1) return opaque(n);
        continue;
      }
      const l = layouts.get(name);
      if (ci === 1 && c !== 1) continue;
      if (!l || s.length !== so.length) return opaque(n, 'combines tracked channels with untracked ones');
      tracked.push(l);
    }
    if (tracked.length === 0) return;
    for (const l of tracked.slice(1)) unify(tracked[0]!, l, n);
    layouts.set(out, tracked[0]!);
    for (const k of consts) edit(out, { kind: 'const', node: n, ...k });
  }

  for (const o of graph.outputs) poison(o, `graph output '${o}' exposes the channels`);

  const byRoot = new Map<number, ChannelGroup>();
  spaces.forEach((s, i) => {
    const r = find(i);
    let g = byRoot.get(r);
    if (!g) byRoot.set(r, (g = { id: '', root: r, size: spaces[r]!.size, producers: [], reasons: [] }));
    if (s.producer) g.producers.push(s.producer);
    for (const why of s.reasons) if (!g.reasons.includes(why)) g.reasons.push(why);
  });
  const groups = [...byRoot.values()].filter((g) => g.producers.length > 0);
  groups.forEach((g, i) => (g.id = `g${i}`));
  return { spaces, layouts, edits, groups, find };
}


