// npm run bench:scale — how leannet's work grows with the size of a model: analysis, the text
// report of `leannet analyze`, and the rewrite passes, on generated chains of blocks from about
// 1,000 to 16,000 nodes. Each should be about linear in the nodes (a larger heap costs some per
// node): the exponent k of time ∝ nodes^k is printed. What it has caught: a table library that
// laid out each row against all rows above it (7.9 s at 4,000 nodes); passes that copied the node
// list, or re-indexed the graph, once per match (fold-bn grew as nodes^1.58, merge-parallel-convs
// took 180 s at 20,000 nodes, reparam 28 s at 32,000).
import * as L from '../dist/index.js';

const env = L.environment();
console.log(`leannet bench:scale — ${env.date} · ${env.cpu} (${env.cores} cores) · node ${env.node}`);

const f32 = (dims, fill) => L.Tensor.fromArray('float32', dims, new Float32Array(dims.reduce((p, d) => p * d, 1)).fill(fill));

/** A graph of `blocks` blocks on a [1, c, 8, 8] input, each made by `block(g, prev, i)`. */
function chain(blocks, c, block) {
  const g = new L.Graph();
  g.opsets.set('', 13);
  g.addGraphInput('x');
  g.value('x').declared = { dtype: 'float32', shape: [1, c, 8, 8] };
  let prev = 'x';
  for (let i = 0; i < blocks; i++) prev = block(g, prev, i);
  g.addGraphOutput(prev);
  return g;
}

function conv(g, name, x, cIn, cOut, k) {
  g.setInitializer(`${name}.w`, f32([cOut, cIn, k, k], 0.01));
  g.addNode(new L.Node('Conv', name, [x, `${name}.w`], [name], new Map([['pads', { type: 'ints', value: Array(4).fill((k - 1) / 2) }]])));
  return name;
}

function bn(g, name, x, c) {
  for (const [k, v] of [['s', 1], ['b', 0], ['m', 0], ['v', 1]]) g.setInitializer(`${name}.${k}`, f32([c], v));
  g.addNode(new L.Node('BatchNormalization', name, [x, `${name}.s`, `${name}.b`, `${name}.m`, `${name}.v`], [name]));
  return name;
}

function op(g, type, name, inputs, attrs = {}) {
  g.addNode(new L.Node(type, name, inputs, [name], new Map(Object.entries(attrs))));
  return name;
}

/** conv 3x3 → BN → ReLU, 16 channels: 3 nodes. */
const convBnRelu = (g, x, i) => op(g, 'Relu', `relu${i}`, [bn(g, `bn${i}`, conv(g, `conv${i}`, x, 16, 16, 3), 16)]);
/** RepVGG's training block, 8 channels: conv 3x3 + BN, conv 1x1 + BN, BN, two Adds, ReLU: 8 nodes. */
const repvgg = (g, x, i) => {
  const a = bn(g, `b3_${i}`, conv(g, `c3_${i}`, x, 8, 8, 3), 8);
  const b = bn(g, `b1_${i}`, conv(g, `c1_${i}`, x, 8, 8, 1), 8);
  const sum = op(g, 'Add', `add${i}`, [op(g, 'Add', `sum${i}`, [a, b]), bn(g, `id${i}`, x, 8)]);
  return op(g, 'Relu', `relu${i}`, [sum]);
};
/** Two 3x3 convs reading one tensor, Concat, ReLU, 1x1 back to 8 channels: 5 nodes. */
const siblings = (g, x, i) => {
  const cat = op(g, 'Concat', `cat${i}`, [conv(g, `ca${i}`, x, 8, 8, 3), conv(g, `cb${i}`, x, 8, 8, 3)], { axis: { type: 'int', value: 1 } });
  return conv(g, `squeeze${i}`, op(g, 'Relu', `relu${i}`, [cat]), 16, 8, 1);
};

/** Median and p10–p90 of `runs` timings of `fn(setup())`, after one warm-up; only `fn` is timed. */
async function time(setup, fn, runs) {
  await fn(await setup());
  const t = [];
  for (let i = 0; i < runs; i++) {
    const input = await setup();
    const start = performance.now();
    await fn(input);
    t.push(performance.now() - start);
  }
  return L.summarize(t);
}

/** What is timed, on which chain (block maker, channels, nodes per block). */
const passes = (spec) => L.parsePassSpecs([spec]);
const work = {
  analysis: { block: convBnRelu, c: 16, per: 3, fn: (g) => L.analyzeGraph(g) },
  report: { block: convBnRelu, c: 16, per: 3, analysed: true, fn: (a) => L.analyzeTable(a, { source: 'chain' }) },
  'fold-bn': { block: convBnRelu, c: 16, per: 3, fn: (g) => L.runPasses(g, passes('fold-bn')) },
  reparam: { block: repvgg, c: 8, per: 8, before: 'fold-bn', fn: (g) => L.runPasses(g, passes('reparam')) },
  'merge-parallel-convs': { block: siblings, c: 8, per: 5, fn: (g) => L.runPasses(g, passes('merge-parallel-convs')) },
  dwsep: { block: convBnRelu, c: 16, per: 3, fn: (g) => L.runPasses(g, passes('dwsep:rank=1')) },
};
const sizes = [1000, 4000, 16000];
const rows = [];
const perNode = Object.fromEntries(Object.keys(work).map((w) => [w, []]));
for (const target of sizes) {
  const row = { nodes: `~${target}` };
  for (const [what, w] of Object.entries(work)) {
    const blocks = Math.round(target / w.per);
    const make = async () => {
      const g = chain(blocks, w.c, w.block);
      if (w.before) await L.runPasses(g, passes(w.before));
      return w.analysed ? L.analyzeGraph(g) : g;
    };
    const runs = target > 4000 ? 5 : 9;
    const s = await time(make, w.fn, runs);
    row[what] = `${s.median.toFixed(0)} (${s.p10.toFixed(0)}–${s.p90.toFixed(0)})`;
    perNode[what].push((1000 * s.median) / (w.per * blocks));
  }
  rows.push(row);
}
console.log('milliseconds, median (p10–p90); nodes before any pass:');
console.table(rows);
// The exponent k of time ∝ nodes^k between the smallest and largest size: 1 is linear, 2 quadratic.
const span = Math.log(sizes[sizes.length - 1] / sizes[0]);
for (const [what, list] of Object.entries(perNode)) {
  const k = 1 + Math.log(list[list.length - 1] / list[0]) / span;
  console.log(`${what.padEnd(20)} µs per node: ${list.map((x) => x.toFixed(1)).join(' / ')} — time grows as nodes^${k.toFixed(2)} (1 linear, 2 quadratic)`);
}
