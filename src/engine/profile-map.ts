/**
 * Map the nodes onnxruntime actually ran (its optimised graph) back to leannet's Graph.
 * ORT fuses (Conv+BN+ReLU, Conv+Add, MatMul+Add), folds constants, removes no-ops and, at
 * level 'all', rewrites convs to its NCHWc layout with inserted reorder nodes. Each optimised
 * node is matched by name (ORT keeps the original node's name, or names an NCHWc node after
 * its output value with a `_nchwc` suffix) or by the original values it produces. Unmatched
 * original nodes join a neighbour along an edge with a single consumer: element-wise nodes the
 * group upstream of them (BN, activation or Add fused into a conv), convs and matmuls the group
 * downstream (a group named after the activation that ends it).
 */
import type { Graph, Node } from '../ir/index.js';

export type NodeStatus = 'run' | 'fused' | 'folded' | 'removed';

export interface Accounting {
  node: Node;
  status: NodeStatus;
  /** The optimised node it ran as (for 'run' and 'fused'). */
  group?: string;
}

export interface OptimisedMapping {
  /** Optimised node name → the original nodes it covers (empty for nodes ORT inserted). */
  groups: Map<string, Node[]>;
  accounting: Accounting[];
}

const HEADS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul', 'ConvInteger', 'QLinearConv', 'MatMulInteger']);

export function mapOptimised(original: Graph, optimised: Graph): OptimisedMapping {
  const byName = new Map(original.nodes.map((n) => [n.name, n]));
  const assigned = new Map<Node, string>();
  const groups = new Map<string, Node[]>();
  for (const o of optimised.nodes) {
    groups.set(o.name, []);
    const base = o.name.replace(/_nchwc$/, '');
    const named = byName.get(base) ?? original.producer(base);
    const claim = (n: Node | undefined) => {
      if (n && !assigned.has(n)) assigned.set(n, o.name);
    };
    claim(named);
    for (const out of o.outputs) claim(out ? original.producer(out) : undefined);
  }

  // Nodes whose inputs are all constants: ORT computes them once at load (constant folding).
  const constant = new Set<string>(original.initializers.keys());
  const folded = new Set<Node>();
  for (const n of original.nodes) {
    if (n.inputs.every((x) => !x || constant.has(x))) {
      folded.add(n);
      for (const o of n.outputs) if (o) constant.add(o);
    }
  }

  // Single-consumer neighbours: upstream producers of data inputs, the downstream sole consumer.
  const soleConsumer = (n: Node): Node | undefined => {
    const outs = n.outputs.filter((x) => x && (original.consumers(x).length > 0 || original.outputs.includes(x)));
    if (outs.length !== 1 || original.outputs.includes(outs[0]!)) return undefined;
    const users = original.consumers(outs[0]!);
    return users.length === 1 ? users[0] : undefined;
  };
  const soleProducers = (n: Node): Node[] =>
    n.inputs.flatMap((x) => {
      const p = x ? original.producer(x) : undefined;
      return p && !folded.has(p) && original.consumers(x).length === 1 && !original.outputs.includes(x) ? [p] : [];
    });
  /** Walk down single-consumer edges through non-head nodes to the first matched node. */
  const down = (n: Node): string | undefined => {
    for (let c = soleConsumer(n); c; c = soleConsumer(c)) {
      const g = assigned.get(c);
      if (g) return g;
      if (HEADS.has(c.opType)) return undefined;
    }
    return undefined;
  };
  const memo = new Map<Node, string | undefined>();
  const resolve = (n: Node): string | undefined => {
    if (memo.has(n)) return memo.get(n);
    let g = assigned.get(n);
    if (!g && !folded.has(n)) {
      const up = () => {
        for (const p of soleProducers(n)) {
          const r = resolve(p);
          if (r) return r;
        }
        return undefined;
      };
      g = HEADS.has(n.opType) ? (down(n) ?? up()) : (up() ?? down(n));
    }
    memo.set(n, g);
    return g;
  };

  const accounting: Accounting[] = original.nodes.map((node) => {
    const direct = assigned.get(node);
    if (direct) return { node, status: 'run', group: direct };
    if (folded.has(node)) return { node, status: 'folded' };
    const g = resolve(node);
    return g ? { node, status: 'fused', group: g } : { node, status: 'removed' };
  });
  for (const a of accounting) if (a.group) groups.get(a.group)!.push(a.node);
  return { groups, accounting };
}
