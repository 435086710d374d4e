/**
 * Data-driven channel scores ('energy'): what each channel of a group contributes to the outputs
 * of the layers that read it, on calibration images — the mean squared output of each consumer
 * conv (or Gemm / MatMul) fed that one channel alone, summed over every consumer of the group.
 * Weight norms (l1, l2) ignore how large a channel's activations are; this is the reconstruction
 * error a removed channel leaves before refitting (ThiNet's and He et al.'s objective, per channel).
 * For a conv, exact from the patch autocorrelation of the channel at sampled output positions:
 * // energy(c) = Σ_consumers Σ_o E_p[(Σ_k W[o,c,k]·x_c(p+k))²] = Σ_consumers Σ_o w_{o,c}ᵀ R_c w_{o,c}, R_c = E_p[patch_c(p) patch_c(p)ᵀ]
 * // Gemm / MatMul: energy(c) = Σ_{f ∈ features of c} E[x_f²] · Σ_o W[o,f]²
 */
import type { Calibration } from '../../calibrate/index.js';
import { GraphError } from '../../errors.js';
import type { Graph, Node } from '../../ir/index.js';
import { parseConv, windowGeometry } from '../../ops/index.js';
import { hashSeed, sampleIndices } from '../../random.js';
import { floatWeights } from '../weights.js';
import type { ChannelGroup, Dependencies } from './groups.js';

export interface EnergyOptions {
  /** Output positions (image, row, column) sampled per consumer conv (default 4096; all of them when fewer). */
  positions?: number;
  seed?: number;
}

/** One reader of a group's channels: a conv (group 1) or a Gemm / MatMul over flattened features. */
interface Reader {
  tensor: string;
  node: Node;
  kind: 'conv' | 'features';
  /** features: B's input-feature axis and the spatial size each channel spans. */
  axis: number;
  spatial: number;
}

/**
 * Energy scores of `groups` (of `deps`, the analysis of `graph`, which is unpruned), indexed by
 * group channel; the activations come from `graph` run on the calibration's fit images.
 */
export async function energyScores(graph: Graph, deps: Dependencies, groups: readonly ChannelGroup[], calibration: Calibration, o: EnergyOptions = {}): Promise<Map<string, Float64Array>> {
  const byRoot = new Map(groups.map((g) => [g.root, g]));
  const out = new Map(groups.map((g) => [g.id, new Float64Array(g.size)]));
  const readers: Reader[] = [];
  for (const [tensor, edits] of deps.edits) {
    const layout = deps.layouts.get(tensor);
    if (!layout || !layout.pieces.some((p) => byRoot.has(deps.find(p.space)))) continue;
    for (const e of edits) {
      if (e.kind === 'convIn') readers.push({ tensor, node: e.node, kind: 'conv', axis: 1, spatial: 1 });
      else if (e.kind === 'features') readers.push({ tensor, node: e.node, kind: 'features', axis: e.axis, spatial: e.spatial });
    }
  }
  if (!readers.length) return out;
  const names = [...new Set(readers.map((r) => r.tensor))];
  const acts = await calibration.current(graph, names);
  const act = new Map(names.map((n, i) => [n, acts[i]!.fit]));
  for (const r of readers) {
    const x = act.get(r.tensor)!;
    const energies = r.kind === 'conv' ? convEnergies(graph, r.node, x.dims, x.data, o) : featureEnergies(graph, r, x.dims, x.data);
    // Tensor channel → (group, group channel), piece by piece.
    let at = 0;
    for (const p of deps.layouts.get(r.tensor)!.pieces) {
      const g = byRoot.get(deps.find(p.space));
      if (g) {
        const s = out.get(g.id)!;
        for (let j = 0; j < p.len; j++) s[p.start + j] += energies[at + j]!;
      }
      at += p.len;
    }
  }
  return out;
}

/** Per input channel c of `conv`: Σ_o mean_p (Σ_k W[o,c,k]·x_c(p+k))², zero padding outside the map. */
export function convEnergies(graph: Graph, conv: Node, dims: readonly number[], data: Float32Array, o: EnergyOptions = {}): Float64Array {
  const w = floatWeights(graph, conv.inputs[1], conv.label)!;
  const [c2, c1, ...kernel] = w.dims as [number, number, ...number[]];
  if (dims.length !== 4 || kernel.length !== 2) throw new GraphError(`${conv.label}: energy scores need a 2-D conv on [N, C, H, W]`);
  const [n, c, h, wd] = dims as [number, number, number, number];
  if (c !== c1) throw new GraphError(`${conv.label}: ${c} input channels, weights for ${c1}`);
  const win = windowGeometry(parseConv(conv), [h, wd], kernel, (m) => {
    throw new GraphError(`${conv.label}: ${m}`);
  });
  const [kh, kw] = kernel as [number, number];
  const [oh, ow] = win.out as [number, number];
  const [sh, sw] = win.strides as [number, number];
  const [dh, dw] = win.dilations as [number, number];
  const [ph, pw] = win.padsBegin as [number, number];
  const k2 = kh * kw;
  // Sampled output positions (seeded; every one when there are fewer).
  const pos = sampleIndices(n * oh * ow, o.positions ?? 4096, hashSeed(o.seed ?? 0, `energy ${conv.name}`));
  const count = pos.length;
  // Each sampled position's k² input offsets within a channel plane (−1: padding).
  const offsets = new Int32Array(count * k2);
  const images = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const v = pos[i]!;
    const img = Math.floor(v / (oh * ow));
    const r = v - img * oh * ow;
    const oy = Math.floor(r / ow);
    const ox = r % ow;
    images[i] = img;
    for (let ky = 0; ky < kh; ky++) {
      const iy = oy * sh - ph + ky * dh;
      for (let kx = 0; kx < kw; kx++) {
        const ix = ox * sw - pw + kx * dw;
        offsets[i * k2 + ky * kw + kx] = iy < 0 || iy >= h || ix < 0 || ix >= wd ? -1 : iy * wd + ix;
      }
    }
  }
  const result = new Float64Array(c1);
  const R = new Float64Array(k2 * k2);
  const patch = new Float64Array(k2);
  for (let ch = 0; ch < c1; ch++) {
    R.fill(0);
    for (let i = 0; i < count; i++) {
      const plane = (images[i]! * c + ch) * h * wd;
      for (let k = 0; k < k2; k++) {
        const off = offsets[i * k2 + k]!;
        patch[k] = off < 0 ? 0 : data[plane + off]!;
      }
      for (let a = 0; a < k2; a++) {
        const pa = patch[a]!;
        if (pa === 0) continue;
        for (let b = a; b < k2; b++) R[a * k2 + b] += pa * patch[b]!;
      }
    }
    let e = 0;
    for (let oc = 0; oc < c2; oc++) {
      const base = (oc * c1 + ch) * k2;
      for (let a = 0; a < k2; a++) {
        const wa = w.data[base + a]!;
        e += wa * wa * R[a * k2 + a]!;
        for (let b = a + 1; b < k2; b++) e += 2 * wa * w.data[base + b]! * R[a * k2 + b]!;
      }
    }
    result[ch] = e / count;
  }
  return result;
}

/** Per channel of a Gemm / MatMul's input [N, C·spatial]: Σ_{f of c} mean(x_f²) · Σ_o W[o,f]². */
function featureEnergies(graph: Graph, r: Reader, dims: readonly number[], data: Float32Array): Float64Array {
  const w = floatWeights(graph, r.node.inputs[1], r.node.label)!;
  const [rows, cols] = w.dims as [number, number];
  const [n, f] = dims as [number, number];
  const inAxisLen = r.axis === 0 ? rows : cols;
  if (inAxisLen !== f) throw new GraphError(`${r.node.label}: ${f} input features, weights for ${inAxisLen}`);
  const wsq = new Float64Array(f);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) wsq[r.axis === 0 ? i : j] += w.data[i * cols + j]! ** 2;
  const result = new Float64Array(f / r.spatial);
  for (let s = 0; s < n; s++) for (let k = 0; k < f; k++) result[Math.floor(k / r.spatial)] += (data[s * f + k]! ** 2 * wsq[k]!) / n;
  return result;
}
