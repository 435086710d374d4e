/**
 * One self-contained HTML page (report or diff): the data as JSON (in the script element
 * #leannet-data, which tools may read back), the page script
 * (client.ts, embedded as source) and Chart.js (given as source text by the caller, which reads
 * it from node_modules), so the file opens from disk with no network.
 */
import { reportClient } from './client.js';
import type { GraphView, ReportData } from './data.js';

export const esc = (s: string) => s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);

export interface PageDoc {
  kind: 'report' | 'diff';
  title: string;
  summary: [string, string][];
  metrics: string[];
  graphs: GraphView[];
  findings: unknown[];
  table: { columns: { key: string; label: string; num: boolean }[]; rows: Record<string, unknown>[]; sort: string };
  charts: { id: string; title: string; spec: unknown }[];
  /** Anything else the page shows as text (diff verdicts). */
  notes: string[];
}

/** JSON inside a <script>: no '</script>' or '<!--' can close or confuse it. */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function pageHtml(doc: PageDoc, chartJs: string): string {
  const panes = doc.graphs.map((g, i) => `<div class="pane"><div class="pane-title">${esc(g.title)} · ${g.visible} nodes drawn</div><div class="graph" id="graph-${i}"></div></div>`).join('');
  const charts = doc.charts.map((c) => `<div class="chart"><h3>${esc(c.title)}</h3><canvas id="${c.id}"></canvas></div>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(doc.title)}</title>
<style>
body{font:13px/1.4 system-ui,sans-serif;margin:0;color:#222}
header{padding:10px 16px;border-bottom:1px solid #ddd}header h1{font-size:18px;margin:0 0 6px}
.summary{display:grid;grid-template-columns:max-content 1fr;gap:1px 12px}.summary dt{color:#666}.summary dd{margin:0}
.notes p{margin:4px 0}
main{display:flex;height:72vh;border-bottom:1px solid #ddd}
.panes{flex:1;display:flex;min-width:0}.pane{flex:1;display:flex;flex-direction:column;min-width:0;border-right:1px solid #ddd}
.pane-title{padding:3px 8px;background:#f4f4f4;font-weight:600}.graph{flex:1;position:relative;overflow:hidden;cursor:grab}
aside{width:360px;overflow:auto;padding:8px 12px}aside label{display:block;margin:4px 0}
#legend div{margin:1px 0}.sw{display:inline-block;width:14px;height:12px;margin-right:6px;border:1px solid #999;vertical-align:middle}
table{border-collapse:collapse}td,th{padding:2px 6px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
.kv th{color:#666;font-weight:normal;white-space:nowrap}.kv td{word-break:break-all}
.num{text-align:right}#layers th{cursor:pointer;position:sticky;top:0;background:#fafafa}
#layers tbody tr:hover{background:#eef4ff;cursor:pointer}
section{padding:8px 16px}.tablewrap{max-height:60vh;overflow:auto}
.charts{display:flex;flex-wrap:wrap;gap:16px}.chart{width:560px}.chart h3{font-size:14px;margin:4px 0}
.sev-high{color:#a00}.sev-medium{color:#a50}
</style></head>
<body>
<header><h1>${esc(doc.title)}</h1><dl class="summary">${doc.summary.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
${doc.notes.length ? `<div class="notes">${doc.notes.map((n) => `<p>${esc(n)}</p>`).join('')}</div>` : ''}</header>
<main><div class="panes">${panes}</div>
<aside><label>colour by <select id="metric"></select></label><div id="legend"></div>
<label>find a node <input id="search" placeholder="name, then Enter"> <span id="search-note"></span></label>
<div id="details"><p>Click a node (drag to pan, wheel to zoom).</p></div></aside></main>
<section><h2>${doc.kind === 'diff' ? 'Nodes' : 'Layers'}</h2><label>filter <input id="filter" placeholder="name or op"></label> <span id="table-note"></span>
<div class="tablewrap"><table id="layers"></table></div></section>
${charts ? `<section class="charts">${charts}</section>` : ''}
<script type="application/json" id="leannet-data">${scriptJson(doc)}</script>
<script>(${reportClient.toString()})(JSON.parse(document.getElementById('leannet-data').textContent));</script>
<script>${chartJs}</script>
</body></html>
`;
}

/** Per-op-type shares of madds, memAccess and (profiled) time. */
function opShares(data: ReportData) {
  const g = data.graph;
  const m = new Map<string, { madds: number; memAccess: number; time: number }>();
  g.layers.forEach((l, i) => {
    const e = m.get(l.opType) ?? { madds: 0, memAccess: 0, time: 0 };
    e.madds += l.madds;
    e.memAccess += l.memAccess;
    e.time += g.extra[i]!.time ?? 0;
    m.set(l.opType, e);
  });
  const t = data.totals;
  const timeTotal = [...m.values()].reduce((s, e) => s + e.time, 0);
  const ops = [...m.entries()].filter(([, e]) => e.madds > 0 || e.memAccess > 0 || e.time > 0).sort((a, b) => b[1].time - a[1].time || b[1].madds - a[1].madds || b[1].memAccess - a[1].memAccess);
  return {
    labels: ops.map(([k]) => k),
    madds: ops.map(([, e]) => (t.madds ? (100 * e.madds) / t.madds : 0)),
    memAccess: ops.map(([, e]) => (t.memAccess ? (100 * e.memAccess) / t.memAccess : 0)),
    time: timeTotal ? ops.map(([, e]) => (100 * e.time) / timeTotal) : null,
  };
}

/** The roofline: each layer at its intensity; measured GFLOP/s when profiled, else where the roof puts it. */
function roofline(data: ReportData) {
  const g = data.graph;
  const pts: { x: number; y: number; name: string }[] = [];
  const r = data.ridge;
  g.layers.forEach((l, i) => {
    if (!(l.flops > 0) || !(l.intensity > 0)) return;
    const t = g.extra[i]!.time;
    if (data.profile) {
      if (t && t > 0) pts.push({ x: l.intensity, y: l.flops / (t / 1000) / 1e9, name: l.name });
    } else if (r) pts.push({ x: l.intensity, y: Math.min(r.peakGflops, r.bandwidthGBs * l.intensity), name: l.name });
    else pts.push({ x: l.intensity, y: l.flops / 1e9, name: l.name });
  });
  const datasets: unknown[] = [{ type: 'scatter', label: data.profile ? 'layers (measured GFLOP/s)' : r ? 'layers (attainable GFLOP/s under the roof)' : 'layers (GFLOP per run; ridge unknown)', data: pts, backgroundColor: 'rgba(54,120,200,0.6)', pointRadius: 3 }];
  if (r) {
    const xs = pts.map((p) => p.x);
    const lo = Math.min(r.ridge / 10, ...xs);
    const hi = Math.max(r.ridge * 10, ...xs);
    datasets.push({ type: 'line', label: `roof (ridge ${r.ridge.toFixed(1)} flops/byte)`, data: [{ x: lo, y: r.bandwidthGBs * lo }, { x: r.ridge, y: r.peakGflops }, { x: hi, y: r.peakGflops }], borderColor: 'rgb(200,80,40)', pointRadius: 0, fill: false });
  }
  return {
    data: { datasets },
    options: {
      animation: false,
      parsing: true,
      scales: { x: { type: 'logarithmic', title: { display: true, text: 'intensity (flops per byte)' } }, y: { type: 'logarithmic', title: { display: true, text: data.profile || r ? 'GFLOP/s' : 'GFLOP' } } },
      plugins: { legend: { position: 'bottom' } },
    },
  };
}

/** The report page's document. */
export function reportDoc(data: ReportData): PageDoc {
  const metrics = ['madds', 'memAccess', 'intensity', 'params'];
  if (data.profile) metrics.unshift('time');
  if (data.findings.length) metrics.push('severity');
  const g = data.graph;
  const columns = [
    { key: 'name', label: 'layer', num: false },
    { key: 'opType', label: 'op', num: false },
    { key: 'out', label: 'output', num: false },
    { key: 'params', label: 'params', num: true },
    { key: 'madds', label: 'madds', num: true },
    { key: 'memAccess', label: 'memAccess', num: true },
    { key: 'intensity', label: 'intensity', num: true },
  ];
  if (data.profile) columns.push({ key: 'time', label: 'time (ms)', num: true });
  if (data.findings.length) columns.push({ key: 'severity', label: 'lint', num: false });
  const rows = g.layers.map((l, i) => ({
    g: 0,
    i,
    name: l.name,
    opType: l.opType,
    out: l.outputs.map((o) => (Array.isArray(o.shape) ? o.shape.join('x') : '?')).join(', '),
    params: l.params,
    madds: l.madds,
    memAccess: l.memAccess,
    intensity: l.intensity,
    time: g.extra[i]!.time,
    severity: g.extra[i]!.severity ?? '',
  }));
  const shares = opShares(data);
  const datasets: unknown[] = [
    { label: '% of madds', data: shares.madds, backgroundColor: 'rgba(54,120,200,0.7)' },
    { label: '% of memAccess', data: shares.memAccess, backgroundColor: 'rgba(120,120,120,0.6)' },
  ];
  if (shares.time) datasets.unshift({ label: '% of measured time', data: shares.time, backgroundColor: 'rgba(200,80,40,0.8)' });
  return {
    kind: 'report',
    title: data.title,
    summary: data.summary,
    metrics,
    graphs: [g],
    findings: data.findings,
    table: { columns, rows, sort: data.profile ? 'time' : 'madds' },
    charts: [
      { id: 'chart-roofline', title: data.ridge ? "Roofline: each layer against this machine's ridge point" : 'Layers by intensity (no ridge point: run with --profile or --lint)', spec: roofline(data) },
      { id: 'chart-shares', title: shares.time ? 'Time share vs madds share per op type' : 'Madds and memAccess share per op type (profile for time)', spec: { type: 'bar', data: { labels: shares.labels, datasets }, options: { animation: false, indexAxis: 'y', scales: { x: { title: { display: true, text: '%' } } } } } },
    ],
    notes: data.profile && data.profile.unattributed > 0 ? [`${data.profile.unattributed.toFixed(3)} ms of the ${data.profile.nodeTotal.toFixed(3)} ms node total ran in kernels onnxruntime inserted (no graph node to colour).`] : [],
  };
}

/** `leannet report`'s page. */
export function reportHtml(data: ReportData, chartJs: string): string {
  return pageHtml(reportDoc(data), chartJs);
}
