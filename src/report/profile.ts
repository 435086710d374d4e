/** The terminal report of `leannet profile`: where the time goes, beside where the madds and memAccess are. */
import type { ProfileResult } from '../engine/index.js';
import { ms, pct } from './format.js';
import { setupLine } from './measure.js';
import { c, table } from './style.js';

export function profileReport(r: ProfileResult, top?: number): string {
  const rows = top ? r.rows.slice(0, top) : r.rows;
  const t = table(['ORT node', 'op', 'ms', '% time', '% madds', '% memAccess', 'leannet nodes'], ['left', 'left', 'right', 'right', 'right', 'right', 'left']);
  for (const row of rows) {
    const names = row.nodes.length ? row.nodes.map((n) => n.name).join(' + ') : c.dim(row.inside ? `(inside ${row.inside}, part of its time)` : '(inserted by ORT)');
    t.push([row.name, row.opType, ms(row.ms), pct(row.share), pct(row.maddsShare), pct(row.memAccessShare), truncate(names, 70)]);
  }
  const count = (s: string) => r.accounting.filter((a) => a.status === s).length;
  const lines = [
    t.toString(),
    top && r.rows.length > top ? c.dim(`(top ${top} of ${r.rows.length} ORT nodes by time)`) : '',
    `node times sum to ${ms(r.nodeTotal)} ms per run; end-to-end median ${ms(r.endToEnd.median)} ms (p10–p90 ${ms(r.endToEnd.p10)}–${ms(r.endToEnd.p90)}) over ${r.runs} profiled runs`,
    `leannet's ${r.accounting.length} nodes: ${count('run')} run as themselves, ${count('fused')} fused into another node, ${count('folded')} constant-folded, ${count('removed')} removed by ORT's optimiser`,
    setupLine(r.engine, r.env),
  ];
  return lines.filter(Boolean).join('\n');
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}
