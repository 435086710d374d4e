/**
 * Zoo networks against published counts, against onnxruntime (they run, and every inferred
 * shape equals ORT's), and for determinism of their seeded weights.
 */
import { describe, expect, it } from 'vitest';
import { Builder, analyzeGraph, buildFromSpec, buildNetwork, layers, writeOnnx, NETWORKS } from '../src/index.js';
import { errorLines, leannet } from './helpers/cli.js';
import { feedsFor, ortShapes } from './helpers/ort.js';

/**
 * Reference figures at 224×224 and 1000 classes. params as PyTorch counts them (conv/fc
 * weights and biases + BN scale and shift); madds = conv + fc multiply-adds.
 */
const REFERENCES: [spec: string, params: number, madds: number, source: string][] = [
  // MobileNet V1 paper (Howard et al. 2017, Table 8): 569 M mult-adds, 4.2 M params; 4.23 M with BN.
  ['mobilenet_v1', 4.23e6, 568.7e6, 'Howard et al. 2017 / TF-slim'],
  // torchvision mobilenet_v2: 3,504,872 params; paper (Sandler et al. 2018, Table 4): 300 M.
  ['mobilenet_v2', 3_504_872, 300.8e6, 'torchvision mobilenet_v2'],
  // torchvision shufflenet_v2_x1_0: 2,278,604 params; paper (Ma et al. 2018, Table 5): 146 M.
  ['shufflenet_v2', 2_278_604, 144.9e6, 'torchvision shufflenet_v2_x1_0'],
  // torchvision shufflenet_v2_x0_5: 1,366,792 params; paper: 41 M.
  ['shufflenet_v2?width=0.5', 1_366_792, 40.5e6, 'torchvision shufflenet_v2_x0_5'],
  // ShuffleNet V1 1x g=3 (Zhang et al. 2018, Table 2: 140 M; Megvii reference code: 1.86 M params).
  ['shufflenet_v1?groups=3', 1.86e6, 137.5e6, 'Megvii ShuffleNet-Series ShuffleNetV1 1.0x g3'],
  // torchvision resnet18: 11,689,512 params, 1.814 G MACs.
  ['resnet18', 11_689_512, 1.814e9, 'torchvision resnet18'],
  // torchvision resnet50 (v1.5): 25,557,032 params, 4.089 G MACs.
  ['resnet50', 25_557_032, 4.089e9, 'torchvision resnet50'],
  // torchvision vgg16: 138,357,544 params, 15.47 G MACs.
  ['vgg16', 138_357_544, 15.47e9, 'torchvision vgg16'],
  // torchvision squeezenet1_1: 1,235,496 params, 349 M MACs.
  ['squeezenet1_1', 1_235_496, 349e6, 'torchvision squeezenet1_1'],
  // RepVGG paper (Ding et al. 2021, Table 4): A0 deploy form 8.31 M params, 1.36 G.
  ['repvgg_a0?deploy=true', 8.31e6, 1.361e9, 'Ding et al. 2021, RepVGG-A0'],
];

describe('zoo counts match published figures within 1%', () => {
  for (const [spec, params, madds, source] of REFERENCES) {
    it(`network=${spec} (${source})`, () => {
      const t = analyzeGraph(buildFromSpec(spec)).cost.totals;
      expect(Math.abs(t.params / params - 1)).toBeLessThan(0.01);
      expect(Math.abs(t.madds / madds - 1)).toBeLessThan(0.01);
    });
  }

  it('network=repvgg_a0 training form has more params and madds than its deploy form, by the 1x1 and BN branches', () => {
    const train = analyzeGraph(buildNetwork('repvgg_a0')).cost.totals;
    const deploy = analyzeGraph(buildNetwork('repvgg_a0', { deploy: 'true' })).cost.totals;
    // Hand count from the architecture (widths 48, 48, 96, 192, 1280; blocks 1, 2, 4, 14, 1; the
    // first block of each stage has stride 2): per block the training form adds a 1x1 conv
    // (c_in·c_out params, H'W'·c_in·c_out madds), two BNs (4·c_out) and, where c_in = c_out and
    // stride 1, an identity BN (2·c_in); the deploy form instead has a 3x3 bias (c_out).
    let extraParams = 0;
    let extraMadds = 0;
    let cIn = 3;
    let size = 224;
    for (const [cOut, blocks] of [[48, 1], [48, 2], [96, 4], [192, 14], [1280, 1]] as const) {
      for (let i = 0; i < blocks; i++) {
        const stride = i === 0 ? 2 : 1;
        size /= stride;
        extraParams += cIn * cOut + 4 * cOut + (stride === 1 && cIn === cOut ? 2 * cIn : 0) - cOut;
        extraMadds += size * size * cIn * cOut;
        cIn = cOut;
      }
    }
    expect(train.params - deploy.params).toBe(extraParams);
    expect(train.madds - deploy.madds).toBe(extraMadds);
  });
});

describe('every zoo network runs in onnxruntime with the shapes leannet infers', () => {
  for (const net of NETWORKS) {
    it(`network=${net.name}`, async () => {
      const graph = buildNetwork(net.name);
      const truth = await ortShapes(graph, feedsFor(graph));
      const out = graph.outputs[0]!;
      expect(truth.get(out)).toEqual([1, 1000]);
      const mismatches = [...truth].filter(([name, shape]) => JSON.stringify(graph.value(name).shape) !== JSON.stringify(shape));
      expect(mismatches).toEqual([]);
      expect(truth.size).toBe(graph.nodes.reduce((s, n) => s + n.outputs.length, 0));
    });
  }
});

describe('zoo options and weights', () => {
  it('same seed gives byte-identical files, another seed different weights', () => {
    const a = writeOnnx(buildNetwork('mobilenet_v2', { width: '0.5' })).model;
    const b = writeOnnx(buildNetwork('mobilenet_v2', { width: '0.5' })).model;
    const c = writeOnnx(buildNetwork('mobilenet_v2', { width: '0.5', seed: '7' })).model;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(c.length).toBe(a.length);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });

  it('BatchNorm tensors are non-trivial (folding them is a real test)', () => {
    const g = buildNetwork('resnet18');
    const mean = g.initializers.get('bn1.running_mean')!.toFloat32();
    const v = g.initializers.get('bn1.running_var')!.toFloat32();
    const gamma = g.initializers.get('bn1.weight')!.toFloat32();
    expect(Math.max(...mean.map(Math.abs))).toBeGreaterThan(0.05);
    expect(Math.min(...v)).toBeGreaterThan(0.49);
    expect(new Set(v).size).toBe(64);
    expect(new Set(gamma).size).toBe(64);
  });

  it('width, resolution and classes change the network as expected', () => {
    const full = analyzeGraph(buildFromSpec('mobilenet_v2')).cost.totals;
    const half = analyzeGraph(buildFromSpec('mobilenet_v2?width=0.5')).cost.totals;
    // torchvision mobilenet_v2(width_mult=0.5): 1,968,680 params; 97.1 M MACs.
    expect(half.params).toBe(1_968_680);
    expect(half.madds).toBeLessThan(full.madds / 2.5);
    const g = buildFromSpec('resnet18?resolution=160&classes=10');
    expect(g.value(g.inputs[0]!).shape).toEqual([1, 3, 160, 160]);
    expect(g.value(g.outputs[0]!).shape).toEqual([1, 10]);
    // Conv madds scale with the pixel count: (160/224)^2 of the 224 figure, minus the smaller fc.
    const r160 = analyzeGraph(g).cost.totals.madds;
    const r224 = analyzeGraph(buildFromSpec('resnet18?classes=10')).cost.totals.madds;
    expect(r160 / r224).toBeCloseTo((160 / 224) ** 2, 3);
  });

  it('the builder refuses groups that do not divide the channels', () => {
    const b = new Builder({ name: 't' });
    const x = b.input('x', [1, 10, 8, 8]);
    expect(() => layers.conv(b, x, { out: 12, kernel: 3, groups: 4 })).toThrow(/groups 4 must divide the input channels \(10\)/);
  });

  it('bad options give one line listing the valid choices', () => {
    const cases: [string[], RegExp][] = [
      [['analyze', 'zoo:mobilenet_v2?width=0'], /width must be > 0, got 0/],
      [['analyze', 'zoo:mobilenet_v2?width=-1'], /width must be > 0/],
      [['analyze', 'zoo:shufflenet_v1?groups=5'], /groups must be one of 1, 2, 3, 4, 8, got 5/],
      [['analyze', 'zoo:shufflenet_v2?width=0.75'], /width must be one of 0.5, 1, 1.5, 2/],
      [['analyze', 'zoo:nosuchnet'], /unknown network 'nosuchnet'; valid networks: vgg16, resnet18, .*repvgg_a0/],
      [['analyze', 'zoo:resnet18?depth=3'], /unknown option 'depth'; valid options: width, resolution, classes, seed/],
      [['zoo', 'export', 'resnet18', '--width', 'wide', '-o', '/tmp/x.onnx'], /width must be a number, got 'wide'/],
      [['zoo', 'export', 'vgg16', '--resolution', '100', '-o', '/tmp/x.onnx'], /resolution must be a multiple of 224/],
    ];
    for (const [args, pattern] of cases) {
      const r = leannet(args);
      expect(r.code, args.join(' ')).not.toBe(0);
      const lines = errorLines(r);
      expect(lines, args.join(' ')).toHaveLength(1);
      expect(lines[0]).toMatch(pattern);
    }
  });
});
