// npm run bench:tfjs — the shared TF.js models: the converted ONNX on onnxruntime-node against the
// original model.json on @tensorflow/tfjs (CPU backend; the wasm backend when
// @tensorflow/tfjs-backend-wasm is installed), one table: which runtime is faster here.
import path from 'node:path';
import * as L from '../dist/index.js';

const root = path.resolve(import.meta.dirname, '../../shared/models/tfjs');
const models = ['emotion', 'movenet-lightning', 'nanodet'];
let wasm = 'not installed (npm i @tensorflow/tfjs-backend-wasm)';
try {
  await import('@tensorflow/tfjs-backend-wasm');
  wasm = 'installed but not wired as an engine yet';
} catch {}
const ort = await L.createEngine('ort', {});
const tfjs = await L.createEngine('tfjs', {});
console.log('leannet bench:tfjs — median ms per run (p10–p90), batch 1, seeded inputs');
const t = L.table(['model', 'ort (converted ONNX)', 'tfjs cpu (model.json)', 'ort faster by'], ['left', 'right', 'right', 'right']);
for (const m of models) {
  const p = L.prepareModel(path.join(root, m, 'model.json'));
  const a = await L.bench(p, ort, { budgetMs: 3000 });
  const b = await L.bench(p, tfjs, { budgetMs: 3000, minRuns: 3, warmup: 1 });
  const f = (s) => `${s.median.toFixed(s.median < 100 ? 2 : 0)} (${s.p10.toFixed(1)}–${s.p90.toFixed(1)})`;
  t.push([m, f(a.stats), f(b.stats), `${(b.stats.median / a.stats.median).toFixed(1)}×`]);
}
console.log(t.toString());
console.log(`tfjs wasm backend: ${wasm}`);
console.log(`${ort.info.runtime} ${ort.info.version}, threads ${ort.info.threads} · ${tfjs.info.runtime} ${tfjs.info.version} cpu · ${L.environment().cpu ?? ''}`);
