/**
 * Lint recommends a pass only where the pass applies: fold-bn matches inference-mode BNs only,
 * sees through Identity/Cast/Reshape to constant tensors, and every finding that names a pass is
 * matched by that pass, at the nodes it names, for every pass a finding can name (zoo networks and
 * shared models). Outputs checked in onnxruntime.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  analyzeGraph, buildFromSpec, buildNetwork, createEngine, encodeModel, findPass, lint, openModel, parsePassSpecs, prepareGraph, readOnnx, runPasses, verifyModels, NETWORKS, PASS_REFS, PASS_REF_IDS,
  type Engine, type Graph, type PassRef,
} from '../src/index.js';
import { errorLines, leannet } from './helpers/cli.js';
import { floatInit, valueInfo } from './helpers/tiny.js';
import { sharedModel, sharedModelFiles, tempDir } from './helpers/models.js';

let engine: Engine;
const ort = async () => (engine ??= await createEngine('ort', { threads: 2 }));

async function outputError(before: Graph, after: Graph): Promise<number> {
  const r = await verifyModels(prepareGraph(before, 'before'), prepareGraph(after, 'after'), await ort());
  return Math.max(...r.outputs.map((o) => o.normRel));
}

/** Conv → BN at `opset`, with the BN's outputs and attributes given, and its scale through `via` (Identity, Cast, Reshape). */
function convBn(opset: number, bnOutputs: string[], attrs: Record<string, unknown>[] = [], via: 'Identity' | 'Cast' | 'Reshape' | '' = '') {
  const nodes: Record<string, unknown>[] = [{ name: 'conv', op_type: 'Conv', input: ['x', 'w'], output: ['c'] }];
  const inits: Record<string, unknown>[] = [floatInit('w', [4, 3, 3, 3], 0.1), floatInit('s', [4], 1.5), floatInit('b', [4], 0.25), floatInit('m', [4], 0.125), floatInit('v', [4], 2)];
  let scale = 's';
  if (via === 'Identity') nodes.push({ name: 'id', op_type: 'Identity', input: ['s'], output: ['s_id'] });
  if (via === 'Cast') nodes.push({ name: 'cast', op_type: 'Cast', input: ['s'], output: ['s_id'], attribute: [{ name: 'to', type: 2, i: 1 }] });
  if (via === 'Reshape') {
    inits.push({ name: 'shape', data_type: 7, dims: [1], int64_data: [4] }, floatInit('s2', [2, 2], 1.5));
    nodes.push({ name: 'reshape', op_type: 'Reshape', input: ['s2', 'shape'], output: ['s_id'] });
  }
  if (via) scale = 's_id';
  nodes.push({ name: 'bn', op_type: 'BatchNormalization', input: ['c', scale, 'b', 'm', 'v'], output: bnOutputs, attribute: attrs });
  return readOnnx(
    encodeModel({
      ir_version: 8,
      opset_import: [{ domain: '', version: opset }],
      graph: {
        name: 'conv-bn',
        node: nodes,
        input: [valueInfo({ name: 'x', dims: [1, 3, 8, 8] })],
        output: [valueInfo({ name: 'y' })],
        initializer: inits,
      },
    }),
  );
}

const foldBnFindings = (g: Graph) => lint(analyzeGraph(g)).findings.filter((f) => f.rewrite === 'fold-bn');

describe('fold-bn matches inference-mode BatchNormalization only', () => {
  it('training_mode=1 (opset 15) and statistics outputs (opset 13) are left alone, with the reason, and lint does not recommend them', async () => {
    const cases: [Graph, RegExp][] = [
      [convBn(15, ['y'], [{ name: 'training_mode', type: 2, i: 1 }]), /in training mode \(training_mode=1\)/],
      [convBn(13, ['y', 'rm', 'rv', 'sm', 'sv']), /in training mode \(opset 13 with statistics outputs\)/],
      [convBn(9, ['y', 'rm', 'rv']), /in training mode \(opset 9 with statistics outputs\)/],
    ];
    for (const [g, why] of cases) {
      expect(foldBnFindings(g)).toEqual([]);
      const [report] = await runPasses(g, parsePassSpecs(['fold-bn']));
      expect(report!.changes).toHaveLength(0);
      expect(report!.skipped).toHaveLength(1);
      expect(report!.skipped[0]).toMatch(why);
      expect(g.nodes.map((n) => n.opType)).toEqual(['Conv', 'BatchNormalization']);
    }
  });

  it('inference mode (training_mode=0, or one output at opset 13) folds, exactly in onnxruntime, and lint recommends it', async () => {
    for (const make of [() => convBn(15, ['y'], [{ name: 'training_mode', type: 2, i: 0 }]), () => convBn(13, ['y'])]) {
      expect(foldBnFindings(make())).toHaveLength(1);
      const after = make();
      const [report] = await runPasses(after, parsePassSpecs(['fold-bn']));
      expect(report!.changes).toHaveLength(1);
      expect(after.nodes.map((n) => n.opType)).toEqual(['Conv']);
      expect(await outputError(make(), after)).toBeLessThanOrEqual(1e-6);
    }
  });

  it('sees through Identity, Cast and Reshape to the constant', async () => {
    for (const via of ['Identity', 'Cast', 'Reshape'] as const) {
      const make = () => convBn(13, ['y'], [], via);
      expect(foldBnFindings(make())).toHaveLength(1);
      const after = make();
      const [report] = await runPasses(after, parsePassSpecs(['fold-bn']));
      expect(report!.changes).toHaveLength(1);
      expect(after.nodes.map((n) => n.opType)).toEqual(['Conv']);
      expect(await outputError(make(), after)).toBeLessThanOrEqual(1e-6);
    }
  });

  it("PyTorch's export with BN biases through Identity: all 20 BNs fold, outputs within 1e-6", async () => {
    const file = sharedModel('fmnist_resnet_bn_identity.onnx');
    expect(openModel(file).nodes.filter((n) => n.opType === 'Identity').length).toBe(3);
    const after = openModel(file);
    const [report] = await runPasses(after, parsePassSpecs(['fold-bn']));
    expect(report!.changes).toHaveLength(20);
    expect(report!.skipped).toEqual([]);
    expect(after.nodes.filter((n) => n.opType === 'BatchNormalization' || n.opType === 'Identity')).toEqual([]);
    expect(foldBnFindings(openModel(file))).toHaveLength(20);
    expect(await outputError(openModel(file), after)).toBeLessThanOrEqual(1e-6);
  });
});

describe('reparam matches inference-mode BatchNormalization only', () => {
  it('a 3x3 + 1x1 conv+BN block re-parameterises; with one BN in training mode it is left alone, with the reason', async () => {
    const make = (training: boolean) => {
      const bn = (name: string, input: string, output: string, train: boolean) => ({
        name, op_type: 'BatchNormalization', input: [input, `${name}.s`, `${name}.b`, `${name}.m`, `${name}.v`], output: [output],
        attribute: [{ name: 'training_mode', type: 2, i: train ? 1 : 0 }],
      });
      const stats = (name: string) => [floatInit(`${name}.s`, [4], 1.25), floatInit(`${name}.b`, [4], 0.5), floatInit(`${name}.m`, [4], 0.1), floatInit(`${name}.v`, [4], 0.8)];
      return readOnnx(
        encodeModel({
          ir_version: 8,
          opset_import: [{ domain: '', version: 15 }],
          graph: {
            name: 'rep',
            node: [
              { name: 'c3', op_type: 'Conv', input: ['x', 'w3'], output: ['a3'], attribute: [{ name: 'pads', type: 7, ints: [1, 1, 1, 1] }] },
              bn('bn3', 'a3', 'b3', false),
              { name: 'c1', op_type: 'Conv', input: ['x', 'w1'], output: ['a1'] },
              bn('bn1', 'a1', 'b1', training),
              { name: 'add', op_type: 'Add', input: ['b3', 'b1'], output: ['y'] },
            ],
            input: [valueInfo({ name: 'x', dims: [1, 4, 6, 6] })],
            output: [valueInfo({ name: 'y' })],
            initializer: [floatInit('w3', [4, 4, 3, 3]), floatInit('w1', [4, 4, 1, 1]), ...stats('bn3'), ...stats('bn1')],
          },
        }),
      );
    };
    const after = make(false);
    const [ok] = await runPasses(after, parsePassSpecs(['reparam']));
    expect(ok!.changes).toHaveLength(1);
    expect(after.nodes.map((n) => n.opType)).toEqual(['Conv']);
    expect(await outputError(make(false), after)).toBeLessThanOrEqual(1e-5);
    const train = make(true);
    const [left] = await runPasses(train, parsePassSpecs(['reparam']));
    expect(left!.changes).toHaveLength(0);
    expect(left!.skipped).toEqual(["skipped: BatchNormalization 'bn1' is in training mode (training_mode=1): it normalises with the batch's statistics, not the running ones; cannot fold"]);
  });
});

describe('every lint finding that names a pass is one that pass matches', () => {
  const specs = [...NETWORKS.map((n) => `zoo:${n.name}`), ...sharedModelFiles().map(sharedModel)];
  const named = new Map<PassRef, number>();
  it.each(specs)('%s', (spec) => {
    const name = spec.startsWith('zoo:') ? spec.slice(4) : undefined;
    const open = () => (name ? buildNetwork(name) : openModel(spec));
    const findings = lint(analyzeGraph(open())).findings.filter((f) => f.rewrite);
    const graph = open();
    analyzeGraph(graph);
    if (spec === 'zoo:resnet50') expect(new Set(findings.map((f) => f.rewrite))).toEqual(new Set(['fold-bn', 'dwsep', 'group']));
    for (const f of findings) {
      const pass = findPass(f.rewrite!);
      named.set(f.rewrite!, (named.get(f.rewrite!) ?? 0) + 1);
      const nodes = new Set(f.nodes);
      const matches = pass.match(graph, { only: (n) => nodes.has(n), params: {}, seed: 0 }) as { why?: string }[];
      expect(matches.filter((m) => !m.why), `${f.rule} ${f.nodes.join(',')} → ${f.rewrite}`).not.toHaveLength(0);
      // The finding points where the pass acts: a one-conv pass at that conv, fold-bn at its BN, merge and reparam at nodes the finding names.
      for (const m of matches.filter((m) => !m.why) as Record<string, unknown>[]) {
        const touched = [m['conv'], m['bn'], ...((m['convs'] as unknown[]) ?? []), ...((m['branches'] as { conv?: unknown; bn?: unknown }[]) ?? []).flatMap((b) => [b.conv, b.bn])].filter(Boolean) as { name: string }[];
        expect(touched.length).toBeGreaterThan(0);
        for (const n of touched) expect(nodes.has(n.name), `${f.rule} → ${f.rewrite}: ${n.name}`).toBe(true);
      }
    }
  });
  it('the networks above make findings name every pass a finding can name, each typed reference naming a registered pass', () => {
    expect([...named.keys()].sort()).toEqual([...PASS_REF_IDS].sort());
    for (const ref of PASS_REF_IDS) expect(findPass(ref).id).toBe(ref);
    // reparam from G3 on RepVGG's training form, merge-parallel-convs from G3 on Inception's branches.
    expect(named.get(PASS_REFS.reparam)).toBeGreaterThanOrEqual(17);
    expect(named.get(PASS_REFS.mergeParallelConvs)).toBeGreaterThanOrEqual(19);
  });
});

describe('advice an engineer would not question', () => {
  it('dwsep-opportunity skips convs whose depthwise stage would have < 16 channels (RGB stems)', () => {
    for (const net of ['resnet50', 'shufflenet_v2', 'vgg16']) {
      const a = analyzeGraph(buildFromSpec(net));
      const findings = lint(a).findings.filter((f) => f.rule === 'dwsep-opportunity');
      for (const f of findings) expect(Number(f.evidence['c1'])).toBeGreaterThanOrEqual(16);
      // The stem: 3 input channels. ResNet-50's 7x7 stem holds 2.9% of the madds, above minShare.
      const stem = a.cost.nodes.find((c) => c.kind === 'standard')!;
      expect(a.graph.value(stem.node.inputs[1]!).shape![1]).toBe(3);
      expect(findings.map((f) => f.nodes[0])).not.toContain(stem.node.name);
    }
    // With the threshold lowered, the stem comes back: the rule, not the share, dropped it.
    const a = analyzeGraph(buildFromSpec('resnet50'));
    const cfg = new Map([['dwsep-opportunity', { enabled: true, options: { minShare: 0.01, minChannels: 1 } }]]);
    expect(lint(a, { config: cfg as never }).findings.filter((f) => f.rule === 'dwsep-opportunity').map((f) => f.nodes[0])).toContain('conv1');
  });

  it('group-opportunity on ShuffleNet V2 names the channel shuffle it needs and is never high; on ResNet-50 it is unchanged', () => {
    const findings = lint(analyzeGraph(buildFromSpec('shufflenet_v2'))).findings.filter((f) => f.rule === 'group-opportunity');
    expect(findings.length).toBeGreaterThan(0);
    const conv5 = findings.find((f) => f.nodes[0] === 'conv5.0')!;
    // 464→1024 1x1 at 7x7: 14.1% of the madds saved with 8 groups, which alone would make it high.
    expect(conv5.saving.share).toBeGreaterThan(0.1);
    expect(conv5.severity).toBe('medium');
    expect(conv5.evidence['networkShuffles']).toBe(16);
    expect(conv5.evidence['shuffleNeeded']).toBe('Reshape to [N, g, 1024/g, 7, 7], Transpose [0, 2, 1, 3, 4], Reshape back to [N, 1024, 7, 7]');
    expect(conv5.message).toContain('which the group pass does not add');
    for (const f of findings) expect(f.severity).not.toBe('high');
    const resnet = lint(analyzeGraph(buildFromSpec('resnet50'))).findings.filter((f) => f.rule === 'group-opportunity');
    expect(resnet.length).toBeGreaterThan(0);
    for (const f of resnet) expect(f.evidence['shuffleNeeded']).toBeUndefined();
  });

  it('--batch on a fixed batch dim is an error in every command; conflicting --batch / --dim / --input are refused', () => {
    const fixed = sharedModel('light_squeezenet.onnx');
    const refusal = "leannet: --batch 8: input 'data_0' has a fixed batch dim 1; give a model with a symbolic batch dim (or --batch 1)";
    for (const args of [['analyze', fixed], ['lint', fixed], ['verify', fixed, fixed], ['compare', fixed, fixed], ['profile', fixed], ['bench', fixed], ['rewrite', fixed, '-o', path.join(tempDir(), 'x.onnx'), '--pass', 'fold-bn']]) {
      const r = leannet([...args, '--batch', '8']);
      expect(r.code, args[0]).toBe(1);
      expect(errorLines(r), args[0]).toEqual([refusal]);
    }
    expect(leannet(['analyze', fixed, '--batch', '1']).code).toBe(0);
    const sym = sharedModel('fmnist_resnet.onnx');
    expect(errorLines(leannet(['analyze', sym, '--batch', '2', '--dim', 'N=3']))).toEqual(["leannet: --batch 2 conflicts with --dim N=3 (the leading dim of input 'input')"]);
    expect(errorLines(leannet(['analyze', sym, '--batch', '2', '--input', 'input=4x1x32x32']))).toEqual(['leannet: --batch 2 conflicts with --input input=4x1x32x32 (leading dim 4)']);
    const ok = leannet(['analyze', sym, '--batch', '2', '--dim', 'N=2', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).model.inputs[0].shape).toEqual([2, 1, 32, 32]);
  });
});
