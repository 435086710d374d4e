/**
 * Control flow whose shapes leannet infers through its subgraphs (subgraph.ts): If (both branches
 * inferred and checked; each output the chosen branch's type when the condition is known, else
 * the branches' common shape, a dim where they differ unknown, no shape where their ranks
 * differ) and Scan (its body inferred once on one iteration's slices: a body whose state shape
 * changes between iterations is refused; scan outputs get the iteration count at their axis).
 * The work inside subgraphs is not counted in the totals.
 */
import { listString, type Dim, type Shape } from '../ir/index.js';
import { attrInt, attrInts, normAxis } from '../ir/index.js';
import { inferSubgraph } from './subgraph.js';
import type { InferContext, OpDef, OutputInfo } from './types.js';

function body(ctx: InferContext<unknown>, name: string): unknown {
  const a = ctx.node.attrs.get(name);
  if (!a || a.type !== 'graph') return ctx.fail(`attribute '${name}' must be a graph`);
  return a.value;
}

/** The common shape of two branch outputs: equal dims kept, differing dims unknown, differing ranks no shape. */
function common(ctx: InferContext<unknown>, k: number, a: Shape | undefined, b: Shape | undefined): Shape | undefined {
  if (!a || !b || a.length !== b.length) return undefined;
  return a.map((d, i) => (d === b[i] ? d : `?${ctx.node.name}:${k}:${i}`));
}

const ifOp: OpDef = {
  opType: 'If',
  since: 1,
  category: 'view',
  infer(ctx) {
    const thenOut = inferSubgraph(body(ctx, 'then_branch'), 'then_branch', ctx.graph, []);
    const elseOut = inferSubgraph(body(ctx, 'else_branch'), 'else_branch', ctx.graph, []);
    const n = ctx.node.outputs.length;
    if (!thenOut || !elseOut) return ctx.node.outputs.map(() => ({ dtype: undefined, shape: undefined }));
    if (thenOut.length !== n || elseOut.length !== n) ctx.fail(`then_branch has ${thenOut.length} outputs and else_branch ${elseOut.length}; the node has ${n}`);
    // A known condition (a folded value, or a one-element bool constant, which folding skips).
    const t = ctx.constant(0);
    const cond = ctx.folded(0) ?? (t && t.numel === 1 && t.isInline ? t.toNumbers() : undefined);
    const out: OutputInfo[] = [];
    for (let k = 0; k < n; k++) {
      const a = thenOut[k]!;
      const b = elseOut[k]!;
      if (a.dtype && b.dtype && a.dtype !== b.dtype) ctx.fail(`output ${k} is ${a.dtype} in then_branch and ${b.dtype} in else_branch`);
      if (cond && cond.length === 1) out.push(cond[0] ? a : b);
      else out.push({ dtype: a.dtype ?? b.dtype, shape: common(ctx, k, a.shape, b.shape) });
    }
    return out;
  },
};

/**
 * Scan (opset 9+): inputs are N initial states then M scan inputs; the body takes the states
 * and one slice of each scan input (its scan axis removed) and gives N new states and K scan
 * output slices, stacked along `scan_output_axes` (default 0) over the iterations. Opset 8:
 * input 0 is sequence_lens, every input has a leading batch dim and the scan axis is 1; the body
 * sees one batch element, and the outputs have the batch dim back in front.
 */
const scan8: OpDef = { opType: 'Scan', since: 8, category: 'view', shapeInputs: [0], infer: (ctx) => scanInfer(ctx, true) };
const scan9: OpDef = { opType: 'Scan', since: 9, category: 'view', infer: (ctx) => scanInfer(ctx, false) };

function scanInfer(ctx: InferContext<unknown>, v8: boolean): OutputInfo[] {
  const m = attrInt(ctx.node, 'num_scan_inputs') ?? ctx.fail("attribute 'num_scan_inputs' is missing");
  const first = v8 ? 1 : 0;
  const total = ctx.node.inputs.length - first;
  const nStates = total - m;
  if (m < 1 || nStates < 0) ctx.fail(`num_scan_inputs ${m} does not fit ${total} inputs`);
  const inAxes = v8 ? new Array<number>(m).fill(1) : (attrInts(ctx.node, 'scan_input_axes') ?? new Array<number>(m).fill(0));
  if (inAxes.length !== m) ctx.fail(`scan_input_axes ${listString(inAxes)} must have ${m} values`);
  const states = Array.from({ length: nStates }, (_, i) => ({ dtype: ctx.dtype(first + i), shape: ctx.shape(first + i) }));
  let seq: Dim | undefined;
  let batch: Dim | undefined;
  const slices = Array.from({ length: m }, (_, j) => {
    const x = ctx.shape(first + nStates + j);
    const axis = normAxis(ctx.node, inAxes[j]!, x.length);
    const len = x[axis]!;
    if (seq === undefined) seq = len;
    else if (typeof seq === 'number' && typeof len === 'number' && seq !== len) ctx.fail(`scan inputs have ${seq} and ${len} iterations`);
    if (v8) batch ??= x[0];
    return { dtype: ctx.dtype(first + nStates + j), shape: x.filter((_, a) => a !== axis && !(v8 && a === 0)) };
  });
  const bodyStates = v8 ? states.map((s) => ({ dtype: s.dtype, shape: s.shape.slice(1) })) : states;
  const out = inferSubgraph(body(ctx, 'body'), 'body', ctx.graph, [...bodyStates, ...slices]);
  if (!out) return ctx.node.outputs.map(() => ({ dtype: undefined, shape: undefined }));
  const k = out.length - nStates;
  if (k < 0 || out.length !== ctx.node.outputs.length) ctx.fail(`body gives ${out.length} outputs; the node has ${ctx.node.outputs.length} (${nStates} states)`);
  const outAxes = v8 ? new Array<number>(k).fill(0) : (attrInts(ctx.node, 'scan_output_axes') ?? new Array<number>(k).fill(0));
  const result: OutputInfo[] = [];
  for (let i = 0; i < nStates; i++) {
    const s = out[i]!.shape;
    const want = bodyStates[i]!.shape;
    // The next iteration takes this state: a state that changes shape has no single type.
    if (s && (s.length !== want.length || s.some((d, a) => typeof d === 'number' && typeof want[a] === 'number' && d !== want[a]))) {
      ctx.fail(`body state ${i} is ${listString(s)} after an iteration but ${listString(want)} before`);
    }
    result.push({ dtype: out[i]!.dtype, shape: v8 ? states[i]!.shape : s });
  }
  for (let j = 0; j < k; j++) {
    const s = out[nStates + j]!.shape;
    if (!s) {
      result.push({ dtype: out[nStates + j]!.dtype, shape: undefined });
      continue;
    }
    const stacked: Dim[] = s.slice();
    const axis = normAxis(ctx.node, outAxes[j] ?? 0, s.length + 1);
    stacked.splice(axis, 0, seq ?? `?${ctx.node.name}:${nStates + j}:${axis}`);
    result.push({ dtype: out[nStates + j]!.dtype, shape: v8 ? [batch ?? `?${ctx.node.name}:${nStates + j}:0`, ...stacked] : stacked });
  }
  return result;
}

export const controlOps: OpDef<any>[] = [ifOp, scan8, scan9];
