// npm run bench:eval — what `leannet eval` costs beyond running the model: eval on fmnist_resnet
// over the Fashion-MNIST test set (opening the IDX file, decoding, preprocessing, metrics
// included) against a bare onnxruntime loop on tensors decoded beforehand, with the same batch
// size and the same session options. The two alternate (eval, bare, bare, eval, …) and the
// figure is the median of the per-round ratios with their spread. Target: eval ≤ 1.3× the bare loop.
// LEANNET_BENCH_ROUNDS (default 3), LEANNET_BENCH_LIMIT (default: all 10,000), LEANNET_BENCH_BATCH (default 32).
import * as L from '../dist/index.js';

const model = new URL('../../shared/models/fmnist_resnet.onnx', import.meta.url).pathname;
const data = new URL('../../shared/data/fashion-mnist/t10k-images-idx3-ubyte.gz', import.meta.url).pathname;
const ROUNDS = Number(process.env.LEANNET_BENCH_ROUNDS ?? 3);
const LIMIT = process.env.LEANNET_BENCH_LIMIT ? Number(process.env.LEANNET_BENCH_LIMIT) : undefined;
const BATCH = Number(process.env.LEANNET_BENCH_BATCH ?? 32);

const engine = await L.createEngine('ort', {});
const env = L.environment();
console.log(`leannet bench:eval — ${env.date}`);
console.log(L.setupLine(engine.info, env));

const graph = L.openModel(model);
const inputDims = [1, 32, 32];
const preprocess = L.resolvePreprocess({ meta: graph.meta.metadata, inputDims, inputDtype: 'float32' });
const dataOptions = { preprocess, inputDims, inputDtype: 'float32', ...(LIMIT ? { limit: LIMIT } : {}) };

/** `leannet eval` as the CLI runs it: open the data, load the session, run every batch, count. */
async function evalRun(options = dataOptions) {
  const t = performance.now();
  const dataset = await L.openDataset(data, options);
  const r = await L.evaluate(L.prepareModel(model), dataset, engine, { batchSize: BATCH });
  return { ms: performance.now() - t, r };
}

// The bare loop's tensors, decoded once before any timing (by the same data layer).
const decoded = [];
{
  const dataset = await L.openDataset(data, dataOptions);
  for await (const b of dataset.batches(BATCH)) decoded.push({ input: { dtype: b.input.dtype, dims: b.input.dims, data: b.input.data } });
  await dataset.close?.();
}
const samples = decoded.reduce((s, f) => s + f.input.dims[0], 0);

/** Load a session with the same options and run it over the pre-decoded batches; nothing else. */
async function bareRun(batches = decoded.length) {
  const t = performance.now();
  const session = await engine.load({ path: model });
  for (let i = 0; i < batches; i++) await session.run(decoded[i]);
  await session.release();
  return { ms: performance.now() - t };
}

console.log(`\nfmnist_resnet.onnx on ${samples.toLocaleString('en-US')} test images, batch ${BATCH}, ${ROUNDS} rounds (eval and bare loop alternating)`);
// Untimed: both paths once on a few batches (native libraries, JIT, file cache), so round 1 is not the cold one.
await evalRun({ ...dataOptions, limit: BATCH * 3 });
await bareRun(3);
const ratios = [];
const evalMs = [];
const bareMs = [];
let last;
for (let i = 0; i < ROUNDS; i++) {
  // Alternate which goes first, so neither always runs on a warmer or cooler machine.
  let e;
  let b;
  if (i % 2 === 0) {
    e = await evalRun();
    b = await bareRun();
  } else {
    b = await bareRun();
    e = await evalRun();
  }
  last = e.r;
  evalMs.push(e.ms);
  bareMs.push(b.ms);
  ratios.push(e.ms / b.ms);
  console.log(`  round ${i + 1}: eval ${(e.ms / 1000).toFixed(2)} s, bare loop ${(b.ms / 1000).toFixed(2)} s, ratio ${(e.ms / b.ms).toFixed(3)}`);
}
const r = L.summarize(ratios);
const se = L.summarize(evalMs);
const sb = L.summarize(bareMs);
const tm = last.timing;
console.log(`\neval: median ${(se.median / 1000).toFixed(2)} s (${((samples * 1000) / se.median).toFixed(1)} images/s); bare loop: median ${(sb.median / 1000).toFixed(2)} s (${((samples * 1000) / sb.median).toFixed(1)} images/s)`);
console.log(`ratio eval / bare: median ${r.median.toFixed(3)}×, range ${r.min.toFixed(3)}–${r.max.toFixed(3)}× over ${ROUNDS} rounds — target ≤ 1.3×: ${r.median <= 1.3 ? 'met' : 'NOT met'}`);
// On a busy machine rounds differ by tens of percent; eval's own split is the steadier figure.
console.log(`within the last eval: everything but the engine's runs took ${(((tm.wallMs - tm.engineMs) / tm.engineMs) * 100).toFixed(2)}% of the engine time (wall ${(tm.wallMs / 1000).toFixed(2)} s)`);
console.log(`last eval's split: engine ${(tm.engineMs / 1000).toFixed(2)} s, data on the critical path ${(tm.dataMs / 1000).toFixed(3)} s, other ${(tm.otherMs / 1000).toFixed(3)} s; top-1 ${(last.accuracy.top1.value * 100).toFixed(2)}%`);
