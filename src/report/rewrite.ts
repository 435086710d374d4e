/** The terminal report of `leannet rewrite`: before/after, what each pass did, verification, timing. */
import type { Candidate, RewriteResult } from '../rewrite-run/index.js';
import { grouped, ms, pct, si } from './format.js';
import { compareReport, verifyReport } from './measure.js';
import { c, table } from './style.js';

const change = (a: number, b: number) => (a ? `${b >= a ? '+' : '−'}${pct(Math.abs(b / a - 1))}` : '');

export function rewriteReport(r: RewriteResult): string {
  const out: string[] = [];
  const t = table(['', 'before', 'after', 'change'], ['left', 'right', 'right', 'right']);
  const b = r.before.totals;
  const a = r.after.totals;
  t.push(['params', grouped(b.params), grouped(a.params), change(b.params, a.params)]);
  t.push(['madds', si(b.madds), si(a.madds), change(b.madds, a.madds)]);
  t.push(['memAccess (elements)', si(b.memAccess), si(a.memAccess), change(b.memAccess, a.memAccess)]);
  t.push(['element-wise ops', si(b.elementwise), si(a.elementwise), change(b.elementwise, a.elementwise)]);
  t.push(['nodes', String(r.before.nodes), String(r.after.nodes), change(r.before.nodes, r.after.nodes)]);
  if (r.timing) {
    const s = r.timing;
    t.push(['median latency (ms)', ms(s.a.stats.median), ms(s.b.stats.median), `${s.ratio.median.toFixed(2)}× (${s.ratio.lo.toFixed(2)}–${s.ratio.hi.toFixed(2)})`]);
  }
  out.push(c.bold(`Rewrite of ${r.source}`), t.toString(), '');
  for (const p of r.passes) {
    out.push(`${c.bold(p.id)} ${c.dim(p.exact ? '(exact)' : '(approximate)')}: ${p.changes.length} change${p.changes.length === 1 ? '' : 's'}   ${c.dim(`// ${p.algebra}`)}`);
    const withError = p.changes.filter((x) => x.weightError !== undefined);
    if (withError.length) {
      // Data-aware fits also report the layer's output error ‖Y−Ŷ‖/‖Y‖ on the fit and held-out samples.
      const fitted = withError.some((x) => x.detail?.['fitError'] !== undefined);
      const lt = table(['layer', 'detail', 'weight error ‖W−Ŵ‖/‖W‖', ...(fitted ? ['output error fit / held-out'] : [])], ['left', 'left', 'right', 'right']);
      for (const x of withError) {
        const { fitError, heldOutError, ...d } = x.detail ?? {};
        const fit = d['fit'] !== undefined ? `, ${d['fit'] === 'data' ? 'fitted to data' : d['fit']}` : '';
        const { fit: _, ...rest } = d;
        const detail = (d['rank'] !== undefined ? `rank ${d['rank']}/${d['of']}, energy kept ${pct(Number(d['energyKept']), 2)}` : Object.entries(rest).map(([k, v]) => `${k} ${v}`).join(', ')) + fit;
        const outErr = fitError === undefined ? '' : `${Number(fitError).toFixed(3)} / ${heldOutError === undefined ? '–' : Number(heldOutError).toFixed(3)}`;
        lt.push([x.replaced[0] ?? '', detail, (x.weightError ?? 0).toExponential(2), ...(fitted ? [outErr] : [])]);
      }
      out.push(lt.toString().replace(/^/gm, '  '));
    } else if (p.changes.length) {
      out.push(c.dim(`  ${p.changes.slice(0, 3).map((x) => x.summary).join('; ')}${p.changes.length > 3 ? `; … ${p.changes.length - 3} more` : ''}`));
    }
    if (p.skipped.length) out.push(c.dim(`  left alone: ${p.skipped.length} (${p.skipped[0]}${p.skipped.length > 1 ? ', …' : ''})`));
  }
  if (r.keep) out.push('', keepReport(r.keep));
  if (r.verification) out.push('', verifyReport(r.verification));
  if (r.outputError !== undefined) {
    const line = `largest output error, max|a−b| / max|a|: ${r.outputError.toExponential(2)}`;
    out.push(r.exact ? (r.ok ? c.green(`${line} (exact passes: within the 1e-4 limit)`) : c.red(`${line}: exceeds the 1e-4 limit for exact passes — nothing written`)) : c.yellow(`${line} (approximate passes: the error is the trade-off you chose)`));
  }
  if (r.timing) out.push('', compareReport(r.timing));
  return out.join('\n');
}

/** Every approximate change, measured alone: kept or reverted, and why. */
export function keepReport(k: NonNullable<RewriteResult['keep']>): string {
  const kept = k.candidates.filter((x) => x.kept).length;
  const out = [c.bold(`Changes measured one by one: ${kept} of ${k.candidates.length} kept`)];
  if (!k.candidates.length) return `${out[0]} (no approximate pass changed anything)`;
  const score = (s: Candidate['score']) => (s ? `${s.top1 !== undefined ? `${pct(s.top1, 2)} / ` : ''}${pct(s.agreement, 2)}` : '');
  const t = table(['change', 'pass', 'speed-up alone (95%)', 'top-1 / agreement alone', '', 'why'], ['left', 'left', 'right', 'right', 'left', 'left']);
  for (const x of k.candidates) {
    const time = x.timing ? `${x.timing.median.toFixed(3)}× (${x.timing.lo.toFixed(3)}–${x.timing.hi.toFixed(3)})` : '';
    t.push([x.nodes[0] ?? '', x.pass, time, score(x.score), x.kept ? c.green('kept') : c.yellow('reverted'), x.why]);
  }
  out.push(t.toString());
  if (k.baseline) out.push(`original: ${score(k.baseline)}${k.final ? `; kept changes together: ${score(k.final)}` : ''}`);
  return out.join('\n');
}
