/** `leannet analyze` end to end: table, --json against its schema, --top, --by op. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { leannet } from './helpers/cli.js';
import { repoRoot, sharedModel } from './helpers/models.js';

const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'schemas/analyze.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true }).compile(schema);

describe('leannet analyze', () => {
  it('prints the SqueezeNet 1.1 table and totals (1,235,496 params as published for its 1.1 layout)', () => {
    const r = leannet(['analyze', sharedModel('light_squeezenet.onnx')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/params\s+1,235,496/);
    expect(r.stdout).toMatch(/madds\s+349 M/);
    // conv1 and the eight expand3x3 are 3x3; eight squeeze, eight expand1x1 and the classifier are 1x1
    expect(r.stdout).toMatch(/standard\s+9 convs/);
    expect(r.stdout).toMatch(/pointwise\s+17 convs\s+\S+ M madds\s+\S+%\s+\S+ k params/);
    // one row per non-constant node: 26 convs among them
    expect(r.stdout.split('\n').filter((l) => /\bConv\b/.test(l))).toHaveLength(26);
  });

  it('--json validates against schemas/analyze.schema.json and agrees with the table', () => {
    const r = leannet(['analyze', sharedModel('version-RFB-320.onnx'), '--json', '--by', 'op']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.model.inputs).toEqual([{ name: 'input', dtype: 'float32', shape: [1, 3, 240, 320] }]);
    expect(doc.layers).toHaveLength(doc.model.nodes);
    const sum = (k: string) => doc.layers.reduce((s: number, l: Record<string, number>) => s + l[k]!, 0);
    expect(sum('madds')).toBe(doc.totals.madds);
    expect(sum('params')).toBe(doc.totals.params);
    const conv = doc.byOp.find((e: { opType: string }) => e.opType === 'Conv');
    expect(conv.madds).toBe(doc.totals.madds);
    // the standard 3x3 convs hold 23% of the madds (what the rewrite issue quotes)
    const standard = doc.convKinds.find((k: { kind: string }) => k.kind === 'standard');
    expect(standard.share).toBeCloseTo(0.232, 3);
  });

  it('--top N keeps the N layers with the most madds', () => {
    const all = JSON.parse(leannet(['analyze', 'zoo:resnet18', '--json']).stdout);
    const top = JSON.parse(leannet(['analyze', 'zoo:resnet18', '--json', '--top', '3']).stdout);
    expect(validate(top)).toBe(true);
    const expected = [...all.layers].sort((a, b) => b.madds - a.madds).slice(0, 3).map((l) => l.name);
    expect(top.layers.map((l: { name: string }) => l.name)).toEqual(expected);
    const table = leannet(['analyze', 'zoo:resnet18', '--top', '3']);
    expect(table.stdout).toMatch(/\(top 3 of \d+ nodes by madds\)/);
  });

  it('--by op groups the table', () => {
    const r = leannet(['analyze', 'zoo:mobilenet_v2', '--by', 'op']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Conv\s+52\s/m);
    expect(r.stdout).toMatch(/^Clip\s+35\s/m);
    expect(leannet(['analyze', 'zoo:mobilenet_v2', '--by', 'layer']).stderr).toMatch(/--by: expected 'op', got 'layer'/);
  });

  it('writes colour codes only to a terminal or with FORCE_COLOR, also when CI is set', () => {
    const model = sharedModel('light_squeezenet.onnx');
    const plain = leannet(['analyze', model], { env: { NO_COLOR: '', FORCE_COLOR: '', CI: 'true' } });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/params\s+1,235,496/);
    expect(plain.stdout).not.toContain('\x1b[');
    const forced = leannet(['analyze', model], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(forced.stdout).toContain('\x1b[1m');
    expect(stripVTControlCharacters(forced.stdout)).toBe(plain.stdout);
    expect(leannet(['--no-color', 'analyze', model], { env: { NO_COLOR: '', FORCE_COLOR: '1' } }).stdout).toBe(plain.stdout);
  });

  it('stops quietly, exit code 0, when the reader closes the pipe early (`| head`)', async () => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/leannet.js'), 'analyze', sharedModel('light_densenet121.onnx')], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    // Closed before the CLI has started: its first write to stdout fails with EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
