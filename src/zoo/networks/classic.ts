/** VGG-16, ResNet-18/50 (v1.5) and SqueezeNet 1.1, as torchvision defines them. */
import { UsageError } from '../../errors.js';
import { Builder } from '../builder.js';
import { basicBlock, bottleneck, fire, vggStack } from '../blocks.js';
import { avgPool, batchNorm, classifier, conv, fc, flatten, globalAvgPool, maxPool, relu } from '../layers.js';
import type { NetOptions } from '../options.js';

const scaled = (c: number, w: number) => Math.max(1, Math.round(c * w));

/** VGG-16 (configuration D): 13 3×3 convs in 5 stacks, then 4096–4096–classes. */
export function vgg16(o: NetOptions) {
  const r = o.resolution;
  if (r % 32 !== 0 || (r / 32) % 7 !== 0) {
    throw new UsageError(`vgg16: resolution must be a multiple of 224 (its classifier expects a 7x7 map), got ${r}`);
  }
  const b = new Builder({ name: 'vgg16', seed: o.seed });
  let x = b.input('input', [1, 3, r, r]);
  b.scope('features', () => {
    [[64, 2], [128, 2], [256, 3], [512, 3], [512, 3]].forEach(([c, n]) => (x = vggStack(b, x, scaled(c!, o.width), n!)));
  });
  // torchvision's AdaptiveAvgPool2d((7, 7)): the identity at 224, an average pool above it.
  if (r !== 224) x = avgPool(b, x, { kernel: r / 224 });
  x = flatten(b, x);
  const hidden = scaled(4096, o.width);
  x = b.scope('classifier', () => {
    let y = relu(b, fc(b, x, hidden, { name: '0' }));
    y = relu(b, fc(b, y, hidden, { name: '3' }));
    return fc(b, y, o.classes, { name: '6' });
  });
  b.output(x);
  return b.finish();
}

function resnet(name: string, o: NetOptions, blocks: readonly number[], kind: 'basic' | 'bottleneck') {
  const b = new Builder({ name, seed: o.seed });
  let x = b.input('input', [1, 3, o.resolution, o.resolution]);
  x = relu(b, batchNorm(b, conv(b, x, { out: scaled(64, o.width), kernel: 7, stride: 2, pad: 3, name: 'conv1' }), 'bn1'));
  x = maxPool(b, x, { kernel: 3, stride: 2, pad: 1 });
  blocks.forEach((n, stage) => {
    const width = scaled(64 * 2 ** stage, o.width);
    b.scope(`layer${stage + 1}`, () => {
      for (let i = 0; i < n; i++) {
        const stride = i === 0 && stage > 0 ? 2 : 1;
        x = b.scope(i, () => (kind === 'basic' ? basicBlock(b, x, width, stride) : bottleneck(b, x, width, stride)));
      }
    });
  });
  b.output(classifier(b, x, o.classes, { name: 'fc' }));
  return b.finish();
}

export const resnet18 = (o: NetOptions) => resnet('resnet18', o, [2, 2, 2, 2], 'basic');
/** ResNet-50 v1.5: the stride of each downsampling bottleneck is in its 3×3 conv. */
export const resnet50 = (o: NetOptions) => resnet('resnet50', o, [3, 4, 6, 3], 'bottleneck');

/** SqueezeNet 1.1: 3×3/2 stem, 8 fire modules, 1×1 conv classifier, global average pool. */
export function squeezenet11(o: NetOptions) {
  const b = new Builder({ name: 'squeezenet1_1', seed: o.seed });
  const w = (c: number) => scaled(c, o.width);
  let x = b.input('input', [1, 3, o.resolution, o.resolution]);
  b.scope('features', () => {
    x = relu(b, conv(b, x, { out: w(64), kernel: 3, stride: 2, pad: 0, bias: true, name: '0' }));
    const pool = () => (x = maxPool(b, x, { kernel: 3, stride: 2, ceil: true }));
    pool();
    const spec: [number, number, number][] = [[16, 64, 64], [16, 64, 64], [32, 128, 128], [32, 128, 128], [48, 192, 192], [48, 192, 192], [64, 256, 256], [64, 256, 256]];
    spec.forEach(([s, e1, e3], i) => {
      x = b.scope(i + 3, () => fire(b, x, w(s), w(e1), w(e3)));
      if (i === 1 || i === 3) pool();
    });
  });
  x = b.scope('classifier', () => relu(b, conv(b, x, { out: o.classes, kernel: 1, bias: true, name: '1' })));
  b.output(flatten(b, globalAvgPool(b, x)));
  return b.finish();
}
