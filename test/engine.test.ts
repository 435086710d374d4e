/**
 * Engines and measurement on real sessions (no mocks): bench, compare, verify, profile, and
 * the agreement of onnxruntime-node with onnxruntime-web's WebAssembly backend.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EngineError, Tensor, bench, buildNetwork, compare, createEngine, registerEngine, encodeModel, prepareGraph, prepareModel, profile, readOnnx, verifyModels, NETWORKS, type Engine } from '../src/index.js';
import { errorLines, leannet } from './helpers/cli.js';
import { repoRoot, sharedModel, tempDir } from './helpers/models.js';
import { valueInfo } from './helpers/tiny.js';

let ortEngine: Engine;
const ort = async () => (ortEngine ??= await createEngine('ort', { threads: 2 }));

describe('bench', () => {
  it('returns its timed runs, the figures computed from them, and the set-up that produced them', async () => {
    const p = prepareModel('zoo:mobilenet_v1?width=0.25&resolution=128');
    const r = await bench(p, await ort(), { warmup: 3, minRuns: 20, budgetMs: 500 });
    const s = r.stats;
    expect(s.runs).toBeGreaterThanOrEqual(20);
    for (const v of [s.median, s.p10, s.p90, s.min, s.iqr, r.throughput]) expect(Number.isFinite(v) && v >= 0).toBe(true);
    expect(s.min).toBeGreaterThan(0);
    expect(s.p10).toBeLessThanOrEqual(s.median);
    expect(s.median).toBeLessThanOrEqual(s.p90);
    expect(r.throughput).toBeCloseTo(1000 / s.median, 6);
    expect(r.engine).toMatchObject({ engine: 'ort', runtime: 'onnxruntime-node', provider: 'cpu', threads: 2, optLevel: 'all' });
    expect(r.engine.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(r.env.cores).toBeGreaterThan(0);
    expect(r.env.cpu.length).toBeGreaterThan(0);
    expect(r.env.node).toBe(process.version);
    // The figures are those of the timed runs it returns: recomputed here (linear interpolation between order statistics).
    expect(r.times).toHaveLength(s.runs);
    const sorted = [...r.times].sort((a, b) => a - b);
    const q = (p: number) => {
      const at = p * (sorted.length - 1);
      const i = Math.floor(at);
      return sorted[i]! + (sorted[Math.min(i + 1, sorted.length - 1)]! - sorted[i]!) * (at - i);
    };
    expect(s.min).toBe(sorted[0]);
    expect(s.max).toBe(sorted[sorted.length - 1]);
    for (const [v, p] of [[s.median, 0.5], [s.p10, 0.1], [s.p90, 0.9], [s.q1, 0.25], [s.q3, 0.75]] as const) expect(v).toBeCloseTo(q(p), 9);
    expect(s.iqr).toBeCloseTo(q(0.75) - q(0.25), 9);
    expect(s.mean).toBeCloseTo(r.times.reduce((a, b) => a + b, 0) / r.times.length, 9);
  });

  it('times the model it is given: 16× the madds (4× the resolution) measures at least twice as slow, batch 4 has 4 images per run in its throughput', async () => {
    // 16× rather than 4×: at 4× the ratio measured 1.85 once on a loaded 2-core VM (the small model's overhead share).
    const small = await bench(prepareModel('zoo:mobilenet_v1?width=0.25&resolution=64'), await ort(), { warmup: 3, minRuns: 20, budgetMs: 500 });
    const big = await bench(prepareModel('zoo:mobilenet_v1?width=0.25&resolution=256'), await ort(), { warmup: 3, minRuns: 20, budgetMs: 500 });
    expect(big.stats.median / small.stats.median).toBeGreaterThan(2);
    const four = await bench(prepareModel(sharedModel('fmnist_resnet.onnx'), { batch: 4 }), await ort(), { warmup: 3, minRuns: 10, budgetMs: 300 });
    expect(four.batch).toBe(4);
    expect(four.inputs[0]!.shape).toEqual([4, 1, 32, 32]);
    expect(four.throughput).toBeCloseTo((4 * 1000) / four.stats.median, 6);
  });
});

describe('compare', () => {
  // A statistical check: two sessions of one model can differ by a few tenths of a percent (one
  // CI run saw 0.4% in three tries), which hundreds of pairs make significant; compare calls a
  // difference inside its ±1% noise threshold none. A retry covers the 1-in-20 chance beyond that.
  it('a model against itself: no difference (the ratio interval reaches into the ±1% noise band)', { retry: 2 }, async () => {
    const p = prepareModel('zoo:mobilenet_v1?width=0.5&resolution=160');
    const q = prepareModel('zoo:mobilenet_v1?width=0.5&resolution=160');
    const r = await compare(p, q, await ort(), { minPairs: 30, budgetMs: 1500 });
    expect(r.ratio.lo).toBeLessThanOrEqual(1.01);
    expect(r.ratio.hi).toBeGreaterThanOrEqual(1 / 1.01);
    expect(r.outcome).toBe('same');
    expect(r.verdict).toMatch(/^no (significant difference|difference beyond the ±1% noise threshold) between /);
  });

  it('ResNet-18 at half width is reported faster than at full width', async () => {
    const r = await compare(prepareModel('zoo:resnet18?resolution=160'), prepareModel('zoo:resnet18?resolution=160&width=0.5'), await ort(), { minPairs: 20, budgetMs: 2000 });
    expect(r.outcome).toBe('faster');
    expect(r.ratio.lo).toBeGreaterThan(1);
    expect(r.verdict).toMatch(/^zoo:resnet18\?resolution=160&width=0\.5 is \d+\.\d\d× faster than zoo:resnet18\?resolution=160 \(\d+\.\d\d–\d+\.\d\d\)$/);
  });
});

describe('verify', () => {
  it('a model against itself: zero error', async () => {
    const r = await verifyModels(prepareModel('zoo:squeezenet1_1'), prepareModel('zoo:squeezenet1_1'), await ort());
    expect(r.pass).toBe(true);
    expect(r.outputs).toHaveLength(1);
    expect(r.outputs[0]).toMatchObject({ maxAbs: 0, maxRel: 0, mismatched: 0 });
    expect(r.outputs[0]!.cosine).toBeCloseTo(1, 12);
  });

  it('against a copy whose classifier bias is shifted by 0.01: reports exactly that perturbation', async () => {
    const original = buildNetwork('resnet18', { resolution: '96' });
    const perturbed = buildNetwork('resnet18', { resolution: '96' });
    const bias = perturbed.initializers.get('fc.bias')!.toFloat32().map((v) => v + 0.01);
    perturbed.setInitializer('fc.bias', Tensor.fromArray('float32', [1000], bias));
    const r = await verifyModels(prepareGraph(original, 'original'), prepareGraph(perturbed, 'perturbed'), await ort());
    expect(r.pass).toBe(false);
    const o = r.outputs[0]!;
    expect(o.maxAbs).toBeGreaterThan(0.0099);
    expect(o.maxAbs).toBeLessThan(0.0101);
    expect(o.mismatched).toBeGreaterThan(900);
  });

  it('the CLI exits 1 beyond tolerance and 0 within', () => {
    const same = leannet(['verify', 'zoo:squeezenet1_1?resolution=96', 'zoo:squeezenet1_1?resolution=96']);
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/outputs agree within atol/);
    const other = leannet(['verify', 'zoo:squeezenet1_1?resolution=96', 'zoo:squeezenet1_1?resolution=96&seed=3']);
    expect(other.code).toBe(1);
    expect(other.stdout).toMatch(/FAIL/);
  });
});

describe('profile', () => {
  it('per-node times sum to within 15% of the end-to-end median (ResNet-18, ≥ 5 ms) and every node is accounted for', async () => {
    const p = prepareModel('zoo:resnet18');
    const r = await profile(p, await ort(), { minRuns: 10, budgetMs: 1500 });
    expect(r.endToEnd.median).toBeGreaterThan(5);
    expect(Math.abs(r.nodeTotal / r.endToEnd.median - 1)).toBeLessThan(0.15);
    expect(r.accounting).toHaveLength(p.graph.nodes.length);
    expect(new Set(r.accounting.map((a) => a.name))).toEqual(new Set(p.graph.nodes.map((n) => n.name)));
    // At level 'all' ORT fuses conv1 + bn1 + relu into one NCHWc conv.
    const conv1 = r.accounting.find((a) => a.name === 'conv1')!;
    expect(r.accounting.find((a) => a.name === 'bn1')!.ranAs).toBe(conv1.ranAs);
    expect(r.accounting.find((a) => a.name === 'relu')!.ranAs).toBe(conv1.ranAs);
    expect(r.accounting.filter((a) => a.status === 'fused').length).toBeGreaterThan(20);
    const shares = r.rows.reduce((s, row) => s + row.maddsShare, 0);
    expect(shares).toBeCloseTo(1, 6);
  });

  it('nodes inside an If branch are named as such and not counted twice (the If kernel times its branch too)', async () => {
    // Each branch is one 64→64 3x3 conv over 56x56 that reads x and w from the outer graph.
    const branch = (tag: string) => ({
      name: tag,
      node: [{ name: `${tag}_conv`, op_type: 'Conv', input: ['x', 'w'], output: [`${tag}_out`], attribute: [{ name: 'pads', type: 7, ints: [1, 1, 1, 1] }] }],
      output: [valueInfo({ name: `${tag}_out` })],
    });
    const w = Float32Array.from({ length: 64 * 64 * 9 }, (_, i) => (((i * 7919) % 13) - 6) / 100);
    const graph = readOnnx(
      encodeModel({
        ir_version: 8,
        opset_import: [{ domain: '', version: 13 }],
        graph: {
          name: 'branches',
          node: [
            { name: 'sum', op_type: 'ReduceSum', input: ['x'], output: ['total'], attribute: [{ name: 'keepdims', type: 2, i: 0 }] },
            { name: 'gt', op_type: 'Greater', input: ['total', 'zero'], output: ['cond'] },
            { name: 'if', op_type: 'If', input: ['cond'], output: ['y'], attribute: [{ name: 'then_branch', type: 5, g: branch('then') }, { name: 'else_branch', type: 5, g: branch('else') }] },
          ],
          input: [valueInfo({ name: 'x', dims: [1, 64, 56, 56] })],
          output: [valueInfo({ name: 'y' })],
          initializer: [
            { name: 'w', dims: [64, 64, 3, 3], data_type: 1, raw_data: new Uint8Array(w.buffer) },
            { name: 'zero', dims: [], data_type: 1, raw_data: new Uint8Array(4) },
          ],
        },
      }),
    );
    const r = await profile(prepareGraph(graph, 'branches'), await ort(), { minRuns: 10, budgetMs: 500 });
    const row = (name: string) => r.rows.find((x) => x.name === name);
    const inner = row('then_conv') ?? row('else_conv');
    expect(inner).toMatchObject({ inside: "If 'if'", nodes: [] });
    expect(row('if')).toMatchObject({ inside: null, nodes: [{ name: 'if', opType: 'If' }] });
    // The If's own time holds its branch's; the total counts it once.
    expect(row('if')!.ms).toBeGreaterThanOrEqual(inner!.ms);
    expect(r.nodeTotal).toBeLessThan(row('if')!.ms + inner!.ms);
    expect(r.accounting.map((a) => a.name)).toEqual(['sum', 'gt', 'if']);
  });

  it('with optimisation disabled, every node runs as itself (labelled run)', async () => {
    const engine = await createEngine('ort', { threads: 2, optLevel: 'disabled' });
    const p = prepareModel(sharedModel('version-RFB-320.onnx'));
    const r = await profile(p, engine, { minRuns: 5, budgetMs: 500 });
    const statuses = new Set(r.accounting.map((a) => a.status));
    expect([...statuses].sort()).toEqual(['folded', 'run']);
    // only the Constant nodes (ORT turns them into initializers at load) are not run
    for (const a of r.accounting.filter((x) => x.status === 'folded')) expect(a.opType).toBe('Constant');
  });
});

describe('ort and ort-wasm agree', () => {
  for (const net of NETWORKS) {
    it(`network=${net.name}: outputs within 1e-4 relative (max |a−b| / max |a|)`, async () => {
      const wasm = await createEngine('ort-wasm', { threads: 2 });
      const p = prepareGraph(buildNetwork(net.name), net.name);
      const r = await verifyModels(p, p, await ort(), wasm);
      expect(r.outputs[0]!.normRel).toBeLessThan(1e-4);
    });
  }
});

describe('onnxruntime telemetry', () => {
  // onnxruntime-node 1.30's Linux build starts Microsoft's 1DS telemetry when loaded, and every
  // such process leaves an empty /tmp/mat-debug-<pid>.log; leannet sets ORT_DISABLE_TELEMETRY=1
  // unless the user set it. The control (the runtime loaded without the variable) shows the
  // file is the sign of telemetry here, so the check can fail.
  const logOf = (pid: number | undefined) => [...new Set(['/tmp', os.tmpdir()])].map((d) => path.join(d, `mat-debug-${pid}.log`));
  // The runtime also stays quiet on a CI machine: it checks these variables (they are in its
  // binary beside the telemetry code; `CI=true` alone suppresses it). Both runs go without them,
  // so that what is tested is leannet's opt-out, not the CI's.
  const CI_VARS = ['CI', 'TF_BUILD', 'GITHUB_ACTIONS', 'GITLAB_CI', 'CIRCLECI', 'TRAVIS', 'JENKINS_URL', 'CODEBUILD_BUILD_ID', 'BUILDKITE', 'TEAMCITY_VERSION', 'APPVEYOR', 'BITBUCKET_BUILD_NUMBER'];
  // And neither run may phone home or leave a device id in the user's home: the telemetry's
  // cache goes to a temporary home, its uploads to a closed local port (it uploads with libcurl,
  // which takes the proxy variables).
  const env = () => {
    const home = tempDir();
    const closed = 'http://127.0.0.1:9';
    const e: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', HOME: home, XDG_CACHE_HOME: home, HTTPS_PROXY: closed, https_proxy: closed, ALL_PROXY: closed, all_proxy: closed };
    for (const k of ['ORT_DISABLE_TELEMETRY', 'NO_PROXY', 'no_proxy', ...CI_VARS]) delete e[k];
    return e;
  };
  it.runIf(process.platform === 'linux')('leannet opts out: a bench leaves no telemetry log, where the bare runtime leaves one', () => {
    const model = sharedModel('light_squeezenet.onnx');
    const control = spawnSync(process.execPath, ['--input-type=module', '-e', `const ort = (await import('onnxruntime-node')).default; const s = await ort.InferenceSession.create(${JSON.stringify(model)}); await s.release();`], { cwd: repoRoot, env: env(), encoding: 'utf8' });
    expect(control.status, control.stderr).toBe(0);
    const left = logOf(control.pid).filter((f) => fs.existsSync(f));
    for (const f of left) fs.rmSync(f);
    expect(left, 'the bare runtime left no mat-debug log: this check no longer tells anything (onnxruntime changed)').toHaveLength(1);
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/leannet.js'), 'bench', model, '--time', '0.2', '--warmup', '1', '--min-runs', '2', '--threads', '1'], { env: env(), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(logOf(r.pid).filter((f) => fs.existsSync(f))).toEqual([]);
  });
});

describe('engine errors', () => {
  it('registering a second engine under a taken name is refused, and the first one stays', async () => {
    const impostor = { name: 'ort', description: 'an impostor', runs: ['onnx'] as const, create: async () => { throw new Error('never'); } };
    expect(() => registerEngine(impostor)).toThrow(EngineError);
    expect(() => registerEngine(impostor)).toThrow("an engine named 'ort' is already registered (onnxruntime-node, CPU execution provider)");
    expect((await createEngine('ort', { threads: 1 })).info.runtime).toBe('onnxruntime-node');
  });

  it('an unknown engine lists the available ones', () => {
    const r = leannet(['bench', 'zoo:squeezenet1_1', '--engine', 'tensorrt']);
    expect(r.code).not.toBe(0);
    expect(errorLines(r)).toEqual([
      "leannet: unknown engine 'tensorrt'; available: ort (onnxruntime-node, CPU execution provider), ort-wasm (onnxruntime-web, WebAssembly (SIMD) backend in Node), ort-webgpu (onnxruntime-node, WebGPU execution provider (needs a GPU adapter)), tfjs (TensorFlow.js, pure-JS CPU backend, TF.js model.json files only), tfjs-wasm (TensorFlow.js, WebAssembly (SIMD) backend in Node, TF.js model.json files only)",
    ]);
  });

  it('a model onnxruntime rejects, and a wrong input shape, are one line each', () => {
    const custom = leannet(['bench', sharedModel('light_squeezenet.onnx'), '--input', 'data_0=1x3x8x8']);
    expect(custom.code).not.toBe(0);
    expect(errorLines(custom)).toHaveLength(1);
    expect(errorLines(custom)[0]).toMatch(/dim 2 is fixed at 224/);
  });

  it("onnxruntime's own warnings stay quiet unless --verbose", () => {
    // IR 3 files list every initializer as an input; ORT warns about each one.
    const quiet = leannet(['bench', sharedModel('light_zfnet512.onnx'), '--time', '0.2', '--min-runs', '2', '--warmup', '1']);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    const loud = leannet(['--verbose', 'bench', sharedModel('light_zfnet512.onnx'), '--time', '0.2', '--min-runs', '2', '--warmup', '1']);
    expect(loud.code).toBe(0);
    expect(loud.stderr.split('\n').length).toBeGreaterThan(5);
  });
});
