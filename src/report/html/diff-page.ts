/** The diff page: A and B side by side, nodes coloured by status (same, changed, removed, added), the differing nodes in a table. */
import type { Analysis } from '../../analysis/index.js';
import type { DiffResult } from '../diff.js';
import { layerJson } from '../analyze-json.js';
import { graphView, nodeExtras } from './data.js';
import { pageHtml, type PageDoc } from './page.js';
import { grouped } from '../../text.js';

export function diffDoc(A: Analysis, B: Analysis, d: DiffResult): PageDoc {
  const views = ([[A, d.a.source, 'a'], [B, d.b.source, 'b']] as const).map(([x, source, side]) => {
    const shapeOf = (name: string) => x.graph.values.get(name)?.shape ?? null;
    const layers = x.cost.nodes.map((c) => layerJson(c, x.cost.totals.madds, shapeOf));
    const extra = nodeExtras(x);
    for (const n of d.nodes) {
      const i = n[side];
      if (i === null) continue;
      extra[i]!.status = n.status;
      extra[i]!.match = side === 'a' ? n.b : n.a;
      extra[i]!.matchedBy = n.matchedBy;
    }
    return graphView(`${side.toUpperCase()}: ${source}`, x, extra, layers);
  });
  const f = grouped;
  const pctOf = (a: number, b: number) => (a ? ` (${(((b - a) / a) * 100).toFixed(1)}%)` : '');
  const summary: [string, string][] = [
    ['A', `${d.a.source} · ${d.a.totals.nodes} nodes`],
    ['B', `${d.b.source} · ${d.b.totals.nodes} nodes`],
  ];
  for (const k of ['params', 'buffers', 'madds', 'memAccess'] as const) summary.push([k, `${f(d.a.totals[k])} → ${f(d.b.totals[k])}${pctOf(d.a.totals[k], d.b.totals[k])}`]);
  summary.push(['nodes', `${d.counts.same} same, ${d.counts.changed} changed, ${d.counts.removed} removed (A only), ${d.counts.added} added (B only)`]);
  const notes: string[] = [];
  if (d.compare) {
    const r = d.compare;
    summary.push(['latency', `A ${r.a.stats.median.toFixed(3)} ms, B ${r.b.stats.median.toFixed(3)} ms median; A/B ${r.ratio.median.toFixed(3)} (95% ${r.ratio.lo.toFixed(3)}–${r.ratio.hi.toFixed(3)}, ${r.ratio.pairs} interleaved pairs)`]);
    summary.push(['engine', `${r.engine.engine} (${r.engine.runtime} ${r.engine.version}), ${r.engine.threads} thread(s); ${r.env.cpu}, ${r.env.cores} cores`]);
    notes.push(r.verdict);
  }
  const rows = d.nodes
    .filter((n) => n.status !== 'same')
    .map((n) => ({ g: n.b !== null ? 1 : 0, i: n.b ?? n.a, name: n.name, opType: n.opType, status: n.status, what: n.changes.join(', ') + (n.matchedBy === 'structure' ? ' (by structure)' : ''), dparams: n.delta.params, dmadds: n.delta.madds, dmemAccess: n.delta.memAccess }));
  return {
    kind: 'diff',
    title: `leannet diff — ${d.a.source} vs ${d.b.source}`,
    summary,
    metrics: ['status', 'madds', 'memAccess', 'params', 'intensity'],
    graphs: views,
    findings: [],
    table: {
      columns: [
        { key: 'name', label: 'node', num: false },
        { key: 'opType', label: 'op', num: false },
        { key: 'status', label: 'status', num: false },
        { key: 'what', label: 'what changed', num: false },
        { key: 'dparams', label: 'Δparams', num: true },
        { key: 'dmadds', label: 'Δmadds', num: true },
        { key: 'dmemAccess', label: 'ΔmemAccess', num: true },
      ],
      rows,
      sort: 'dmadds',
    },
    charts: [],
    notes,
  };
}

export function diffHtml(A: Analysis, B: Analysis, d: DiffResult, chartJs: string): string {
  return pageHtml(diffDoc(A, B, d), chartJs);
}
