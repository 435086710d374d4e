/**
 * fold-bn: Conv (+bias) followed by BatchNormalization becomes one Conv.
 * // bn(conv(x, W, b)) -> conv(x, W·a, (b − μ)·a + β) with a = γ/√(σ²+ε) per output channel
 */
import { PASS_REFS, foldBnDeadChains, matchFoldBn, type FoldBnMatch } from '../patterns/index.js';
import { bnAffine } from './bn.js';
import type { Pass } from './types.js';
import { addWeight, floatWeights } from './weights.js';

export type { FoldBnMatch };

export const foldBn: Pass<FoldBnMatch> = {
  id: PASS_REFS.foldBn,
  exact: true,
  algebra: 'bn(conv(x, W, b)) -> conv(x, W·a, (b − μ)·a + β), a = γ/√(σ²+ε)',
  /**
   * Every BatchNormalization whose input is a Conv it alone reads; `why` is set on those that
   * cannot be folded (lint recommends the pass only for matches without it).
   */
  match(graph, ctx) {
    const out: FoldBnMatch[] = [];
    for (const bn of graph.nodes) {
      const m = matchFoldBn(graph, bn);
      if (!m || (ctx.only && !ctx.only(m.conv.name) && !ctx.only(bn.name))) continue;
      out.push(m);
    }
    foldBnDeadChains(graph, out);
    return out;
  },
  apply(graph, { conv, bn, why, dead }) {
    if (why) return { replaced: [], added: [], summary: `skipped ${why}` };
    const ab = bnAffine(graph, bn);
    const w = floatWeights(graph, conv.inputs[1], conv.label);
    if (!ab || !w) return { replaced: [], added: [], summary: `skipped ${bn.label}: its tensors are not constant` };
    const cOut = w.dims[0]!;
    const per = w.data.length / cOut;
    const b = floatWeights(graph, conv.inputs[2], conv.label)?.data ?? new Float32Array(cOut);
    const W = new Float32Array(w.data.length);
    const B = new Float32Array(cOut);
    for (let o = 0; o < cOut; o++) {
      const a = ab.scale[o]!;
      for (let k = 0; k < per; k++) W[o * per + k] = w.data[o * per + k]! * a;
      B[o] = b[o]! * a + ab.shift[o]!;
    }
    const wName = addWeight(graph, `${conv.name}.weight_folded`, w.dims, W);
    const bName = addWeight(graph, `${conv.name}.bias_folded`, [cOut], B);
    // The conv now produces what the BN produced, so consumers and graph outputs are untouched.
    graph.setNodeIO(conv, [conv.inputs[0]!, wName, bName], [bn.outputs[0]!]);
    graph.removeNode(bn);
    for (const d of dead ?? []) graph.removeNode(d);
    return { replaced: [conv.name, bn.name], added: [conv.name], summary: `folded ${bn.label} into ${conv.label}` };
  },
};
