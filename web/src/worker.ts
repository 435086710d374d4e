/**
 * The app's Web Worker: everything heavy happens here, off the page's thread — decoding the
 * dropped model, analysis, lint, the report page (the same builders as `leannet report`), and
 * measurement with onnxruntime-web (the core's bench and interleaved compare). The page only
 * shows what comes back, so a 100 MB model never freezes the tab.
 */
import {
  NETWORKS, analyzeGraph, bench, buildNetwork, compare, lint, readOnnx, reportData, reportHtml, seededInputs, writeOnnx, LeannetError, UsageError,
  type Analysis, type Graph,
} from '../../src/core.js';
import type { Analyzed, Reply, Request, Slot } from './messages.js';
import { availableBackends, webEngine } from './ort-engine.js';

interface Loaded {
  name: string;
  graph: Graph;
  bytes: Uint8Array;
}
const models: Partial<Record<Slot, Loaded>> = {};
const post = (r: Reply) => (self as unknown as Worker).postMessage(r);

let chartJs: Promise<string> | undefined;
/** Chart.js, served beside this script (copied from node_modules at build), embedded in the report page as `leannet report` does. */
const chartLibrary = () => (chartJs ??= fetch(new URL('chart.umd.min.js', self.location.href)).then((r) => (r.ok ? r.text() : '')));

async function analyzed(name: string, graph: Graph, bytes: Uint8Array, ridge: number | undefined, decodeMs: number): Promise<Analyzed> {
  const t1 = performance.now();
  const analysis: Analysis = analyzeGraph(graph);
  const t2 = performance.now();
  const lintResult = lint(analysis, ridge !== undefined ? { ridge } : {});
  const t3 = performance.now();
  const data = reportData(analysis, { source: name, lint: lintResult });
  const html = reportHtml(data, await chartLibrary());
  const t4 = performance.now();
  const t = analysis.cost.totals;
  return {
    name,
    totals: { params: t.params, buffers: t.buffers, madds: t.madds, flops: t.flops, memAccess: t.memAccess, nodes: graph.nodes.length },
    lint: { findings: lintResult.findings.length, summary: lintResult.summary },
    html,
    ms: { decode: decodeMs, analyze: t2 - t1, lint: t3 - t2, page: t4 - t3 },
  };
}

function prepared(slot: Slot) {
  const m = models[slot];
  if (!m) throw new LeannetError(`no model ${slot.toUpperCase()} yet: drop one first`);
  const first = m.graph.inputs[0];
  return { label: m.name, graph: m.graph, model: { bytes: m.bytes }, feeds: seededInputs(m.graph), batch: first ? Number(m.graph.value(first).shape?.[0] ?? 1) : 1 };
}

async function handle(q: Request): Promise<void> {
  const progress = (text: string) => post({ type: 'progress', id: q.id, text });
  switch (q.type) {
    case 'backends':
      post({ type: 'backends', id: q.id, backends: await availableBackends(), networks: NETWORKS.map((n) => ({ name: n.name, title: n.title })) });
      return;
    case 'open': {
      progress(`decoding ${q.name} (${(q.bytes.byteLength / 1e6).toFixed(1)} MB)…`);
      const t0 = performance.now();
      const bytes = new Uint8Array(q.bytes);
      const graph = readOnnx(bytes, { source: q.name });
      const decodeMs = performance.now() - t0;
      progress(`analysing ${q.name}: ${graph.nodes.length} nodes…`);
      const result = await analyzed(q.name, graph, bytes, q.ridge, decodeMs);
      models[q.slot] = { name: q.name, graph, bytes };
      post({ type: 'analyzed', id: q.id, slot: q.slot, result });
      return;
    }
    case 'zoo': {
      progress(`building zoo:${q.network}…`);
      const t0 = performance.now();
      const graph = buildNetwork(q.network);
      const bytes = writeOnnx(graph).model;
      const name = `zoo:${q.network}`;
      const result = await analyzed(name, graph, bytes, q.ridge, performance.now() - t0);
      models[q.slot] = { name, graph, bytes };
      post({ type: 'analyzed', id: q.id, slot: q.slot, result });
      return;
    }
    case 'measure': {
      const p = prepared(q.slot);
      const result = await bench(p, webEngine(q.backend), {
        budgetMs: q.budgetMs,
        onProgress: (e) => progress(`${e.phase === 'warmup' ? 'warming up' : 'measuring'} ${p.label} on ${q.backend}: ${e.runs} runs`),
      });
      post({ type: 'measured', id: q.id, slot: q.slot, result });
      return;
    }
    case 'compare': {
      const a = prepared('a');
      const b = prepared('b');
      const inputs = (p: typeof a) => Object.entries(p.feeds).map(([n, t]) => `${n} ${t.dims.join('x')}`).sort().join(', ');
      if (inputs(a) !== inputs(b)) throw new UsageError(`the models take different inputs: ${a.label} takes ${inputs(a) || 'none'}, ${b.label} takes ${inputs(b) || 'none'}`);
      const result = await compare(a, b, webEngine(q.backend), { budgetMs: q.budgetMs, onProgress: (e) => progress(`A/B on ${q.backend}: ${e.pairs} pairs`) });
      post({ type: 'compared', id: q.id, result });
      return;
    }
  }
}

self.onmessage = (ev: MessageEvent<Request>) => {
  handle(ev.data).catch((e: unknown) => {
    // leannet's errors are one line for the user; anything else is a bug, named as such.
    const message = e instanceof LeannetError ? e.message : `internal error: ${String((e as Error)?.message ?? e).split('\n')[0]}`;
    post({ type: 'error', id: ev.data.id, message });
  });
};
