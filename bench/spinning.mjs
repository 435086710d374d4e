// npm run bench:spinning — why leannet turns off onnxruntime's thread spinning by default:
// two sessions alternating (as in `compare`) with spinning on and off, A/A pair ratios.
import * as L from '../dist/index.js';

const spec = 'zoo:mobilenet_v2';
const p = L.prepareModel(spec);
console.log(`leannet bench:spinning — ${spec}, two sessions of the same model alternating, 60 pairs each`);
for (const spinning of [true, false]) {
  const engine = await L.createEngine('ort', { threads: 2, spinning });
  const r = await L.compare(p, p, engine, { warmup: 5, minPairs: 60, maxPairs: 60, budgetMs: 0 });
  const q = L.summarize(r.ratios);
  console.log(`spinning ${spinning ? 'on ' : 'off'}: run median A ${r.a.stats.median.toFixed(2)} ms, B ${r.b.stats.median.toFixed(2)} ms; A/A ratio p10–p90 ${q.p10.toFixed(3)}–${q.p90.toFixed(3)}, median ${q.median.toFixed(3)} (95% interval ${r.ratio.lo.toFixed(3)}–${r.ratio.hi.toFixed(3)})`);
  const single = await L.bench(p, engine, { budgetMs: 2000 });
  console.log(`             one session alone: median ${single.stats.median.toFixed(2)} ms (p10–p90 ${single.stats.p10.toFixed(2)}–${single.stats.p90.toFixed(2)})`);
}
