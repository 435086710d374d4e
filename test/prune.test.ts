/**
 * The prune pass against onnxruntime and hand counts: pruned zoo networks, DenseNet and the
 * trained Fashion-MNIST ResNets validate, run, and cost what a per-layer formula over their new
 * widths says; pruning channels that were zeroed first leaves the outputs unchanged; l1 / l2 /
 * bn pick the channels a hand computation picks; bad options are one-line usage errors.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Builder, buildNetwork, costModel, createEngine, findDependencies, findProblems, inferShapes, keptWidth, layers, openModel, parsePassSpecs,
  prepareGraph, runPasses, topChannels, verifyModels, Tensor, UsageError, type Engine, type Graph, type PassReport,
} from '../src/index.js';
import { errorLines, leannet } from './helpers/cli.js';
import { sharedModel, tempDir } from './helpers/models.js';

let engine: Engine;
const ort = async () => (engine ??= await createEngine('ort', { threads: 2 }));

/** max |a − b| / max |a| over the outputs, on seeded inputs; onnxruntime must load and run both. */
async function outputError(before: Graph, after: Graph): Promise<number> {
  const r = await verifyModels(prepareGraph(before, 'before'), prepareGraph(after, 'after'), await ort());
  return Math.max(...r.outputs.map((o) => o.normRel));
}

const dims = (g: Graph, name: string) => g.values.get(name)!.shape as number[];
const numel = (d: readonly number[]) => d.reduce((a, b) => a * b, 1);

/**
 * Params and madds by hand, layer by layer: Conv c_out·(c_in/g)·k (+ c_out bias), madds times
 * the output pixels; BN γ and β (2c); Gemm in·out (+ out), madds in·out; a per-channel constant
 * of an element-wise op, c buffers (Clip's bounds, 1 each, counted once); BN's running statistics, 2c buffers. Widths come from the weights, pixels from the shapes.
 */
function handCount(g: Graph): { params: number; buffers: number; madds: number } {
  let params = 0;
  let buffers = 0;
  let madds = 0;
  // A constant read by several nodes (Clip's bounds) is stored, and counted, once.
  const seen = new Set<string>();
  for (const n of g.nodes) {
    if (n.opType === 'Conv') {
      const [cOut, cInG, ...k] = dims(g, n.inputs[1]!);
      const out = dims(g, n.outputs[0]!);
      params += cOut! * cInG! * numel(k) + (n.inputs[2] ? cOut! : 0);
      madds += cOut! * cInG! * numel(k) * numel(out.slice(2)) * out[0]!;
    } else if (n.opType === 'BatchNormalization') {
      params += 2 * dims(g, n.inputs[1]!)[0]!;
      buffers += 2 * dims(g, n.inputs[1]!)[0]!;
    } else if (n.opType === 'Gemm') {
      const [a, b] = dims(g, n.inputs[1]!);
      params += a! * b! + (n.inputs[2] ? numel(dims(g, n.inputs[2]!)) : 0);
      madds += a! * b! * dims(g, n.inputs[0]!)[0]!;
    } else if (['Mul', 'Add', 'Clip'].includes(n.opType)) {
      for (const i of n.inputs) if ((g.producer(i)?.opType === 'Unsqueeze' || g.initializers.has(i)) && !seen.has(i)) buffers += numel(dims(g, i));
    }
    n.inputs.forEach((i) => seen.add(i));
  }
  return { params, buffers, madds };
}

/** Every group the pass pruned: its producers now have `kept` output channels. */
function checkWidths(g: Graph, report: PassReport, multiple = 1): void {
  for (const c of report.changes) {
    const kept = c.detail!['kept'] as number;
    expect(kept % multiple === 0 || kept === c.detail!['channels']).toBe(true);
    for (const p of String(c.detail!['producers']).split(' ')) {
      const conv = g.nodes.find((n) => n.name === p)!;
      expect(dims(g, conv.inputs[1]!)[0]).toBe(kept);
    }
  }
}

async function pruneAndCheck(make: () => Graph, pass: string) {
  const before = make();
  const after = make();
  inferShapes(before);
  const [report] = await runPasses(after, parsePassSpecs([pass]));
  expect(findProblems(after)).toEqual([]);
  const [b, a] = [costModel(before).totals, costModel(after).totals];
  expect(handCount(before)).toEqual({ params: b.params, buffers: b.buffers, madds: b.madds });
  expect(handCount(after)).toEqual({ params: a.params, buffers: a.buffers, madds: a.madds });
  expect(a.madds).toBeLessThan(b.madds);
  // Both models load and run in onnxruntime (the error itself is the approximation's, not checked here).
  await outputError(before, after);
  checkWidths(after, report!);
  return { before, after, report: report! };
}

describe('pruned networks validate, run in onnxruntime and cost what their widths say', () => {
  it('ResNet-50: bottleneck groups and residual groups (a stage and its 1×1 shortcut are one group)', async () => {
    const { report, after } = await pruneAndCheck(() => buildNetwork('resnet50', { resolution: '64', width: '0.5' }), 'prune');
    // 16 blocks × 2 inner groups + 4 stage groups (each stage's adds join its blocks) + the stem.
    expect(report.changes).toHaveLength(37);
    expect(report.skipped).toEqual([]);
    // Every conv's input channels equal the channels of the tensor it reads.
    for (const n of after.nodes.filter((x) => x.opType === 'Conv')) expect(dims(after, n.inputs[1]!)[1]).toBe(dims(after, n.inputs[0]!)[1]);
  });

  it('MobileNet V2: depthwise convs follow their expansion conv, residual adds join the projections', async () => {
    const { after, report } = await pruneAndCheck(() => buildNetwork('mobilenet_v2', { resolution: '64' }), 'prune:round=8');
    for (const n of after.nodes.filter((x) => x.opType === 'Conv' && x.attrs.get('group')?.value !== 1 && x.attrs.has('group'))) {
      const g = n.attrs.get('group')!.value as number;
      expect(g).toBe(dims(after, n.inputs[0]!)[1]);
      expect(dims(after, n.inputs[1]!)).toEqual([g, 1, 3, 3]);
    }
    expect(report.skipped.filter((s) => s.includes('graph output'))).toHaveLength(0);
  });

  it('ShuffleNet V2: the channel shuffle freezes the unit outputs; the branch convs inside units are pruned', async () => {
    const { report } = await pruneAndCheck(() => buildNetwork('shufflenet_v2', { resolution: '64' }), 'prune');
    // Each unit's output conv(s) feed the shuffle's Reshape: kept, with that reason.
    expect(report.skipped.length).toBe(19);
    for (const s of report.skipped) expect(s).toMatch(/^kept g\d+ \(Conv '[^']+'.*\): (Reshape '.*shuffle.reshape1' mixes the channel axis with others|Conv 'conv5.0' .*)/);
    // Pruned: the stem (through MaxPool into both branches of the first unit) and every unit's inner 1×1 → depthwise group.
    expect(report.changes.map((c) => String(c.detail!['producers']))).toContain('conv1.0');
    expect(report.changes).toHaveLength(18);
  });

  it('DenseNet-121 (ONNX light model): Concat offsets, BN + Mul/Add constants through Unsqueeze, ConstantOfShape weights', async () => {
    const { report, after } = await pruneAndCheck(() => openModel(sharedModel('light_densenet121.onnx')), 'prune:ratio=0.5,round=8');
    expect(report.changes).toHaveLength(120);
    expect(report.skipped).toEqual(["kept g120 (Conv 'n909', 1000 channels): graph output 'fc6_1' exposes the channels"]);
    // The nodes that only made the replaced constants are gone.
    expect(after.nodes.filter((n) => n.opType === 'ConstantOfShape').length).toBeLessThan(50);
  });
});

const FMNIST = ['fmnist_resnet.onnx', 'fmnist_resnet_bn.onnx'];

describe('the trained Fashion-MNIST ResNet', () => {
  for (const file of FMNIST) {
    it(`${file}: ratio=0.5 round=16 keeps multiples of 16 and runs; ratio=0 changes nothing`, async () => {
      const { report, before, after } = await pruneAndCheck(() => openModel(sharedModel(file)), 'prune:ratio=0.5,round=16');
      checkWidths(after, report, 16);
      // Four stage groups (stem / conv2s / shortcuts joined by the adds) and eight inner groups, all halved.
      expect(report.changes.map((c) => c.detail!['kept'])).toEqual([16, 16, 16, 32, 32, 32, 64, 64, 64, 128, 128, 128]);
      expect(report.changes.map((c) => c.detail!['channels'])).toEqual([32, 32, 32, 64, 64, 64, 128, 128, 128, 256, 256, 256]);
      const gemm = after.nodes.find((n) => n.opType === 'Gemm')!;
      expect(dims(after, gemm.inputs[1]!)).toEqual([10, 128]);
      // Refit hook: the fc lost half its input features; it says which it kept.
      const fc = report.changes.flatMap((c) => c.refit ?? []).find((r) => r.node === gemm.name)!;
      expect(fc.of).toBe(256);
      expect(fc.kept).toHaveLength(128);
      const same = openModel(sharedModel(file));
      const [r0] = await runPasses(same, parsePassSpecs(['prune:ratio=0']));
      expect(r0!.changes).toEqual([]);
      expect(await outputError(before, same)).toBe(0);
    });
  }

  for (const [file, criterion] of [['fmnist_resnet.onnx', 'l1'], ['fmnist_resnet_bn.onnx', 'bn'], ['fmnist_resnet_bn.onnx', 'l2']] as const) {
    it(`${file}: pruning channels zeroed beforehand leaves the outputs unchanged (criterion=${criterion})`, async () => {
      const zeroed = openModel(sharedModel(file));
      inferShapes(zeroed);
      const { groups } = findDependencies(zeroed);
      // The stem group, by hand: the stem conv and layer 1's two conv2s, joined by the residual adds.
      expect(groups[0]!.producers.map((p) => p.name)).toEqual(['/stem/stem.0/Conv', '/layer1/layer1.0/conv2/Conv', '/layer1/layer1.1/conv2/Conv']);
      const widths: Record<string, number> = {};
      for (const g of groups) {
        // Zero every third channel, from a group-dependent offset, in every producer (weights, bias, and BN γ, β).
        const dead = Array.from({ length: g.size }, (_, c) => c).filter((c) => (c + g.root) % 3 === 0);
        widths[g.id] = g.size - dead.length;
        for (const conv of g.producers) {
          const zero = (name: string | undefined) => {
            if (!name) return;
            const t = zeroed.values.get(name)!.tensor!;
            const data = t.toFloat32();
            const per = data.length / t.dims[0]!;
            for (const c of dead) data.fill(0, c * per, (c + 1) * per);
            zeroed.setInitializer(name, Tensor.fromArray('float32', t.dims, data));
          };
          zero(conv.inputs[1]);
          zero(conv.inputs[2]);
          const bn = zeroed.nodes.find((n) => n.opType === 'BatchNormalization' && n.inputs[0] === conv.outputs[0]);
          if (bn) [bn.inputs[1], bn.inputs[2]].forEach(zero);
        }
      }
      const file2 = path.join(tempDir(), 'widths.json');
      fs.writeFileSync(file2, JSON.stringify(widths));
      const pruned = openModel(sharedModel(file));
      for (const [name, t] of zeroed.initializers) pruned.setInitializer(name, t);
      const [report] = await runPasses(pruned, parsePassSpecs([`prune:criterion=${criterion},widths=${file2}`]));
      expect(report!.changes).toHaveLength(12);
      expect(findProblems(pruned)).toEqual([]);
      expect(costModel(pruned).totals.params).toBeLessThan(0.6 * costModel(zeroed).totals.params);
      expect(await outputError(zeroed, pruned)).toBeLessThan(1e-5);
    });
  }
});

describe('criteria', () => {
  /** conv 'a' (4 filters of 1×2 over 2 channels, hand weights) → BN (γ hand) → Relu → conv 'b'. */
  function tiny(): Graph {
    const b = new Builder({ name: 'tiny', seed: 1 });
    const x = b.input('x', [1, 1, 6, 6]);
    const a = layers.conv(b, x, { out: 4, kernel: [1, 2], pad: [0, 0], name: 'a' });
    const y = layers.conv(b, layers.relu(b, layers.batchNorm(b, a, 'bn')), { out: 3, kernel: 1, name: 'b' });
    b.output(y);
    const g = b.finish();
    inferShapes(g);
    const conv = g.nodes.find((n) => n.name === 'a')!;
    // Filters: l1 = 3, 3.2, 2.5, 0.5; l2 = 3, 2.26, 2.5, 0.5; γ = 0.1 0.2 0.3 0.4 (negative signs: |γ|).
    g.setInitializer(conv.inputs[1]!, Tensor.fromArray('float32', [4, 1, 1, 2], new Float32Array([3, 0, 1.6, -1.6, 0, -2.5, 0.5, 0])));
    const bn = g.nodes.find((n) => n.opType === 'BatchNormalization')!;
    g.setInitializer(bn.inputs[1]!, Tensor.fromArray('float32', [4], new Float32Array([0.1, -0.2, 0.3, -0.4])));
    return g;
  }
  const keptFilters = async (criterion: string) => {
    const g = tiny();
    await runPasses(g, parsePassSpecs([`prune:criterion=${criterion},ratio=0.5,round=1`]));
    const a = g.nodes.find((n) => n.name === 'a')!;
    return Array.from(g.values.get(a.inputs[1]!)!.tensor!.toFloat32());
  };
  it('l1 keeps the filters of largest Σ|w|, l2 of largest √Σw², bn of largest |γ|', async () => {
    expect(await keptFilters('l1')).toEqual([3, 0, 1.6, -1.6].map(Math.fround));
    expect(await keptFilters('l2')).toEqual([3, 0, 0, -2.5]);
    expect(await keptFilters('bn')).toEqual([0, -2.5, 0.5, 0]);
  });
  it('topChannels and keptWidth', () => {
    expect(topChannels([1, 5, 5, 2, 0], 3)).toEqual([1, 2, 3]);
    expect(keptWidth(64, 0.3, 8)).toBe(48); // 44.8 → 48
    expect(keptWidth(58, 0.3, 8)).toBe(40); // 40.6 → 40
    expect(keptWidth(24, 0.9, 16)).toBe(16); // never 0: at least one multiple
    expect(keptWidth(12, 0.1, 16)).toBe(12); // never above the original
    expect(keptWidth(32, 0, 16)).toBe(32);
  });
  it('g1=1 moves the width of a group of 1×1 producers halfway toward their (pruned) input width', async () => {
    const widthsOf = async (pass: string) => {
      const b = new Builder({ name: 'g1', seed: 2 });
      const x = b.input('x', [1, 3, 8, 8]);
      const a = layers.relu(b, layers.conv(b, x, { out: 64, kernel: 3, name: 'a' }));
      const w = layers.relu(b, layers.conv(b, a, { out: 128, kernel: 1, name: 'w' }));
      b.output(layers.conv(b, w, { out: 16, kernel: 1, name: 'out' }));
      const g = b.finish();
      return (await runPasses(g, parsePassSpecs([pass])))[0]!.changes.map((c) => [c.detail!['producers'], c.detail!['kept']]);
    };
    // 'a' (3×3) keeps 64·0.5 = 32 either way; 1×1 'w' keeps 128·0.5 = 64, or with G1 (64 + 32) / 2 = 48.
    expect(await widthsOf('prune:ratio=0.5')).toEqual([['a', 32], ['w', 64]]);
    expect(await widthsOf('prune:ratio=0.5,g1=1')).toEqual([['a', 32], ['w', 48]]);
  });
});

describe('bad options are one-line usage errors', () => {
  const dir = tempDir();
  const bad = path.join(dir, 'bad.json');
  fs.writeFileSync(bad, '{"nosuchconv": 4}');
  const cases: [string, RegExp][] = [
    ['prune:ratio=1', /ratio must be a fraction in \[0, 1\), got '1'/],
    ['prune:ratio=x', /ratio must be a fraction/],
    ['prune:round=0', /round must be a positive integer/],
    ['prune:criterion=l3', /criterion must be one of l1, l2, bn/],
    ['prune:g1=2', /g1 must be 0 or 1/],
    [`prune:widths=${path.join(dir, 'missing.json')}`, /cannot read widths file .*ENOENT/],
    [`prune:widths=${bad}`, /no channel group is named or produced by 'nosuchconv'/],
    [`prune:ratio=0.5,widths=${bad}`, /give ratio or widths, not both/],
  ];
  for (const [pass, message] of cases) {
    it(pass.replace(dir, '…'), async () => {
      const g = openModel(sharedModel('fmnist_resnet.onnx'));
      const run = () => runPasses(g, parsePassSpecs([pass]));
      await expect(run()).rejects.toThrow(UsageError);
      await expect(run()).rejects.toThrow(message);
    });
  }
  it('the CLI says it in one line', () => {
    const r = leannet(['rewrite', sharedModel('fmnist_resnet.onnx'), '-o', path.join(dir, 'x.onnx'), '--pass', 'prune:ratio=2']);
    expect(r.code).not.toBe(0);
    expect(errorLines(r)).toEqual(["leannet: prune: ratio must be a fraction in [0, 1), got '2'"]);
  });
});

describe('leannet rewrite --pass prune', () => {
  it('prunes, verifies (approximate: reports its error) and writes a model that reads back smaller', () => {
    const out = path.join(tempDir(), 'pruned.onnx');
    const r = leannet(['rewrite', sharedModel('fmnist_resnet.onnx'), '-o', out, '--pass', 'prune:ratio=0.5,round=16', '--time', '1', '--json']);
    expect(errorLines(r).filter((l) => !l.startsWith('wrote'))).toEqual([]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(true);
    expect(doc.outputError).toBeGreaterThan(0);
    expect(doc.passes[0].changes).toHaveLength(12);
    const back = openModel(out);
    inferShapes(back);
    expect(findProblems(back)).toEqual([]);
    expect(costModel(back).totals.params).toBe(doc.after.totals.params);
    expect(doc.after.totals.madds).toBe(34751744);
  });
  it('the help lists the pass', () => {
    const r = leannet(['rewrite', '--help']);
    expect(r.stdout).toMatch(/\n  prune +approx +conv_k/);
  });
});
