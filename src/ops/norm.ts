/**
 * Normalisation: BatchNormalization (inference form y = x·a + b, 2 ops/elem when unfused),
 * InstanceNormalization / LayerNormalization / GroupNormalization (mean, variance, normalise,
 * affine: 4 ops/elem). Scale and shift are trainable params; running statistics are buffers.
 */
import { listString } from '../ir/index.js';
import type { OpDef } from './types.js';
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
    const c = x[1];
    for (let i = 1; i <= 4; i++) {
      if (!ctx.has(i)) continue;
      const s = ctx.shape(i);
      if (typeof c === 'number' && (s.length !== 1 || (typeof s[0] === 'number' && s[0] !== c))) {
        ctx.fail(`input ${i} ${listString(s)} must be [${c}] for ${c} channels`);
      }
    }
    // Training-mode outputs (running mean/var, saved statistics) are per channel.
    const stats = { dtype: ctx.dtype(0), shape: [c ?? 1] };
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
  infer(ctx) {
    const x = ctx.shape(0);
    const stats = { dtype: 'float32' as const, shape: undefined };
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

export const normOps: OpDef<any>[] = [batchNormalization, instanceNormalization, layerNormalization, groupNormalization, lpNormalization];
