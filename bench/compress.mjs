// npm run bench:compress — accuracy against measured latency for the lossy passes on the trained
// fmnist_resnet (92.90% top-1), each fitted from the weights alone (data-free) and on real data
// (least squares on the activations of 256 Fashion-MNIST TRAINING images, layer by layer), then
// scored on the 10,000 TEST images it never saw. Latency: onnxruntime-node CPU, 1 thread, batch 32,
// each model against the original interleaved (ratio per pair, 95% interval). Also: how the kept
// widths' rounding changes the speed of a pruned model (why prune's default round is what it is).
//
// Needs the training set: Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist)
// or LEANNET_FMNIST_TRAIN=<train-images-idx3-ubyte.gz>. Settings: LEANNET_BENCH_QUICK=1 (2,000
// test images, fewer configurations), LEANNET_BENCH_LIMIT (test images), LEANNET_BENCH_TIME
// (seconds per comparison, default 4), LEANNET_BENCH_CALIB (fit samples, default 256),
// LEANNET_BENCH_CONFIGS (pass specs separated by ';'), LEANNET_BENCH_ROUND=0 (skip the rounding table).
import fs from 'node:fs';
import * as L from '../dist/index.js';

const MODEL = new URL('../../shared/models/fmnist_resnet.onnx', import.meta.url).pathname;
const TEST = new URL('../../shared/data/fashion-mnist/t10k-images-idx3-ubyte.gz', import.meta.url).pathname;
const TRAIN = process.env.LEANNET_FMNIST_TRAIN ?? '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz';
const QUICK = process.env.LEANNET_BENCH_QUICK === '1';
const LIMIT = Number(process.env.LEANNET_BENCH_LIMIT ?? (QUICK ? 2000 : 10000));
const SECONDS = Number(process.env.LEANNET_BENCH_TIME ?? 4);
const CALIB = Number(process.env.LEANNET_BENCH_CALIB ?? 256);
const BATCH = 32;

if (!fs.existsSync(TRAIN)) {
  console.error(`bench:compress calibrates on the Fashion-MNIST training set, not found at ${TRAIN}.\n  Debian: apt-get install dataset-fashion-mnist\n  elsewhere: LEANNET_FMNIST_TRAIN=<path of train-images-idx3-ubyte.gz>`);
  process.exit(1);
}

const timer = await L.createEngine('ort', { threads: 1 });
const scorer = await L.createEngine('ort', {});
const env = L.environment();
console.log(`leannet bench:compress — ${env.date}`);
console.log(`latency: ${L.setupLine(timer.info, env)}, batch ${BATCH}, interleaved with the original, ${SECONDS} s per model`);
console.log(`accuracy: first ${LIMIT.toLocaleString('en')} Fashion-MNIST test images; data-aware fits on the first ${CALIB} training images (${TRAIN})`);

const original = L.openModel(MODEL);
L.inferShapes(original);
const inputDims = [1, 32, 32];
const preprocess = L.resolvePreprocess({ meta: original.meta.metadata, inputDims, inputDtype: 'float32' });
const testData = () => L.openDataset(TEST, { preprocess, inputDims, inputDtype: 'float32', limit: LIMIT });

const trainSet = await L.openDataset(TRAIN, { preprocess, inputDims, inputDtype: 'float32', limit: CALIB + 128 });
const batches = await L.calibrationBatches(trainSet, 'input', CALIB, 128, BATCH);
const calibration = new L.Calibration(original, { engine: scorer, fit: batches.fit, heldOut: batches.heldOut });

async function accuracy(graph) {
  const r = await L.evaluate(L.prepareGraph(graph, 'm'), await testData(), scorer, { batchSize: BATCH });
  return r.accuracy.top1;
}
const prepOriginal = L.prepareGraph(original, 'original', { batch: BATCH });
async function speedup(graph) {
  const r = await L.compare(prepOriginal, L.prepareGraph(graph, 'candidate', { batch: BATCH }), timer, { budgetMs: SECONDS * 1000, minPairs: 20 });
  return r.ratio;
}
async function build(pass, data) {
  const g = L.openModel(MODEL);
  const t = performance.now();
  await L.runPasses(g, L.parsePassSpecs([pass]), data ? { calibration: calibration.fork() } : {});
  return { graph: g, fitSeconds: (performance.now() - t) / 1000 };
}

const pct = (x) => `${(x * 100).toFixed(2)}%`;
const base = await accuracy(original);
const baseCost = L.costModel(original).totals;
console.log(`original: top-1 ${pct(base.value)} (${pct(base.lo)}–${pct(base.hi)}), ${(baseCost.madds / 1e6).toFixed(1)} M madds, ${baseCost.params.toLocaleString('en')} params\n`);

const configs = process.env.LEANNET_BENCH_CONFIGS
  ? process.env.LEANNET_BENCH_CONFIGS.split(';')
  : QUICK
  ? ['prune:ratio=0.5,round=16', 'prune:ratio=0.6,round=16', 'dwsep:rank=4', 'group:g=2']
  : ['prune:ratio=0.3,round=16', 'prune:ratio=0.4,round=16', 'prune:ratio=0.5,round=16', 'prune:ratio=0.6,round=16', 'dwsep:rank=2', 'dwsep:rank=4', 'group:g=2'];
const rows = [];
for (const pass of configs) {
  for (const data of [false, true]) {
    const { graph, fitSeconds } = await build(pass, data);
    const cost = L.costModel(graph).totals;
    const top1 = await accuracy(graph);
    const s = await speedup(graph);
    const row = { pass, fit: data ? 'data' : 'data-free', madds: cost.madds / baseCost.madds, params: cost.params, top1, drop: (base.value - top1.value) * 100, speedup: s, fitSeconds };
    rows.push(row);
    console.log(`${pass.padEnd(26)} ${row.fit.padEnd(9)} madds ×${row.madds.toFixed(3)}  top-1 ${pct(top1.value)} (${row.drop >= 0 ? '−' : '+'}${Math.abs(row.drop).toFixed(2)} pt)  ${s.median.toFixed(2)}× (${s.lo.toFixed(2)}–${s.hi.toFixed(2)})  fit ${fitSeconds.toFixed(0)} s`);
  }
}

// The accuracy–latency front: no other point is both faster (median) and more accurate.
const front = rows.filter((r) => !rows.some((o) => o !== r && o.speedup.median >= r.speedup.median && o.top1.value >= r.top1.value && (o.speedup.median > r.speedup.median || o.top1.value > r.top1.value)));
console.log('\npass                        fit        madds   top-1 (95%)               drop     speed-up (95%)      front');
for (const r of rows) {
  console.log(
    `${r.pass.padEnd(27)} ${r.fit.padEnd(10)} ×${r.madds.toFixed(3)}  ${pct(r.top1.value)} (${pct(r.top1.lo)}–${pct(r.top1.hi)})  ${(r.drop >= 0 ? '−' : '+') + Math.abs(r.drop).toFixed(2)} pt  ${r.speedup.median.toFixed(2)}× (${r.speedup.lo.toFixed(2)}–${r.speedup.hi.toFixed(2)})  ${front.includes(r) ? 'yes' : ''}`,
  );
}
const within = rows.filter((r) => r.drop <= 1.0).sort((a, b) => b.speedup.median - a.speedup.median)[0];
console.log(
  within
    ? `\nfastest within 1.0 pt of the original: ${within.pass} (${within.fit}) ${within.speedup.median.toFixed(2)}× (${within.speedup.lo.toFixed(2)}–${within.speedup.hi.toFixed(2)}) at −${within.drop.toFixed(2)} pt; target ≥ 2.5×: ${within.speedup.lo >= 2.5 ? 'met' : within.speedup.median >= 2.5 ? 'median met, interval reaches below' : 'NOT met'}`
    : '\nno configuration stays within 1.0 pt of the original',
);

// Rounding of the kept widths: the same pruning ratio, widths unaligned or rounded to 8 or 16.
if (process.env.LEANNET_BENCH_ROUND === '0') process.exit(0);
console.log('\nprune:ratio=0.3 (data-free; weights do not change the time), kept widths rounded to a multiple of:');
for (const round of [1, 4, 8, 16]) {
  const { graph } = await build(`prune:ratio=0.3,round=${round}`, false);
  const madds = L.costModel(graph).totals.madds / baseCost.madds; // before speedup() binds batch 32
  const s = await speedup(graph);
  const widths = [...new Set(graph.nodes.filter((n) => n.opType === 'Conv').map((n) => graph.value(n.inputs[1]).shape[0]))].sort((a, b) => a - b);
  console.log(`  round=${String(round).padEnd(3)} madds ×${madds.toFixed(3)}  ${s.median.toFixed(2)}× (${s.lo.toFixed(2)}–${s.hi.toFixed(2)})  widths ${widths.join(' ')}`);
}
