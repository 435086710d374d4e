/**
 * A self-contained HTML page for a `compress` run: the accuracy–latency chart (every step's
 * measured speed-up against its held-out accuracy, the non-dominated front drawn as a line), the
 * step table, the final result and the guideline explanation. Chart.js is inlined (chartLibrary),
 * so the page opens from disk; the log itself is embedded as JSON (#leannet-data) for tools.
 */
import type { CompressLog } from '../compress/index.js';
import { esc, scriptJson } from './html/page.js';
import { chartLibrary } from './lab-html.js';

/** The Chart.js spec of the front chart: all points, the front, the target line. */
export function frontChartSpec(log: CompressLog): unknown {
  const all = [{ x: 1, y: log.original.accuracy * 100, step: 0 }, ...log.steps.map((s) => ({ x: s.measured.speedup, y: s.accuracy * 100, step: s.step }))];
  const front = log.front.map((p) => ({ x: p.speedup, y: p.accuracy * 100, step: p.step }));
  const datasets: unknown[] = [
    { type: 'scatter', label: 'steps (measured speed-up, held-out top-1)', data: all, backgroundColor: 'rgba(54,120,200,0.7)', pointRadius: 4 },
    { type: 'line', label: 'front (non-dominated)', data: front, borderColor: 'rgb(200,80,40)', backgroundColor: 'rgb(200,80,40)', pointRadius: 3, fill: false },
  ];
  if (log.target.metric === 'latency' && log.target.kind === 'ratio') {
    const ys = all.map((p) => p.y);
    datasets.push({ type: 'line', label: `target ${(1 / log.target.value).toFixed(2)}×`, data: [{ x: 1 / log.target.value, y: Math.min(...ys) }, { x: 1 / log.target.value, y: Math.max(...ys) }], borderColor: 'rgb(60,160,60)', borderDash: [6, 4], pointRadius: 0 });
  }
  return {
    data: { datasets },
    options: {
      animation: false,
      responsive: true,
      scales: { x: { type: 'linear', title: { display: true, text: 'measured speed-up over the original (interleaved, median)' } }, y: { title: { display: true, text: `top-1 % (${log.settings.accuracyOn})` } } },
    },
  };
}

export function compressHtml(log: CompressLog): string {
  const f = (v: number, d = 2) => v.toFixed(d);
  const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
  const rows = log.steps
    .map(
      (s) =>
        `<tr><td>${s.step}</td><td>${esc([s.change, ...(s.change.also ?? [])].map((x) => (x.kind === 'group' ? `group conv (${x.producer})` : `${x.group} (${x.producer})`)).join(', '))}</td><td class="num">${[s.change, ...(s.change.also ?? [])].map((x) => (x.kind === 'group' ? `g ${x.from} → ${x.to}` : `${x.from} → ${x.to}`)).join(', ')}</td><td class="num">${f(s.target, 3)}</td><td class="num">${s.predictedLatency === null ? '—' : f(s.predictedLatency, 3)}</td><td class="num">${f(s.measured.speedup)}× (${f(s.measured.lo)}–${f(s.measured.hi)})</td><td class="num">${s.correction === null ? '—' : f(s.correction)}</td><td class="num">${f(s.madds / log.original.madds, 3)}</td><td class="num">${pct(s.accuracy)}</td><td class="num">${s.proposals.length}</td></tr>`,
    )
    .join('');
  const t = log.final.test;
  const summary: [string, string][] = [
    ['model', log.model],
    ['target', `${log.target.text}: ${log.target.description}`],
    ['result', `${log.final.reached ? 'reached' : 'NOT reached'} (${log.final.stop}); ${f(log.final.speedup.median)}× measured (${f(log.final.speedup.lo)}–${f(log.final.speedup.hi)}), madds ×${f(log.final.maddsRatio, 3)}, params ×${f(log.final.paramsRatio, 3)}`],
    ['held-out accuracy', `${pct(log.final.heldOut.original)} → ${pct(log.final.heldOut.final)} (${log.settings.accuracyOn}; final fit: ${log.final.fit})`],
    ['test accuracy', t ? `${pct(t.original.value)} → ${pct(t.final.value)} (${pct(t.final.lo)}–${pct(t.final.hi)}) on ${t.samples} samples of ${t.data}, never seen by the search` : 'no --test-data: the accuracies are the held-out selection split’s, the data the search selected on'],
    ['latency', `${log.settings.engine.engine} ${log.settings.engine.version}, ${log.settings.engine.threads} thread(s), batch ${log.settings.batch}; estimator: ${log.settings.estimator}`],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>leannet compress — ${esc(log.model)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}.num{text-align:right}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px}dt{color:#666}dd{margin:0}</style></head>
<body><h1>leannet compress — ${esc(log.model)}</h1>
<dl>${summary.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
<h2>Accuracy against measured latency</h2><canvas id="front" height="120"></canvas>
<h2>Why the latency moved as it did</h2>${log.explanation.lines.map((l) => `<p>${esc(l)}</p>`).join('')}
<h2>Steps</h2><table><tr><th>step</th><th>group (first producer)</th><th>channels</th><th>step target</th><th>predicted latency</th><th>measured speed-up (95%)</th><th>correction</th><th>madds ×</th><th>held-out top-1</th><th>proposals</th></tr>${rows}</table>
<script type="application/json" id="leannet-data">${scriptJson(log)}</script>
<script>${chartLibrary()}</script>
<script>new Chart(document.getElementById('front'),${scriptJson(frontChartSpec(log))});</script>
</body></html>
`;
}
