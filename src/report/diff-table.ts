/** `leannet diff`'s terminal report (the data and JSON are diff.ts, which runs in a browser too). */
import type { DiffNode, DiffResult } from './diff.js';
import { compareReport } from './measure.js';
import { grouped, pct, si } from './format.js';
import { c, table } from './style.js';

const signed = (n: number, f: (x: number) => string) => (n > 0 ? `+${f(n)}` : n < 0 ? `-${f(-n)}` : '0');

/** The terminal report: totals, counts, the nodes that differ (the first `limit`, largest changes first). */
export function diffReport(d: DiffResult, limit = 40): string {
  const t = table(['', 'A', 'B', 'B − A', ''], ['left', 'right', 'right', 'right', 'right']);
  for (const k of ['params', 'buffers', 'madds', 'memAccess', 'nodes'] as const) {
    const a = d.a.totals[k];
    const b = d.b.totals[k];
    t.push([k, grouped(a), grouped(b), signed(b - a, grouped), a ? pct((b - a) / a) : '']);
  }
  const colour = { same: (s: string) => s, changed: c.yellow, removed: c.red, added: c.green };
  const differ = d.nodes.filter((n) => n.status !== 'same');
  const size = (n: DiffNode) => Math.abs(n.delta.madds) + Math.abs(n.delta.memAccess) + Math.abs(n.delta.params);
  const shown = [...differ].sort((x, y) => size(y) - size(x)).slice(0, limit);
  const nt = table(['node', 'op', 'status', 'Δparams', 'Δmadds', 'ΔmemAccess', 'what'], ['left', 'left', 'left', 'right', 'right', 'right', 'left']);
  for (const n of shown) nt.push([n.name, n.opType, colour[n.status](n.status), signed(n.delta.params, si), signed(n.delta.madds, si), signed(n.delta.memAccess, si), n.status === 'changed' ? `${n.changes.join(', ')}${n.matchedBy === 'structure' ? ' (matched by structure)' : ''}` : '']);
  const out = [
    `A ${d.a.source}\nB ${d.b.source}`,
    '',
    t.toString(),
    '',
    `nodes: ${d.counts.same} same, ${d.counts.changed} changed, ${d.counts.removed} removed (A only), ${d.counts.added} added (B only)`,
  ];
  if (differ.length) out.push('', nt.toString(), ...(differ.length > shown.length ? [`… ${differ.length - shown.length} more (--all to list every one)`] : []));
  if (d.compare) out.push('', compareReport(d.compare));
  return out.join('\n');
}
