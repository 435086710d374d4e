/** The terminal report of `leannet analyze`: a per-layer table and a totals block. */
import type { Analysis } from '../analysis/index.js';
import { activationMemory, type NodeCost } from '../cost/index.js';
import { byOp } from './analyze-json.js';
import { bytes, grouped, pct, shapeText, si } from './format.js';
import { c, table } from './style.js';

export interface AnalyzeTableOptions {
  source: string;
  top?: number;
  byOp?: boolean;
  /** Also list Constant / Shape / ConstantOfShape nodes. */
  all?: boolean;
}

export function analyzeTable(a: Analysis, o: AnalyzeTableOptions): string {
  const { graph, cost } = a;
  const out: string[] = [];
  const shapeOf = (name: string | undefined) => shapeText(name ? graph.values.get(name)?.shape : undefined);
  const inputs = graph.inputs.map((n) => `${n} ${shapeOf(n)}`).join(', ');
  out.push(`${c.bold(o.source)}  ${c.dim(`${graph.nodes.length} nodes · inputs ${inputs} · opset ${graph.opset('') ?? '?'}${graph.meta.producerName ? ` · ${graph.meta.producerName} ${graph.meta.producerVersion}` : ''}`)}`);
  out.push('');

  if (o.byOp) {
    const t = table(['op', 'count', 'params', 'madds', '% madds', 'memAccess'], ['left', 'right', 'right', 'right', 'right', 'right']);
    for (const e of byOp(cost.nodes, cost.totals.madds)) t.push([e.opType, e.count, si(e.params), si(e.madds), pct(e.maddsShare), si(e.memAccess)]);
    out.push(t.toString());
  } else {
    let rows: NodeCost[] = cost.nodes.filter((n) => o.all || n.category !== 'shape');
    if (o.top !== undefined) rows = [...rows].sort((x, y) => y.madds - x.madds || y.memAccess - x.memAccess).slice(0, o.top);
    const t = table(['layer', 'op', 'kind', 'input → output', 'params', 'madds', 'memAccess', 'intensity', '% madds'], ['left', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'right']);
    for (const n of rows) {
      const io = `${shapeOf(n.node.inputs[0])} → ${shapeOf(n.node.outputs[0])}`;
      const unknown = c.dim('?');
      t.push([
        truncate(n.node.name, 40),
        n.node.opType,
        n.kind ?? '',
        io,
        n.params ? si(n.params) : '',
        n.known ? (n.madds ? si(n.madds) : '') : unknown,
        n.known ? si(n.memAccess) : unknown,
        n.known && n.memAccessBytes ? n.intensity.toFixed(2) : '',
        n.madds && cost.totals.madds ? pct(n.madds / cost.totals.madds) : '',
      ]);
    }
    out.push(t.toString());
    if (o.top !== undefined) out.push(c.dim(`(top ${rows.length} of ${cost.nodes.length} nodes by madds)`));
  }
  out.push('');
  out.push(totalsBlock(a));
  return out.join('\n');
}

export function totalsBlock(a: Analysis): string {
  const t = a.cost.totals;
  const lines: string[] = [];
  if (t.unknownNodes) {
    const why = a.cost.unknown.some((u) => u.reason === 'unknown op') ? (a.cost.unknown.every((u) => u.reason === 'unknown op') ? 'unknown op' : 'unknown shape or op') : 'unknown shape';
    lines.push(`${c.bold('Totals')} ${c.yellow(`(lower bound: ${grouped(t.unknownNodes)} node${t.unknownNodes === 1 ? '' : 's'} of ${why} not counted; shares are of what is known)`)}`);
  } else lines.push(c.bold('Totals'));
  lines.push(`  params        ${grouped(t.params).padStart(14)}   (${si(t.params)})   buffers ${grouped(t.buffers)}`);
  lines.push(`  madds         ${si(t.madds).padStart(14)}   multiply-adds of conv and gemm (papers' "FLOPs")`);
  lines.push(`  flops         ${si(t.flops).padStart(14)}`);
  lines.push(`  memAccess     ${si(t.memAccess).padStart(14)}   elements read + written (${bytes(t.memAccessBytes)})`);
  lines.push(`  intensity     ${t.intensity.toFixed(2).padStart(14)}   flops per byte of memAccess`);
  lines.push(`  element-wise  ${pct(t.elementwiseShare).padStart(14)}   of memAccess (${si(t.elementwise)} element-wise ops)`);
  const m = activationMemory(a.graph);
  if (m.peakNode !== undefined) {
    const unknown = m.unknownTensors ? `; ${m.unknownTensors} tensors of unknown size not counted` : '';
    lines.push(`  peak memory   ${bytes(m.peakBytes).padStart(14)}   activations live while '${m.peakNode}' runs (node ${m.peakIndex + 1} of ${m.order.length}); weights ${bytes(m.weightBytes)} more${unknown}`);
  }
  if (a.cost.convKinds.length) {
    lines.push(c.bold('Convolutions by kind'));
    for (const k of a.cost.convKinds) {
      lines.push(`  ${k.kind.padEnd(10)} ${String(k.count).padStart(4)} convs   ${si(k.madds).padStart(9)} madds  ${pct(k.share).padStart(6)}   ${si(k.params).padStart(8)} params`);
    }
  }
  if (a.cost.unknown.length) {
    lines.push(c.yellow('Unknown cost (not in the totals)'));
    for (const u of a.cost.unknown) lines.push(`  ${u.domain ? `${u.domain}::` : ''}${u.opType} ×${u.count} (${u.reason})`);
  }
  for (const n of a.graph.notes) lines.push(c.dim(`note: ${n}`));
  return lines.join('\n');
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `…${s.slice(s.length - n + 1)}`;
}
