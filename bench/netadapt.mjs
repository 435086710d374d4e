// npm run bench:netadapt — `compress` (NetAdapt-style search) on the trained fmnist_resnet (92.90%
// top-1) to latency = 0.33× the original (onnxruntime-node CPU, 1 thread, batch 32), fitted on
// Fashion-MNIST TRAINING images (the search on the first LEANNET_BENCH_CALIB, default 256; the final
// refit on the first LEANNET_BENCH_FINAL_CALIB, default 1024), proposals selected on the next
// LEANNET_BENCH_HOLDOUT (default 1000) training images, and the result scored on the
// 10,000 TEST images the search never saw. Prints each step (change, predicted and measured
// latency, held-out accuracy), the final speed-up (interleaved ratio against the original) and
// test top-1, and the uniform-prune baseline (bench:compress's method: prune:ratio=r,round=16,
// fitted on the final refit's calibration images) at equal measured latency (interpolated between ratios).
//
// Needs the training set (apt-get install dataset-fashion-mnist, or LEANNET_FMNIST_TRAIN=<path>).
// Settings: LEANNET_BENCH_TARGET (default latency=0.33x), LEANNET_BENCH_TIME (seconds of the final
// comparisons, default 6), LEANNET_BENCH_LIMIT (test images, default 10000), LEANNET_BENCH_BASELINE
// (uniform ratios, default 0.4,0.45,0.5; 'none' skips), LEANNET_BENCH_ESTIMATE_MS (budget of one
// latency estimate, default 400), LEANNET_BENCH_ESTIMATOR (madds, the default: the cost model's madds
// as the proxy every probe asks, corrected by the measured speed-up each step; measured: each probe
// timed on the engine, which on a loaded 2-core machine is too slow and noisy to finish here),
// LEANNET_BENCH_SELECT (ratio, the default: capped cuts, least loss per latency saved, combined
// until the step is met; accuracy: NetAdapt's most accurate single proposal), LEANNET_BENCH_MAXCUT
// (ratio's cap per group and step, default 0.25), LEANNET_BENCH_STEP (first step's reduction,
// default 0.1), LEANNET_BENCH_SCORE (kl, the default: proposals ranked by −mean KL to the
// original's outputs on the held-out split; top1: by held-out top-1), LEANNET_BENCH_FINAL_CALIB
// (training images of the final refit and of the uniform baseline's fit, default 1024: the first
// CALIB of them are the search's; the held-out split follows all of them), LEANNET_BENCH_CRITERION
// (which channels a cut keeps, in the search and in the uniform baseline: energy, the default —
// each channel's mean squared contribution to its consumers' outputs on the calibration images —
// or l1, the filters' weight norms), LEANNET_BENCH_KINDS (what each step proposes: prune, the
// default, or prune,group: also every conv split into 2 groups), LEANNET_BENCH_START (a uniform
// cut of every group by this share, fitted and measured, that the steps start from; default none).
import fs from 'node:fs';
import * as L from '../dist/index.js';

const MODEL = new URL('../../shared/models/fmnist_resnet.onnx', import.meta.url).pathname;
const TEST = new URL('../../shared/data/fashion-mnist/t10k-images-idx3-ubyte.gz', import.meta.url).pathname;
const TRAIN = process.env.LEANNET_FMNIST_TRAIN ?? '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz';
const TARGET = process.env.LEANNET_BENCH_TARGET ?? 'latency=0.33x';
const CALIB = Number(process.env.LEANNET_BENCH_CALIB ?? 256);
const HOLDOUT = Number(process.env.LEANNET_BENCH_HOLDOUT ?? 1000);
const LIMIT = Number(process.env.LEANNET_BENCH_LIMIT ?? 10000);
const SECONDS = Number(process.env.LEANNET_BENCH_TIME ?? 6);
const EST_MS = Number(process.env.LEANNET_BENCH_ESTIMATE_MS ?? 400);
const BASE = (process.env.LEANNET_BENCH_BASELINE ?? '0.4,0.45,0.5') === 'none' ? [] : (process.env.LEANNET_BENCH_BASELINE ?? '0.4,0.45,0.5').split(',').map(Number);
const ESTIMATOR = process.env.LEANNET_BENCH_ESTIMATOR ?? 'madds';
const SELECT = process.env.LEANNET_BENCH_SELECT ?? 'ratio';
const MAXCUT = Number(process.env.LEANNET_BENCH_MAXCUT ?? 0.25);
const STEP = Number(process.env.LEANNET_BENCH_STEP ?? 0.1);
const SCORE = process.env.LEANNET_BENCH_SCORE ?? 'kl';
const FINAL_CALIB = Number(process.env.LEANNET_BENCH_FINAL_CALIB ?? 1024);
const CRITERION = process.env.LEANNET_BENCH_CRITERION ?? 'energy';
const START = process.env.LEANNET_BENCH_START !== undefined ? Number(process.env.LEANNET_BENCH_START) : undefined;
const KINDS = (process.env.LEANNET_BENCH_KINDS ?? 'prune').split(',');
const BATCH = 32;

if (!fs.existsSync(TRAIN)) {
  console.error(`bench:netadapt calibrates on the Fashion-MNIST training set, not found at ${TRAIN}.\n  Debian: apt-get install dataset-fashion-mnist\n  elsewhere: LEANNET_FMNIST_TRAIN=<path of train-images-idx3-ubyte.gz>`);
  process.exit(1);
}
const t0 = performance.now();
const timer = await L.createEngine('ort', { threads: 1 });
const engine = await L.createEngine('ort', {});
const env = L.environment();
const target = L.parseTarget(TARGET);
console.log(`leannet bench:netadapt — ${env.date}`);
console.log(`target ${L.describeTarget(target)}; latency: ${L.setupLine(timer.info, env)}, batch ${BATCH}`);
console.log(`select ${SELECT}${SELECT === 'ratio' ? ` (cut ≤ ${MAXCUT} of a group per step)` : ''}, ranked by ${SCORE === 'kl' ? '−mean KL to the original' : 'held-out top-1'}, first step ${STEP}, channels kept by ${CRITERION}, proposals ${KINDS.join('+')}${START !== undefined ? `, steps start from a uniform cut of ${START}` : ''}`);
console.log(`fit on the first ${CALIB} training images (the final refit and the uniform baseline on the first ${Math.max(CALIB, FINAL_CALIB)}), selection on the next ${HOLDOUT} (${TRAIN}); final top-1 on ${LIMIT.toLocaleString('en')} test images`);

const original = L.openModel(MODEL);
L.inferShapes(original);
const inputDims = [1, 32, 32];
const preprocess = L.resolvePreprocess({ meta: original.meta.metadata, inputDims, inputDtype: 'float32' });
const FIT = Math.max(CALIB, FINAL_CALIB);
const train = await L.openDataset(TRAIN, { preprocess, inputDims, inputDtype: 'float32', limit: FIT + HOLDOUT });
const batches = await L.calibrationBatches(train, 'input', CALIB, 0, BATCH);
const heldOut = L.sliceDataset(train, FIT, FIT + HOLDOUT);
const calibration = new L.Calibration(original, { engine, fit: batches.fit, heldOut: [] });
const finalCalibration = FIT > CALIB ? new L.Calibration(original, { engine, fit: (await L.calibrationBatches(train, 'input', FIT, 0, BATCH)).fit, heldOut: [] }) : calibration;

// Held-out scoring with the original's outputs computed once: top-1 and mean KL(original ‖ candidate).
const held = [];
for await (const b of heldOut.batches(BATCH)) held.push(b);
const logitsOf = async (g) => {
  const p = L.prepareGraph(g, 'm');
  const s = await engine.load(p.model);
  try {
    const out = [];
    for (const b of held) out.push((await s.run({ [s.inputNames?.[0] ?? 'input']: b.input }))[s.outputNames[0]]);
    return out;
  } finally {
    await s.release();
  }
};
const refLogits = await logitsOf(L.openModel(MODEL));
const logSoftmax = (d, base, C) => {
  let m = -Infinity;
  for (let j = 0; j < C; j++) m = Math.max(m, d[base + j]);
  let z = 0;
  for (let j = 0; j < C; j++) z += Math.exp(d[base + j] - m);
  const lse = m + Math.log(z);
  return Array.from({ length: C }, (_, j) => d[base + j] - lse);
};
const heldScore = async (g) => {
  const out = await logitsOf(g);
  let n = 0, right = 0, kl = 0;
  for (let k = 0; k < held.length; k++) {
    const C = out[k].dims[1];
    const rows = held[k].input.dims[0];
    for (let r = 0; r < rows; r++) {
      const q = logSoftmax(out[k].data, r * C, C);
      const p = logSoftmax(refLogits[k].data, r * C, C);
      let arg = 0;
      for (let j = 1; j < C; j++) if (q[j] > q[arg]) arg = j;
      if (arg === Number(held[k].labels[r])) right++;
      for (let j = 0; j < C; j++) kl += Math.exp(p[j]) * (p[j] - q[j]);
      n++;
    }
  }
  return { accuracy: right / n, selection: -kl / n };
};
const testData = () => L.openDataset(TEST, { preprocess, inputDims, inputDtype: 'float32', limit: LIMIT });
const top1 = async (graph, data) => (await L.evaluate(L.prepareGraph(graph, 'm'), data, engine, { batchSize: BATCH })).accuracy.top1;

const r = await L.compress(original, {
  target, engine, timer, batch: BATCH, calibration,
  score: async (g) => (await heldScore(g)).accuracy,
  ...(SCORE === 'kl' ? { evaluate: heldScore } : {}),
  finalCalibration,
  select: SELECT, maxCut: MAXCUT, schedule: { first: STEP }, criterion: CRITERION, kinds: KINDS, ...(START !== undefined ? { startRatio: START } : {}),
  estimator: ESTIMATOR === 'measured' ? L.measuredLatency(timer, { batch: BATCH, budgetMs: EST_MS }) : L.maddsLatency(),
  keepGraphs: true,
  modelName: 'fmnist_resnet.onnx',
  calibInfo: { calib: CALIB, holdout: HOLDOUT, accuracyOn: `held-out selection split (${HOLDOUT} training images)` },
  onProgress: (p) => process.stderr.write(`  [${((performance.now() - t0) / 1000).toFixed(0)} s] ${p.what} — ${p.speedup.toFixed(2)}×, held-out ${(p.accuracy * 100).toFixed(2)}%\n`),
});
const pct = (x) => `${(x * 100).toFixed(2)}%`;
const log = r.log;
console.log(`\noriginal: held-out ${pct(log.original.accuracy)}, ${(log.original.madds / 1e6).toFixed(1)} M madds; estimator: ${log.settings.estimator}; exact passes: ${log.settings.exactPasses.join(', ') || 'none changed the model'}`);
console.log('step  change                          target  predicted  measured speed-up (95%)   corr   madds×   held-out  s');
for (const s of log.steps) {
  console.log(
    `${String(s.step).padStart(4)}  ${[s.change, ...(s.change.also ?? [])].map((c) => (c.kind === 'group' ? `${c.producer} g${c.to}` : `${c.group} ${c.from}→${c.to}`)).join(', ').padEnd(31)} ${s.target.toFixed(3)}   ${s.predictedLatency?.toFixed(3) ?? '—'}      ${s.measured.speedup.toFixed(2)}× (${s.measured.lo.toFixed(2)}–${s.measured.hi.toFixed(2)})       ${s.correction?.toFixed(2) ?? '—'}   ${(s.madds / log.original.madds).toFixed(3)}   ${pct(s.accuracy)}   ${s.seconds.toFixed(0)}`,
  );
}
console.log(`stopped: ${log.final.stop}; final fit: ${log.final.fit}; widths ${Object.values(log.final.widths).map((w) => `${w.producer.split('/').slice(-2, -1)[0]} ${w.from}→${w.to}`).join(', ')}`);

// Final: the interleaved ratio with a longer budget, and top-1 on the test images.
const prepOrig = L.prepareGraph(L.openModel(MODEL), 'original', { batch: BATCH });
const speed = async (g) => (await L.compare(prepOrig, L.prepareGraph(L.readOnnx(L.writeOnnx(g).model), 'candidate', { batch: BATCH }), timer, { budgetMs: SECONDS * 1000, minPairs: 20 })).ratio;
const fs_ = await speed(r.graph);
const testOrig = await top1(L.openModel(MODEL), await testData());
const testFinal = await top1(r.graph, await testData());
const cost = (g) => { L.inferShapes(g); return L.costModel(g).totals.madds; };
console.log(`\nfinal: ${fs_.median.toFixed(2)}× (${fs_.lo.toFixed(2)}–${fs_.hi.toFixed(2)}, ${fs_.pairs} pairs) measured against the original; madds ×${(cost(r.graph) / cost(L.openModel(MODEL))).toFixed(3)}`);
console.log(`test top-1: original ${pct(testOrig.value)}, final ${pct(testFinal.value)} (${pct(testFinal.lo)}–${pct(testFinal.hi)}), drop ${((testOrig.value - testFinal.value) * 100).toFixed(2)} pt`);
console.log(`target 3.0× at ≤ 1.0 pt: ${fs_.median >= 3 && testOrig.value - testFinal.value <= 0.01 ? 'met' : `NOT met (${fs_.median.toFixed(2)}× at ${((testOrig.value - testFinal.value) * 100).toFixed(2)} pt)`}`);
for (const line of log.explanation.lines) console.log(`  ${line}`);

// The uniform-prune baseline at equal measured latency.
if (BASE.length) {
  const rows = [];
  for (const ratio of BASE) {
    const g = L.openModel(MODEL);
    await L.runPasses(g, L.parsePassSpecs([`prune:ratio=${ratio},round=16,criterion=${CRITERION}`]), { calibration: finalCalibration.fork() });
    const s = await speed(g);
    const a = await top1(g, await testData());
    rows.push({ ratio, speedup: s.median, top1: a.value });
    console.log(`uniform prune:ratio=${ratio},round=16,criterion=${CRITERION} (same ${FIT} calibration images): ${s.median.toFixed(2)}× (${s.lo.toFixed(2)}–${s.hi.toFixed(2)}), test top-1 ${pct(a.value)}`);
  }
  rows.sort((a, b) => a.speedup - b.speedup);
  const x = fs_.median;
  let at;
  for (let i = 0; i + 1 < rows.length; i++) if (rows[i].speedup <= x && x <= rows[i + 1].speedup) at = rows[i].top1 + ((rows[i + 1].top1 - rows[i].top1) * (x - rows[i].speedup)) / (rows[i + 1].speedup - rows[i].speedup);
  console.log(
    at === undefined
      ? `uniform baseline does not bracket ${x.toFixed(2)}× (${rows.map((r) => `${r.speedup.toFixed(2)}×`).join(', ')}): compare by hand`
      : `at ${x.toFixed(2)}× the uniform baseline (interpolated) scores ${pct(at)}; compress ${pct(testFinal.value)}: ${testFinal.value >= at ? 'better' : 'worse'} by ${Math.abs((testFinal.value - at) * 100).toFixed(2)} pt`,
  );
}
console.log(`total ${((performance.now() - t0) / 60000).toFixed(1)} min`);
