/**
 * Fit a 2-D conv's weights and bias to data: im2col rows at seeded output positions, one ridge
 * least-squares problem per group (a g-group conv is block-diagonal: group q's outputs see only
 * group q's inputs), optionally on a subset of the input channels (channel pruning).
 * // min_{W,b} Σ_sampled ‖conv(x, W, g) + b − y‖², per group: [patches 1]·[Wᵀ; bᵀ] ≈ Y
 */
import type { Engine } from '../engine/index.js';
import { UsageError } from '../errors.js';
import { writeOnnx } from '../formats/onnx/index.js';
import { Graph, Node, Tensor, type Attribute } from '../ir/index.js';
import { hashSeed, sampleIndices } from '../random.js';
import type { Activation } from './capture.js';
import { NormalEquations } from './lstsq.js';

export interface FitConvOptions {
  /** Input activations [N, C1, H, W]. */
  x: Activation;
  /** Target: the original layer's own output (before any activation) [N, C2, H', W']. */
  y: Activation;
  kernel: readonly number[];
  strides?: readonly number[];
  /** ONNX order [top, left, bottom, right]; only the leading pads place the window. */
  pads?: readonly number[];
  dilations?: readonly number[];
  group?: number;
  /** Fit on these input channels only (ascending; group 1): weights [C2, k, kh, kw]. */
  inputChannels?: readonly number[];
  /** Output positions (image, row, column) sampled for the fit; default 16384. */
  sampleRows?: number;
  seed?: number;
  /** Relative ridge (λ = ridge · trace(XᵀX)/n); default 1e-5. */
  ridge?: number;
  /** Fit a bias (default true); without, bias is all zeros. */
  bias?: boolean;
  /** Activations not used for the fit, for `heldOutError`. */
  heldOut?: { x: Activation; y: Activation };
  /** Compute the products XᵀX, XᵀY on this engine (float64 MatMul). */
  engine?: Engine;
}

export interface ConvFit {
  /** [C2, C1/g (or the subset's size), kh, kw]. */
  weight: Float32Array;
  bias: Float32Array;
  /** ‖Y − Ŷ‖ / ‖Y‖ on the fit images: every output position with an engine, else the sampled rows. */
  fitError: number;
  /** The same on the images of `heldOut`. */
  heldOutError?: number;
  /** Rows the fit used. */
  rows: number;
}

/** Rows per im2col block handed to the normal equations. */
const BLOCK = 4096;

interface Geometry {
  n: number;
  c1: number;
  h: number;
  w: number;
  c2: number;
  oh: number;
  ow: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
  dh: number;
  dw: number;
}

export async function fitConv(o: FitConvOptions): Promise<ConvFit> {
  const g = o.group ?? 1;
  const geo = geometry(o, o.x, o.y);
  const { c1, c2, kh, kw } = geo;
  if (c1 % g || c2 % g) throw new UsageError(`fitConv: ${c1} input and ${c2} output channels are not divisible by group ${g}`);
  if (o.inputChannels && g !== 1) throw new UsageError('fitConv: an input-channel subset needs group 1');
  const channels = (q: number): number[] => o.inputChannels?.slice() ?? Array.from({ length: c1 / g }, (_, i) => q * (c1 / g) + i);
  for (const c of o.inputChannels ?? []) if (!(Number.isInteger(c) && c >= 0 && c < c1)) throw new UsageError(`fitConv: input channel ${c} is not in 0…${c1 - 1}`);
  const k2 = kh * kw;
  const cin = channels(0).length;
  const cout = c2 / g;
  const withBias = o.bias ?? true;
  const cols = cin * k2 + (withBias ? 1 : 0);
  const count = o.sampleRows ?? 16384;
  const seed = o.seed ?? 0;
  const fitRows = sampleRows(geo, count, hashSeed(seed, 'fit'));
  const heldGeo = o.heldOut && geometry(o, o.heldOut.x, o.heldOut.y);
  const heldRows = heldGeo && sampleRows(heldGeo, count, hashSeed(seed, 'held-out'));
  const weight = new Float32Array(c2 * cin * k2);
  const bias = new Float32Array(c2);
  let fitNum = 0;
  let fitDen = 0;
  let heldNum = 0;
  let heldDen = 0;
  for (let q = 0; q < g; q++) {
    const chans = channels(q);
    const fit = await accumulate(o.x, o.y, geo, fitRows, chans, q * cout, cout, withBias, o.engine);
    const b = fit.solve(o.ridge ?? 1e-5);
    await fit.release();
    for (let oc = 0; oc < cout; oc++) {
      const out = q * cout + oc;
      for (let col = 0; col < cin * k2; col++) weight[out * cin * k2 + col] = b[col * cout + oc]!;
      if (withBias) bias[out] = b[(cols - 1) * cout + oc]!;
    }
    if (!o.engine) {
      fitNum += residual(fit, b);
      fitDen += fit.yy;
    }
    if (o.heldOut && heldGeo && heldRows && !o.engine) {
      const held = await accumulate(o.heldOut.x, o.heldOut.y, heldGeo, heldRows, chans, q * cout, cout, withBias, o.engine);
      await held.release();
      heldNum += residual(held, b);
      heldDen += held.yy;
    }
  }
  const rel = (num: number, den: number) => Math.sqrt(Math.max(0, num) / (den || 1));
  if (o.engine) {
    // On an engine, the errors are those of the float32 conv itself over every output position.
    const fitError = await convError(o.engine, o.x, o.y, geo, weight, bias, o);
    const heldOutError = o.heldOut && heldGeo ? await convError(o.engine, o.heldOut.x, o.heldOut.y, heldGeo, weight, bias, o) : undefined;
    return { weight, bias, fitError, ...(heldOutError !== undefined ? { heldOutError } : {}), rows: fitRows.length / 3 };
  }
  return { weight, bias, fitError: rel(fitNum, fitDen), ...(o.heldOut ? { heldOutError: rel(heldNum, heldDen) } : {}), rows: fitRows.length / 3 };
}

/** ‖conv(x, W) + b − y‖ / ‖y‖ over all of y, computed by a one-Conv model on the engine. */
async function convError(engine: Engine, x: Activation, y: Activation, geo: Geometry, weight: Float32Array, bias: Float32Array, o: FitConvOptions): Promise<number> {
  const { n, c1, h, w, c2, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw } = geo;
  const chans = o.inputChannels;
  let input = x.data;
  if (chans) {
    input = new Float32Array(n * chans.length * h * w);
    for (let i = 0; i < n; i++) chans.forEach((c, k) => input.set(x.data.subarray((i * c1 + c) * h * w, (i * c1 + c + 1) * h * w), (i * chans.length + k) * h * w));
  }
  const cin = chans ? chans.length : c1;
  const g = new Graph();
  g.opsets.set('', 13);
  g.addGraphInput('x');
  g.value('x').declared = { dtype: 'float32', shape: [n, cin, h, w] };
  g.setInitializer('w', Tensor.fromArray('float32', [c2, weight.length / (c2 * kh * kw), kh, kw], weight));
  g.setInitializer('b', Tensor.fromArray('float32', [c2], bias));
  // End pads that give y's size (never negative: ORT's floor drops the spare rows then).
  const eh = Math.max(0, (oh - 1) * sh + (kh - 1) * dh + 1 - h - ph);
  const ew = Math.max(0, (ow - 1) * sw + (kw - 1) * dw + 1 - w - pw);
  const attrs = new Map<string, Attribute>([
    ['kernel_shape', { type: 'ints', value: [kh, kw] }],
    ['strides', { type: 'ints', value: [sh, sw] }],
    ['dilations', { type: 'ints', value: [dh, dw] }],
    ['pads', { type: 'ints', value: [ph, pw, eh, ew] }],
    ['group', { type: 'int', value: o.group ?? 1 }],
  ]);
  g.addNode(new Node('Conv', 'conv', ['x', 'w', 'b'], ['y'], attrs));
  g.addGraphOutput('y');
  g.value('y').declared = { dtype: 'float32', shape: [n, c2, oh, ow] };
  const session = await engine.load({ bytes: writeOnnx(g).model });
  try {
    const out = await session.run({ x: { dtype: 'float32', dims: [n, cin, h, w], data: input } });
    const got = out['y']!.data as Float32Array;
    if (got.length !== y.data.length) throw new UsageError(`fitConv: the fitted conv gives ${got.length} values, the target has ${y.data.length}`);
    let num = 0;
    let den = 0;
    for (let i = 0; i < got.length; i++) {
      const d = got[i]! - y.data[i]!;
      num += d * d;
      den += y.data[i]! * y.data[i]!;
    }
    return Math.sqrt(num / (den || 1));
  } finally {
    await session.release();
  }
}

function geometry(o: FitConvOptions, x: Activation, y: Activation): Geometry {
  if (x.dims.length !== 4 || y.dims.length !== 4) throw new UsageError(`fitConv: needs [N, C, H, W] activations, got ${x.dims.join('x')} and ${y.dims.join('x')}`);
  if (x.positions || y.positions) throw new UsageError('fitConv: needs full maps, not subsampled positions');
  const [n, c1, h, w] = x.dims as [number, number, number, number];
  const [ny, c2, oh, ow] = y.dims as [number, number, number, number];
  if (ny !== n) throw new UsageError(`fitConv: ${n} input images but ${ny} target images`);
  const [kh, kw] = o.kernel as [number, number];
  return {
    n, c1, h, w, c2, oh, ow, kh, kw,
    sh: o.strides?.[0] ?? 1,
    sw: o.strides?.[1] ?? 1,
    ph: o.pads?.[0] ?? 0,
    pw: o.pads?.[1] ?? 0,
    dh: o.dilations?.[0] ?? 1,
    dw: o.dilations?.[1] ?? 1,
  };
}

/** `count` distinct output positions as (image, row, column) triples, seeded (all when fewer). */
function sampleRows(geo: Geometry, count: number, seed: number): Int32Array {
  const per = geo.oh * geo.ow;
  const chosen = sampleIndices(geo.n * per, count, seed);
  const take = chosen.length;
  const out = new Int32Array(take * 3);
  for (let i = 0; i < take; i++) {
    const v = chosen[i]!;
    const img = Math.floor(v / per);
    const r = v - img * per;
    out[i * 3] = img;
    out[i * 3 + 1] = Math.floor(r / geo.ow);
    out[i * 3 + 2] = r % geo.ow;
  }
  return out;
}

/** Normal equations of one group: im2col rows of `chans` at `rows` against outputs [o0, o0 + cout). */
async function accumulate(x: Activation, y: Activation, geo: Geometry, rows: Int32Array, chans: readonly number[], o0: number, cout: number, withBias: boolean, engine: Engine | undefined): Promise<NormalEquations> {
  const { c1, h, w, c2, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw } = geo;
  const k2 = kh * kw;
  const cols = chans.length * k2 + (withBias ? 1 : 0);
  const ne = new NormalEquations(cols, cout, engine);
  const total = rows.length / 3;
  const xs = new Float64Array(Math.min(BLOCK, total) * cols);
  const ys = new Float64Array(Math.min(BLOCK, total) * cout);
  for (let start = 0; start < total; start += BLOCK) {
    const count = Math.min(BLOCK, total - start);
    xs.fill(0);
    for (let r = 0; r < count; r++) {
      const img = rows[(start + r) * 3]!;
      const oy = rows[(start + r) * 3 + 1]!;
      const ox = rows[(start + r) * 3 + 2]!;
      const base = r * cols;
      chans.forEach((c, ci) => {
        const plane = (img * c1 + c) * h * w;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - ph + ky * dh;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - pw + kx * dw;
            if (ix < 0 || ix >= w) continue;
            xs[base + ci * k2 + ky * kw + kx] = x.data[plane + iy * w + ix]!;
          }
        }
      });
      if (withBias) xs[base + cols - 1] = 1;
      for (let oc = 0; oc < cout; oc++) ys[r * cout + oc] = y.data[((img * c2 + o0 + oc) * oh + oy) * ow + ox]!;
    }
    const xv = count === xs.length / cols ? xs : xs.subarray(0, count * cols);
    const yv = count === ys.length / cout ? ys : ys.subarray(0, count * cout);
    await ne.addAsync(xv, yv, count);
  }
  return ne;
}

/** ‖XB − Y‖² from the normal equations: yᵀy − 2·Σ B∘XᵀY + Σ_j b_jᵀ XᵀX b_j (XᵀX read from its upper triangle). */
function residual(ne: NormalEquations, b: Float64Array): number {
  const { n, m, gram, cross } = ne;
  let r = ne.yy;
  for (let i = 0; i < n * m; i++) r -= 2 * b[i]! * cross[i]!;
  const gb = new Float64Array(m);
  for (let a = 0; a < n; a++) {
    gb.fill(0);
    const row = a * n;
    for (let c = a; c < n; c++) {
      const gac = gram[row + c]!;
      if (gac === 0) continue;
      const scale = c === a ? 1 : 2;
      const bc = c * m;
      for (let j = 0; j < m; j++) gb[j] += scale * gac * b[bc + j]!;
    }
    const ba = a * m;
    for (let j = 0; j < m; j++) r += b[ba + j]! * gb[j]!;
  }
  return r;
}
