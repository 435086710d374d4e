/**
 * The speed probes (src/predict/probe.ts) and how the latency model uses them: every kernel
 * sampled and the overhead keep both probes' times at sampling; each kernel follows one probe
 * (dense convs and matrix products of at least 50 µs the dense conv, the rest the depthwise one);
 * a prediction in probe units divides each term by its class's probe time (hand-computed here on
 * a cache whose probe times are rewritten to known values, half the kernels at one speed and half
 * at another); the speed-corrected prediction is exactly Σ units × probes now; the cache key names
 * sampler 6; `predict --check --json` reports the raw and corrected predictions, against its schema.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import {
  atSpeed, createEngine, createLatencyModel, LATENCY_MODEL_VERSION, latencyCacheKey, prepareModel, relativeRuns, SpeedProbe, SpeedProbes, summarize, type EngineInfo, type Machine,
} from '../src/index.js';
import { leannet } from './helpers/cli.js';
import { repoRoot, tempDir } from './helpers/models.js';

const SPEC = 'zoo:mobilenet_v2?width=0.35&resolution=64';
const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'schemas/predict.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true }).compile(schema);
const DENSE = /(^|:)(Conv|FusedConv|Gemm|MatMul|FusedMatMul|FusedGemm)$/;

describe('speed probes', () => {
  it('the cache key names the sampler version that keeps both probes (6), and differs from the one before', () => {
    const machine: Machine = { cpu: 'AMD EPYC 7B13', cores: 2, platform: 'linux x64', node: 'v20.20.2' };
    const info: EngineInfo = { engine: 'ort', runtime: 'onnxruntime-node', version: '1.30.0', provider: 'cpu', threads: 1, interOpThreads: null, executionMode: 'sequential', optLevel: 'all', spinning: false };
    expect(LATENCY_MODEL_VERSION).toBe(6);
    expect(latencyCacheKey(machine, info)).toMatch(/ \/ sampler 6$/);
    expect(latencyCacheKey(machine, info, 5)).not.toBe(latencyCacheKey(machine, info));
  });

  it('times a fixed dense conv and a depthwise conv on the engine: positive medians, repeatable within a factor of 3 a moment later', async () => {
    const engine = await createEngine('ort', { threads: 1 });
    const one = await SpeedProbe.create(engine);
    const a = await one.measure();
    await one.release();
    expect(a.kind).toBe('conv');
    expect(a.runs).toBeGreaterThanOrEqual(7);
    expect(a.p10).toBeLessThanOrEqual(a.ms);
    const both = await SpeedProbes.create(engine);
    const x = await both.measure();
    const y = await both.measure();
    await both.release();
    for (const k of ['conv', 'dw'] as const) {
      expect(x[k]).toBeGreaterThan(0.01);
      // This VM's slow phases move the depthwise probe up to ~1.9×.
      expect(y[k] / x[k]).toBeGreaterThan(1 / 3);
      expect(y[k] / x[k]).toBeLessThan(3);
    }
  }, 30_000);

  it('each term over its class probe at sampling; the corrected prediction is exactly Σ units × probes now', async () => {
    const cacheDir = tempDir('leannet-probe-');
    const engine = await createEngine('ort', { threads: 1 });
    const lm = await createLatencyModel(engine, { cacheDir, sample: { budgetMs: 30, minRuns: 5 } });
    const p = await lm.predictPrepared(prepareModel(SPEC));
    await lm.release();
    // The class rule, kernel by kernel: the dense conv probe only for dense ops of ≥ 50 µs.
    for (const k of p.kernels) {
      expect(k.probes!.conv).toBeGreaterThan(0);
      expect(k.probes!.dw).toBeGreaterThan(0);
      if (k.probe === 'conv') {
        expect(k.op).toMatch(DENSE);
        expect(k.warmMs).toBeGreaterThanOrEqual(0.05);
      }
      if (!DENSE.test(k.op) || k.warmMs < 0.05) expect(k.probe).toBe('dw');
    }
    expect(p.kernels.some((k) => k.probe === 'dw')).toBe(true);
    expect(p.classMs.conv + p.classMs.dw).toBeCloseTo(p.ms, 9);
    const o = lm.overhead.probes!;
    expect(p.probeUnits!.dw).toBeCloseTo(p.overheadMs / o.dw + p.kernels.filter((k) => k.probe === 'dw').reduce((a, k) => a + k.ms / k.probes!.dw, 0), 9);
    expect(p.probeUnits!.conv).toBeCloseTo(p.kernels.filter((k) => k.probe === 'conv').reduce((a, k) => a + k.ms / k.probes!.conv, 0), 9);

    // Rewrite the cache's probe times: the overhead and the kernels sorted first by signature as if
    // sampled in a fast phase (conv 0.5, dw 0.2 ms), the others in a slow one (1.0, 0.4).
    const file = path.join(cacheDir, 'latency.json');
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    type Probes = { conv: number; dw: number };
    const [entry] = Object.values(doc.entries) as { overhead: { probes: Probes }; kernels: Record<string, { probes: Probes }> }[];
    entry!.overhead.probes = { conv: 0.5, dw: 0.2 };
    const sigs = Object.keys(entry!.kernels).sort();
    const fast = new Set(sigs.slice(0, Math.floor(sigs.length / 2)));
    for (const s of sigs) entry!.kernels[s]!.probes = fast.has(s) ? { conv: 0.5, dw: 0.2 } : { conv: 1.0, dw: 0.4 };
    fs.writeFileSync(file, JSON.stringify(doc));

    const lm2 = await createLatencyModel(engine, { cacheDir });
    const q = await lm2.predictPrepared(prepareModel(SPEC));
    await lm2.release();
    expect(q.sampled).toBe(0);
    expect(q.ms).toBe(p.ms); // the raw prediction does not depend on probe times
    const isFast = (k: (typeof q.kernels)[number]) => k.probes!.conv === 0.5;
    const fastMs = q.overheadMs + q.kernels.filter(isFast).reduce((a, k) => a + k.ms, 0);
    const slowMs = q.kernels.filter((k) => !isFast(k)).reduce((a, k) => a + k.ms, 0);
    expect(fastMs + slowMs).toBeCloseTo(q.ms, 9);
    expect(slowMs).toBeGreaterThan(0);
    // By hand, at the slow phase's probes now: the fast-phase terms double, the slow-phase ones stay.
    const slow = atSpeed(q, { conv: 1.0, dw: 0.4 })!;
    expect(slow.ms).toBeCloseTo(2 * fastMs + slowMs, 9);
    expect(slow.rawMs).toBe(q.ms);
    expect(slow.ratio).toBeCloseTo(slow.ms / q.ms, 9);
    // Only the dense conv probe moving scales only the dense terms.
    const denseMs = q.kernels.filter((k) => k.probe === 'conv').reduce((a, k) => a + k.ms / k.probes!.conv, 0);
    expect(atSpeed(q, { conv: 1.3, dw: 0.4 })!.ms - slow.ms).toBeCloseTo(0.3 * denseMs, 9);
    expect(atSpeed({ ...q, probeUnits: null }, { conv: 1, dw: 1 })).toBeNull();
    // Runs exactly as predicted at their blocks' speeds are 1 relative to it, whatever the speeds.
    const probes = [{ conv: 0.5, dw: 0.2 }, { conv: 0.5, dw: 0.2 }, { conv: 1.0, dw: 0.4 }, { conv: 1.0, dw: 0.4 }];
    const at = (i: number) => atSpeed(q, { conv: Math.sqrt(probes[i]!.conv * probes[i + 1]!.conv), dw: Math.sqrt(probes[i]!.dw * probes[i + 1]!.dw) })!.ms;
    const rel = relativeRuns({ times: [at(0), at(0), at(1), at(2)], blocks: [2, 1, 1], probes }, q);
    for (const r of rel) expect(r).toBeCloseTo(1, 12);
    expect(rel).toHaveLength(4);
  }, 60_000);

  it('leannet predict --check --json reports the raw and the speed-corrected prediction and the probes', () => {
    const cacheDir = tempDir('leannet-probe-cli-');
    const r = leannet(['predict', SPEC, '--threads', '1', '--json', '--check', '--time', '0.4'], { env: { LEANNET_CACHE_DIR: cacheDir } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    const c = doc.check;
    expect(c.probes).toHaveLength(3); // 0.4 s in blocks of 250 ms: 2 blocks, the probes before each and after the last
    const now = { conv: summarize(c.probes.map((x: { conv: number }) => x.conv)).median, dw: summarize(c.probes.map((x: { dw: number }) => x.dw)).median };
    expect(c.speed.probeNow.conv).toBeCloseTo(now.conv, 9);
    expect(c.speed.probeNow.dw).toBeCloseTo(now.dw, 9);
    expect(c.speed.rawMs).toBe(doc.predicted.ms);
    expect(c.speed.ms).toBeCloseTo(doc.predicted.probeUnits.conv * now.conv + doc.predicted.probeUnits.dw * now.dw, 9);
    expect(c.speed.ratio).toBeCloseTo(c.speed.ms / doc.predicted.ms, 9);
    expect(c.speed.errorPct).toBeCloseTo((c.speed.ms / c.measured.median - 1) * 100, 6);
    expect(c.errorPct).toBeCloseTo((doc.predicted.ms / c.measured.median - 1) * 100, 6);
    expect(c.relative.runs).toBe(c.measured.runs);
    for (const k of doc.kernels) expect(k.probes.conv).toBeGreaterThan(0);

    const t = leannet(['predict', SPEC, '--threads', '1', '--check', '--time', '0.4'], { env: { LEANNET_CACHE_DIR: cacheDir } });
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/speed probes now \d+\.\d+ ms \(dense conv\) and \d+\.\d+ ms \(depthwise\): at the speed of the measurement the prediction is \d+\.\d+ ms \(× \d\.\d\d the raw one.*\), error [+-]\d+\.\d%/);
  }, 60_000);
});
