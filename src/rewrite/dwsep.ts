/**
 * dwsep (Network Decoupling, Guo et al. BMVC 2018): a standard k×k conv is exactly the sum of
 * k·k depthwise-separable branches. For each input channel c, the c2 × (kh·kw) slice M_c of the
 * weights has an SVD M_c = Σ_j s_j u_j v_jᵀ; branch j is a depthwise conv with kernel v_j
 * followed by a 1×1 conv with weights s_j u_j. Keeping r terms trades accuracy for speed.
 * The r branches are written as one depthwise conv with channel multiplier r and one 1×1 conv
 * over its c1·r outputs, which computes the same sum with two ops instead of 2r + adds.
 * // conv(x, W) -> pw(dw(x, V_r), S_r·U_r), madds × r·(1/c2 + 1/k²)
 */
import { createRequire } from 'node:module';
import type * as MlMatrix from 'ml-matrix';
import { UsageError } from '../errors.js';
import { Node } from '../ir/index.js';
import { parseConv } from '../ops/index.js';
import { ints } from '../zoo/builder.js';
import type { Pass, PassContext } from './types.js';
import { addWeight, convAttrsLike, floatWeights, removeNodes } from './weights.js';

/** ml-matrix is loaded on the first SVD (~50 ms that every CLI start paid when it was imported). */
const mlMatrix = () => createRequire(import.meta.url)('ml-matrix') as typeof MlMatrix;

interface Match {
  conv: Node;
}

/** Rank per layer: `rank=r`, or the smallest r keeping `energy` of Σ s² (default energy=0.95). */
function chooseRank(params: PassContext['params'], sq: number[][], k2: number): number {
  if (params['rank'] !== undefined) {
    const r = Number(params['rank']);
    if (!Number.isInteger(r) || r < 1) throw new UsageError(`dwsep: rank must be a positive integer, got '${params['rank']}'`);
    return Math.min(r, k2);
  }
  const energy = params['energy'] !== undefined ? Number(params['energy']) : 0.95;
  if (!(energy > 0 && energy <= 1)) throw new UsageError(`dwsep: energy must be in (0, 1], got '${params['energy']}'`);
  const total = sq.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
  let kept = 0;
  for (let r = 1; r <= k2; r++) {
    for (const row of sq) kept += row[r - 1] ?? 0;
    if (kept >= energy * total * (1 - 1e-12)) return r;
  }
  return k2;
}

export const dwsep: Pass<Match> = {
  id: 'dwsep',
  exact: false,
  algebra: 'conv(x, W) -> pw(dw(x, V_r), S_r·U_r): Σ_j s_j u_j v_jᵀ per input channel, madds × r·(1/c2 + 1/k²)',
  params: {
    rank: 'keep r terms in every layer (1 … kh·kw; kh·kw is exact), even where that costs more madds',
    energy: 'per layer, the smallest r retaining this share of Σ s² (default 0.95); layers it would not make cheaper are kept',
  },
  match(graph, ctx) {
    return graph.nodes
      .filter((n) => n.opType === 'Conv' && !n.domain && (!ctx.only || ctx.only(n.name)))
      .filter((n) => {
        const w = graph.values.get(n.inputs[1]!)?.shape as number[] | undefined;
        return !!w && w.length === 4 && parseConv(n).group === 1 && w[2]! * w[3]! > 1 && !!graph.values.get(n.inputs[1]!)?.tensor;
      })
      .map((conv) => ({ conv }));
  },
  apply(graph, { conv }, ctx) {
    const w = floatWeights(graph, conv.inputs[1], conv.label)!;
    const [c2, c1, kh, kw] = w.dims as [number, number, number, number];
    const k2 = kh * kw;
    // SVD of each input channel's c2 × k² slice.
    const { Matrix, SVD } = mlMatrix();
    const parts = [];
    for (let c = 0; c < c1; c++) {
      const m = new Matrix(c2, k2);
      for (let o = 0; o < c2; o++) for (let t = 0; t < k2; t++) m.set(o, t, w.data[(o * c1 + c) * k2 + t]!);
      const svd = new SVD(m, { autoTranspose: true, computeLeftSingularVectors: true, computeRightSingularVectors: true });
      parts.push({ s: svd.diagonal, u: svd.leftSingularVectors, v: svd.rightSingularVectors });
    }
    const r = chooseRank(ctx.params, parts.map((p) => p.s.map((x) => x * x)), Math.min(k2, c2));
    // With a chosen energy, a layer whose decoupled form is not cheaper stays as it is:
    // c1·r·k² + c1·r·c2 multiply-adds per pixel against c1·c2·k².
    if (ctx.params['rank'] === undefined && r * (c2 + k2) >= c2 * k2) {
      return { replaced: [], added: [], summary: `kept ${conv.label}: rank ${r} would not reduce its madds (needs r < ${((c2 * k2) / (c2 + k2)).toFixed(1)})` };
    }
    // Depthwise weights [c1·r, 1, kh, kw]: channel c·r + j holds v_j of input channel c.
    const dwW = new Float32Array(c1 * r * k2);
    // Pointwise weights [c2, c1·r, 1, 1]: s_j u_j.
    const pwW = new Float32Array(c2 * c1 * r);
    let err = 0;
    let norm = 0;
    parts.forEach(({ s, u, v }, c) => {
      for (let j = 0; j < r; j++) {
        const sj = s[j] ?? 0;
        for (let t = 0; t < k2; t++) dwW[(c * r + j) * k2 + t] = j < v.columns ? v.get(t, j) : 0;
        for (let o = 0; o < c2; o++) pwW[o * c1 * r + c * r + j] = j < u.columns ? sj * u.get(o, j) : 0;
      }
      for (let j = 0; j < s.length; j++) {
        norm += s[j]! * s[j]!;
        if (j >= r) err += s[j]! * s[j]!;
      }
    });
    const a = parseConv(conv);
    const base = graph.uniqueNodeName(`${conv.name}.dw`);
    const mid = graph.uniqueValueName(base);
    const dw = new Node('Conv', base, [conv.inputs[0]!, addWeight(graph, `${base}.weight`, [c1 * r, 1, kh, kw], dwW)], [mid], convAttrsLike(a, [kh, kw], c1));
    const pwName = graph.uniqueNodeName(`${conv.name}.pw`);
    const pwInputs = [mid, addWeight(graph, `${pwName}.weight`, [c2, c1 * r, 1, 1], pwW)];
    if (conv.inputs[2]) pwInputs.push(conv.inputs[2]);
    const pw = new Node('Conv', pwName, pwInputs, [conv.outputs[0]!], new Map([['kernel_shape', ints([1, 1])]]));
    const index = graph.nodes.indexOf(conv);
    removeNodes(graph, [conv]);
    graph.addNode(dw, index);
    graph.addNode(pw, index + 1);
    const weightError = Math.sqrt(err / (norm || 1));
    return {
      replaced: [conv.name],
      added: [dw.name, pw.name],
      summary: `decoupled ${conv.label} (${c2}x${c1}x${kh}x${kw}) into depthwise ×${r} + pointwise`,
      weightError,
      detail: { rank: r, of: Math.min(k2, c2), energyKept: 1 - err / (norm || 1) },
    };
  },
};
