// npm run bench:harness — what leannet's measurement harness adds to a bare session.run loop,
// and how much the median of a repeated benchmark moves from run to run.
// Target (issue: engines): harness overhead < 2% on a network of ≥ 1 ms.
// This machine's timings drift by tens of percent over seconds, so the two loops alternate in
// short blocks and the overhead is the median of the per-block ratios, with its 95% interval.
import * as L from '../dist/index.js';

const tiny = 'zoo:mobilenet_v1?width=0.5&resolution=128';
const engine = await L.createEngine('ort', { threads: 2 });
const prepared = L.prepareModel(tiny);
console.log(`leannet bench:harness — ${new Date().toISOString()}`);
console.log(L.setupLine(engine.info, L.environment()));

/** The bare loop: nothing but session.run between two clock reads. */
async function bare(session, feeds, budgetMs) {
  const times = [];
  const t0 = performance.now();
  while (performance.now() - t0 < budgetMs) {
    const t = performance.now();
    await session.run(feeds);
    times.push(performance.now() - t);
  }
  return L.summarize(times).median;
}

const BLOCKS = 16;
const BLOCK_MS = 400;
const session = await engine.load(prepared.model);
for (let i = 0; i < 20; i++) await session.run(prepared.feeds);
const harness = [];
const full = [];
let bareMedians = [];
for (let b = 0; b < BLOCKS; b++) {
  const m0 = await bare(session, prepared.feeds, BLOCK_MS);
  // leannet's timing loop on the same session: the harness alone.
  const m1 = L.summarize(await L.timeRuns(session, prepared.feeds, { warmup: 0, budgetMs: BLOCK_MS })).median;
  // `leannet bench` as the CLI runs it: its own session, warm-up, then the loop.
  const m2 = (await L.bench(prepared, engine, { warmup: 5, budgetMs: BLOCK_MS })).stats.median;
  harness.push(m1 / m0);
  full.push(m2 / m0);
  bareMedians.push(m0);
}
await session.release();
const fmt = (r) => `${((r.median - 1) * 100).toFixed(2)}% (95% interval ${((r.lo - 1) * 100).toFixed(2)}% to ${((r.hi - 1) * 100).toFixed(2)}%)`;
const h = L.medianInterval(harness);
const f = L.medianInterval(full);
console.log(`\n${tiny}: bare session.run median ${L.summarize(bareMedians).median.toFixed(3)} ms (block medians ${Math.min(...bareMedians).toFixed(3)}–${Math.max(...bareMedians).toFixed(3)} ms)`);
console.log(`harness overhead, timeRuns vs bare loop on one session, ${BLOCKS} alternating blocks of ${BLOCK_MS} ms: ${fmt(h)} — target < 2%: ${h.median - 1 < 0.02 ? 'met' : 'NOT met'}`);
console.log(`bench() (own session + warm-up) vs bare loop:                                 ${fmt(f)}`);

const r18 = L.prepareModel('zoo:resnet18');
const medians = [];
for (let i = 0; i < 5; i++) medians.push((await L.bench(r18, engine, { warmup: 5, budgetMs: 3000 })).stats.median);
const s = L.summarize(medians);
console.log(`\nResNet-18, 5 repeated benches of 3 s: medians ${medians.map((m) => m.toFixed(2)).join(', ')} ms`);
console.log(`spread of the median: (max − min) / median = ${(((s.max - s.min) / s.median) * 100).toFixed(1)}%, IQR / median = ${((s.iqr / s.median) * 100).toFixed(1)}%`);
