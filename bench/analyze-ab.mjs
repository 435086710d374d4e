// node bench/analyze-ab.mjs <before dist/index.js> [after dist/index.js] [rounds] — before/after
// of analysis in ONE process: two builds of leannet (e.g. an older commit checked out and built
// elsewhere, and this tree's dist) loaded side by side; each round times every work item on both,
// in alternating order, so that both see the same machine and heap states. Work items: readOnnx +
// analyzeGraph of each model in ../shared/models (bytes already in memory), and analyzeGraph of
// generated chains of ~16,000 nodes (conv→BN→ReLU, as bench/scale.mjs builds them; building is
// not timed). Each side's figure in a round is CPU time per run (process.cpuUsage, user+system)
// with the two builds' runs alternating one by one (≥ 4 runs each and ≥ BLOCK_MS each per round),
// so that a neighbour on the same core costs less noise than wall time and blocks would. Prints, per item, each side's median (p10–p90) of the round figures and
// the median (p10–p90) of the per-round after/before ratios.
//   Example: git -C .. archive 9f2ddb9 | tar -x -C /tmp/gb && (cd /tmp/gb && npx tsc -p tsconfig.json)
//            taskset -c 0 node bench/analyze-ab.mjs /tmp/gb/dist/index.js
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const [beforePath, afterPath = path.resolve(here, '../dist/index.js'), roundsArg = '11', only] = process.argv.slice(2);
if (!beforePath) {
  console.error('usage: node bench/analyze-ab.mjs <before dist/index.js> [after dist/index.js] [rounds] [item,item]');
  process.exit(2);
}
const ROUNDS = Number(roundsArg);
const BLOCK_MS = Number(process.env.AB_BLOCK_MS ?? 60);
const CHAIN_NODES = Number(process.env.AB_CHAIN_NODES ?? 16000);
const B = await import(pathToFileURL(path.resolve(beforePath)).href);
const A = await import(pathToFileURL(path.resolve(afterPath)).href);

const f32 = (L, dims, fill) => L.Tensor.fromArray('float32', dims, new Float32Array(dims.reduce((p, d) => p * d, 1)).fill(fill));
/** conv 3x3 → BN → ReLU blocks on a [1, 16, 8, 8] input (the lists are pushed to directly: both builds run it). */
function chain(L, blocks) {
  const g = new L.Graph();
  g.opsets.set('', 13);
  g.inputs.push('x');
  g.value('x').declared = { dtype: 'float32', shape: [1, 16, 8, 8] };
  let prev = 'x';
  for (let i = 0; i < blocks; i++) {
    g.setInitializer(`conv${i}.w`, f32(L, [16, 16, 3, 3], 0.01));
    g.addNode(new L.Node('Conv', `conv${i}`, [prev, `conv${i}.w`], [`conv${i}`], new Map([['pads', { type: 'ints', value: [1, 1, 1, 1] }]])));
    for (const [k, v] of [['s', 1], ['b', 0], ['m', 0], ['v', 1]]) g.setInitializer(`bn${i}.${k}`, f32(L, [16], v));
    g.addNode(new L.Node('BatchNormalization', `bn${i}`, [`conv${i}`, `bn${i}.s`, `bn${i}.b`, `bn${i}.m`, `bn${i}.v`], [`bn${i}`]));
    g.addNode(new L.Node('Relu', `relu${i}`, [`bn${i}`], [`relu${i}`]));
    prev = `relu${i}`;
  }
  g.outputs.push(prev);
  return g;
}

const shared = path.resolve(here, '../../shared/models');
const items = fs
  .readdirSync(shared)
  .filter((f) => f.endsWith('.onnx'))
  .sort()
  .map((f) => {
    const bytes = fs.readFileSync(path.join(shared, f));
    return { name: f.replace(/\.onnx$/, ''), run: (L) => L.analyzeGraph(L.readOnnx(bytes)) };
  });
// A chain is analysed once per graph (a second analysis would find the shapes current), so each run builds its own, untimed.
items.push({ name: `chain-${CHAIN_NODES}`, fresh: (L) => chain(L, Math.round(CHAIN_NODES / 3)), run: (L, g) => L.analyzeGraph(g) });
const chosen = only ? items.filter((it) => only.split(',').includes(it.name)) : items;

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** CPU ms of one run (a chain's graph is built first, untimed). */
function once(L, it) {
  const g = it.fresh ? it.fresh(L) : undefined;
  const c = cpuMs();
  it.run(L, g);
  return cpuMs() - c;
}
/**
 * One round: runs of the two builds alternate one by one (A B, then B A, …) until each has run
 * ≥ BLOCK_MS and ≥ 4 times; each side's figure is its mean CPU ms per run (garbage collection
 * included: each run pays for the collections its allocations trigger).
 */
function round(it) {
  let a = 0;
  let b = 0;
  let n = 0;
  while (n < 4 || a < BLOCK_MS || b < BLOCK_MS) {
    if (n % 2) {
      a += once(A, it);
      b += once(B, it);
    } else {
      b += once(B, it);
      a += once(A, it);
    }
    n++;
  }
  return { A: a / n, B: b / n };
}
const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
};
const fmt = (xs, d = 3) => `${q(xs, 0.5).toFixed(d)} (${q(xs, 0.1).toFixed(d)}–${q(xs, 0.9).toFixed(d)})`;

const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`leannet analyze A/B — ${new Date().toISOString()} · ${os.cpus()[0]?.model} · node ${process.version} · load ${load}`);
console.log(`before: ${beforePath}\nafter:  ${afterPath}`);
console.log(`CPU ms per run (read+analyze of the bytes in memory; chains: analyze only); per round the builds' runs alternate one by one, ≥ ${BLOCK_MS} ms each; ${ROUNDS} rounds after one warm-up round; median (p10–p90) of the round figures\n`);
for (const it of chosen) round(it);
const rows = [];
const allRatios = [];
for (const it of chosen) {
  const t = { A: [], B: [] };
  const ratios = [];
  for (let r = 0; r < ROUNDS; r++) {
    const got = round(it);
    t.A.push(got.A);
    t.B.push(got.B);
    ratios.push(got.A / got.B);
  }
  allRatios.push(q(ratios, 0.5));
  rows.push({ item: it.name, 'before ms': fmt(t.B), 'after ms': fmt(t.A), 'after/before': fmt(ratios) });
}
console.table(rows);
console.log(`median of the items' median ratios: ${q(allRatios, 0.5).toFixed(3)}; items with median ratio > 1.02: ${allRatios.filter((x) => x > 1.02).length} of ${allRatios.length}; load now ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
