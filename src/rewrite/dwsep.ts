/**
 * dwsep (Network Decoupling, Guo et al. BMVC 2018): a standard k×k conv is exactly the sum of
 * k·k depthwise-separable branches. For each input channel c, the c2 × (kh·kw) slice M_c of the
 * weights has an SVD M_c = Σ_j s_j u_j v_jᵀ; branch j is a depthwise conv with kernel v_j
 * followed by a 1×1 conv with weights s_j u_j. Keeping r terms trades accuracy for speed.
 * The r branches are written as one depthwise conv with channel multiplier r and one 1×1 conv
 * over its c1·r outputs, which computes the same sum with two ops instead of 2r + adds.
 * // conv(x, W) -> pw(dw(x, V_r), S_r·U_r), madds × r·(1/c2 + 1/k²)
 */
import type * as MlMatrix from 'ml-matrix';
import { UsageError } from '../errors.js';
import { ints, Node } from '../ir/index.js';
import { parseConv } from '../ops/index.js';
import { PASS_REFS, matchDwsep, type ConvMatch } from '../patterns/index.js';
import type { Pass, PassContext } from './types.js';
import { addWeight, convAttrsLike, fitDetail, floatWeights, setFitted } from './weights.js';

/**
 * ml-matrix is loaded by the pass's first apply (~50 ms that every CLI start paid when it was
 * imported), with a plain dynamic import so the core still bundles for the browser.
 */
let matrixLibrary: typeof MlMatrix | undefined;
export async function loadMatrixLibrary(): Promise<typeof MlMatrix> {
  return (matrixLibrary ??= await import('ml-matrix'));
}
const mlMatrix = (): typeof MlMatrix => {
  if (!matrixLibrary) throw new Error('internal: singularTerms before loadMatrixLibrary()');
  return matrixLibrary;
};

/** The terms of M = Σ_j s_j u_j v_jᵀ, largest first, each as v_j and s_j·u_j = M·v_j. */
interface SingularTerms {
  /** s_j², which is |M·v_j|². */
  s2: number[];
  v: Float64Array[];
  mv: Float64Array[];
}

/**
 * The singular terms of a c2 × k² row-major matrix M, from the eigenvectors of MᵀM (k² × k²,
 * symmetric). Not ml-matrix's SVD: it never returns on some matrices, among them the 64 × 49
 * slice of a 7×7 stem conv whose filters agree on an input channel (its open issue #70; the light
 * DenseNet-121 and ResNet-50 stems hang it). The pass needs v_j and the product s_j·u_j, which
 * M·v_j gives directly, so nothing divides by a small s_j: Σ_j (M·v_j) v_jᵀ = M·V·Vᵀ = M with all
 * k² terms whatever the accuracy of the small eigenvalues, and Σ_{j≥r} |M·v_j|² is the exact
 * squared error of keeping r.
 */
export function singularTerms(m: Float64Array, c2: number, k2: number): SingularTerms {
  const { EigenvalueDecomposition, Matrix } = mlMatrix();
  const gram = new Matrix(k2, k2);
  for (let a = 0; a < k2; a++) {
    for (let b = a; b < k2; b++) {
      let sum = 0;
      for (let o = 0; o < c2; o++) sum += m[o * k2 + a]! * m[o * k2 + b]!;
      gram.set(a, b, sum);
      gram.set(b, a, sum);
    }
  }
  const vectors = new EigenvalueDecomposition(gram, { assumeSymmetric: true }).eigenvectorMatrix;
  const terms = [];
  for (let j = 0; j < k2; j++) {
    const v = new Float64Array(k2);
    for (let t = 0; t < k2; t++) v[t] = vectors.get(t, j);
    const mv = new Float64Array(c2);
    let s2 = 0;
    for (let o = 0; o < c2; o++) {
      let sum = 0;
      for (let t = 0; t < k2; t++) sum += m[o * k2 + t]! * v[t]!;
      mv[o] = sum;
      s2 += sum * sum;
    }
    terms.push({ s2, v, mv });
  }
  terms.sort((a, b) => b.s2 - a.s2);
  return { s2: terms.map((t) => t.s2), v: terms.map((t) => t.v), mv: terms.map((t) => t.mv) };
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

export const dwsep: Pass<ConvMatch> = {
  id: PASS_REFS.dwsep,
  exact: false,
  algebra: 'conv(x, W) -> pw(dw(x, V_r), S_r·U_r): Σ_j s_j u_j v_jᵀ per input channel, madds × r·(1/c2 + 1/k²)',
  params: {
    rank: 'keep r terms in every layer (1 … kh·kw; kh·kw is exact), even where that costs more madds',
    energy: 'per layer, the smallest r retaining this share of Σ s² (default 0.95); layers it would not make cheaper are kept',
  },
  match(graph, ctx) {
    const out: ConvMatch[] = [];
    for (const n of graph.nodes) {
      const m = !ctx.only || ctx.only(n.name) ? matchDwsep(graph, n) : undefined;
      if (m) out.push(m);
    }
    return out;
  },
  async apply(graph, { conv }, ctx) {
    await loadMatrixLibrary();
    const w = floatWeights(graph, conv.inputs[1], conv.label)!;
    const [c2, c1, kh, kw] = w.dims as [number, number, number, number];
    const k2 = kh * kw;
    const parts = [];
    for (let c = 0; c < c1; c++) {
      const m = new Float64Array(c2 * k2);
      for (let o = 0; o < c2; o++) for (let t = 0; t < k2; t++) m[o * k2 + t] = w.data[(o * c1 + c) * k2 + t]!;
      parts.push(singularTerms(m, c2, k2));
    }
    const r = chooseRank(ctx.params, parts.map((p) => p.s2), Math.min(k2, c2));
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
    parts.forEach(({ s2, v, mv }, c) => {
      for (let j = 0; j < r; j++) {
        for (let t = 0; t < k2; t++) dwW[(c * r + j) * k2 + t] = v[j]![t]!;
        for (let o = 0; o < c2; o++) pwW[o * c1 * r + c * r + j] = mv[j]![o]!;
      }
      for (let j = 0; j < s2.length; j++) {
        norm += s2[j]!;
        if (j >= r) err += s2[j]!;
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
    graph.replaceNodes([conv], [dw, pw]);
    const weightError = Math.sqrt(err / (norm || 1));
    const detail: Record<string, number | string> = { rank: r, of: Math.min(k2, c2), energyKept: 1 - err / (norm || 1), fit: 'data-free' };
    if (ctx.calibration) {
      // Data-aware (Network Decoupling's data-driven variant): keep the SVD depthwise kernels and
      // refit the pointwise conv and its bias on the current network's depthwise outputs, to
      // reproduce the original conv's output.
      const fit = await ctx.calibration.fitConvNode(graph, pw, 'dwsep', mid, conv.outputs[0]!, conv.name);
      setFitted(graph, pw, pwName, [c2, c1 * r, 1, 1], fit);
      Object.assign(detail, fitDetail(fit));
    }
    return {
      replaced: [conv.name],
      added: [dw.name, pw.name],
      summary: `decoupled ${conv.label} (${c2}x${c1}x${kh}x${kw}) into depthwise ×${r} + pointwise (${ctx.calibration ? 'pointwise fitted to data' : 'data-free'})`,
      weightError,
      detail,
    };
  },
};
