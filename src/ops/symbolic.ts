/**
 * Arithmetic on symbolic dims, for values computed from shapes when a dim is symbolic. A symbolic
 * dim is a monomial: an integer coefficient times named factors, written canonically
 * (`N`, `6*N`, `N*T`: the coefficient first when not 1, factors sorted), so equal products
 * compare equal as strings. Sums are not monomials: leannet leaves them unknown.
 */
import type { Dim } from '../ir/index.js';

interface Monomial {
  coef: number;
  factors: string[];
}

function parse(d: Dim): Monomial {
  if (typeof d === 'number') return { coef: d, factors: [] };
  // A data-dependent placeholder (`?node:0:1`) is one opaque factor.
  if (d.startsWith('?')) return { coef: 1, factors: [d] };
  const parts = d.split('*');
  let coef = 1;
  const factors: string[] = [];
  for (const p of parts) {
    if (/^\d+$/.test(p)) coef *= Number(p);
    else factors.push(p);
  }
  return { coef, factors: factors.sort() };
}

function format(m: Monomial): Dim | undefined {
  if (!Number.isSafeInteger(m.coef)) return undefined;
  if (m.factors.length === 0 || m.coef === 0) return m.coef;
  return m.coef === 1 ? m.factors.join('*') : `${m.coef}*${m.factors.join('*')}`;
}

/** a · b, as a dim. */
export function mulDim(a: Dim, b: Dim): Dim | undefined {
  const x = parse(a);
  const y = parse(b);
  return format({ coef: x.coef * y.coef, factors: [...x.factors, ...y.factors].sort() });
}

/** a ÷ b when it divides exactly (coefficients and factors), else undefined. */
export function divDim(a: Dim, b: Dim): Dim | undefined {
  const x = parse(a);
  const y = parse(b);
  if (y.coef === 0 || x.coef % y.coef !== 0) return undefined;
  const left = x.factors.slice();
  for (const f of y.factors) {
    const k = left.indexOf(f);
    if (k < 0) return undefined;
    left.splice(k, 1);
  }
  return format({ coef: x.coef / y.coef, factors: left });
}

/** The product of dims as one dim (a number when all are numbers). */
export function productOfDims(dims: readonly Dim[]): Dim | undefined {
  let p: Dim | undefined = 1;
  for (let i = 0; i < dims.length && p !== undefined; i++) p = mulDim(p, dims[i]!);
  return p;
}
