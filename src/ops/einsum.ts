/**
 * Einsum: output shape from the equation (explicit `->` or the implicit form: the ellipsis,
 * then the letters used once, in alphabetical order). Every letter takes one size across
 * operands; every ellipsis stands for as many dims, which broadcast. Cost: one multiply-add per point of the full index space
 * (all letters and the ellipsis), per extra operand.
 */
import { attrString, listString, nodeFail, type Dim } from '../ir/index.js';
import type { InferContext, OpDef, WorkContext } from './types.js';
import { broadcast, product } from './util.js';

interface EinsumAttrs {
  readonly inputs: readonly string[];
  /** Undefined in the implicit form. */
  readonly output: string | undefined;
}

function parse(node: InferContext<unknown>['node']): EinsumAttrs {
  const eq = (attrString(node, 'equation') ?? nodeFail(node)("attribute 'equation' is missing")).replace(/\s+/g, '');
  const [lhs, rhs] = eq.split('->');
  const inputs = lhs!.split(',');
  const ok = (t: string) => /^[A-Za-z]*(\.\.\.)?[A-Za-z]*$/.test(t);
  if (!inputs.every(ok) || (rhs !== undefined && !ok(rhs))) nodeFail(node)(`equation '${eq}' is not a valid einsum equation`);
  return { inputs, output: rhs };
}

/** Letter → size and the broadcast ellipsis dims, from the operands' shapes. */
function bind(terms: readonly string[], shapes: readonly (readonly Dim[])[], fail: (m: string) => never): { sizes: Map<string, Dim>; ellipsis: Dim[] } {
  const sizes = new Map<string, Dim>();
  const ells: Dim[][] = [];
  terms.forEach((term, k) => {
    const s = shapes[k]!;
    const [pre, post] = term.includes('...') ? term.split('...') : [term, undefined];
    const letters = pre! + (post ?? '');
    const nEll = post === undefined ? 0 : s.length - letters.length;
    if (nEll < 0 || (post === undefined && s.length !== letters.length)) fail(`term '${term}' does not fit input ${k} ${listString(s)}`);
    const dims = [...s.slice(0, pre!.length), ...s.slice(s.length - (post ?? '').length)];
    if (post !== undefined) ells.push(s.slice(pre!.length, pre!.length + nEll));
    [...letters].forEach((c, i) => {
      const d = dims[i]!;
      const prev = sizes.get(c);
      if (prev === undefined || prev === 1) sizes.set(c, d);
      else if (d !== 1 && typeof d === 'number' && typeof prev === 'number' && d !== prev) fail(`index '${c}' is ${prev} in one operand and ${d} in another`);
    });
  });
  // ONNX: every ellipsis stands for the same number of dims (which then broadcast).
  if (ells.some((e) => e.length !== ells[0]!.length)) fail(`the ellipses stand for different numbers of dims (${ells.map((e) => e.length).join(' and ')})`);
  return { sizes, ellipsis: broadcast(ells, fail, 'ellipsis dims') };
}

const einsum: OpDef<EinsumAttrs> = {
  opType: 'Einsum',
  since: 12,
  category: 'gemm',
  parse,
  infer(ctx) {
    const { inputs, output } = ctx.attrs;
    if (inputs.length !== ctx.node.inputs.length) ctx.fail(`equation has ${inputs.length} terms for ${ctx.node.inputs.length} inputs`);
    const shapes = inputs.map((_, i) => ctx.shape(i));
    const { sizes, ellipsis } = bind(inputs, shapes, ctx.fail);
    let out = output;
    if (out === undefined) {
      const counts = new Map<string, number>();
      for (const t of inputs) for (const c of t.replace('...', '')) counts.set(c, (counts.get(c) ?? 0) + 1);
      const once = [...counts].filter(([, n]) => n === 1).map(([c]) => c).sort();
      out = (inputs.some((t) => t.includes('...')) ? '...' : '') + once.join('');
    }
    const shape: Dim[] = [];
    const [pre, post] = out.includes('...') ? out.split('...') : [out, undefined];
    const letter = (c: string) => sizes.get(c) ?? ctx.fail(`output index '${c}' appears in no input`);
    for (const c of pre!) shape.push(letter(c));
    if (post !== undefined) shape.push(...ellipsis);
    for (const c of post ?? '') shape.push(letter(c));
    return [{ dtype: ctx.dtype(0), shape }];
  },
  work(ctx: WorkContext<EinsumAttrs>) {
    const shapes = ctx.inputs;
    if (shapes.some((s) => !s)) return {};
    const { sizes, ellipsis } = bind(ctx.attrs.inputs, shapes as number[][], nodeFail(ctx.node));
    const points = product([...sizes.values()] as number[]) * product(ellipsis as number[]);
    return { madds: points * Math.max(1, shapes.length - 1) };
  },
};

export const einsumOps: OpDef<any>[] = [einsum];
