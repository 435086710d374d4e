// npm run bench:tfjs — the shared TF.js models: the converted ONNX on onnxruntime-node against the
// original model.json on TensorFlow.js's WebAssembly backend (engine tfjs-wasm), one table: which
// runtime is faster here. tfjs-wasm runs one thread in Node (no wasm threads there), so the verdict
// compares it with ORT on one thread too; ORT on all cores is shown beside it.
//   node bench/tfjs.mjs [--time <s per engine and model>] [--cpu (add tfjs's pure-JS CPU backend: slow)]
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as L from '../dist/index.js';

const { values: args } = parseArgs({ options: { time: { type: 'string', default: '3' }, cpu: { type: 'boolean', default: false } } });
const budgetMs = Number(args.time) * 1000;
if (!(budgetMs > 0)) throw new Error(`--time: give seconds > 0, not '${args.time}'`);
const root = path.resolve(import.meta.dirname, '../../shared/models/tfjs');
const models = ['emotion', 'movenet-lightning', 'nanodet'];

const ort1 = await L.createEngine('ort', { threads: 1 });
const ortAll = await L.createEngine('ort', {});
const wasm = await L.createEngine('tfjs-wasm', {});
const cpu = args.cpu ? await L.createEngine('tfjs', {}) : undefined;

const f = (s) => `${s.median.toFixed(s.median < 100 ? 2 : 0)} (${s.p10.toFixed(1)}–${s.p90.toFixed(1)})`;
const verdict = (ort, tf) => (ort < tf ? `ort, ${(tf / ort).toFixed(1)}×` : `tfjs-wasm, ${(ort / tf).toFixed(1)}×`);
console.log(`leannet bench:tfjs — median ms per run (p10–p90), batch 1, seeded inputs, ~${budgetMs / 1000} s each`);
const head = ['model', 'ort 1 thread (ONNX)', `ort ${ortAll.info.threads} threads (ONNX)`, 'tfjs-wasm 1 thread (model.json)', ...(cpu ? ['tfjs cpu (model.json)'] : []), 'faster, 1 thread'];
const t = L.table(head, ['left', ...head.slice(1).map(() => 'right')]);
for (const m of models) {
  const p = L.prepareModel(path.join(root, m, 'model.json'));
  const a = await L.bench(p, ort1, { budgetMs });
  const b = await L.bench(p, ortAll, { budgetMs });
  const w = await L.bench(p, wasm, { budgetMs, minRuns: 5, warmup: 2 });
  const c = cpu ? await L.bench(p, cpu, { budgetMs, minRuns: 3, warmup: 1 }) : undefined;
  t.push([m, f(a.stats), f(b.stats), f(w.stats), ...(c ? [f(c.stats)] : []), verdict(a.stats.median, w.stats.median)]);
}
console.log(t.toString());
const e = L.environment();
console.log(`${ort1.info.runtime} ${ort1.info.version} · ${wasm.info.runtime} ${wasm.info.version} (SIMD, ${wasm.info.threads} thread)${cpu ? ` · ${cpu.info.runtime} ${cpu.info.version}` : ''} · ${e.cpu ?? ''}, ${os.availableParallelism()} cores`);
