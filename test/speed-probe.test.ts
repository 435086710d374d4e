/**
 * The speed probe (src/predict/probe.ts) and how the latency model uses it: every kernel sampled
 * and the overhead keep the probe's time at sampling; a prediction in probe units divides each
 * term by its own probe time (hand-computed here on a cache whose probe times are rewritten to
 * known values, half the kernels at one speed and half at another); the speed-corrected
 * prediction scales exactly with the probe now; the cache key names sampler 5; `predict --check
 * --json` reports the raw and corrected predictions and the probe ratio, against its schema.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { atSpeed, createEngine, createLatencyModel, LATENCY_MODEL_VERSION, latencyCacheKey, prepareModel, SpeedProbe, summarize, type EngineInfo, type Machine } from '../src/index.js';
import { leannet } from './helpers/cli.js';
import { repoRoot, tempDir } from './helpers/models.js';

const SPEC = 'zoo:resnet18?width=0.25&resolution=64';
const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'schemas/predict.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true }).compile(schema);

describe('speed probe', () => {
  it('the cache key names the sampler version that keeps probe times (5), and differs from the one before', () => {
    const machine: Machine = { cpu: 'AMD EPYC 7B13', cores: 2, platform: 'linux x64', node: 'v20.20.2' };
    const info: EngineInfo = { engine: 'ort', runtime: 'onnxruntime-node', version: '1.30.0', provider: 'cpu', threads: 1, interOpThreads: null, executionMode: 'sequential', optLevel: 'all', spinning: false };
    expect(LATENCY_MODEL_VERSION).toBe(5);
    expect(latencyCacheKey(machine, info)).toMatch(/ \/ sampler 5$/);
    expect(latencyCacheKey(machine, info, 4)).not.toBe(latencyCacheKey(machine, info));
  });

  it('times a fixed conv on the engine: a positive, repeatable median (within 2× of itself a moment later)', async () => {
    const engine = await createEngine('ort', { threads: 1 });
    const probe = await SpeedProbe.create(engine);
    const a = await probe.measure();
    const b = await probe.measure();
    await probe.release();
    expect(a.kind).toBe('conv');
    expect(a.runs).toBeGreaterThanOrEqual(7);
    expect(a.ms).toBeGreaterThan(0.01);
    expect(a.p10).toBeLessThanOrEqual(a.ms);
    expect(b.ms / a.ms).toBeGreaterThan(0.5);
    expect(b.ms / a.ms).toBeLessThan(2);
  }, 30_000);

  it('a prediction in probe units divides each kernel by its own sampling-time probe; the corrected prediction scales exactly with the probe now', async () => {
    const cacheDir = tempDir('leannet-probe-');
    const engine = await createEngine('ort', { threads: 1 });
    const lm = await createLatencyModel(engine, { cacheDir, sample: { budgetMs: 30, minRuns: 5 } });
    const p = await lm.predictPrepared(prepareModel(SPEC));
    await lm.release();
    // Sampled now: every kernel and the overhead carry the probe's time, near the probe's time now.
    const probe = await SpeedProbe.create(engine);
    const now = await probe.measure();
    await probe.release();
    for (const k of p.kernels) expect(k.probeMs).toBeGreaterThan(0);
    expect(lm.overhead.probeMs).toBeGreaterThan(0);
    const ratio = p.sampledProbeMs! / now.ms;
    expect(ratio).toBeGreaterThan(0.4);
    expect(ratio).toBeLessThan(2.5);
    expect(p.probeUnits).toBeCloseTo(p.overheadMs / lm.overhead.probeMs! + p.kernels.reduce((a, k) => a + k.ms / k.probeMs!, 0), 9);

    // Rewrite the cache's probe times: the overhead and the kernels sorted first by signature at
    // 0.5 ms, the others at 1.0 ms (as if sampled in a faster and a slower phase).
    const file = path.join(cacheDir, 'latency.json');
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    const [entry] = Object.values(doc.entries) as { overhead: { probeMs: number }; kernels: Record<string, { probeMs: number }> }[];
    entry!.overhead.probeMs = 0.5;
    const sigs = Object.keys(entry!.kernels).sort();
    const fast = new Set(sigs.slice(0, Math.floor(sigs.length / 2)));
    for (const s of sigs) entry!.kernels[s]!.probeMs = fast.has(s) ? 0.5 : 1.0;
    fs.writeFileSync(file, JSON.stringify(doc));

    const lm2 = await createLatencyModel(engine, { cacheDir });
    const q = await lm2.predictPrepared(prepareModel(SPEC));
    await lm2.release();
    expect(q.sampled).toBe(0);
    expect(q.ms).toBe(p.ms); // the raw prediction does not depend on probe times
    // By hand: the 0.5 ms terms count twice per ms, the 1.0 ms ones once.
    const fastMs = q.overheadMs + q.kernels.filter((k) => k.probeMs === 0.5).reduce((a, k) => a + k.ms, 0);
    const slowMs = q.kernels.filter((k) => k.probeMs === 1).reduce((a, k) => a + k.ms, 0);
    expect(fastMs + slowMs).toBeCloseTo(q.ms, 9);
    expect(slowMs).toBeGreaterThan(0);
    expect(q.probeUnits).toBeCloseTo(fastMs / 0.5 + slowMs / 1.0, 9);
    expect(q.sampledProbeMs).toBeCloseTo(q.ms / (fastMs / 0.5 + slowMs), 9);
    // At probe 1.0 ms now: the fast-phase terms double, the slow-phase ones stay.
    const at1 = atSpeed(q, 1.0)!;
    expect(at1.ms).toBeCloseTo(2 * fastMs + slowMs, 9);
    expect(at1.rawMs).toBe(q.ms);
    expect(at1.ratio).toBeCloseTo(1.0 / q.sampledProbeMs!, 9);
    // Exactly proportional to the probe now; at the sampling probe it is the raw prediction.
    expect(atSpeed(q, 1.3)!.ms / at1.ms).toBeCloseTo(1.3, 9);
    expect(atSpeed(q, q.sampledProbeMs!)!.ms).toBeCloseTo(q.ms, 9);
    expect(atSpeed({ ...q, probeUnits: null, sampledProbeMs: null }, 1)).toBeNull();
  }, 60_000);

  it('leannet predict --check --json reports the raw and the speed-corrected prediction and the probe ratio', () => {
    const cacheDir = tempDir('leannet-probe-cli-');
    const r = leannet(['predict', SPEC, '--threads', '1', '--json', '--check', '--time', '0.4'], { env: { LEANNET_CACHE_DIR: cacheDir } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    const c = doc.check;
    expect(c.probeMs).toHaveLength(3); // 0.4 s in blocks of 250 ms: 2 blocks, the probe before each and after the last
    expect(c.speed.probeNowMs).toBeCloseTo(summarize(c.probeMs).median, 9);
    expect(c.speed.rawMs).toBe(doc.predicted.ms);
    expect(c.speed.ms).toBeCloseTo(doc.predicted.probeUnits * c.speed.probeNowMs, 9);
    expect(c.speed.ratio).toBeCloseTo(c.speed.probeNowMs / doc.predicted.sampledProbeMs, 9);
    expect(c.speed.errorPct).toBeCloseTo((c.speed.ms / c.measured.median - 1) * 100, 6);
    expect(c.errorPct).toBeCloseTo((doc.predicted.ms / c.measured.median - 1) * 100, 6);
    for (const k of doc.kernels) expect(k.probeMs).toBeGreaterThan(0);

    const t = leannet(['predict', SPEC, '--threads', '1', '--check', '--time', '0.4'], { env: { LEANNET_CACHE_DIR: cacheDir } });
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/speed probe \d+\.\d+ ms now against \d+\.\d+ ms when the kernels were timed \(× \d\.\d\d.*\): at today's speed \d+\.\d+ ms, error [+-]\d+\.\d%/);
  }, 60_000);
});
