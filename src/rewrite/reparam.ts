/**
 * reparam (RepVGG / ACNet, G3 + G4): a sum of branches that all read x — k×k conv+BN, smaller
 * or asymmetric (1×1, 1×k, k×1) conv+BN centred in the k×k window, and identity (+BN) — is one
 * k×k conv.
 * // Σ_b bn_b(conv(x, W_b)) + bn_id(x) -> conv(x, Σ_b a_b·pad_k(W_b) + a_id·I, Σ_b shift_b + shift_id)
 */
import { Node, type Graph } from '../ir/index.js';
import { parseConv, type ConvAttrs } from '../ops/index.js';
import { bnAffine, bnNotInference } from './bn.js';
import type { Pass } from './types.js';
import { addWeight, convAttrsLike, floatWeights, isFloatConstant } from './weights.js';

interface Branch {
  conv?: Node;
  bn?: Node;
}

interface Match {
  root: Node;
  adds: Node[];
  x: string;
  branches: Branch[];
  /** Why it cannot be re-parameterised (a BN in training mode); apply reports it and changes nothing. */
  why?: string;
}

/** The leaves of the tree of Adds rooted at `root` (inner Adds feed only their parent). */
function addTree(graph: Graph, root: Node): { adds: Node[]; leaves: string[] } {
  const adds = [root];
  const leaves: string[] = [];
  const visit = (n: Node) => {
    for (const i of n.inputs) {
      const p = graph.producer(i);
      if (p && p.opType === 'Add' && !p.domain && graph.soleConsumer(i) === n) {
        adds.push(p);
        visit(p);
      } else leaves.push(i);
    }
  };
  visit(root);
  return { adds, leaves };
}

function branchOf(graph: Graph, leaf: string): { branch: Branch; x: string } | undefined {
  const p = graph.producer(leaf);
  if (p?.opType === 'BatchNormalization' && graph.soleConsumer(leaf)) {
    const c = graph.producer(p.inputs[0]!);
    if (c?.opType === 'Conv' && graph.soleConsumer(c.outputs[0]!) === p) return { branch: { conv: c, bn: p }, x: c.inputs[0]! };
    return { branch: { bn: p }, x: p.inputs[0]! };
  }
  if (p?.opType === 'Conv' && graph.soleConsumer(leaf)) return { branch: { conv: p }, x: p.inputs[0]! };
  return { branch: {}, x: leaf };
}

export const reparam: Pass<Match> = {
  id: 'reparam',
  exact: true,
  algebra: 'Σ bn_b(conv(x, W_b)) + bn(x) -> conv(x, Σ a_b·pad_k(W_b) + a·I, Σ shift_b)',
  match(graph, ctx) {
    const out: Match[] = [];
    const inner = new Set<Node>();
    for (const n of graph.nodes) {
      if (n.opType !== 'Add' || n.domain || inner.has(n)) continue;
      // Only roots: an Add whose output feeds a single Add belongs to that Add's tree.
      const parent = graph.soleConsumer(n.outputs[0]!);
      if (parent?.opType === 'Add') continue;
      const { adds, leaves } = addTree(graph, n);
      const parsed = leaves.map((l) => branchOf(graph, l));
      if (parsed.length < 2 || parsed.some((b) => !b)) continue;
      const x = parsed[0]!.x;
      if (parsed.some((b) => b!.x !== x)) continue;
      const branches = parsed.map((b) => b!.branch);
      if (!branches.some((b) => b.conv)) continue;
      if (ctx.only && !branches.some((b) => (b.conv && ctx.only!(b.conv.name)) || (b.bn && ctx.only!(b.bn.name)))) continue;
      if (!compatible(graph, branches, x)) continue;
      let why: string | undefined;
      for (const b of branches) why ??= b.bn ? bnNotInference(graph, b.bn) : undefined;
      adds.forEach((a) => inner.add(a));
      out.push(why ? { root: n, adds, x, branches, why } : { root: n, adds, x, branches });
    }
    return out;
  },
  apply(graph, m) {
    if (m.why) return { replaced: [], added: [], summary: `skipped: ${m.why}` };
    const convs = m.branches.filter((b) => b.conv).map((b) => b.conv!);
    const geo = convs.map((c) => ({ c, a: parseConv(c), w: floatWeights(graph, c.inputs[1], c.label)! }));
    const big = geo.reduce((best, g) => (g.w.dims[2]! * g.w.dims[3]! > best.w.dims[2]! * best.w.dims[3]! ? g : best));
    const [cOut, cInG, K, L] = big.w.dims as [number, number, number, number];
    const group = big.a.group;
    const W = new Float32Array(cOut * cInG * K * L);
    const B = new Float32Array(cOut);
    for (const b of m.branches) {
      const ab = b.bn ? bnAffine(graph, b.bn) : undefined;
      if (b.bn && !ab) return { replaced: [], added: [], summary: `skipped: ${b.bn.label} tensors are not constant` };
      const scale = (o: number) => (ab ? ab.scale[o]! : 1);
      for (let o = 0; o < cOut; o++) B[o]! += ab ? ab.shift[o]! : 0;
      if (b.conv) {
        const g = geo.find((x) => x.c === b.conv)!;
        const [, , kh, kw] = g.w.dims as [number, number, number, number];
        const dy = (K - kh) / 2;
        const dx = (L - kw) / 2;
        const bias = floatWeights(graph, b.conv.inputs[2], b.conv.label)?.data;
        for (let o = 0; o < cOut; o++) {
          const a = scale(o);
          if (bias) B[o]! += a * bias[o]!;
          for (let i = 0; i < cInG; i++) {
            for (let y = 0; y < kh; y++) {
              for (let xx = 0; xx < kw; xx++) {
                W[((o * cInG + i) * K + y + dy) * L + xx + dx]! += a * g.w.data[((o * cInG + i) * kh + y) * kw + xx]!;
              }
            }
          }
        }
      } else {
        // Identity: output channel o reads input channel o, at the window's centre.
        for (let o = 0; o < cOut; o++) W[((o * cInG + (o % cInG)) * K + (K - 1) / 2) * L + (L - 1) / 2]! += scale(o);
      }
    }
    const name = graph.uniqueNodeName(`${big.c.name}.reparam`);
    const attrs = convAttrsLike(big.a, [K, L], group);
    const inputs = [m.x, addWeight(graph, `${name}.weight`, [cOut, cInG, K, L], W), addWeight(graph, `${name}.bias`, [cOut], B)];
    const conv = new Node('Conv', name, inputs, [m.root.outputs[0]!], attrs);
    const removed = [...m.adds, ...m.branches.flatMap((b) => [b.conv, b.bn].filter((n): n is Node => !!n))];
    graph.replaceNodes(removed, [conv]);
    return { replaced: removed.map((n) => n.name), added: [name], summary: `re-parameterised ${m.branches.length} branches into ${conv.label} (${K}x${L})` };
  },
};

/** Same stride, dilation 1, same groups and output channels; smaller kernels centred with matching pads. */
function compatible(graph: Graph, branches: Branch[], x: string): boolean {
  const convs = branches.filter((b) => b.conv).map((b) => b.conv!);
  const info = convs.map((c) => ({ a: parseConv(c), w: graph.values.get(c.inputs[1]!)?.shape as number[] | undefined, t: isFloatConstant(graph, c.inputs[1]) }));
  if (info.some((i) => !i.w || !i.t || i.w.length !== 4)) return false;
  const xs = graph.values.get(x)?.shape as number[] | undefined;
  if (!xs) return false;
  const pads = (a: ConvAttrs) => {
    if (a.pads) return a.pads;
    if (a.autoPad === 'NOTSET' || a.autoPad === 'VALID') return [0, 0, 0, 0];
    return undefined; // SAME_* padding depends on the input; not handled
  };
  const stride = JSON.stringify(info[0]!.a.strides ?? [1, 1]);
  const group = info[0]!.a.group;
  const cOut = info[0]!.w![0]!;
  const K = Math.max(...info.map((i) => i.w![2]!));
  const L = Math.max(...info.map((i) => i.w![3]!));
  if (K % 2 === 0 || L % 2 === 0) return false;
  const bigPads = pads(info.find((i) => i.w![2] === K && i.w![3] === L)?.a ?? info[0]!.a);
  if (!bigPads) return false;
  for (const i of info) {
    if (JSON.stringify(i.a.strides ?? [1, 1]) !== stride || i.a.group !== group || i.w![0] !== cOut) return false;
    if ((i.a.dilations ?? [1, 1]).some((d) => d !== 1)) return false;
    const [kh, kw] = [i.w![2]!, i.w![3]!];
    const p = pads(i.a);
    if (!p || (K - kh) % 2 || (L - kw) % 2) return false;
    const want = [bigPads[0]! - (K - kh) / 2, bigPads[1]! - (L - kw) / 2, bigPads[2]! - (K - kh) / 2, bigPads[3]! - (L - kw) / 2];
    if (JSON.stringify(p) !== JSON.stringify(want)) return false;
  }
  // An identity branch lines up only when the k×k conv keeps the size: stride 1, "same" padding.
  const identity = branches.some((b) => !b.conv);
  const same = bigPads[0] === (K - 1) / 2 && bigPads[2] === (K - 1) / 2 && bigPads[1] === (L - 1) / 2 && bigPads[3] === (L - 1) / 2;
  if (identity && (xs[1] !== cOut || stride !== JSON.stringify([1, 1]) || !same)) return false;
  return true;
}
