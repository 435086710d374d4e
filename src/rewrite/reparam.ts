/**
 * reparam (RepVGG / ACNet, G3 + G4): a sum of branches that all read x — k×k conv+BN, smaller
 * or asymmetric (1×1, 1×k, k×1) conv+BN centred in the k×k window, and identity (+BN) — is one
 * k×k conv.
 * // Σ_b bn_b(conv(x, W_b)) + bn_id(x) -> conv(x, Σ_b a_b·pad_k(W_b) + a_id·I, Σ_b shift_b + shift_id)
 */
import { Node } from '../ir/index.js';
import { parseConv } from '../ops/index.js';
import { PASS_REFS, matchReparam, type ReparamMatch } from '../patterns/index.js';
import { bnAffine } from './bn.js';
import type { Pass } from './types.js';
import { addWeight, convAttrsLike, floatWeights } from './weights.js';

export const reparam: Pass<ReparamMatch> = {
  id: PASS_REFS.reparam,
  exact: true,
  algebra: 'Σ bn_b(conv(x, W_b)) + bn(x) -> conv(x, Σ a_b·pad_k(W_b) + a·I, Σ shift_b)',
  match(graph, ctx) {
    const out: ReparamMatch[] = [];
    for (const n of graph.nodes) {
      const m = matchReparam(graph, n);
      if (!m || (ctx.only && !m.branches.some((b) => (b.conv && ctx.only!(b.conv.name)) || (b.bn && ctx.only!(b.bn.name))))) continue;
      out.push(m);
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
