/**
 * `leannet compress --kinds prune,group`: each step also proposes every conv split into 2 groups.
 * Checked through the real CLI on a small zoo network with a madds target: the log validates and
 * names each proposal's kind; each group proposal's predicted madds is the current model's less
 * half of that conv's multiply-adds (counted here from its weight and output shapes); the convs
 * the log says it grouped are group convs in the output file with halved weights, and the output
 * runs on onnxruntime-node with the held-out agreement the log reports. A bad --kinds is one line.
 * `--start-ratio`: step 1 is the uniform cut of every prunable group (each width the share kept,
 * rounded to --round, as computed here), with no proposals and no latency prediction.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { costModel, inferShapes, openModel, writeOnnx, type CompressLog } from '../src/index.js';
import { errorLines, leannet } from './helpers/cli.js';
import { repoRoot } from './helpers/models.js';
import { compressFixture } from './helpers/npy.js';

const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'schemas/compress.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true }).compile(schema);


describe('leannet compress --kinds prune,group', () => {
  const { dir, spec, samples, calib, data, dataFile } = compressFixture('leannet-compress-kinds-');

  it('proposes group convs beside cuts, names each kind, and writes the groups it kept', async () => {
    const out = path.join(dir, 'g.onnx');
    const r = leannet(['compress', spec, '--data', dataFile, '--calib', String(calib), '--holdout', String(samples - calib), '--target', 'madds=60%', '--kinds', 'prune,group', '--search-calib', '20', '--max-steps', '1', '--step', '0.15', '--step-time', '0.3', '-o', out, '--json'], { timeout: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as CompressLog;
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.settings.kinds).toEqual(['prune', 'group']);
    const first = doc.steps[0]!;
    const groupProps = first.proposals.filter((p) => p.kind === 'group');
    expect(groupProps.length).toBeGreaterThan(3);
    expect(first.proposals.some((p) => p.kind === 'prune')).toBe(true);

    // Step 1 starts from the original (the exact passes change no conv's shape): a group proposal's
    // predicted madds = (total − ½ · c2·c1·kh·kw·oh·ow of its conv) / total.
    const original = openModel(spec);
    inferShapes(original);
    const m0 = costModel(original).totals.madds;
    for (const p of groupProps) {
      expect([p.from, p.to]).toEqual([1, 2]);
      const conv = original.nodes.find((n) => n.name === p.producer)!;
      const [c2, c1, kh, kw] = original.value(conv.inputs[1]!).shape as number[];
      const [, , oh, ow] = original.value(conv.outputs[0]!).shape as number[];
      expect(p.predicted).toBeCloseTo((m0 - (c2! * c1! * kh! * kw! * oh! * ow!) / 2) / m0, 9);
    }

    // What the log says it grouped is in the output file.
    const written = openModel(out);
    inferShapes(written);
    const kept = [...doc.steps.flatMap((s) => [s.change, ...(s.change.also ?? [])])].filter((c) => c.kind === 'group').map((c) => c.producer);
    expect(Object.keys(doc.final.grouped ?? {}).sort()).toEqual([...kept].sort());
    expect(kept.length).toBeGreaterThan(0);
    for (const name of kept) {
      const conv = written.nodes.find((n) => n.name === name)!;
      expect(conv.attrs.get('group')).toMatchObject({ value: 2 });
      const [c2, cg] = written.value(conv.inputs[1]!).shape as number[];
      const cin = (written.value(conv.inputs[0]!).shape as number[])[1]!;
      const cout = (written.value(conv.outputs[0]!).shape as number[])[1]!;
      expect([c2, cg! * 2]).toEqual([cout, cin]);
    }
    expect(costModel(written).totals.madds / m0).toBeCloseTo(doc.final.maddsRatio, 9);

    // The output runs on onnxruntime-node; its agreement with the original on the held-out samples is the log's.
    const so = await ort.InferenceSession.create(out);
    const sr = await ort.InferenceSession.create(writeOnnx(openModel(spec)).model);
    let agree = 0;
    const per = 3 * 32 * 32;
    for (let i = calib; i < samples; i++) {
      const x = new ort.Tensor('float32', data.slice(i * per, (i + 1) * per), [1, 3, 32, 32]);
      const a = (await so.run({ [so.inputNames[0]!]: x }))[so.outputNames[0]!]!.data as Float32Array;
      const b = (await sr.run({ [sr.inputNames[0]!]: x }))[sr.outputNames[0]!]!.data as Float32Array;
      const arg = (v: Float32Array) => v.indexOf(Math.max(...v));
      if (arg(a) === arg(b)) agree++;
    }
    expect(agree / (samples - calib)).toBeCloseTo(doc.final.heldOut.final, 6);
  }, 120_000);

  it('--start-ratio: step 1 cuts every group uniformly, the steps go on from there', () => {
    const out = path.join(dir, 'u.onnx');
    const r = leannet(['compress', spec, '--data', dataFile, '--calib', String(calib), '--holdout', String(samples - calib), '--target', 'madds=30%', '--start-ratio', '0.3', '--search-calib', '20', '--max-steps', '2', '--step-time', '0.3', '--no-final-refit', '-o', out, '--json'], { timeout: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as CompressLog;
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.settings.startRatio).toBe(0.3);
    const s1 = doc.steps[0]!;
    expect(s1.proposals).toEqual([]);
    expect(s1.predictedLatency).toBeNull();
    const cuts = [s1.change, ...(s1.change.also ?? [])];
    // Every group the cut narrows: size s keeps max(8, round(0.7·s / 8)·8) channels (groups it would not narrow are not listed).
    for (const c of cuts) {
      expect(c.to).toBe(Math.max(8, Math.round((0.7 * c.from) / 8) * 8));
      expect(c.to).toBeLessThan(c.from);
    }
    expect(cuts.length).toBeGreaterThan(5);
    expect(doc.steps.length).toBe(2);
  }, 120_000);

  it('refuses a bad --kinds in one line', () => {
    for (const [kinds, re] of [['prune,dwsep', /--kinds: expected a comma-separated list of prune and group/], ['group', /--kinds: prune is always proposed/]] as const) {
      const r = leannet(['compress', spec, '--data', dataFile, '--target', 'madds=50%', '--kinds', kinds, '-o', path.join(dir, 'a.onnx')]);
      expect(r.code).toBe(1);
      const lines = errorLines(r);
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(re);
    }
  }, 60_000);
});
