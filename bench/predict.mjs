// npm run bench:predict — how close the latency model's prediction is to the measured median,
// on the zoo networks at two widths and two resolutions, rewritten variants of them, and the
// shared third-party models, at 1 and 2 threads (ORT, opt all). Each model: predicted (kernels
// timed alone, cached, plus the engine's overhead) beside its measured median with p10–p90; then
// per thread count the RMSE of the % error and the share within ±5% and ±10%.
// The reference: every model is predicted first, then measured in ROUNDS interleaved rounds (each
// model TIME / ROUNDS per round, a fresh session each time), its median that of all its runs, so
// that slow drift of a shared machine spreads over all models instead of landing on one. The
// noise floor is scored the same way: each round's median against the median of the same model's
// other rounds, as if it were a prediction (what a perfect predictor could score here now).
// The machine's speed: each round runs in blocks of 250 ms with the latency model's two speed
// probes (src/predict/probe.ts: a dense and a depthwise conv) timed between blocks
// (L.measureProbed), and every figure is printed twice more: at each block's speed (each run
// over the prediction at the probes around its block, L.relativeRuns), and the speed-corrected
// prediction in ms (probe units × the probes' median times during the model's rounds) against the
// raw measured median; each beside the single-probe rule (every term over the dense conv probe)
// computed from the same samples and runs; the noise floor too. bench:probe measures how well a
// probe tracks a model's time.
// Nothing in the predictor is fitted to these models (no correction factor at all);
// LEANNET_BENCH_SET=calibration runs a disjoint set (other widths and resolutions, no variants
// or shared models) to try a change of the predictor on before scoring it here.
// Knobs: LEANNET_BENCH_QUICK=1 (a few models, 1.5 s each), LEANNET_BENCH_THREADS=1,2,
// LEANNET_BENCH_SECONDS (measuring budget per model over all rounds, default 3), LEANNET_BENCH_ROUNDS
// (default 3), LEANNET_BENCH_ONLY=regex (only the models whose label matches), LEANNET_CACHE_DIR (reuse a
// cache; by default a fresh one in a temporary folder, so every kernel is timed in this run),
// LEANNET_BENCH_DUMP=file (every prediction and probed run as JSON, to score another rule offline),
// LEANNET_BENCH_ALL=1 (also light_densenet121, 557 kernels), LEANNET_BENCH_PROFILE=1 (also ORT's profile of each model, to split the error: (a) kernels
// timed alone under the profiler against the same kernels in the model's profile, (b) the
// profiled node sum against the end-to-end median with the profiler off, (c) the overhead term;
// LEANNET_BENCH_PROFILE_JSON=file also writes every kernel's times there).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as L from '../dist/index.js';
import { figures, roundsAgainstOthers } from './lib/scores.mjs';

const QUICK = process.env.LEANNET_BENCH_QUICK === '1';
const THREADS = (process.env.LEANNET_BENCH_THREADS ?? '1,2').split(',').map(Number);
const PROFILE = process.env.LEANNET_BENCH_PROFILE === '1';
const TIME = Number(process.env.LEANNET_BENCH_SECONDS ?? (QUICK ? 1.5 : 3)) * 1000;
const ROUNDS = Number(process.env.LEANNET_BENCH_ROUNDS ?? 3);
const cacheDir = process.env.LEANNET_CACHE_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'leannet-bench-predict-'));
const shared = path.resolve(import.meta.dirname, '../../shared/models');
const env = L.environment();
console.log(`leannet bench:predict — ${env.date} · ${env.cpu} (${env.cores} cores) · node ${env.node} · load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log(`measuring ${TIME / 1000} s per model (median, p10–p90) · latency cache ${cacheDir}${QUICK ? ' · QUICK' : ''}`);

/** [label, () => PreparedModel] */
const models = [];
const nets = ['resnet18', 'mobilenet_v2', 'shufflenet_v2'];
// LEANNET_BENCH_SET=calibration: a disjoint set to try a change of the predictor on (other widths
// and resolutions than the scored grid's, no variants, no shared models), so that what is scored
// below is never what a choice was made on.
const CALIBRATION = process.env.LEANNET_BENCH_SET === 'calibration';
const grid = QUICK ? [[0.5, 96]] : [[0.5, 96], [0.5, 160], [1, 96], [1, 160]];
// ShuffleNet V2 comes at widths 0.5, 1, 1.5 and 2 only: its calibration points differ by resolution.
const calibration = (net) => (net === 'shufflenet_v2' ? [[0.5, 112], [0.5, 192], [1, 192], [1.5, 112]] : [[0.35, 112], [0.75, 112], [0.75, 192], [1.25, 128]]);
for (const net of nets) for (const [w, r] of CALIBRATION ? calibration(net) : grid) models.push([`${net} w${w} ${r}px`, () => L.prepareModel(`zoo:${net}?width=${w}&resolution=${r}`)]);

const variants = CALIBRATION ? [] : QUICK ? [['resnet18', 'prune:ratio=0.5'], ['resnet18', 'dwsep:rank=2']] : [
  ['resnet18', 'fold-bn'], ['resnet18', 'prune:ratio=0.3'], ['resnet18', 'prune:ratio=0.5'], ['resnet18', 'dwsep:rank=2'], ['resnet18', 'group:g=2'],
  ['mobilenet_v2', 'prune:ratio=0.3'], ['mobilenet_v2', 'prune:ratio=0.5'], ['shufflenet_v2', 'prune:ratio=0.5'],
];
for (const [net, pass] of variants) {
  models.push([`${net} w0.5 128px + ${pass}`, async () => {
    const g = L.openModel(`zoo:${net}?width=0.5&resolution=128`);
    await L.runPasses(g, L.parsePassSpecs([pass]));
    return L.prepareGraph(g, `${net}+${pass}`);
  }]);
}
const files = CALIBRATION ? [] : QUICK ? [['fmnist_resnet.onnx', 32]] : [
  ['fmnist_resnet.onnx', 32], ['fmnist_resnet_bn.onnx', 32], ['version-slim-320.onnx', 1], ['version-RFB-320.onnx', 1],
  ['light_squeezenet.onnx', 1], ['light_shufflenet.onnx', 1], ['light_inception_v1.onnx', 1], ['light_resnet50.onnx', 1],
  // DenseNet-121's 557 kernels take 2 minutes to sample per thread count: only when asked.
  ...(process.env.LEANNET_BENCH_ALL === '1' ? [['light_densenet121.onnx', 1]] : []),
];
for (const [f, batch] of files) {
  const file = path.join(shared, f);
  if (fs.existsSync(file)) models.push([`${f}${batch > 1 ? ` batch ${batch}` : ''}`, () => L.prepareModel(file, { batch })]);
}

/** The prediction in units of the dense conv probe alone (sampler 5's rule): every term over that probe's time at sampling. */
function convUnits(p, o) {
  return p.overheadMs / o.probes.conv + p.kernels.reduce((a, k) => a + k.ms / k.probes.conv, 0);
}

if (process.env.LEANNET_BENCH_ONLY) {
  const only = new RegExp(process.env.LEANNET_BENCH_ONLY);
  models.splice(0, models.length, ...models.filter(([label]) => only.test(label)));
}
const summary = [];
const kernelDump = [];
// LEANNET_BENCH_DUMP=file: every model's prediction (kernels with their probe class and the probes
// at sampling) and its probed runs (times, blocks, the probes between), to score another class
// rule on the same samples and runs.
const DUMP = process.env.LEANNET_BENCH_DUMP;
const dump = [];
for (const threads of THREADS) {
  const engine = await L.createEngine('ort', { threads });
  const t0 = performance.now();
  const lm = await L.createLatencyModel(engine, { cacheDir });
  const o = lm.overhead;
  console.log(`\n${threads} thread${threads > 1 ? 's' : ''} · overhead measured in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${(o.perRun * 1000).toFixed(1)} µs per run, ${(o.perByteOut * 1e9).toFixed(2)} µs per MB out, ${(o.perWeightByte * 1e9).toFixed(0)} µs per MB of weights from memory`);
  const rows = [];
  const errors = [];
  const errorsP10 = [];
  const errorsWarmRule = [];
  const repeats = [];
  const errorsUnits = [];
  const errorsCorrected = [];
  const repeatsUnits = [];
  const errorsUnitsConv = [];
  const errorsCorrectedConv = [];
  const repeatsUnitsConv = [];
  const profileRows = [];
  // First every model's prediction (sampling what is new), then the reference: ROUNDS rounds
  // over all models, each model TIME / ROUNDS per round (blocks of 250 ms, the probe between), so that slow drift of the machine
  // spreads over every model instead of landing on one; a model's reference is the median of
  // all its runs.
  const done = [];
  for (const [label, make] of models) {
    let prepared;
    try {
      prepared = await make();
    } catch (e) {
      console.log(`  ${label}: skipped (${e.message.split('\n')[0]})`);
      continue;
    }
    const tp = performance.now();
    const p = await lm.predictPrepared(prepared);
    const predictS = (performance.now() - tp) / 1000;
    const th = performance.now();
    await lm.predictPrepared(prepared);
    const hitMs = performance.now() - th;
    done.push({ label, prepared, p, predictS, hitMs, rounds: [], relRounds: [], convRounds: [], probes: [], probed: [] });
    process.stderr.write(`  ${label}: predicted ${p.ms.toFixed(3)} ms (${predictS.toFixed(1)} s)\n`);
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const d of done) {
      // A fresh session each round, run in blocks of 250 ms with the probe around each.
      const r = await L.measureProbed(lm, d.prepared, { warmup: 3, minRuns: 10, budgetMs: TIME / ROUNDS });
      d.rounds.push(r.times);
      d.relRounds.push(L.relativeRuns(r, d.p));
      // The same runs against the single-probe rule (sampler 5: every term over the dense conv probe).
      d.convRounds.push(L.relativeRuns(r, { ms: d.p.ms, probeUnits: { conv: convUnits(d.p, o), dw: 0 } }));
      d.probes.push(...r.probes);
      d.probed.push(r);
    }
  }
  if (DUMP) {
    for (const d of done) {
      dump.push({ model: d.label, threads, overhead: o, ms: d.p.ms, overheadMs: d.p.overheadMs, residency: d.p.residency, coldShare: d.p.coldShare, footprintBytes: d.p.footprintBytes,
        kernels: d.p.kernels.map((k) => ({ op: k.op, ms: k.ms, warmMs: k.warmMs, coldMs: k.coldMs, coldTimed: k.coldTimed, weightBytes: k.weightBytes, probe: k.probe, probes: k.probes })), rounds: d.probed });
    }
  }
  for (const { label, prepared, p, predictS, hitMs, rounds, relRounds, convRounds, probes } of done) {
    const m = { stats: L.summarize(rounds.flat()) };
    // The machine's own noise floor: each round's median scored against the median of the other
    // rounds' runs, as if it were a prediction (what a perfect predictor could score here now).
    repeats.push(...roundsAgainstOthers(rounds));
    // At each block's speed: each run over the prediction at the probes around its block.
    const errUnits = (1 / L.summarize(relRounds.flat()).median - 1) * 100;
    errorsUnits.push(errUnits);
    repeatsUnits.push(...roundsAgainstOthers(relRounds));
    const now = L.medianReading(probes);
    const corrected = L.atSpeed(p, now);
    errorsCorrected.push((corrected.ms / m.stats.median - 1) * 100);
    errorsUnitsConv.push((1 / L.summarize(convRounds.flat()).median - 1) * 100);
    repeatsUnitsConv.push(...roundsAgainstOthers(convRounds));
    errorsCorrectedConv.push(((convUnits(p, o) * now.conv) / m.stats.median - 1) * 100);
    if (PROFILE) {
      // Where the error comes from: each kernel alone (under the profiler, warm and cold; and
      // wall-clock) against ORT's profile of the whole model, and the profiled node sum against
      // the end-to-end median with the profiler off (the rounds above).
      const pr = await L.profile(prepared, engine, { budgetMs: TIME / ROUNDS });
      const inModel = new Map(pr.rows.map((r) => [r.name, r.ms]));
      const sum = (f) => p.kernels.reduce((a, k) => a + f(k), 0);
      const E = m.stats.median;
      const aloneProfiled = sum((k) => k.profiledMs);
      const pct = (x) => +((100 * x) / E).toFixed(1);
      profileRows.push({
        model: label,
        'alone prof. Σ': +aloneProfiled.toFixed(3),
        'in model prof. Σ': +pr.nodeTotal.toFixed(3),
        'e2e prof. on': +pr.endToEnd.median.toFixed(3),
        'e2e prof. off': +E.toFixed(3),
        'alone wall Σ warm/cold': `${sum((k) => k.warmMs).toFixed(2)}/${sum((k) => k.coldMs).toFixed(2)}`,
        'cold share': +p.coldShare.toFixed(2),
        '(a) alone−in model prof. %': pct(aloneProfiled - pr.nodeTotal),
        '(b) in model prof.−e2e %': pct(pr.nodeTotal - E),
        '(c) overhead %': pct(p.overheadMs),
        'wall warm Σ−e2e %': pct(sum((k) => k.warmMs) - E),
        'cold term %': pct(sum((k) => k.ms - k.warmMs)),
      });
      if (process.env.LEANNET_BENCH_PROFILE_JSON) {
        kernelDump.push({ model: label, threads, e2e: E, nodeTotal: pr.nodeTotal, e2eProfiled: pr.endToEnd.median, coldShare: p.coldShare, footprint: p.footprintBytes, overheadMs: p.overheadMs, predicted: p.ms,
          kernels: p.kernels.map((k) => ({ name: k.name, op: k.op, inModel: inModel.get(k.name) ?? null, profiledMs: k.profiledMs, warmMs: k.warmMs, coldMs: k.coldMs, ms: k.ms })) });
      }
    }
    const err = (p.ms / m.stats.median - 1) * 100;
    errors.push(err);
    // The previous rule from the same samples (no cold times: each kernel's weight bytes at the
    // cost of a byte from memory, by the residency at the model's footprint): a paired
    // comparison, free of the drift between two runs of this bench.
    const warmRule = p.overheadMs + p.kernels.reduce((a, k) => a + k.warmMs + p.residency * k.weightBytes * o.perWeightByte, 0);
    errorsWarmRule.push((warmRule / m.stats.median - 1) * 100);
    errorsP10.push((p.ms / m.stats.p10 - 1) * 100);
    rows.push({
      model: label,
      'predicted ms': +p.ms.toFixed(3),
      'measured median ms': +m.stats.median.toFixed(3),
      'p10–p90 ms': `${m.stats.p10.toFixed(2)}–${m.stats.p90.toFixed(2)}`,
      'error %': +err.toFixed(1),
      'no cold times %': +errorsWarmRule.at(-1).toFixed(1),
      'round medians ms': rounds.map((t) => L.summarize(t).median.toFixed(2)).join(' '),
      'dw-probe share %': +((100 * p.classMs.dw) / p.ms).toFixed(0),
      'probes now p90/p10 conv/dw': ['conv', 'dw'].map((c) => { const s = L.summarize(probes.map((x) => x[c])); return (s.p90 / s.p10).toFixed(2); }).join('/'),
      'at block speed %': +errUnits.toFixed(1),
      'one probe %': +errorsUnitsConv.at(-1).toFixed(1),
      'corrected ms': +corrected.ms.toFixed(3),
      'corrected %': +errorsCorrected.at(-1).toFixed(1),
      'vs p10 %': +((p.ms / m.stats.p10 - 1) * 100).toFixed(1),
      kernels: p.kernels.length,
      'timed now': p.sampled,
      'predict s (cold / hit ms)': `${predictS.toFixed(1)} / ${hitMs.toFixed(0)}`,
    });
    process.stderr.write(`  ${label}: predicted ${p.ms.toFixed(3)} ms, measured ${m.stats.median.toFixed(3)} ms, error ${err.toFixed(1)}%\n`);
  }
  console.table(rows);
  await lm.release();
  if (PROFILE) console.table(profileRows);
  const line = `${threads} thread${threads > 1 ? 's' : ''}: ${figures(errors)}`;
  summary.push(line, `  (against the measured p10 instead of the median, a reference for a loaded machine: ${figures(errorsP10)})`);
  summary.push(`  (the same samples without cold times, weights at memory cost by the residency at the footprint, as sampler 3 did: ${figures(errorsWarmRule)})`);
  summary.push(`  (noise floor: each round's median against the median of the model's other rounds, as if it were a prediction, ${ROUNDS} per model: ${figures(repeats)})`);
  summary.push(`  at each block's speed (each run ÷ the prediction at the probes around its 250 ms block; kernels over their class's probe: dense convs and matrix products ≥ 50 µs the dense conv, the rest the depthwise one): ${figures(errorsUnits)}`);
  summary.push(`    the same with one probe (every term over the dense conv probe, as sampler 5 did), same samples and runs: ${figures(errorsUnitsConv)}`);
  summary.push(`  speed-corrected prediction (probe units × the probes' median times over the model's rounds) against the measured median (ms): ${figures(errorsCorrected)}`);
  summary.push(`    the same with one probe: ${figures(errorsCorrectedConv)}`);
  summary.push(`  (noise floor at each block's speed, each round against the model's other rounds: ${figures(repeatsUnits)}; with one probe: ${figures(repeatsUnitsConv)})`);
  console.log(summary.slice(-7).join('\n'));
}
console.log('\nsummary (target: ≥ 95% of models within ±10% of the measured median)');
for (const l of summary) console.log(`  ${l}`);
console.log(`load average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (on ${env.cores} cores: figures from a loaded machine move by tens of %; re-measure on a quiet one)`);
if (DUMP) fs.writeFileSync(DUMP, JSON.stringify(dump));
if (process.env.LEANNET_BENCH_PROFILE_JSON) fs.writeFileSync(process.env.LEANNET_BENCH_PROFILE_JSON, JSON.stringify(kernelDump));
if (!process.env.LEANNET_CACHE_DIR) fs.rmSync(cacheDir, { recursive: true, force: true });
