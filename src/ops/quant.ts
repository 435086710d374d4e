/**
 * Quantisation: QuantizeLinear (y = saturate(round(x/scale) + zp)), DequantizeLinear
 * (y = (x − zp)·scale) and DynamicQuantizeLinear (computes scale and zero point from the data).
 * Two operations per element; scales and zero points are buffers.
 */
import { attrInt, dtypeFromOnnx } from '../ir/index.js';
import type { OpDef } from './types.js';
import { product } from './util.js';

const perElem = (n: number) => (ctx: { outputs: readonly (readonly number[] | undefined)[] }) =>
  ctx.outputs[0] ? { elementwise: n * product(ctx.outputs[0]) } : {};

export const quantizeLinear: OpDef = {
  opType: 'QuantizeLinear',
  since: 10,
  category: 'elementwise',
  infer(ctx) {
    const code = attrInt(ctx.node, 'output_dtype', 0);
    const dtype = (code ? dtypeFromOnnx(code) : undefined) ?? (ctx.has(2) ? ctx.dtype(2) : 'uint8');
    return [{ dtype, shape: ctx.shape(0) }];
  },
  work: perElem(2),
};

export const dequantizeLinear: OpDef = {
  opType: 'DequantizeLinear',
  since: 10,
  category: 'elementwise',
  infer: (ctx) => [{ dtype: ctx.has(1) ? ctx.dtype(1) : 'float32', shape: ctx.shape(0) }],
  work: perElem(2),
};

/** Outputs y (uint8), y_scale (float32 scalar), y_zero_point (uint8 scalar); min/max pass + quantise. */
export const dynamicQuantizeLinear: OpDef = {
  opType: 'DynamicQuantizeLinear',
  since: 11,
  category: 'elementwise',
  infer: (ctx) => [
    { dtype: 'uint8', shape: ctx.shape(0) },
    { dtype: 'float32', shape: [] },
    { dtype: 'uint8', shape: [] },
  ],
  work: perElem(4),
};

export const quantOps: OpDef<any>[] = [quantizeLinear, dequantizeLinear, dynamicQuantizeLinear];
