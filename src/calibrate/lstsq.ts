/**
 * Ridge least squares by normal equations: XᵀX and XᵀY accumulate in float64 over any number of
 * row blocks, then (XᵀX + λI) B = XᵀY is solved by Cholesky. λ is relative (ridge · trace/n), so
 * it is scale-free and only steadies columns the data never excites.
 * // min_B ‖XB − Y‖² + λ‖B‖², B = (XᵀX + λI)⁻¹ XᵀY
 * Given an engine, XᵀX and XᵀY are float64 MatMuls on it (a 16384 × 1152 block: 2.5 s on two
 * cores, against 30 s for the tight JS loop, which stays for engine-less use).
 * The Cholesky factor is computed here on flat Float64Arrays rather than with ml-matrix's
 * CholeskyDecomposition, whose element accessors made a 2304-column solve take tens of seconds.
 */
import type { Engine, Session } from '../engine/index.js';
import { LeannetError } from '../errors.js';
import { writeOnnx } from '../formats/onnx/index.js';
import { Graph, Node } from '../ir/index.js';

type Floats = Float32Array | Float64Array;

export class NormalEquations {
  /** XᵀX, n × n row-major (upper triangle until `solve`). */
  readonly gram: Float64Array;
  /** XᵀY, n × m row-major. */
  readonly cross: Float64Array;
  /** Σ over rows of |y|², for the residual of the solution without a second pass over the data. */
  yy = 0;
  rows = 0;

  private session: Promise<Session> | undefined;

  constructor(
    readonly n: number,
    readonly m: number,
    /** Where to compute XᵀX and XᵀY in `addAsync` (JS loops without one). */
    readonly engine?: Engine,
  ) {
    this.gram = new Float64Array(n * n);
    this.cross = new Float64Array(n * m);
  }

  /** `add`, on the engine when there is one. */
  async addAsync(x: Floats, y: Floats, rows: number): Promise<void> {
    if (!this.engine) return this.add(x, y, rows);
    const { n, m } = this;
    this.session ??= this.engine.load({ bytes: productsModel(n, m) });
    const session = await this.session;
    const as64 = (a: Floats, k: number) => (a instanceof Float64Array && a.length === rows * k ? a : Float64Array.from(a.subarray(0, rows * k)));
    const out = await session.run({ x: { dtype: 'float64', dims: [rows, n], data: as64(x, n) }, y: { dtype: 'float64', dims: [rows, m], data: as64(y, m) } });
    const gram = out['gram']!.data as Float64Array;
    const cross = out['cross']!.data as Float64Array;
    for (let i = 0; i < gram.length; i++) this.gram[i] += gram[i]!;
    for (let i = 0; i < cross.length; i++) this.cross[i] += cross[i]!;
    const ys = y.subarray(0, rows * m);
    for (let i = 0; i < ys.length; i++) this.yy += ys[i]! * ys[i]!;
    this.rows += rows;
  }

  /** Free the engine session (if `addAsync` made one). */
  async release(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (s) await (await s).release();
  }

  /** Add `rows` rows: x is rows × n, y is rows × m, both row-major. */
  add(x: Floats, y: Floats, rows: number): void {
    const { n, m, gram, cross } = this;
    if (x.length < rows * n || y.length < rows * m) throw new LeannetError(`lstsq: ${rows} rows need ${rows * n} and ${rows * m} values`);
    let r = 0;
    // Four rows per sweep of the upper triangle: a quarter of the loads and stores of XᵀX.
    for (; r + 4 <= rows; r += 4) {
      const o0 = r * n;
      const o1 = o0 + n;
      const o2 = o1 + n;
      const o3 = o2 + n;
      for (let a = 0; a < n; a++) {
        const x0 = x[o0 + a]!;
        const x1 = x[o1 + a]!;
        const x2 = x[o2 + a]!;
        const x3 = x[o3 + a]!;
        if (x0 === 0 && x1 === 0 && x2 === 0 && x3 === 0) continue;
        const row = a * n;
        for (let b = a; b < n; b++) gram[row + b] += x0 * x[o0 + b]! + x1 * x[o1 + b]! + x2 * x[o2 + b]! + x3 * x[o3 + b]!;
      }
    }
    for (; r < rows; r++) {
      const o = r * n;
      for (let a = 0; a < n; a++) {
        const xa = x[o + a]!;
        if (xa === 0) continue;
        const row = a * n;
        for (let b = a; b < n; b++) gram[row + b] += xa * x[o + b]!;
      }
    }
    for (let r2 = 0; r2 < rows; r2++) {
      const o = r2 * n;
      const p = r2 * m;
      for (let j = 0; j < m; j++) this.yy += y[p + j]! * y[p + j]!;
      for (let a = 0; a < n; a++) {
        const xa = x[o + a]!;
        if (xa === 0) continue;
        const row = a * m;
        for (let j = 0; j < m; j++) cross[row + j] += xa * y[p + j]!;
      }
    }
    this.rows += rows;
  }

  /** B (n × m row-major) minimising ‖XB − Y‖² + λ‖B‖², λ = ridge · trace(XᵀX) / n. */
  solve(ridge = 1e-5): Float64Array {
    const { n, m } = this;
    let trace = 0;
    for (let a = 0; a < n; a++) trace += this.gram[a * n + a]!;
    let lambda = (ridge * trace) / n || 1e-12;
    // A Gram matrix plus λI is positive definite; rounding can still defeat a tiny λ, so grow it.
    for (let attempt = 0; attempt < 8; attempt++, lambda *= 100) {
      const l = cholesky(this.gram, n, lambda);
      if (l) return cholSolve(l, n, this.cross, m);
    }
    throw new LeannetError(`lstsq: the ${n}×${n} normal equations are not positive definite even with a large ridge`);
  }
}

/** Lower factor L (row-major) of (upper-triangle G) + λI = L·Lᵀ, or undefined if not positive definite. */
export function cholesky(g: Float64Array, n: number, lambda: number): Float64Array | undefined {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const li = i * n;
    for (let j = 0; j <= i; j++) {
      const lj = j * n;
      // G is stored in its upper triangle: G[j][i] for j ≤ i.
      let sum = g[j * n + i]! + (i === j ? lambda : 0);
      for (let k = 0; k < j; k++) sum -= l[li + k]! * l[lj + k]!;
      if (i === j) {
        if (!(sum > 0)) return undefined;
        l[li + i] = Math.sqrt(sum);
      } else {
        l[li + j] = sum / l[lj + j]!;
      }
    }
  }
  return l;
}

/** Solve L·Lᵀ·B = C for B (n × m). */
function cholSolve(l: Float64Array, n: number, c: Float64Array, m: number): Float64Array {
  const b = Float64Array.from(c);
  // Forward: L·Z = C, row by row (all m columns at once).
  for (let i = 0; i < n; i++) {
    const bi = i * m;
    for (let k = 0; k < i; k++) {
      const f = l[i * n + k]!;
      if (f === 0) continue;
      const bk = k * m;
      for (let j = 0; j < m; j++) b[bi + j] -= f * b[bk + j]!;
    }
    const d = l[i * n + i]!;
    for (let j = 0; j < m; j++) b[bi + j] /= d;
  }
  // Backward: Lᵀ·B = Z, by columns of Lᵀ (rows of L, contiguous): once row i of B is known,
  // take L[i][k]·B_i from every row k < i.
  for (let i = n - 1; i >= 0; i--) {
    const bi = i * m;
    const d = l[i * n + i]!;
    for (let j = 0; j < m; j++) b[bi + j] /= d;
    for (let k = 0; k < i; k++) {
      const f = l[i * n + k]!;
      if (f === 0) continue;
      const bk = k * m;
      for (let j = 0; j < m; j++) b[bk + j] -= f * b[bi + j]!;
    }
  }
  return b;
}

/** A model computing gram = XᵀX and cross = XᵀY in float64 for X [rows, n], Y [rows, m]. */
function productsModel(n: number, m: number): Uint8Array {
  const g = new Graph();
  g.opsets.set('', 13);
  g.setGraphInputs(['x', 'y']);
  g.value('x').declared = { dtype: 'float64', shape: ['rows', n] };
  g.value('y').declared = { dtype: 'float64', shape: ['rows', m] };
  g.addNode(new Node('Transpose', 'xt', ['x'], ['xt'], new Map([['perm', { type: 'ints', value: [1, 0] }]])));
  g.addNode(new Node('MatMul', 'gram', ['xt', 'x'], ['gram']));
  g.addNode(new Node('MatMul', 'cross', ['xt', 'y'], ['cross']));
  g.setGraphOutputs(['gram', 'cross']);
  g.value('gram').declared = { dtype: 'float64', shape: [n, n] };
  g.value('cross').declared = { dtype: 'float64', shape: [n, m] };
  return writeOnnx(g).model;
}
