/**
 * A self-contained HTML page for a lab run: one chart per experiment (measured relative speed
 * beside theory and the paper's figures), drawn by Chart.js, which is inlined so the page opens
 * from disk with no network.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { LabResult } from '../lab/index.js';
import { esc } from './html/page.js';


export function chartLibrary(): string {
  const require = createRequire(import.meta.url);
  // The package's exports hide dist/; its main entry sits beside the UMD build.
  return fs.readFileSync(path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
}

export function labHtml(r: LabResult): string {
  const charts: { id: string; spec: unknown }[] = [];
  const sections: string[] = [];
  r.settings.forEach((s, si) => {
    sections.push(`<h2>${esc(`${s.engine.engine} (${s.engine.runtime} ${s.engine.version}), ${s.engine.threads} thread(s), optimisation ${s.engine.optLevel}`)}</h2>`);
    for (const e of s.experiments) {
      const id = `chart-${si}-${e.id}`;
      const labels = e.columns.flatMap((col) => col.rows.map((row) => `${col.column} · ${row.config.row}`));
      const rows = e.columns.flatMap((col) => col.rows);
      const theory = rows.map((row) => (row.config.theoryTimeRatio ? 1 / row.config.theoryTimeRatio : 1));
      const datasets: unknown[] = [
        { type: 'bar', label: 'measured speed vs row 1 (median)', data: rows.map((row) => row.relSpeed.median), backgroundColor: 'rgba(54,120,200,0.7)' },
        { type: 'bar', label: '95% interval', data: rows.map((row) => [row.relSpeed.lo, row.relSpeed.hi]), backgroundColor: 'rgba(54,120,200,0.25)' },
        { type: 'line', label: 'theory from madds', data: theory, borderColor: 'rgb(200,80,40)', pointRadius: 3, showLine: false },
      ];
      if (rows.some((row) => row.config.published)) {
        datasets.push({ type: 'line', label: 'paper, GPU', data: rows.map((row) => row.config.published?.gpu ?? null), borderColor: 'rgb(60,160,60)', showLine: false, pointStyle: 'triangle', pointRadius: 5 });
        datasets.push({ type: 'line', label: 'paper, ARM/CPU', data: rows.map((row) => row.config.published?.cpu ?? null), borderColor: 'rgb(140,60,160)', showLine: false, pointStyle: 'rectRot', pointRadius: 5 });
      }
      const logScale = rows.some((row) => (row.config.theoryTimeRatio ?? 1) < 0.05);
      charts.push({
        id,
        spec: {
          data: { labels, datasets },
          options: {
            animation: false,
            responsive: true,
            scales: { y: { type: logScale ? 'logarithmic' : 'linear', title: { display: true, text: 'speed relative to the first row of its column' } } },
            plugins: { title: { display: true, text: e.title } },
          },
        },
      });
      const table = e.columns
        .map((col) => `<tr><td>${esc(col.column)}</td><td>${col.holds ? 'holds' : 'does not hold'}</td><td>${esc(col.because)}</td></tr>`)
        .join('');
      sections.push(`<section><h3>${esc(e.title)}</h3><p class="src">${esc(e.source)}</p><p><b>Claim:</b> ${esc(e.claim)}</p>
<canvas id="${id}" height="110"></canvas>
<p class="verdict ${e.holds ? 'yes' : 'no'}"><b>Verdict:</b> ${esc(e.verdict)}</p>${e.explanation ? `<p><b>Why:</b> ${esc(e.explanation)}</p>` : ''}
<table><tr><th>column</th><th>claim</th><th>evidence</th></tr>${table}</table></section>`);
    }
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>leannet lab — ${esc(r.env.date)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
.src{color:#666}.verdict.yes{color:#186a18}.verdict.no{color:#8a5a00}section{margin-bottom:2.5em}</style></head>
<body><h1>leannet guideline lab</h1>
<p>${esc(`${r.env.cpu}, ${r.env.cores} cores, ${r.env.platform}, Node ${r.env.node}, ${r.env.date}${r.quick ? ' (quick run)' : ''}`)}.
Each bar is a row's speed relative to the first row of its column, the median of interleaved rounds with its 95% interval;
"theory" is what the madds ratio predicts; "paper" are the ShuffleNet V2 paper's relative speeds (GTX 1080Ti, Snapdragon 810).</p>
${sections.join('\n')}
<script>${chartLibrary()}</script>
<script>const charts=${JSON.stringify(charts)};for(const c of charts){new Chart(document.getElementById(c.id),c.spec);}</script>
</body></html>
`;
}
