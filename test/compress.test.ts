/**
 * `leannet compress` (NetAdapt-style search) against independent references: target parsing and
 * its one-line errors; the front against an O(n²) dominance loop; a madds target on a small zoo
 * network through the real CLI — the log validates against its schema, the last step meets the
 * target by the output file's own cost, the output runs on onnxruntime-node directly and its
 * held-out agreement with the original (computed here, with ORT) is the one the log reports, the
 * HTML page's chart holds the log's front; a latency target whose last step meets it as measured.
 * The default selection ('ratio'): every cut within --max-cut, each step's groups the cheapest
 * prefix by (score lost / resource saved) recomputed from the log's proposals, the selection score
 * the mean KL from the original computed here with ORT; '--select accuracy' keeps NetAdapt's rule.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { costModel, inferShapes, openModel, paretoFront, parseTarget, UsageError, writeOnnx, type CompressLog, type FrontPoint } from '../src/index.js';
import { errorLines, leannet } from './helpers/cli.js';
import { repoRoot } from './helpers/models.js';
import { seededFloats } from './helpers/ort.js';
import { compressFixture, npyFloat32 } from './helpers/npy.js';

const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'schemas/compress.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true }).compile(schema);

/** p is dominated by q: q at least as fast and as accurate, better on one. */
const dominates = (q: FrontPoint, p: FrontPoint) => q.speedup >= p.speedup && q.accuracy >= p.accuracy && (q.speedup > p.speedup || q.accuracy > p.accuracy);

function allPoints(log: CompressLog): FrontPoint[] {
  return [{ step: 0, speedup: 1, accuracy: log.original.accuracy }, ...log.steps.map((s) => ({ step: s.step, speedup: s.measured.speedup, accuracy: s.accuracy }))];
}

function checkFront(front: readonly FrontPoint[], all: readonly FrontPoint[]) {
  for (const p of front) for (const q of all) expect(dominates(q, p), `front point ${JSON.stringify(p)} dominated by ${JSON.stringify(q)}`).toBe(false);
  // Every point left out is dominated by, or equal to, a front point.
  for (const p of all) {
    if (front.includes(p) || front.some((f) => f.step === p.step)) continue;
    expect(all.some((q) => dominates(q, p) || (q !== p && q.speedup === p.speedup && q.accuracy === p.accuracy)), `step ${p.step} left out but not dominated`).toBe(true);
  }
}

describe('compress targets', () => {
  it('parses shares and absolute figures', () => {
    expect(parseTarget('latency=0.33x')).toMatchObject({ metric: 'latency', kind: 'ratio', value: 0.33 });
    expect(parseTarget('latency=12ms')).toMatchObject({ metric: 'latency', kind: 'absolute', value: 12 });
    expect(parseTarget('latency=0.5s')).toMatchObject({ metric: 'latency', kind: 'absolute', value: 500 });
    expect(parseTarget('madds=50%')).toMatchObject({ metric: 'madds', kind: 'ratio', value: 0.5 });
    expect(parseTarget('madds=200M')).toMatchObject({ metric: 'madds', kind: 'absolute', value: 2e8 });
    expect(parseTarget('params=1.5M')).toMatchObject({ metric: 'params', kind: 'absolute', value: 1.5e6 });
    expect(parseTarget('PARAMS = 40000')).toMatchObject({ metric: 'params', kind: 'absolute', value: 40000 });
  });
  it('refuses bad targets in one line', () => {
    for (const bad of ['latency', 'latency=', 'latency=1.5x', 'latency=0x', 'latency=12', 'latency=12M', 'madds=12ms', 'flops=0.5x', 'madds=abc', 'params=150%', 'params=0.5']) {
      let err: unknown;
      try {
        parseTarget(bad);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(UsageError);
      expect((err as Error).message, bad).toMatch(/^--target '.*': /);
      expect((err as Error).message).not.toContain('\n');
    }
  });
});

describe('compress front', () => {
  it('keeps exactly the non-dominated points (an O(n²) loop agrees)', () => {
    const pts: FrontPoint[] = [];
    const r = seededFloats(120, 7);
    for (let i = 0; i < 60; i++) pts.push({ step: i, speedup: 1 + Math.round((r[i]! + 1) * 10) / 10, accuracy: 0.8 + Math.round((r[60 + i]! + 1) * 50) / 1000 });
    const front = paretoFront(pts);
    const brute = pts.filter((p) => !pts.some((q) => dominates(q, p)));
    // Equal points: the front keeps one of each.
    const key = (p: FrontPoint) => `${p.speedup}/${p.accuracy}`;
    expect(new Set(front.map(key))).toEqual(new Set(brute.map(key)));
    checkFront(front, pts);
  });
});

describe('leannet compress (CLI)', () => {
  const { dir, spec, samples, calib, data, dataFile } = compressFixture('leannet-compress-');

  it('meets a madds target; the output runs on ORT, its agreement and costs are what the log says, the front and chart hold', async () => {
    const out = path.join(dir, 'small.onnx');
    const log = path.join(dir, 'log.json');
    const html = path.join(dir, 'report.html');
    const r = leannet(['compress', spec, '--data', dataFile, '--calib', String(calib), '--holdout', String(samples - calib), '--target', 'madds=80%', '--search-calib', '20', '-o', out, '--log', log, '--report', html, '--step-time', '0.3', '--json'], { timeout: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as CompressLog;
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(JSON.parse(fs.readFileSync(log, 'utf8'))).toEqual(doc);
    expect(doc.final.reached).toBe(true);
    expect(doc.steps.length).toBeGreaterThan(0);

    // The target, by the output file's own cost (read back, not the log's figure).
    const original = openModel(spec);
    inferShapes(original);
    const written = openModel(out);
    inferShapes(written);
    const m0 = costModel(original).totals.madds;
    const m1 = costModel(written).totals.madds;
    expect(m1).toBeLessThanOrEqual(0.8 * m0);
    expect(m1 / m0).toBeCloseTo(doc.final.maddsRatio, 6);
    expect(doc.steps.at(-1)!.madds).toBeLessThanOrEqual(0.8 * m0);
    // Each step before the last missed it (the search stops at the target).
    for (const s of doc.steps.slice(0, -1)) expect(s.madds).toBeGreaterThan(0.8 * m0);
    // The widths the log reports are the output's conv widths.
    for (const w of Object.values(doc.final.widths)) {
      const conv = written.nodes.find((n) => n.name === w.producer)!;
      expect(written.value(conv.inputs[1]!).shape![0]).toBe(w.to);
    }

    // The output runs on onnxruntime-node, and its top-1 agreement with the original on the held-out samples is the log's.
    const so = await ort.InferenceSession.create(out);
    const sr = await ort.InferenceSession.create(writeOnnx(openModel(spec)).model);
    let agree = 0;
    let kl = 0;
    const per = 3 * 32 * 32;
    const logSoftmax = (v: Float32Array) => {
      const m = Math.max(...v);
      const lse = m + Math.log(v.reduce((z, x) => z + Math.exp(x - m), 0));
      return Array.from(v, (x) => x - lse);
    };
    for (let i = calib; i < samples; i++) {
      const x = new ort.Tensor('float32', data.slice(i * per, (i + 1) * per), [1, 3, 32, 32]);
      const a = (await so.run({ [so.inputNames[0]!]: x }))[so.outputNames[0]!]!.data as Float32Array;
      const b = (await sr.run({ [sr.inputNames[0]!]: x }))[sr.outputNames[0]!]!.data as Float32Array;
      expect(a.every(Number.isFinite)).toBe(true);
      const arg = (v: Float32Array) => v.indexOf(Math.max(...v));
      if (arg(a) === arg(b)) agree++;
      const [p, q] = [logSoftmax(b), logSoftmax(a)];
      kl += p.reduce((t, lp, j) => t + Math.exp(lp) * (lp - q[j]!), 0);
    }
    expect(agree / (samples - calib)).toBeCloseTo(doc.final.heldOut.final, 6);
    expect(-kl / (samples - calib)).toBeCloseTo(doc.final.heldOut.selection, 5);

    // Ratio selection: each cut within --max-cut (or one step of --round), and each step's groups the
    // proposals with the least selection score lost per madds saved, in order, until the step's target.
    expect(doc.settings).toMatchObject({ select: 'ratio', maxCut: 0.25, calib: 20 });
    let prevSel = doc.original.selection;
    let prevRel = 1;
    for (const s of doc.steps) {
      const cuts = [s.change, ...(s.change.also ?? [])];
      for (const c of cuts) expect(c.to >= c.from * 0.75 || c.to === Math.ceil(c.from / 8) * 8 - 8, `${c.group} ${c.from}→${c.to}`).toBe(true);
      const cost = (p: (typeof s.proposals)[number]) => (prevSel - p.selection!) / (prevRel - p.predicted);
      const order = [...s.proposals].sort((a, b) => cost(a) - cost(b) || a.predicted - b.predicted);
      expect(cuts.map((c) => c.group)).toEqual(order.slice(0, cuts.length).map((p) => p.group));
      expect(s.madds / doc.original.madds <= s.target + 1e-9 || cuts.length === s.proposals.length).toBe(true);
      prevSel = s.selection;
      prevRel = s.madds / doc.original.madds;
    }

    checkFront(doc.front, allPoints(doc));

    // The page's chart draws the log's front.
    const page = fs.readFileSync(html, 'utf8');
    const spec2 = JSON.parse(/new Chart\(document\.getElementById\('front'\),(.*)\);<\/script>/.exec(page)![1]!);
    const frontSet = spec2.data.datasets.find((d: { label: string }) => d.label.startsWith('front')).data;
    expect(frontSet.map((p: { step: number }) => p.step)).toEqual(doc.front.map((p) => p.step));
    expect(frontSet.map((p: { x: number }) => p.x)).toEqual(doc.front.map((p) => p.speedup));
    expect(page).toContain('G4 (element-wise)');
  }, 120_000);

  // The latency model sizes the proposals (its kernels sampled once into a fresh cache); the target is still judged by measurement.
  it('meets a latency target as measured: the last step is at least 1/target faster, interleaved', () => {
    const out = path.join(dir, 'fast.onnx');
    const big = path.join(dir, 'x64.npy');
    fs.writeFileSync(big, npyFloat32([32, 3, 64, 64], seededFloats(32 * 3 * 64 * 64, 5)));
    const r = leannet(['compress', 'zoo:resnet18?width=0.25&resolution=64&classes=10', '--data', big, '--calib', '16', '--holdout', '16', '--target', 'latency=0.8x', '--max-steps', '8', '--step', '0.15', '--max-cut', '0.5', '--step-time', '0.6', '--estimator', 'predicted', '--no-final-refit', '-o', out, '--json'], { timeout: 150_000, env: { LEANNET_CACHE_DIR: path.join(dir, 'latency-cache') } });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as CompressLog;
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.final.reached, doc.final.stop).toBe(true);
    const last = doc.steps.at(-1)!;
    expect(last.measured.speedup).toBeGreaterThanOrEqual(1 / 0.8);
    expect(doc.final.speedup.median).toBe(last.measured.speedup);
    for (const s of doc.steps) {
      expect(s.predictedLatency).not.toBeNull();
      expect(s.correction).toBeCloseTo(1 / s.measured.speedup / s.predictedLatency!, 9);
    }
    // The latency model's estimate of each chosen model, corrected by the last measurement, is within 25% of what was measured.
    for (const s of doc.steps) expect(Math.abs(s.correction! - 1)).toBeLessThan(0.25);
    expect(fs.existsSync(path.join(dir, 'latency-cache', 'latency.json'))).toBe(true);
    checkFront(doc.front, allPoints(doc));
  }, 150_000);

  it("--select accuracy: NetAdapt's rule, one group a step, the most accurate proposal that meets the step", () => {
    const out = path.join(dir, 'netadapt.onnx');
    const r = leannet(['compress', spec, '--data', dataFile, '--calib', String(calib), '--holdout', String(samples - calib), '--target', 'madds=85%', '--select', 'accuracy', '--select-by', 'top1', '--max-steps', '2', '--step', '0.1', '--no-final-refit', '--step-time', '0.3', '-o', out, '--json'], { timeout: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as CompressLog;
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.settings).toMatchObject({ select: 'accuracy', maxCut: null });
    expect(doc.steps.length).toBeGreaterThan(0);
    for (const s of doc.steps) {
      expect(s.change.also).toBeUndefined();
      const meeting = s.proposals.filter((p) => p.meets);
      const best = Math.max(...meeting.map((p) => p.accuracy!));
      const kept = meeting.find((p) => p.group === s.change.group)!;
      expect(kept.accuracy).toBe(best);
      expect(kept.selection).toBe(kept.accuracy);
      expect(s.accuracy).toBe(best);
    }
  }, 120_000);

  it('refuses bad input in one line', () => {
    const cases: [string[], RegExp][] = [
      [['compress', spec, '--data', dataFile, '--target', 'latency=3x', '-o', path.join(dir, 'a.onnx')], /--target 'latency=3x': a share of the original must be between 0 and 1/],
      [['compress', spec, '--target', 'madds=50%', '-o', path.join(dir, 'a.onnx')], /give --data/],
      [['compress', spec, '--data', dataFile, '--target', 'madds=50%', '--max-drop', 'lots', '-o', path.join(dir, 'a.onnx')], /--max-drop/],
      [['compress', spec, '--data', dataFile, '--target', 'madds=50%', '--select', 'fast', '-o', path.join(dir, 'a.onnx')], /--select: expected ratio or accuracy/],
      [['compress', spec, '--data', dataFile, '--target', 'madds=50%', '--max-cut', '1.5', '-o', path.join(dir, 'a.onnx')], /--max-cut: expected a number between 0 and 1/],
      [['compress', spec, '--data', dataFile, '--target', 'madds=50%', '--select-by', 'loss', '-o', path.join(dir, 'a.onnx')], /--select-by: expected kl or top1/],
      [['compress', spec, '--data', dataFile, '--target', 'madds=50%', '--search-calib', '0', '-o', path.join(dir, 'a.onnx')], /--search-calib/],
      [['compress', path.join(dir, 'missing.onnx'), '--data', dataFile, '--target', 'madds=50%', '-o', path.join(dir, 'a.onnx')], /missing\.onnx/],
      [['compress', spec, '--data', dataFile, '--target', 'madds=50%', '--test-data', dataFile, '-o', path.join(dir, 'a.onnx')], /--test-data .* has no labels/],
    ];
    for (const [args, re] of cases) {
      const r = leannet(args);
      expect(r.code, args.join(' ')).toBe(1);
      const lines = errorLines(r);
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(re);
    }
  }, 60_000);
});
