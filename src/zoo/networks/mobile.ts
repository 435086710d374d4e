/** MobileNet V1 / V2, ShuffleNet V1 / V2 and RepVGG-A0: the efficient architectures. */
import { UsageError } from '../../errors.js';
import { Builder } from '../builder.js';
import { convBn, invertedResidual, mobilenetV1Block, repvggBlock, shuffleV1Unit, shuffleV2Unit } from '../blocks.js';
import { classifier, maxPool } from '../layers.js';
import type { NetOptions } from '../options.js';

/** torchvision's _make_divisible: round to a multiple of 8, never more than 10% down. */
export function makeDivisible(v: number, divisor = 8): number {
  let n = Math.max(divisor, Math.floor((v + divisor / 2) / divisor) * divisor);
  if (n < 0.9 * v) n += divisor;
  return n;
}

/** MobileNet V1 (Howard et al. 2017): 13 depthwise-separable blocks; α scales every width. */
export function mobilenetV1(o: NetOptions) {
  const b = new Builder({ name: 'mobilenet_v1', seed: o.seed });
  const d = (c: number) => Math.max(8, Math.floor(c * o.width));
  let x = b.input('input', [1, 3, o.resolution, o.resolution]);
  x = convBn(b, x, { out: d(32), kernel: 3, stride: 2 }, 'relu', 'stem');
  const spec: [number, number][] = [[64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2], [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1]];
  b.scope('blocks', () => spec.forEach(([c, s], i) => (x = b.scope(i, () => mobilenetV1Block(b, x, d(c), s)))));
  b.output(classifier(b, x, o.classes, { name: 'fc' }));
  return b.finish();
}

/** MobileNet V2 (Sandler et al. 2018), torchvision's layout. */
export function mobilenetV2(o: NetOptions) {
  const b = new Builder({ name: 'mobilenet_v2', seed: o.seed });
  const settings: [number, number, number, number][] = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]];
  let x = b.input('input', [1, 3, o.resolution, o.resolution]);
  let layer = 0;
  b.scope('features', () => {
    x = convBn(b, x, { out: makeDivisible(32 * o.width), kernel: 3, stride: 2 }, 'relu6', String(layer++));
    for (const [t, c, n, s] of settings) {
      for (let i = 0; i < n; i++) x = b.scope(layer++, () => invertedResidual(b, x, makeDivisible(c * o.width), i === 0 ? s : 1, t));
    }
    x = convBn(b, x, { out: makeDivisible(1280 * Math.max(1, o.width)), kernel: 1 }, 'relu6', String(layer++));
  });
  b.output(classifier(b, x, o.classes, { name: 'classifier.1' }));
  return b.finish();
}

/** Stage output channels of ShuffleNet V1 at 1× (Zhang et al. 2018, Table 1). */
const SHUFFLE_V1: Record<number, [number, number, number]> = { 1: [144, 288, 576], 2: [200, 400, 800], 3: [240, 480, 960], 4: [272, 544, 1088], 8: [384, 768, 1536] };

/** ShuffleNet V1 with g groups, scaled s× (Megvii's reference layout; classifier without bias). */
export function shufflenetV1(o: NetOptions) {
  const g = o.groups;
  const base = SHUFFLE_V1[g];
  if (!base) throw new UsageError(`shufflenet_v1: groups must be one of ${Object.keys(SHUFFLE_V1).join(', ')}, got ${g}`);
  const s = o.width;
  const stem = s <= 0.5 ? 12 : s >= 2 ? 48 : 24;
  // Bottleneck = out/4 and every 1×1 is grouped, so stage widths are multiples of 4g.
  const widths = base.map((c) => Math.max(4 * g, Math.round((c * s) / (4 * g)) * 4 * g));
  if ((widths[0]! - stem) % g !== 0) throw new UsageError(`shufflenet_v1: width ${s} gives stage 2 width ${widths[0]}, which does not split into ${g} groups after the ${stem}-channel stem`);
  const b = new Builder({ name: 'shufflenet_v1', seed: o.seed });
  let x = b.input('input', [1, 3, o.resolution, o.resolution]);
  x = convBn(b, x, { out: stem, kernel: 3, stride: 2 }, 'relu', 'first_conv');
  x = maxPool(b, x, { kernel: 3, stride: 2, pad: 1 });
  let k = 0;
  b.scope('features', () =>
    [4, 8, 4].forEach((repeats, stage) => {
      for (let i = 0; i < repeats; i++) {
        x = b.scope(k++, () => shuffleV1Unit(b, x, widths[stage]!, i === 0 ? 2 : 1, g, stage === 0 && i === 0));
      }
    }),
  );
  b.output(classifier(b, x, o.classes, { name: 'classifier.0', bias: false }));
  return b.finish();
}

/** Stage output channels of ShuffleNet V2 (Ma et al. 2018, Table 5 / torchvision). */
const SHUFFLE_V2: Record<string, [number, number, number, number]> = {
  '0.5': [48, 96, 192, 1024],
  '1': [116, 232, 464, 1024],
  '1.5': [176, 352, 704, 1024],
  '2': [244, 488, 976, 2048],
};

export function shufflenetV2(o: NetOptions) {
  const c = SHUFFLE_V2[String(o.width)];
  if (!c) throw new UsageError(`shufflenet_v2: width must be one of ${Object.keys(SHUFFLE_V2).join(', ')}, got ${o.width}`);
  const b = new Builder({ name: 'shufflenet_v2', seed: o.seed });
  let x = b.input('input', [1, 3, o.resolution, o.resolution]);
  x = convBn(b, x, { out: 24, kernel: 3, stride: 2 }, 'relu', 'conv1');
  x = maxPool(b, x, { kernel: 3, stride: 2, pad: 1 });
  [4, 8, 4].forEach((repeats, stage) =>
    b.scope(`stage${stage + 2}`, () => {
      for (let i = 0; i < repeats; i++) x = b.scope(i, () => shuffleV2Unit(b, x, c[stage]!, i === 0 ? 2 : 1));
    }),
  );
  x = convBn(b, x, { out: c[3]!, kernel: 1 }, 'relu', 'conv5');
  b.output(classifier(b, x, o.classes, { name: 'fc' }));
  return b.finish();
}

/** RepVGG-A0 (Ding et al. 2021): blocks [2, 4, 14, 1], width multipliers a = 0.75, b = 2.5. */
export function repvggA0(o: NetOptions) {
  const a = 0.75 * o.width;
  const bb = 2.5 * o.width;
  const b = new Builder({ name: o.deploy ? 'repvgg_a0_deploy' : 'repvgg_a0', seed: o.seed });
  let x = b.input('input', [1, 3, o.resolution, o.resolution]);
  const inPlanes = Math.min(64, Math.round(64 * a));
  x = b.scope('stage0', () => repvggBlock(b, x, inPlanes, 2, o.deploy));
  const stages: [number, number][] = [[Math.round(64 * a), 2], [Math.round(128 * a), 4], [Math.round(256 * a), 14], [Math.round(512 * bb), 1]];
  stages.forEach(([planes, n], s) =>
    b.scope(`stage${s + 1}`, () => {
      for (let i = 0; i < n; i++) x = b.scope(i, () => repvggBlock(b, x, planes, i === 0 ? 2 : 1, o.deploy));
    }),
  );
  b.output(classifier(b, x, o.classes, { name: 'linear' }));
  return b.finish();
}
