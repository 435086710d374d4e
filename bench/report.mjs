// npm run bench:report — how the time of `leannet analyze`'s text report grows with the model:
// the per-layer table of generated conv/relu chains of 1,000 to 16,000 nodes. Rendering should be
// linear in the rows (the table library used before laid out each cell against every row above it).
import * as L from '../dist/index.js';

const env = L.environment();
console.log(`leannet bench:report — ${env.date} · ${env.cpu} (${env.cores} cores) · node ${env.node}`);

/** A chain of `n` nodes: 3x3 convs (16 channels, 8x8) each followed by a Relu. */
function chain(n) {
  const g = new L.Graph();
  g.opsets.set('', 13);
  g.inputs.push('x');
  g.value('x').declared = { dtype: 'float32', shape: [1, 16, 8, 8] };
  g.setInitializer('w', L.Tensor.fromArray('float32', [16, 16, 3, 3], new Float32Array(16 * 16 * 9)));
  let prev = 'x';
  for (let i = 0; i < n; i++) {
    const node = i % 2 === 0 ? new L.Node('Conv', `conv${i}`, [prev, 'w'], [`v${i}`]) : new L.Node('Relu', `relu${i}`, [prev], [`v${i}`]);
    if (i % 2 === 0) node.attrs.set('pads', { type: 'ints', value: [1, 1, 1, 1] });
    g.addNode(node);
    prev = `v${i}`;
  }
  g.outputs.push(prev);
  return g;
}

/** Median and spread (p10–p90) of `runs` timings of `fn`, after one warm-up call. */
function time(fn, runs) {
  fn();
  const t = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    t.push(performance.now() - start);
  }
  return L.summarize(t);
}

const rows = [];
for (const n of [1000, 4000, 16000]) {
  const a = L.analyzeGraph(chain(n));
  const analysis = time(() => L.analyzeGraph(chain(n)), 7);
  const report = time(() => L.analyzeTable(a, { source: 'chain' }), 7);
  rows.push({
    nodes: n,
    'analysis ms (median, p10–p90)': `${analysis.median.toFixed(1)} (${analysis.p10.toFixed(1)}–${analysis.p90.toFixed(1)})`,
    'text report ms (median, p10–p90)': `${report.median.toFixed(1)} (${report.p10.toFixed(1)}–${report.p90.toFixed(1)})`,
    'report µs per node': (1000 * report.median / n).toFixed(1),
  });
}
console.table(rows);
const perNode = rows.map((r) => Number(r['report µs per node']));
const growth = perNode[2] / perNode[0];
console.log(`report time per node at 16,000 nodes / at 1,000: ${growth.toFixed(2)} (target: ≤ 2, linear)`);
