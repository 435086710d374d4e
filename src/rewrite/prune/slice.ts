/**
 * Removing one group's channels from the graph: every tensor that carries them loses them, and
 * every edit tied to such a tensor slices its weights (conv outputs and inputs, depthwise
 * filters and group, BN statistics, per-channel constants, Gemm columns, Split sizes, Slice
 * bounds, Reshape shapes). Each tensor keeps the list of its original channels still alive, so
 * groups can be removed one after another in any order and each edit slices the current weights.
 */
import { int, Tensor, type Graph, type Node } from '../../ir/index.js';
import type { RefitTarget } from '../types.js';
import { addWeight, floatWeights } from '../weights.js';
import { isConst, type ChannelGroup, type Dependencies, type Edit } from './groups.js';

/** The analysis and what the groups removed so far left of each tensor's channels. */
export interface PruneState {
  deps: Dependencies;
  /** Original channel indices still present, by tensor (absent: all). */
  alive: Map<string, number[]>;
}

/** A constant's values (seen through Identity / Unsqueeze / Reshape / Squeeze) with the shape `name` has. */
export function constData(graph: Graph, name: string): { data: Float32Array; dims: readonly number[] } | undefined {
  const v = graph.values.get(name);
  if (v?.tensor) return floatWeights(graph, name, name);
  const p = graph.producer(name);
  if (!p || !isConst(graph, name) || !v?.shape?.every((d) => typeof d === 'number')) return undefined;
  const src = constData(graph, p.inputs[0]!);
  return src && { data: src.data, dims: v.shape as number[] };
}

/** Keep `positions` (ascending) of axis `axis`. */
export function sliceAxis(data: Float32Array, dims: readonly number[], axis: number, positions: readonly number[]): { data: Float32Array; dims: number[] } {
  const outer = dims.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const n = dims[axis]!;
  const out = new Float32Array(outer * positions.length * inner);
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (const p of positions) {
      // A loop, not subarray + set: inner is often 1 (the input axis of a 1×1 conv) or k².
      for (let j = 0, from = (o * n + p) * inner; j < inner; j++) out[k++] = data[from + j]!;
    }
  }
  const d = [...dims];
  d[axis] = positions.length;
  return { data: out, dims: d };
}

const total = (state: PruneState, t: string) => state.deps.layouts.get(t)!.pieces.reduce((s, p) => s + p.len, 0);
const aliveOf = (state: PruneState, t: string) => state.alive.get(t) ?? Array.from({ length: total(state, t) }, (_, i) => i);

function int64(graph: Graph, base: string, values: readonly number[]): string {
  const name = graph.uniqueValueName(base);
  graph.setInitializer(name, Tensor.fromArray('int64', [values.length], BigInt64Array.from(values.map((v) => BigInt(v)))));
  return name;
}

export interface GroupResult {
  /** Nodes whose weights, attributes or inputs changed. */
  touched: Node[];
  /** Consumers that lost input channels, with those they kept. */
  refit: RefitTarget[];
}

/** Remove from the graph the channels of `group` not in `kept` (indices into the group, ascending). */
export function removeChannels(graph: Graph, state: PruneState, group: ChannelGroup, kept: readonly number[]): GroupResult {
  const { deps } = state;
  const keep = new Set(kept);
  const touched = new Set<Node>();
  const refit: RefitTarget[] = [];
  const orphans: Node[] = [];
  // Input edits collect here and reach the graph together at the end (Graph.setNodeIO): the
  // graph's index then stays as it was while the slices look producers up by the old names.
  const edited = new Map<Node, string[]>();
  const ins = (node: Node): readonly string[] => edited.get(node) ?? node.inputs;
  const setInput = (node: Node, i: number, name: string) => {
    const p = graph.producer(ins(node)[i]!);
    if (p) orphans.push(p);
    let list = edited.get(node);
    if (!list) edited.set(node, (list = node.inputs.slice()));
    while (list.length <= i) list.push('');
    list[i] = name;
    touched.add(node);
  };
  const sliceInput = (node: Node, i: number, axis: number, positions: readonly number[]) => {
    const c = constData(graph, ins(node)[i]!)!;
    const s = sliceAxis(c.data, c.dims, axis, positions);
    setInput(node, i, addWeight(graph, `${node.name}.pruned`, s.dims, s.data));
  };
  const run = (e: Edit, t: string, positions: readonly number[]) => {
    const n = e.node;
    switch (e.kind) {
      case 'convOut':
      case 'depthwise':
        sliceInput(n, 1, 0, positions);
        if (ins(n)[2]) sliceInput(n, 2, 0, positions);
        if (e.kind === 'depthwise') graph.setAttr(n, 'group', int(positions.length));
        break;
      case 'convIn':
        sliceInput(n, 1, 1, positions);
        refit.push({ node: n.name, input: t, kept: aliveOf(state, t), of: total(state, t) });
        break;
      case 'const':
        sliceInput(n, e.input, e.axis, positions);
        break;
      case 'features':
        sliceInput(n, 1, e.axis, positions.flatMap((p) => Array.from({ length: e.spatial }, (_, j) => p * e.spatial + j)));
        refit.push({ node: n.name, input: t, kept: aliveOf(state, t), of: total(state, t) });
        break;
      case 'split': {
        const sizes = n.outputs.map((o) => aliveOf(state, o).length);
        if (ins(n)[1] || (graph.opset('') ?? 13) >= 13) {
          setInput(n, 1, int64(graph, `${n.name}.split_pruned`, sizes));
          graph.setAttr(n, 'num_outputs', undefined);
        } else graph.setAttr(n, 'split', { type: 'ints', value: sizes });
        touched.add(n);
        break;
      }
      case 'slice': {
        const a = aliveOf(state, t);
        const count = (v: number) => a.filter((c) => c < v).length;
        for (const [i, v] of [[1, count(e.start)], [2, count(e.end)]] as const) {
          const vals = graph.values.get(ins(n)[i]!)!.tensor!.toNumbers();
          vals[e.index] = v;
          setInput(n, i, int64(graph, `${n.name}.bounds_pruned`, vals));
        }
        break;
      }
      case 'reshape': {
        const vals = graph.values.get(ins(n)[1]!)?.tensor?.toNumbers() ?? (graph.values.get(ins(n)[1]!)!.folded as number[]).slice();
        if (vals[1]! > 0) {
          vals[1] = aliveOf(state, t).length * e.spatial;
          setInput(n, 1, int64(graph, `${n.name}.shape_pruned`, vals));
        }
        break;
      }
    }
  };

  for (const [t, layout] of deps.layouts) {
    if (!layout.pieces.some((p) => deps.find(p.space) === group.root)) continue;
    const drop = new Set<number>();
    let at = 0;
    for (const p of layout.pieces) {
      if (deps.find(p.space) === group.root) for (let k = 0; k < p.len; k++) if (!keep.has(p.start + k)) drop.add(at + k);
      at += p.len;
    }
    if (drop.size === 0) continue;
    const old = aliveOf(state, t);
    const positions: number[] = [];
    old.forEach((c, i) => !drop.has(c) && positions.push(i));
    state.alive.set(t, positions.map((i) => old[i]!));
    // A shape the file declared for it (value_info) no longer holds; inference gives the new one.
    const v = graph.values.get(t);
    if (v) v.declared = undefined;
    for (const e of deps.edits.get(t) ?? []) run(e, t, positions);
  }
  edited.forEach((list, node) => graph.setNodeIO(node, list));
  removeOrphans(graph, orphans);
  return { touched: [...touched], refit };
}

/** Remove the nodes that only fed inputs a slice replaced (Unsqueeze, Identity, ConstantOfShape, …). */
function removeOrphans(graph: Graph, start: Node[]): void {
  const removed = new Set<Node>();
  const queue = [...start];
  while (queue.length) {
    const n = queue.pop()!;
    if (removed.has(n)) continue;
    if (n.outputs.some((o) => o && (graph.outputs.includes(o) || graph.consumers(o).some((c) => !removed.has(c))))) continue;
    removed.add(n);
    graph.removeNode(n);
    for (const i of n.inputs) {
      const p = i ? graph.producer(i) : undefined;
      if (p) queue.push(p);
    }
  }
}
