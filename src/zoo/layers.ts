/**
 * Layers: each adds the ONNX nodes PyTorch's exporter writes for the matching module, with
 * parameters named as PyTorch names them.
 */
import { UsageError } from '../errors.js';
import { float, int, ints } from '../ir/index.js';
import type { Builder, T } from './builder.js';

export interface ConvOptions {
  out: number;
  kernel: number | readonly [number, number];
  stride?: number;
  /** Symmetric padding per side (default: "same" for stride 1, (k−1)·d/2). */
  pad?: number | readonly [number, number];
  dilation?: number;
  groups?: number;
  bias?: boolean;
  name?: string;
}

const pair = (v: number | readonly [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

export function conv(b: Builder, x: T, o: ConvOptions): T {
  const cIn = x.shape[1]!;
  const g = o.groups ?? 1;
  if (cIn % g !== 0 || o.out % g !== 0) {
    throw new UsageError(`groups ${g} must divide the input channels (${cIn}) and the output channels (${o.out})`);
  }
  const [kh, kw] = pair(o.kernel);
  const d = o.dilation ?? 1;
  const [ph, pw] = pair(o.pad ?? [((kh - 1) * d) >> 1, ((kw - 1) * d) >> 1]);
  const name = b.qualify(o.name, 'conv');
  const w = b.param(`${name}.weight`, [o.out, cIn / g, kh, kw], { kind: 'he', fanIn: (cIn / g) * kh * kw });
  const inputs = [x, w];
  if (o.bias) inputs.push(b.param(`${name}.bias`, [o.out], { kind: 'normal', mean: 0, std: 0.05 }));
  const s = o.stride ?? 1;
  return b.op('Conv', inputs, {
    dilations: ints([d, d]),
    group: int(g),
    kernel_shape: ints([kh, kw]),
    pads: ints([ph, pw, ph, pw]),
    strides: ints([s, s]),
  }, name);
}

/** k×k depthwise convolution: one filter per channel (groups = channels). */
export function depthwise(b: Builder, x: T, o: { kernel: number; stride?: number; bias?: boolean; name?: string }): T {
  return conv(b, x, { out: x.shape[1]!, kernel: o.kernel, groups: x.shape[1]!, ...(o.stride ? { stride: o.stride } : {}), ...(o.bias ? { bias: true } : {}), ...(o.name ? { name: o.name } : {}) });
}

/** 1×1 convolution (optionally grouped). */
export function pointwise(b: Builder, x: T, out: number, o: { groups?: number; bias?: boolean; name?: string } = {}): T {
  return conv(b, x, { out, kernel: 1, ...o });
}

/** BatchNormalization with PyTorch's four tensors, all non-trivial so that folding it is a real test. */
export function batchNorm(b: Builder, x: T, leaf?: string): T {
  const name = b.qualify(leaf, 'bn');
  const c = [x.shape[1]!];
  const inputs = [
    x,
    b.param(`${name}.weight`, c, { kind: 'uniform', lo: 0.5, hi: 1.5 }),
    b.param(`${name}.bias`, c, { kind: 'normal', mean: 0, std: 0.1 }),
    b.param(`${name}.running_mean`, c, { kind: 'normal', mean: 0, std: 0.1 }),
    b.param(`${name}.running_var`, c, { kind: 'uniform', lo: 0.5, hi: 1.5 }),
  ];
  return b.op('BatchNormalization', inputs, { epsilon: float(1e-5), momentum: float(0.9) }, name);
}

export const relu = (b: Builder, x: T): T => b.op('Relu', [x]);
export const sigmoid = (b: Builder, x: T): T => b.op('Sigmoid', [x]);

/** ReLU6 as PyTorch exports it: Clip with min 0 and max 6 as (shared) scalar inputs. */
export function relu6(b: Builder, x: T): T {
  const g = b.graph;
  const lo = g.initializers.has('relu6.min') ? 'relu6.min' : b.constant('relu6.min', 'float32', [], [0]);
  const hi = g.initializers.has('relu6.max') ? 'relu6.max' : b.constant('relu6.max', 'float32', [], [6]);
  return b.op('Clip', [x, lo, hi]);
}

/** h-swish(x) = x · ReLU6(x + 3) / 6, the HardSwish op (opset 14). */
export function hswish(b: Builder, x: T): T {
  b.requireOpset(14);
  return b.op('HardSwish', [x]);
}

export const add = (b: Builder, x: T, y: T): T => b.op('Add', [x, y]);

export const concat = (b: Builder, xs: readonly T[], axis = 1): T => b.op('Concat', xs, { axis: int(axis) });

/** Split along `axis` into parts of the given sizes (opset 13: sizes as an input). */
export function split(b: Builder, x: T, sizes: readonly number[], axis = 1): T[] {
  const name = b.qualify(undefined, 'split');
  const s = b.constant(`${name}.split`, 'int64', [sizes.length], sizes);
  return b.node('Split', [x, s], { axis: int(axis) }, { name, outputs: sizes.length });
}

/** Channel shuffle as exporters write it: Reshape [N,g,C/g,H,W] → Transpose → Reshape [N,C,H,W]. */
export function channelShuffle(b: Builder, x: T, groups: number): T {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  if (c % groups) throw new UsageError(`channel shuffle: ${c} channels are not divisible by ${groups} groups`);
  const name = b.qualify(undefined, 'shuffle');
  const s1 = b.constant(`${name}.shape1`, 'int64', [5], [n, groups, c / groups, h, w]);
  const s2 = b.constant(`${name}.shape2`, 'int64', [4], [n, c, h, w]);
  const r1 = b.op('Reshape', [x, s1], {}, `${name}.reshape1`);
  const t = b.op('Transpose', [r1], { perm: ints([0, 2, 1, 3, 4]) }, `${name}.transpose`);
  return b.op('Reshape', [t, s2], {}, `${name}.reshape2`);
}

export interface PoolOptions {
  kernel: number;
  stride?: number;
  pad?: number;
  ceil?: boolean;
}

function pool(b: Builder, op: 'MaxPool' | 'AveragePool', x: T, o: PoolOptions): T {
  const s = o.stride ?? o.kernel;
  const p = o.pad ?? 0;
  const attrs = { kernel_shape: ints([o.kernel, o.kernel]), strides: ints([s, s]), pads: ints([p, p, p, p]), ...(o.ceil ? { ceil_mode: int(1) } : {}) };
  return b.op(op, [x], op === 'AveragePool' && p ? { ...attrs, count_include_pad: int(1) } : attrs);
}

export const maxPool = (b: Builder, x: T, o: PoolOptions): T => pool(b, 'MaxPool', x, o);
export const avgPool = (b: Builder, x: T, o: PoolOptions): T => pool(b, 'AveragePool', x, o);
export const globalAvgPool = (b: Builder, x: T): T => b.op('GlobalAveragePool', [x]);
export const flatten = (b: Builder, x: T): T => b.op('Flatten', [x], { axis: int(1) });

/** nn.Linear as exported: Gemm(x, W, b) with W [out, in] and transB = 1. */
export function fc(b: Builder, x: T, out: number, o: { bias?: boolean; name?: string } = {}): T {
  const name = b.qualify(o.name, 'fc');
  const cIn = x.shape[1]!;
  const inputs = [x, b.param(`${name}.weight`, [out, cIn], { kind: 'he', fanIn: cIn })];
  if (o.bias ?? true) inputs.push(b.param(`${name}.bias`, [out], { kind: 'normal', mean: 0, std: 0.01 }));
  return b.op('Gemm', inputs, { alpha: float(1), beta: float(1), transB: int(1) }, name);
}

/** GlobalAveragePool → Flatten → Linear: the classifier head most networks end with. */
export function classifier(b: Builder, x: T, classes: number, o: { bias?: boolean; name?: string } = {}): T {
  return fc(b, flatten(b, globalAvgPool(b, x)), classes, o);
}
