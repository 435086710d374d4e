// node bench/analyze-ab.mjs [--processes] <before dist/index.js> [after dist/index.js] [rounds] [item,item]
// Before/after of analysis: two builds of leannet (an older commit checked out and built elsewhere,
// and this tree's dist), interleaved so that both see the same machine. Work items: readOnnx +
// analyzeGraph of each model in ../shared/models (bytes already in memory), and analyzeGraph of
// a generated chain of ~16,000 nodes (conv→BN→ReLU, as bench/scale.mjs builds them; building is
// not timed). Figures are CPU time per run (process.cpuUsage, user+system: a neighbour on the
// same core costs less noise than in wall time), garbage collection included.
//
// Default: both builds in ONE process, runs alternating one by one in a seeded random order (A B
// or B A per pair) until each side has ≥ AB_BLOCK_MS (60) ms in the round. Per round: each side's
// mean, and the median of the per-pair ratios. Caveat measured on this machine: the builds share
// one heap, so one side's garbage is collected during the other's runs, and a regular pattern
// of runs can lock a full collection onto one side; the mean ratio of one model then moved
// between 0.86 and 1.63 from one process to the next. The pair-median column is robust to that;
// --processes avoids it, at a price: on a shared core, one process's CPU time per run differed
// from the next one's by up to 2x (same build), so it needs many more rounds.
// --processes: one child process per build per round (B then A, or A then B, alternating), each
// warming up then timing every item for AB_BLOCK_MS; the ratio per round is of the two children's
// means, so each build pays only for its own garbage.
// AB_PART=read times only readOnnx of each model, AB_PART=analyze only analyzeGraph of a graph read
// untimed (default: both, as `leannet analyze` does), to tell which stage moved.
// Prints per item the median (p10–p90) over the rounds.
//   Example: git -C .. archive 9f2ddb9 | tar -x -C /tmp/gb && (cd /tmp/gb && npx tsc -p tsconfig.json)
//            taskset -c 0 node bench/analyze-ab.mjs /tmp/gb/dist/index.js
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const child = args[0] === '--child';
const processes = args[0] === '--processes';
if (child || processes) args.shift();
const BLOCK_MS = Number(process.env.AB_BLOCK_MS ?? (processes || child ? 300 : 60));
const CHAIN_NODES = Number(process.env.AB_CHAIN_NODES ?? 16000);
/** AB_PART=read|analyze: time only readOnnx, or only analyzeGraph of a graph read untimed (default both). */
const PART = process.env.AB_PART ?? 'both';
if (!['read', 'analyze', 'both'].includes(PART)) throw new Error(`AB_PART must be read, analyze or both, not '${PART}'`);

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

function workItems(only) {
  const shared = path.resolve(here, '../../shared/models');
  const items = fs
    .readdirSync(shared)
    .filter((f) => f.endsWith('.onnx'))
    .sort()
    .map((f) => {
      const bytes = fs.readFileSync(path.join(shared, f));
      const name = f.replace(/\.onnx$/, '');
      if (PART === 'read') return { name, run: (L) => L.readOnnx(bytes) };
      if (PART === 'analyze') return { name, fresh: (L) => L.readOnnx(bytes), run: (L, g) => L.analyzeGraph(g) };
      return { name, run: (L) => L.analyzeGraph(L.readOnnx(bytes)) };
    });
  // A chain is analysed once per graph (a second analysis would find the shapes current), so each run builds its own, untimed.
  items.push({ name: `chain-${CHAIN_NODES}`, fresh: (L) => chain(L, Math.round(CHAIN_NODES / 3)), run: (L, g) => L.analyzeGraph(g) });
  return only ? items.filter((it) => only.split(',').includes(it.name)) : items;
}

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
const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
};
const fmt = (xs, d = 3) => `${q(xs, 0.5).toFixed(d)} (${q(xs, 0.1).toFixed(d)}–${q(xs, 0.9).toFixed(d)})`;
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

if (child) {
  // --child <dist> <items>: warm up and time each item for BLOCK_MS; print the mean CPU ms per run of each as JSON.
  const L = await import(pathToFileURL(path.resolve(args[0])).href);
  const out = {};
  for (const it of workItems(args[1])) {
    for (let t = performance.now(), n = 0; n < 3 || performance.now() - t < BLOCK_MS; n++) once(L, it);
    const runs = [];
    for (let sum = 0; runs.length < 4 || sum < BLOCK_MS; ) sum += runs[runs.push(once(L, it)) - 1];
    out[it.name] = mean(runs);
  }
  console.log(JSON.stringify(out));
  process.exit(0);
}

const [beforePath, afterPath = path.resolve(here, '../dist/index.js'), roundsArg = '11', only] = args;
if (!beforePath) {
  console.error('usage: node bench/analyze-ab.mjs [--processes] <before dist/index.js> [after dist/index.js] [rounds] [item,item]');
  process.exit(2);
}
const ROUNDS = Number(roundsArg);
const chosen = workItems(only);
console.log(`leannet analyze A/B — ${new Date().toISOString()} · ${os.cpus()[0]?.model} · node ${process.version} · load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(`before: ${beforePath}\nafter:  ${afterPath}`);
const rows = [];
const medians = [];
if (processes) {
  console.log(`CPU ms per run (${PART === "both" ? "read+analyze of the bytes in memory" : PART === "read" ? "readOnnx only" : "analyzeGraph only, of a graph read untimed"}; chains: analyze only), mean over ≥ ${BLOCK_MS} ms after a warm-up, one child process per build per round, ${ROUNDS} rounds (order alternating); median (p10–p90) over the rounds\n`);
  const runChild = (dist) => {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', path.resolve(dist), chosen.map((it) => it.name).join(',')], { encoding: 'utf8', env: { ...process.env, AB_BLOCK_MS: String(BLOCK_MS) } });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout);
  };
  const t = { A: [], B: [] };
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2) {
      t.A.push(runChild(afterPath));
      t.B.push(runChild(beforePath));
    } else {
      t.B.push(runChild(beforePath));
      t.A.push(runChild(afterPath));
    }
  }
  for (const it of chosen) {
    const a = t.A.map((x) => x[it.name]);
    const b = t.B.map((x) => x[it.name]);
    const ratios = a.map((x, i) => x / b[i]);
    medians.push(q(ratios, 0.5));
    rows.push({ item: it.name, 'before ms': fmt(b), 'after ms': fmt(a), 'after/before': fmt(ratios) });
  }
} else {
  console.log(`CPU ms per run (${PART === "both" ? "read+analyze of the bytes in memory" : PART === "read" ? "readOnnx only" : "analyzeGraph only, of a graph read untimed"}; chains: analyze only); per round the builds' runs alternate one by one (seeded random order per pair), ≥ ${BLOCK_MS} ms each; ${ROUNDS} rounds after one warm-up round; median (p10–p90) over the rounds of: each side's mean, the ratio of the means, the median of the per-pair ratios\n`);
  const A = await import(pathToFileURL(path.resolve(afterPath)).href);
  const B = await import(pathToFileURL(path.resolve(beforePath)).href);
  let seed = 12345;
  const coin = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) & 0x10000) !== 0;
  /** One round: a mean per side and the median of the per-pair ratios. */
  const round = (it) => {
    const ratios = [];
    let a = 0;
    let b = 0;
    while (ratios.length < 4 || a < BLOCK_MS || b < BLOCK_MS) {
      let x;
      let y;
      if (coin()) {
        x = once(A, it);
        y = once(B, it);
      } else {
        y = once(B, it);
        x = once(A, it);
      }
      a += x;
      b += y;
      ratios.push(x / y);
    }
    return { A: a / ratios.length, B: b / ratios.length, pair: q(ratios, 0.5) };
  };
  for (const it of chosen) round(it);
  for (const it of chosen) {
    const t = { A: [], B: [], ratio: [], pair: [] };
    for (let r = 0; r < ROUNDS; r++) {
      const got = round(it);
      t.A.push(got.A);
      t.B.push(got.B);
      t.ratio.push(got.A / got.B);
      t.pair.push(got.pair);
    }
    medians.push(q(t.pair, 0.5));
    rows.push({ item: it.name, 'before ms': fmt(t.B), 'after ms': fmt(t.A), 'after/before (means)': fmt(t.ratio), 'after/before (pair medians)': fmt(t.pair) });
  }
}
console.table(rows);
console.log(`${processes ? 'ratios' : 'pair-median ratios'}: median over the items ${q(medians, 0.5).toFixed(3)}; items above 1.02: ${medians.filter((x) => x > 1.02).length} of ${medians.length}; load now ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
