/**
 * ConvTranspose: W is [C_in, C_out/g, k…]; every input element scatters a kernel, so
 * madds = N·∏in·C_in·(C_out/g)·∏k. Output ONNX-style: s·(in−1) + output_padding + effK − pb − pe,
 * or `output_shape` with the padding derived from it.
 */
import { attrInts, listString, type Node } from '../ir/index.js';
import { parseConv, type ConvAttrs } from './conv.js';
import type { OpDef, WorkContext } from './types.js';
import { product } from './util.js';

export interface ConvTransposeAttrs extends ConvAttrs {
  readonly outputPadding: readonly number[] | undefined;
  readonly outputShape: readonly number[] | undefined;
}

function parse(node: Node): ConvTransposeAttrs {
  const c = parseConv(node);
  return { kernelShape: c.kernelShape, strides: c.strides, dilations: c.dilations, pads: c.pads, autoPad: c.autoPad, group: c.group, outputPadding: attrInts(node, 'output_padding'), outputShape: attrInts(node, 'output_shape') };
}

export function convTransposeOutput(a: ConvTransposeAttrs, x: readonly number[], w: readonly number[], fail: (m: string) => never): number[] {
  if (x.length < 3 || w.length !== x.length) fail(`input ${listString(x)} and weights ${listString(w)} must have equal rank ≥ 3`);
  if (x[1] !== w[0]) fail(`input has ${x[1]} channels but weights ${listString(w)} expect ${w[0]}`);
  const n = x.length - 2;
  const kernel = w.slice(2);
  const strides = a.strides ?? new Array<number>(n).fill(1);
  const dil = a.dilations ?? new Array<number>(n).fill(1);
  const op = a.outputPadding ?? new Array<number>(n).fill(0);
  if (strides.length !== n || dil.length !== n || op.length !== n) fail(`strides, dilations and output_padding must have ${n} values`);
  const cOut = w[1]! * a.group;
  if (a.outputShape) {
    const os = a.outputShape.length === n + 2 ? a.outputShape.slice(2) : a.outputShape;
    if (os.length !== n) fail(`output_shape ${listString(a.outputShape)} must have ${n} spatial values`);
    return [x[0]!, cOut, ...os];
  }
  const pads = a.pads;
  if (pads && pads.length !== 2 * n) fail(`pads must have ${2 * n} values, got ${listString(pads)}`);
  const out = x.slice(2).map((len, i) => {
    const effK = (kernel[i]! - 1) * dil[i]! + 1;
    if (!pads && (a.autoPad === 'SAME_UPPER' || a.autoPad === 'SAME_LOWER')) return len * strides[i]!;
    const pb = pads ? pads[i]! : 0;
    const pe = pads ? pads[i + n]! : 0;
    return strides[i]! * (len - 1) + op[i]! + effK - pb - pe;
  });
  if (out.some((d) => d <= 0)) fail(`output spatial size ${listString(out)} is not positive`);
  return [x[0]!, cOut, ...out];
}

export const convTranspose: OpDef<ConvTransposeAttrs> = {
  opType: 'ConvTranspose',
  since: 1,
  category: 'conv',
  params: [1, 2],
  parse,
  infer: (ctx) => [{ dtype: ctx.dtype(0), shape: convTransposeOutput(ctx.attrs, ctx.staticShape(0), ctx.staticShape(1), ctx.fail) }],
  work(ctx: WorkContext<ConvTransposeAttrs>) {
    const [x, w, b] = ctx.inputs;
    const y = ctx.outputs[0];
    if (!x || !w || !y) return {};
    const madds = x[0]! * product(x.slice(2)) * x[1]! * w[1]! * product(w.slice(2));
    const kind = ctx.attrs.group > 1 ? (ctx.attrs.group === x[1] ? 'depthwise' : 'group') : w.slice(2).every((k) => k === 1) ? 'pointwise' : 'standard';
    return { madds, flops: 2 * madds + (b ? product(y) : 0), kind };
  },
};
