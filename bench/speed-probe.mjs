// npm run bench:probe — does a short fixed workload (a probe) track this machine's speed changes,
// so that a model's time can be put in probe units? Two phases on one engine (ORT, opt all,
// LEANNET_BENCH_THREADS threads, default 1):
//  1. alone: the probes only, over and over (ALONE s): their series (bimodal? period?), and how
//     they move together;
//  2. interleaved: blocks of each model's runs (BLOCK ms each, a session kept loaded), each block
//     after a measurement of every probe (INTER s). Per model and probe: the correlation of the
//     block medians with the probe measured around them (log, Pearson), and the spread of the
//     block medians raw against in probe units (block median ÷ probe): p90/p10, and the share of
//     blocks within ±5% / ±10% of the model's median over all blocks (raw, and in probe units).
// Probes: `conv` (src/predict/probe.ts: one 3×3 conv 64→64 on 28×28 on the engine), `dw` (a
// depthwise 3×3 conv on 256×28×28), `mixed` (the conv, a 1×1 conv to 256, the depthwise), `stream` (a
// ReduceSum over 2× the last-level cache on the engine: memory-bound), `js` (a dependent float
// loop in JavaScript, no engine). Beside each block: the steal time and the other cores' busy
// share from /proc/stat over it (Linux).
// Knobs: LEANNET_PROBE_ALONE (s, default 30), LEANNET_PROBE_INTER (s, default 150),
// LEANNET_PROBE_BLOCK (ms, default 300), LEANNET_PROBE_MODELS (';'-separated zoo specs).
import fs from 'node:fs';
import os from 'node:os';
import * as L from '../dist/index.js';

const THREADS = Number(process.env.LEANNET_BENCH_THREADS ?? 1);
const ALONE = Number(process.env.LEANNET_PROBE_ALONE ?? 30) * 1000;
const INTER = Number(process.env.LEANNET_PROBE_INTER ?? 150) * 1000;
const BLOCK = Number(process.env.LEANNET_PROBE_BLOCK ?? 300);
const SPECS = (process.env.LEANNET_PROBE_MODELS ?? 'zoo:mobilenet_v2?width=0.5&resolution=128;zoo:resnet18?width=1&resolution=160').split(';');
const env = L.environment();
console.log(`leannet bench:probe — ${env.date} · ${env.cpu} (${env.cores} cores) · node ${env.node} · ORT ${THREADS} thread${THREADS > 1 ? 's' : ''} · load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log(`alone ${ALONE / 1000} s, then interleaved ${INTER / 1000} s: blocks of ${BLOCK} ms per model, every probe before each block`);

/** The JS probe: a dependent chain of float multiply-adds (~2 ms here). */
function jsLoop() {
  let x = 0.5;
  for (let i = 0; i < 1_500_000; i++) x = x * 0.9999999 + 1e-7;
  return x;
}
let sinkJs = 0;
function jsProbe(runs = 5) {
  const t = [];
  sinkJs += jsLoop();
  for (let r = 0; r < runs; r++) {
    const a = performance.now();
    sinkJs += jsLoop();
    t.push(performance.now() - a);
  }
  return L.summarize(t).median;
}

/** /proc/stat: per cpu [busy, steal, total] jiffies. */
function cpuStat() {
  try {
    const out = {};
    for (const line of fs.readFileSync('/proc/stat', 'utf8').split('\n')) {
      const m = /^(cpu\d*)\s+(.*)$/.exec(line);
      if (!m) continue;
      const v = m[2].trim().split(/\s+/).map(Number);
      const [user, nice, system, idle, iowait, irq, softirq, steal] = v;
      const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
      out[m[1]] = { busy: user + nice + system + irq + softirq, steal, total, idle: idle + iowait };
    }
    return out;
  } catch {
    return null;
  }
}
const myCpus = (() => {
  try {
    const m = /Cpus_allowed_list:\s*(\S+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return new Set(m[1].split(',').flatMap((r) => { const [a, b] = r.split('-').map(Number); return Array.from({ length: (b ?? a) - a + 1 }, (_, i) => `cpu${a + i}`); }));
  } catch {
    return new Set();
  }
})();
function statDelta(a, b) {
  if (!a || !b) return { steal: NaN, others: NaN };
  let steal = 0;
  let total = 0;
  let obusy = 0;
  let ototal = 0;
  for (const k of Object.keys(b)) {
    if (k === 'cpu') {
      steal = b[k].steal - a[k].steal;
      total = b[k].total - a[k].total;
    } else if (!myCpus.has(k)) {
      obusy += b[k].busy - a[k].busy;
      ototal += b[k].total - a[k].total;
    }
  }
  return { steal: total ? steal / total : 0, others: ototal ? obusy / ototal : NaN };
}

const engine = await L.createEngine('ort', { threads: THREADS });
const probes = { conv: await L.SpeedProbe.create(engine, 'conv'), dw: await L.SpeedProbe.create(engine, 'dw'), mixed: await L.SpeedProbe.create(engine, 'mixed'), stream: await L.SpeedProbe.create(engine, 'stream') };
const kinds = ['conv', 'dw', 'mixed', 'stream', 'js'];
async function measureProbes() {
  return { conv: (await probes.conv.measure()).ms, dw: (await probes.dw.measure()).ms, mixed: (await probes.mixed.measure()).ms, stream: (await probes.stream.measure(30, 5)).ms, js: jsProbe() };
}

const log = (xs) => xs.map(Math.log);
function pearson(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}
/** p90/p10 and the share of values within ±5% / ±10% of their median. */
function spread(xs) {
  const s = L.summarize(xs);
  const within = (b) => xs.filter((x) => Math.abs(x / s.median - 1) <= b).length / xs.length;
  return { 'p90/p10': +(s.p90 / s.p10).toFixed(3), '±5%': `${(100 * within(0.05)).toFixed(0)}%`, '±10%': `${(100 * within(0.1)).toFixed(0)}%` };
}
const lag1 = (xs) => pearson(xs.slice(0, -1), xs.slice(1));

// 1. The probes alone.
const alone = { conv: [], dw: [], mixed: [], stream: [], js: [], t: [] };
const a0 = performance.now();
while (performance.now() - a0 < ALONE) {
  const p = await measureProbes();
  for (const k of kinds) alone[k].push(p[k]);
  alone.t.push((performance.now() - a0) / 1000);
}
console.log(`\n1. probes alone: ${alone.t.length} measurements over ${(ALONE / 1000).toFixed(0)} s (each a median of 5–7 runs)`);
console.table(kinds.map((k) => {
  const s = L.summarize(alone[k]);
  return { probe: k, 'median ms': +s.median.toFixed(3), 'p10–p90 ms': `${s.p10.toFixed(3)}–${s.p90.toFixed(3)}`, 'min–max ms': `${s.min.toFixed(3)}–${s.max.toFixed(3)}`, ...spread(alone[k]), 'lag-1 autocorr.': +lag1(alone[k]).toFixed(2) };
}));
console.log(`correlation between probes (log): ${kinds.flatMap((a, i) => kinds.slice(i + 1).map((b) => `${a}–${b} ${pearson(log(alone[a]), log(alone[b])).toFixed(2)}`)).join(', ')}`);
/** A text histogram of a series relative to its median, 4% bins. */
function histogram(xs) {
  const m = L.summarize(xs).median;
  const bins = new Map();
  for (const x of xs) {
    const b = Math.round((x / m - 1) / 0.04);
    bins.set(b, (bins.get(b) ?? 0) + 1);
  }
  return [...bins.keys()].sort((a, b) => a - b).map((b) => `${b * 4 >= 0 ? '+' : ''}${b * 4}%: ${bins.get(b)}`).join(' · ');
}
console.log(`conv probe relative to its median (4% bins): ${histogram(alone.conv)}`);
console.log(`conv probe series (ms, in order): ${alone.conv.map((x) => x.toFixed(2)).join(' ')}`);

// 2. Interleaved with the models.
const models = [];
for (const spec of SPECS) {
  const prepared = L.prepareModel(spec);
  const session = await engine.load(prepared.model);
  await L.timeRuns(session, prepared.feeds, { warmup: 3, minRuns: 1, maxRuns: 1, budgetMs: 0 });
  models.push({ label: prepared.label, session, feeds: prepared.feeds, blocks: [] });
}
const i0 = performance.now();
let before = await measureProbes();
let stat = cpuStat();
while (performance.now() - i0 < INTER) {
  for (const m of models) {
    const times = await L.timeRuns(m.session, m.feeds, { warmup: 2, minRuns: 5, budgetMs: BLOCK });
    const st = cpuStat();
    const after = await measureProbes();
    const d = statDelta(stat, st);
    m.blocks.push({ t: (performance.now() - i0) / 1000, ms: L.summarize(times).median, before, after, steal: d.steal, others: d.others });
    before = after;
    stat = cpuStat();
  }
}
console.log(`\n2. interleaved: ${models.map((m) => `${m.label} ${m.blocks.length} blocks`).join(', ')} over ${(INTER / 1000).toFixed(0)} s; a block's probe: the geometric mean of the probe just before and just after it`);
const rows = [];
for (const m of models) {
  const ms = m.blocks.map((b) => b.ms);
  rows.push({ model: m.label, units: 'ms (raw)', 'median': +L.summarize(ms).median.toFixed(3), ...spread(ms), 'r (log) with block': '' });
  for (const k of kinds) {
    const p = m.blocks.map((b) => Math.sqrt(b.before[k] * b.after[k]));
    const pb = m.blocks.map((b) => b.before[k]);
    const ratio = ms.map((x, i) => x / p[i]);
    rows.push({ model: m.label, units: `÷ ${k}`, 'median': +L.summarize(ratio).median.toFixed(3), ...spread(ratio), 'r (log) with block': `${pearson(log(ms), log(p)).toFixed(2)} (before only ${pearson(log(ms), log(pb)).toFixed(2)}; ÷ before: ±10% ${(100 * spread(ms.map((x, i) => x / pb[i]))['±10%'].slice(0, -1) / 100).toFixed(0)}%)` });
  }
  const steal = m.blocks.map((b) => b.steal);
  const others = m.blocks.map((b) => b.others);
  rows.push({ model: m.label, units: 'steal / others', median: `steal ${(100 * L.summarize(steal).median).toFixed(1)}%, other cores busy ${(100 * L.summarize(others).median).toFixed(0)}%`, 'p90/p10': '', '±5%': '', '±10%': '', 'r (log) with block': `steal ${pearson(ms, steal).toFixed(2)}, others ${pearson(ms, others).toFixed(2)}` });
}
console.table(rows);
for (const m of models) console.log(`${m.label} block medians (ms, in order): ${m.blocks.map((b) => b.ms.toFixed(2)).join(' ')}`);
for (const m of models) console.log(`${m.label} conv probe before each block (ms): ${m.blocks.map((b) => b.before.conv.toFixed(3)).join(' ')}`);
for (const m of models) console.log(`${m.label} in conv-probe units, histogram: ${histogram(m.blocks.map((b) => b.ms / Math.sqrt(b.before.conv * b.after.conv)))}; raw: ${histogram(m.blocks.map((b) => b.ms))}`);
for (const m of models) await m.session.release();
for (const p of Object.values(probes)) await p.release();
console.log(`load average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (js sink ${sinkJs.toFixed(1)})`);
