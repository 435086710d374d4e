// npm run bench:scale — how leannet's work grows with the size of a model: analysis, the text
// report of `leannet analyze`, and the fold-bn pass, on generated chains of conv → BN → ReLU
// blocks from 1,000 to 16,000 nodes. Each should be about linear in the nodes (a larger heap costs
// some per node): the exponent k of time ∝ nodes^k is printed (a table library that laid out each
// row against all rows above it took 7.9 s at 4,000 nodes; removing nodes by copying the node list
// per match made fold-bn quadratic).
import * as L from '../dist/index.js';

const env = L.environment();
console.log(`leannet bench:scale — ${env.date} · ${env.cpu} (${env.cores} cores) · node ${env.node}`);

/** `blocks` conv (16 channels, 3x3, 8x8) → BatchNormalization → Relu blocks: 3·blocks nodes. */
function chain(blocks) {
  const g = new L.Graph();
  g.opsets.set('', 13);
  g.inputs.push('x');
  g.value('x').declared = { dtype: 'float32', shape: [1, 16, 8, 8] };
  const f32 = (dims, fill) => L.Tensor.fromArray('float32', dims, new Float32Array(dims.reduce((p, d) => p * d, 1)).fill(fill));
  let prev = 'x';
  for (let i = 0; i < blocks; i++) {
    g.setInitializer(`w${i}`, f32([16, 16, 3, 3], 0.01));
    for (const [k, v] of [['s', 1], ['b', 0], ['m', 0], ['v', 1]]) g.setInitializer(`${k}${i}`, f32([16], v));
    const conv = new L.Node('Conv', `conv${i}`, [prev, `w${i}`], [`c${i}`]);
    conv.attrs.set('pads', { type: 'ints', value: [1, 1, 1, 1] });
    g.addNode(conv);
    g.addNode(new L.Node('BatchNormalization', `bn${i}`, [`c${i}`, `s${i}`, `b${i}`, `m${i}`, `v${i}`], [`n${i}`]));
    g.addNode(new L.Node('Relu', `relu${i}`, [`n${i}`], [`r${i}`]));
    prev = `r${i}`;
  }
  g.outputs.push(prev);
  return g;
}

/** Median and p10–p90 of `runs` timings of `fn(setup())`, after one warm-up; only `fn` is timed. */
function time(setup, fn, runs) {
  fn(setup());
  const t = [];
  for (let i = 0; i < runs; i++) {
    const input = setup();
    const start = performance.now();
    fn(input);
    t.push(performance.now() - start);
  }
  return L.summarize(t);
}

const foldBn = L.parsePassSpecs(['fold-bn']);
const sizes = [1000, 4000, 16000];
const rows = [];
const perNode = { analysis: [], report: [], 'fold-bn': [] };
for (const nodes of sizes) {
  const blocks = Math.round(nodes / 3);
  const analysed = L.analyzeGraph(chain(blocks));
  const runs = nodes > 4000 ? 5 : 9;
  const results = {
    analysis: time(() => chain(blocks), (g) => L.analyzeGraph(g), runs),
    report: time(() => analysed, (a) => L.analyzeTable(a, { source: 'chain' }), runs),
    'fold-bn': time(() => chain(blocks), (g) => L.runPasses(g, foldBn), runs),
  };
  const row = { nodes: 3 * blocks };
  for (const [what, s] of Object.entries(results)) {
    row[`${what} ms (p10–p90)`] = `${s.median.toFixed(1)} (${s.p10.toFixed(1)}–${s.p90.toFixed(1)})`;
    perNode[what].push((1000 * s.median) / (3 * blocks));
  }
  rows.push(row);
}
console.table(rows);
// The exponent k of time ∝ nodes^k between the smallest and largest size: 1 is linear, 2 quadratic.
const span = Math.log(sizes[sizes.length - 1] / sizes[0]);
for (const [what, list] of Object.entries(perNode)) {
  const k = 1 + Math.log(list[list.length - 1] / list[0]) / span;
  console.log(`${what.padEnd(9)} µs per node: ${list.map((x) => x.toFixed(1)).join(' / ')} — time grows as nodes^${k.toFixed(2)} (1 linear, 2 quadratic)`);
}
