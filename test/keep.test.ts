/**
 * `rewrite --keep faster` against onnxruntime: a model built so that one approximate change is
 * faster (a 64→64 3×3 conv split into 2 groups: half the madds) and one is slower (a 64→15 3×3
 * conv decoupled at full rank 9: 1.6× its madds and a 576-channel intermediate map). The slower
 * one is reverted, the faster one kept, and the written model holds exactly that.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { candidatesOf, openModel, parseConv, type PassReport } from '../src/index.js';
import { errorLines, leannet } from './helpers/cli.js';
import { fmnistImages } from './helpers/fmnist.js';
import { sharedModel, tempDir } from './helpers/models.js';
import { floatInit, tinyModel } from './helpers/tiny.js';

function keepModel(): Uint8Array {
  const attrs = [{ name: 'pads', type: 7, ints: [1, 1, 1, 1] }, { name: 'kernel_shape', type: 7, ints: [3, 3] }];
  return tinyModel({
    nodes: [
      { op: 'Conv', name: 'fast', inputs: ['x', 'wa'], outputs: ['a'], attrs },
      { op: 'Relu', name: 'relu', inputs: ['a'], outputs: ['r'] },
      { op: 'Conv', name: 'slow', inputs: ['r', 'wb'], outputs: ['y'], attrs },
    ],
    inputs: [{ name: 'x', dims: [1, 64, 56, 56] }],
    outputs: [{ name: 'y', dims: [1, 15, 56, 56] }],
    initializers: [floatInit('wa', [64, 64, 3, 3]), floatInit('wb', [15, 64, 3, 3])],
  });
}

describe('rewrite --keep faster', () => {
  it('lists every approximate change as a candidate, and no exact one', () => {
    const reports = [
      { id: 'fold-bn', exact: true, algebra: '', skipped: [], changes: [{ replaced: ['bn'], added: [], summary: 's' }] },
      { id: 'group', exact: false, algebra: '', skipped: [], changes: [{ replaced: ['c1'], added: ['c1'], summary: 'g' }, { replaced: ['c2'], added: ['c2'], summary: 'g2' }] },
    ] as PassReport[];
    expect(candidatesOf(reports).map((c) => [c.pass, c.nodes])).toEqual([['group', ['c1']], ['group', ['c2']]]);
  });

  it('reverts the change built to be slower and keeps the faster one', () => {
    const dir = tempDir();
    const file = path.join(dir, 'keep.onnx');
    const out = path.join(dir, 'kept.onnx');
    fs.writeFileSync(file, keepModel());
    const r = leannet(['rewrite', file, '-o', out, '--pass', 'group:g=2', '--pass', 'dwsep:rank=9', '--keep', 'faster', '--keep-time', '1.5', '--time', '1', '--threads', '1', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    const byNode = Object.fromEntries(doc.keep.candidates.map((c: { nodes: string[] }) => [c.nodes[0], c]));
    expect(Object.keys(byNode).sort()).toEqual(['fast', 'slow']);
    expect(byNode.fast.pass).toBe('group');
    expect(byNode.fast.kept).toBe(true);
    expect(byNode.fast.timing.outcome).toBe('faster');
    expect(byNode.slow.pass).toBe('dwsep');
    expect(byNode.slow.kept).toBe(false);
    expect(byNode.slow.timing.median).toBeLessThan(1);
    expect(byNode.slow.why).toMatch(/^not faster/);
    // The written model: 'fast' in 2 groups, 'slow' untouched (one standard conv, no depthwise pair).
    const g = openModel(out);
    const convs = g.nodes.filter((n) => n.opType === 'Conv');
    expect(convs.map((n) => [n.name, parseConv(n).group])).toEqual([['fast', 2], ['slow', 1]]);
    // The report's pass list is that of the kept set.
    expect(doc.passes.map((p: { id: string; changes: unknown[] }) => [p.id, p.changes.length])).toEqual([['group', 1], ['dwsep', 0]]);
  });

  it('--keep takes only faster, and needs measuring', () => {
    const file = path.join(tempDir(), 'k.onnx');
    fs.writeFileSync(file, keepModel());
    const bad = leannet(['rewrite', file, '-o', path.join(tempDir(), 'o.onnx'), '--pass', 'group', '--keep', 'smaller']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe("leannet: --keep: expected 'faster', got 'smaller'");
    const noMeasure = leannet(['rewrite', file, '-o', path.join(tempDir(), 'o.onnx'), '--pass', 'group', '--keep', 'faster', '--no-measure']);
    expect(noMeasure.code).toBe(1);
    expect(noMeasure.stderr).toMatch(/cannot be combined with --no-measure/);
  });
});

describe('rewrite --data with an accuracy budget (fmnist_resnet, the test set split: 128 fitted, 128 held out)', () => {
  // The training set is not on a fresh machine; the split is disjoint, which is what matters here.
  const model = sharedModel('fmnist_resnet.onnx');
  it('--min-agreement: every kept change agrees with the original on the held-out samples, and so does the kept set; verified on those samples', () => {
    const out = path.join(tempDir(), 'pruned.onnx');
    const r = leannet([
      'rewrite', model, '-o', out, '--pass', 'prune:ratio=0.5,round=16', '--only', '^/layer4/',
      '--data', fmnistImages, '--calib', '128', '--holdout', '128', '--batch-size', '64',
      '--min-agreement', '0.99', '--keep-time', '0.5', '--time', '0.5', '--threads', '2', '--json',
    ], { timeout: 300_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    const candidates: { nodes: string[]; kept: boolean; score: { top1: number; agreement: number } | undefined; why: string }[] = doc.keep.candidates;
    // layer4's three groups (its residual stream and the two inner ones), each scored alone.
    expect(candidates).toHaveLength(3);
    expect(doc.keep.baseline.agreement).toBe(1);
    for (const c of candidates) {
      expect(c.score).toBeDefined();
      if (c.kept) expect(c.score!.agreement).toBeGreaterThanOrEqual(0.99);
      else expect(c.why).toMatch(/over the accuracy budget|missed the budget/);
    }
    if (candidates.some((c) => c.kept)) expect(doc.keep.final.agreement).toBeGreaterThanOrEqual(0.99);
    // The written model holds the kept groups and only those: layer4's conv widths.
    const kept = new Set(candidates.filter((c) => c.kept).flatMap((c) => c.nodes));
    const g = openModel(out);
    for (const c of candidates) {
      const conv = g.nodes.find((n) => n.name === c.nodes[0])!;
      const width = g.value(conv.inputs[1]!).shape![0];
      expect(width === 256 ? 'full' : 'pruned').toBe(kept.has(c.nodes[0]!) ? 'pruned' : 'full');
    }
    // Verified on the 128 held-out samples, not on random inputs.
    expect(doc.verification.samples).toBe(128);
    expect(doc.verification.inputs).toMatch(/t10k-images-idx3-ubyte\.gz.*samples 129–256/);
  }, 300_000);

  it('budget flags without what they need are one-line errors', () => {
    const out = path.join(tempDir(), 'x.onnx');
    const noData = leannet(['rewrite', model, '-o', out, '--pass', 'prune', '--max-drop', '1']);
    expect(noData.code).toBe(1);
    expect(errorLines(noData)).toEqual(['leannet: --max-drop and --min-agreement score changes on data: give --data']);
    const noMeasure = leannet(['rewrite', model, '-o', out, '--pass', 'prune', '--min-agreement', '0.9', '--data', fmnistImages, '--no-measure']);
    expect(errorLines(noMeasure)).toEqual(['leannet: --keep, --max-drop and --min-agreement measure every change: they cannot be combined with --no-measure']);
    const bad = leannet(['rewrite', model, '-o', out, '--pass', 'prune', '--min-agreement', '1.5', '--data', fmnistImages]);
    expect(errorLines(bad)).toEqual(["leannet: --min-agreement: expected a number in [0, 1], got '1.5'"]);
    expect(fs.existsSync(out)).toBe(false);
  });
});
