/**
 * Normalisation: BatchNormalization (inference form y = x·a + b, 2 ops/elem when unfused),
 * InstanceNormalization / LayerNormalization / GroupNormalization (mean, variance, normalise,
 * affine: 4 ops/elem). Scale and shift are trainable params; running statistics are buffers.
 */
import { attrInt, dtypeFromOnnx, listString, normAxis, type Dim } from '../ir/index.js';
import type { OpDef, OutputInfo } from './types.js';
import { product, sameAsInput } from './util.js';

const perElem = (n: number) => (ctx: { outputs: readonly (readonly number[] | undefined)[] }) => {
  const y = ctx.outputs[0];
  return y ? { elementwise: n * product(y) } : {};
};

export const batchNormalization: OpDef = {
  opType: 'BatchNormalization',
  since: 1,
  category: 'elementwise',
  params: [1, 2],
  infer(ctx) {
    const x = ctx.shape(0);
    // Before opset 9, spatial=0 normalises per activation: scale, B, mean and var are [C, D1, …].
    const perActivation = ctx.opset < 9 && attrInt(ctx.node, 'spatial', 1) === 0;
    const param: Dim[] = perActivation ? x.slice(1) : [x[1] ?? 1];
    for (let i = 1; i <= 4; i++) {
      if (!ctx.has(i)) continue;
      const s = ctx.shape(i);
      if (s.length !== param.length || s.some((d, a) => typeof d === 'number' && typeof param[a] === 'number' && d !== param[a])) {
        ctx.fail(`input ${i} ${listString(s)} must be ${listString(param)}${perActivation ? ' (spatial=0)' : ` for ${param[0]} channels`}`);
      }
    }
    // Training-mode outputs (running mean/var, saved statistics) have the parameters' shape.
    const stats = { dtype: ctx.dtype(0), shape: param };
    return [{ dtype: ctx.dtype(0), shape: x }, stats, stats, stats, stats];
  },
  work: perElem(2),
};

export const instanceNormalization: OpDef = {
  opType: 'InstanceNormalization',
  since: 1,
  category: 'elementwise',
  params: [1, 2],
  infer: (ctx) => sameAsInput(ctx),
  work: perElem(4),
};

export const layerNormalization: OpDef = {
  opType: 'LayerNormalization',
  since: 17,
  category: 'elementwise',
  params: [1, 2],
  /** Mean and InvStdDev keep the axes before `axis` and have 1 from it on, in stash_type (float32 by default). */
  infer(ctx) {
    const x = ctx.shape(0);
    const axis = normAxis(ctx.node, attrInt(ctx.node, 'axis', -1), x.length);
    const stash = attrInt(ctx.node, 'stash_type', 1);
    const dtype = dtypeFromOnnx(stash) ?? ctx.fail(`stash_type ${stash} is not a known type`);
    const stats: OutputInfo = { dtype, shape: x.map((d, i) => (i < axis ? d : 1)) };
    return [{ dtype: ctx.dtype(0), shape: x }, stats, stats];
  },
  work: perElem(4),
};

export const groupNormalization: OpDef = {
  opType: 'GroupNormalization',
  since: 18,
  category: 'elementwise',
  params: [1, 2],
  infer: (ctx) => sameAsInput(ctx),
  work: perElem(4),
};

export const lpNormalization: OpDef = {
  opType: 'LpNormalization',
  since: 1,
  category: 'elementwise',
  infer: (ctx) => sameAsInput(ctx),
  work: perElem(3),
};

/** MeanVarianceNormalization: (x − mean) / std over `axes`; mean, variance, normalise. */
export const meanVarianceNormalization: OpDef = {
  opType: 'MeanVarianceNormalization',
  since: 9,
  category: 'elementwise',
  infer: (ctx) => sameAsInput(ctx),
  work: perElem(4),
};

export const normOps: OpDef<any>[] = [meanVarianceNormalization, batchNormalization, instanceNormalization, layerNormalization, groupNormalization, lpNormalization];
