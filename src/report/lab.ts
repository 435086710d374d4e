/** Terminal tables for `leannet lab`: theory beside measurement beside the paper, and a verdict per experiment. */
import type { ExperimentResult, LabResult } from '../lab/index.js';
import { ms, si } from './format.js';
import { setupLine } from './measure.js';
import { c, table } from './style.js';

const x = (v: number | undefined) => (v === undefined ? '' : `${v.toFixed(2)}×`);

export function experimentTable(e: ExperimentResult): string {
  const hasTheory = e.columns.some((col) => col.rows.some((r) => r.config.theoryTimeRatio !== undefined));
  const head = ['column', 'row', 'madds', 'memAccess', 'median ms (p10–p90)', 'speed vs row 1 (95%)'];
  if (hasTheory) head.push('theory (madds)');
  else head.push('paper GPU', 'paper CPU');
  const t = table(head, ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right']);
  for (const col of e.columns) {
    col.rows.forEach((r, i) => {
      const rel = i === 0 ? '1.00×' : `${x(r.relSpeed.median)} (${r.relSpeed.lo.toFixed(2)}–${r.relSpeed.hi.toFixed(2)})`;
      const row = [i === 0 ? col.column : '', r.config.row, si(r.madds), si(r.memAccess), `${ms(r.median)} (${ms(r.p10)}–${ms(r.p90)})`, rel];
      if (hasTheory) row.push(r.config.theoryTimeRatio ? x(1 / r.config.theoryTimeRatio) : i === 0 ? '1.00×' : '');
      else row.push(x(r.config.published?.gpu), x(r.config.published?.cpu));
      t.push(row);
    });
  }
  const verdict = e.holds ? c.green(`holds ${e.verdict.slice('holds '.length)}`) : c.yellow(e.verdict);
  const lines = [
    `${c.bold(e.title)} ${c.dim(`[${e.id}] — ${e.source}`)}`,
    `claim: ${e.claim}`,
    t.toString(),
    `${c.bold('verdict:')} ${verdict}`,
    ...e.columns.map((col) => c.dim(`  ${col.column}: ${col.holds ? 'holds' : 'does not hold'} — ${col.because}`)),
  ];
  if (e.explanation) lines.push(`${c.bold('why:')} ${e.explanation}`);
  return lines.join('\n');
}

export function labReport(r: LabResult): string {
  const out: string[] = [];
  for (const s of r.settings) {
    out.push(c.bold(`=== ${s.engine.engine}, ${s.engine.threads} thread${s.engine.threads === 1 ? '' : 's'}, opt ${s.engine.optLevel} ===`));
    out.push(setupLine(s.engine, r.env), '');
    for (const e of s.experiments) out.push(experimentTable(e), '');
  }
  out.push(c.bold('Summary'));
  for (const s of r.settings) {
    out.push(`  ${s.engine.engine} ×${s.engine.threads} opt ${s.engine.optLevel}: ${s.experiments.map((e) => `${e.id} ${e.holds ? c.green('holds') : c.yellow('does not hold')}`).join(', ')}`);
  }
  return out.join('\n');
}
