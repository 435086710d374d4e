/** The building blocks of the reference networks, each as its paper (or torchvision) defines it. */
import type { Builder, T } from './builder.js';
import { add, avgPool, batchNorm, channelShuffle, concat, conv, depthwise, maxPool, pointwise, relu, relu6, split } from './layers.js';

/** conv → BN → activation, the unit most blocks are made of. */
export function convBn(b: Builder, x: T, o: Parameters<typeof conv>[2], act: 'relu' | 'relu6' | 'none', name: string): T {
  return b.scope(name, () => {
    let y = conv(b, x, { ...o, name: '0' });
    y = batchNorm(b, y, '1');
    return act === 'relu' ? relu(b, y) : act === 'relu6' ? relu6(b, y) : y;
  });
}

/** MobileNet V1: depthwise 3×3 + BN + ReLU, then pointwise 1×1 + BN + ReLU. */
export function mobilenetV1Block(b: Builder, x: T, out: number, stride: number): T {
  let y = convBn(b, x, { out: x.shape[1]!, kernel: 3, stride, groups: x.shape[1]! }, 'relu', 'dw');
  y = convBn(b, y, { out, kernel: 1 }, 'relu', 'pw');
  return y;
}

/** MobileNet V2 inverted residual: expand 1×1 (t×) + ReLU6, depthwise 3×3 + ReLU6, project 1×1 (linear); residual when shapes allow. */
export function invertedResidual(b: Builder, x: T, out: number, stride: number, expand: number): T {
  const cIn = x.shape[1]!;
  const hidden = Math.round(cIn * expand);
  return b.scope('conv', () => {
    let y = x;
    let i = 0;
    if (expand !== 1) y = convBn(b, y, { out: hidden, kernel: 1 }, 'relu6', String(i++));
    y = convBn(b, y, { out: hidden, kernel: 3, stride, groups: hidden }, 'relu6', String(i++));
    y = conv(b, y, { out, kernel: 1, name: String(i++) });
    y = batchNorm(b, y, String(i++));
    return stride === 1 && cIn === out ? add(b, x, y) : y;
  });
}

/**
 * ShuffleNet V1 unit: 1×1 group conv (bottleneck = out/4) + BN + ReLU, channel shuffle,
 * 3×3 depthwise (stride) + BN, 1×1 group conv + BN; stride 1 adds the input, stride 2
 * concatenates a 3×3 average pool of it; ReLU last. `firstGroup` keeps the first 1×1 ungrouped
 * (stage 2's first unit, whose input has only 24 channels).
 */
export function shuffleV1Unit(b: Builder, x: T, out: number, stride: number, groups: number, firstGroup: boolean): T {
  const cIn = x.shape[1]!;
  const mid = out / 4;
  const branchOut = stride === 2 ? out - cIn : out;
  let y = convBn(b, x, { out: mid, kernel: 1, groups: firstGroup ? 1 : groups }, 'relu', 'pw1');
  if (groups > 1) y = channelShuffle(b, y, groups);
  y = convBn(b, y, { out: mid, kernel: 3, stride, groups: mid }, 'none', 'dw');
  y = convBn(b, y, { out: branchOut, kernel: 1, groups }, 'none', 'pw2');
  const merged = stride === 2 ? concat(b, [avgPool(b, x, { kernel: 3, stride: 2, pad: 1 }), y]) : add(b, x, y);
  return relu(b, merged);
}

/**
 * ShuffleNet V2 unit (torchvision InvertedResidual): stride 1 splits the channels in half and
 * transforms one half; stride 2 transforms the input in two branches. Concat, then shuffle 2.
 */
export function shuffleV2Unit(b: Builder, x: T, out: number, stride: number): T {
  const cIn = x.shape[1]!;
  const half = out >> 1;
  const branch2 = (inp: T) =>
    b.scope('branch2', () => {
      let y = convBn(b, inp, { out: half, kernel: 1 }, 'relu', '0');
      y = convBn(b, y, { out: half, kernel: 3, stride, groups: half }, 'none', '3');
      return convBn(b, y, { out: half, kernel: 1 }, 'relu', '5');
    });
  let y: T;
  if (stride === 1) {
    const [x1, x2] = split(b, x, [cIn - (cIn >> 1), cIn >> 1]);
    y = concat(b, [x1!, branch2(x2!)]);
  } else {
    const left = b.scope('branch1', () => {
      const d = convBn(b, x, { out: cIn, kernel: 3, stride, groups: cIn }, 'none', '0');
      return convBn(b, d, { out: half, kernel: 1 }, 'relu', '2');
    });
    y = concat(b, [left, branch2(x)]);
  }
  return channelShuffle(b, y, 2);
}

/** ResNet basic block: 3×3 + BN + ReLU, 3×3 + BN, add (projected) input, ReLU. */
export function basicBlock(b: Builder, x: T, out: number, stride: number): T {
  let y = relu(b, batchNorm(b, conv(b, x, { out, kernel: 3, stride, name: 'conv1' }), 'bn1'));
  y = batchNorm(b, conv(b, y, { out, kernel: 3, name: 'conv2' }), 'bn2');
  return relu(b, add(b, shortcut(b, x, out, stride), y));
}

/** ResNet v1.5 bottleneck: 1×1 + BN + ReLU, 3×3 (stride here) + BN + ReLU, 1×1 (×4) + BN, add, ReLU. */
export function bottleneck(b: Builder, x: T, width: number, stride: number, expansion = 4): T {
  let y = relu(b, batchNorm(b, pointwise(b, x, width, { name: 'conv1' }), 'bn1'));
  y = relu(b, batchNorm(b, conv(b, y, { out: width, kernel: 3, stride, name: 'conv2' }), 'bn2'));
  y = batchNorm(b, pointwise(b, y, width * expansion, { name: 'conv3' }), 'bn3');
  return relu(b, add(b, shortcut(b, x, width * expansion, stride), y));
}

function shortcut(b: Builder, x: T, out: number, stride: number): T {
  if (stride === 1 && x.shape[1] === out) return x;
  return b.scope('downsample', () => batchNorm(b, conv(b, x, { out, kernel: 1, stride, name: '0' }), '1'));
}

/** VGG stack: n 3×3 convs (with bias) + ReLU, then 2×2 max pool. */
export function vggStack(b: Builder, x: T, out: number, n: number): T {
  let y = x;
  for (let i = 0; i < n; i++) y = relu(b, conv(b, y, { out, kernel: 3, bias: true }));
  return maxPool(b, y, { kernel: 2, stride: 2 });
}

/** SqueezeNet fire module: squeeze 1×1 + ReLU, then expand 1×1 and 3×3 (+ ReLU each), concatenated. */
export function fire(b: Builder, x: T, squeeze: number, e1: number, e3: number): T {
  const s = relu(b, conv(b, x, { out: squeeze, kernel: 1, bias: true, name: 'squeeze' }));
  const a = relu(b, conv(b, s, { out: e1, kernel: 1, bias: true, name: 'expand1x1' }));
  const c = relu(b, conv(b, s, { out: e3, kernel: 3, bias: true, name: 'expand3x3' }));
  return concat(b, [a, c]);
}

/**
 * RepVGG block. Training form: 3×3 conv + BN, 1×1 conv + BN and (when shapes allow) an
 * identity BN, summed, then ReLU. Deploy form: the single 3×3 conv with bias it folds into.
 */
export function repvggBlock(b: Builder, x: T, out: number, stride: number, deploy: boolean): T {
  if (deploy) return relu(b, conv(b, x, { out, kernel: 3, stride, bias: true, name: 'rbr_reparam' }));
  const dense = b.scope('rbr_dense', () => batchNorm(b, conv(b, x, { out, kernel: 3, stride, name: 'conv' }), 'bn'));
  const one = b.scope('rbr_1x1', () => batchNorm(b, conv(b, x, { out, kernel: 1, stride, pad: 0, name: 'conv' }), 'bn'));
  let y = add(b, dense, one);
  if (stride === 1 && x.shape[1] === out) y = add(b, y, batchNorm(b, x, 'rbr_identity'));
  return relu(b, y);
}
