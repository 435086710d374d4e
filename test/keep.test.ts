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
import { leannet } from './helpers/cli.js';
import { tempDir } from './helpers/models.js';
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
