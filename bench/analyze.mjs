// npm run bench:analyze — how much leannet's read + shape inference + cost adds to the bare
// protobuf decode of the same bytes, and the peak memory of analysing each model.
// Target (issue: foundation): ratio ≤ 1.5, peak RSS ≤ 2 × file size + 100 MB.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver } from 'node:perf_hooks';
import * as L from '../dist/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const shared = path.resolve(here, '../../shared/models');
const MB = 2 ** 20;

/** A ~100 MB fp32 model: a stack of 3x3 convolutions, 512 channels, 14x14. */
function generateLarge(file) {
  const g = new L.Graph();
  g.opsets.set('', 13);
  g.addGraphInput('x');
  g.value('x').declared = { dtype: 'float32', shape: [1, 512, 14, 14] };
  let prev = 'x';
  let seed = 1;
  for (let i = 0; i < 11; i++) {
    const w = new Float32Array(512 * 512 * 9);
    for (let k = 0; k < w.length; k++) w[k] = ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.05;
    g.setInitializer(`conv${i}.weight`, L.Tensor.fromArray('float32', [512, 512, 3, 3], w));
    g.setInitializer(`conv${i}.bias`, L.Tensor.fromArray('float32', [512], new Float32Array(512)));
    const node = new L.Node('Conv', `conv${i}`, [prev, `conv${i}.weight`, `conv${i}.bias`], [`c${i}`]);
    node.attrs.set('pads', { type: 'ints', value: [1, 1, 1, 1] });
    g.addNode(node);
    g.addNode(new L.Node('Relu', `relu${i}`, [`c${i}`], [`r${i}`]));
    prev = `r${i}`;
  }
  g.addGraphOutput(prev);
  g.value(prev).declared = { dtype: 'float32', shape: undefined };
  L.saveOnnx(g, file);
}

/** Garbage-collection pauses, summed by the observer (entries arrive when the event loop turns). */
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });
// GC entries are queued by the runtime and delivered a few event-loop turns later.
const turn = () => new Promise((resolve) => setTimeout(resolve, 50));

/**
 * Each function timed in alternating blocks of 120 ms (twelve of each, after a warm-up that lets
 * V8 optimise them all), so that all see the same machine and heap states: this VM's timings
 * drift by 2× between minutes, and a block's GC cost depends on what the heap holds. Returns,
 * per function, the summary of all its runs, its median in each block (ratios are taken block
 * by block), and its share of time in GC pauses (each loop pays for collecting its own garbage).
 */
async function compareLoops(fns, blocks = 12, blockMs = 120) {
  const sides = fns.map((fn) => ({ fn, times: [], blockMedians: [], gc: 0, total: 0 }));
  for (const s of sides) {
    const warm = performance.now();
    while (performance.now() - warm < 2 * blockMs) s.fn();
  }
  for (let k = 0; k < blocks; k++) {
    for (const s of sides) {
      await turn();
      gcMs = 0;
      const block = [];
      const start = performance.now();
      while (block.length < 3 || performance.now() - start < blockMs) {
        const t = performance.now();
        s.fn();
        const dt = performance.now() - t;
        block.push(dt);
        s.total += dt;
      }
      await turn();
      s.gc += gcMs;
      s.times.push(...block);
      s.blockMedians.push(L.summarize(block).median);
    }
  }
  return sides.map((s) => ({ ...L.summarize(s.times), blockMedians: s.blockMedians, gcShare: s.gc / s.total }));
}

/** Median of the block-by-block ratios a/b, with its 95% distribution-free interval. */
function blockRatio(a, b) {
  return L.medianInterval(a.blockMedians.map((x, i) => x / b.blockMedians[i]));
}

/**
 * The floor: the bare decode plus the least work any analysis that follows data flow must do —
 * one walk over the decoded nodes that maps every initializer, graph input and node output name
 * to what defines it and looks up every node input (a Map, no object per value, no shapes, no costs).
 * It shows how much of the 1.5× budget resolving names alone takes on this machine.
 */
function decodeAndLinkNames(bytes) {
  const g = L.decodeModel(bytes).graph;
  const defined = new Map();
  const inits = g.initializer;
  for (let i = 0; i < inits.length; i++) defined.set(inits[i].name, inits[i]);
  const inputs = g.input;
  for (let i = 0; i < inputs.length; i++) if (!defined.has(inputs[i].name)) defined.set(inputs[i].name, inputs[i]);
  const nodes = g.node;
  let linked = 0;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i];
    const ins = n.input;
    for (let k = 0; k < ins.length; k++) if (defined.get(ins[k]) !== undefined) linked++;
    const outs = n.output;
    for (let k = 0; k < outs.length; k++) defined.set(outs[k], n);
  }
  return linked;
}

/**
 * Peak RSS of a fresh process that reads and analyses the file: the median of three processes.
 * Read from VmHWM, which starts afresh at exec (getrusage's maxRSS would include this parent's
 * pages, copied by fork before the child execs).
 */
function peakRss(file) {
  const script = `import('${path.resolve(here, '../dist/index.js')}').then(L => { const g = L.loadOnnx(process.argv[1]); L.analyzeGraph(g); console.log(/VmHWM:\\s+(\\d+)/.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))[1]); })`;
  const runs = [0, 1, 2].map(() => {
    const r = spawnSync(process.execPath, ['-e', script, file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return (Number(r.stdout.trim()) * 1024) / MB;
  });
  return runs.sort((a, b) => a - b)[1];
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'leannet-bench-'));
const large = path.join(tmp, 'conv-stack-100mb.onnx');
generateLarge(large);
const files = [...fs.readdirSync(shared).filter((f) => f.endsWith('.onnx')).map((f) => path.join(shared, f)), large];

console.log(`leannet bench:analyze — ${new Date().toISOString()} · ${os.cpus()[0]?.model} · node ${process.version}`);
console.log('times are medians (p10–p90) of single runs on bytes already in memory, in twelve alternating 120 ms blocks after a warm-up');
console.log('ratio = (read+shapes+cost) / decode, block by block: the median of the twelve block ratios and its 95% distribution-free interval; ≤ 1.5 is yes or NO only when the whole interval says so');
console.log('floor = decode + one walk linking every node input name to its definition (a Map, nothing else): the least any analysis must do; floor ratio = floor / decode, the same way');
console.log('read ratio = building the graph alone (no shapes, no costs) / decode, the same way');
console.log('GC %: share of each loop\'s time spent in garbage-collection pauses (each loop pays for its own garbage)');
console.log('(the bare decode keeps tensor bytes as views, so for weight-heavy files it costs almost nothing; node count drives both)\n');
const rows = [];
for (const file of files) {
  const bytes = fs.readFileSync(file);
  const [decode, floor, read, full] = await compareLoops([
    () => L.decodeModel(bytes),
    () => decodeAndLinkNames(bytes),
    () => L.readOnnx(bytes),
    () => L.analyzeGraph(L.readOnnx(bytes)),
  ]);
  const rss = peakRss(file);
  const sizeMb = bytes.length / MB;
  const budget = 2 * sizeMb + 100;
  const ratio = blockRatio(full, decode);
  const floorRatio = blockRatio(floor, decode);
  const readRatio = blockRatio(read, decode);
  const verdict = ratio.hi <= 1.5 ? 'yes' : ratio.lo > 1.5 ? 'NO' : 'unclear';
  rows.push({
    model: path.basename(file),
    'size MB': sizeMb.toFixed(2),
    'decode ms': `${decode.median.toFixed(3)} (${decode.p10.toFixed(3)}–${decode.p90.toFixed(3)})`,
    'read+shapes+cost ms': `${full.median.toFixed(3)} (${full.p10.toFixed(3)}–${full.p90.toFixed(3)})`,
    'ratio (95% CI)': `${ratio.median.toFixed(2)} (${ratio.lo.toFixed(2)}–${ratio.hi.toFixed(2)})`,
    '≤ 1.5': verdict,
    'floor / read ratio': `${floorRatio.median.toFixed(2)} / ${readRatio.median.toFixed(2)}`,
    'GC % decode/full': `${(100 * decode.gcShare).toFixed(0)}/${(100 * full.gcShare).toFixed(0)}`,
    'peak RSS MB (budget)': `${rss.toFixed(0)} (${budget.toFixed(0)})`,
    'RSS ok': rss <= budget ? 'yes' : 'NO',
  });
}
console.table(rows);
const count = (key, value) => rows.filter((r) => r[key] === value).length;
console.log(`ratio ≤ 1.5: ${count('≤ 1.5', 'yes')} yes, ${count('≤ 1.5', 'NO')} NO, ${count('≤ 1.5', 'unclear')} unclear of ${rows.length}; peak RSS within budget: ${count('RSS ok', 'yes')} of ${rows.length}`);
fs.rmSync(tmp, { recursive: true, force: true });
