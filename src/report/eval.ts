/** Terminal report of `leannet eval`: accuracy with its interval, per-class table, agreement with a reference, throughput split. */
import type { OutputAgreement, EvalResult, Proportion } from '../measure/index.js';
import { grouped, ms, pct } from './format.js';
import { setupLine } from './measure.js';
import { c, table } from './style.js';

/** 0.929 ± interval → `92.90% (9,290 / 10,000; 95% interval 92.39–93.38%)`. */
export function proportionText(p: Proportion, digits = 2): string {
  return `${pct(p.value, digits)} (${grouped(p.count)} / ${grouped(p.total)}; 95% interval ${(p.lo * 100).toFixed(digits)}–${pct(p.hi, digits)})`;
}

/** SNR in dB, '+inf' for identical outputs. */
export function snrText(db: number): string {
  return db === Infinity ? '+inf' : Number.isNaN(db) ? 'NaN' : db.toFixed(1);
}

/** One row per output pair: cosine, SNR, and top-1 agreement + KL (classes) or IoU (dense). */
export function agreementTable(outputs: readonly OutputAgreement[]): string {
  const t = table(['output', 'per sample', 'cosine', 'SNR dB', 'max abs err', 'top-1 agreement', 'mean KL', 'IoU'], ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right']);
  for (const o of outputs) {
    t.push([
      o.name === o.nameRef ? o.name : `${o.nameRef} ↔ ${o.name}`,
      o.sampleShape.join('x') || 'scalar',
      o.cosine.toFixed(7),
      snrText(o.snrDb),
      o.maxAbs.toExponential(2),
      o.classes ? `${pct(o.classes.top1.value, 2)} (${grouped(o.classes.top1.count)}/${grouped(o.classes.top1.total)})` : '',
      o.classes ? o.classes.meanKL.toExponential(2) : '',
      o.iou ? `${o.iou.iou.toFixed(4)} @ >${o.iou.threshold}` : '',
    ]);
  }
  return t.toString();
}

export function evalReport(r: EvalResult): string {
  const lines: string[] = [];
  lines.push(c.bold(`${r.model}${r.reference ? ` against ${r.reference}` : ''} on ${grouped(r.samples)} samples`));
  lines.push(c.dim(`data: ${r.dataset.description}`));
  if (r.accuracy) {
    const a = r.accuracy;
    lines.push(`top-1 accuracy  ${c.bold(proportionText(a.top1))}`);
    for (const k of a.topk) lines.push(`top-${k.k} accuracy  ${proportionText(k.accuracy)}`);
    const t = table(['class', 'samples', 'correct', 'accuracy (recall)', 'predicted', 'precision'], ['left', 'right', 'right', 'right', 'right', 'right']);
    const share = (x: number) => (Number.isNaN(x) ? '–' : pct(x, 1));
    for (const row of a.perClass) t.push([row.name === String(row.index) ? row.name : `${row.index} ${row.name}`, grouped(row.support), grouped(row.correct), share(row.recall), grouped(row.predicted), share(row.precision)]);
    lines.push('', t.toString());
  }
  if (r.agreement) lines.push('', `agreement with ${r.reference} (reference) on the same inputs:`, agreementTable(r.agreement));
  const tm = r.timing;
  const part = (x: number) => `${ms(x)} ms (${pct(tm.wallMs ? x / tm.wallMs : 0, 0)})`;
  lines.push(
    '',
    `throughput  ${c.bold(`${tm.samplesPerSecond.toFixed(1)} samples/s`)} (engine alone ${tm.engineSamplesPerSecond.toFixed(1)}/s) over ${tm.batches} batch${tm.batches === 1 ? '' : 'es'} of ${r.batch.run}${r.batch.mode === 'fixed' ? ' (fixed batch dim)' : ''}${r.batch.padded ? `, ${r.batch.padded} padding samples` : ''}`,
    `time  ${ms(tm.wallMs)} ms: engine ${part(tm.engineMs)}${r.reference ? ` · reference ${part(tm.referenceMs)}` : ''} · data on the critical path ${part(tm.dataMs)} · other ${part(tm.otherMs)}`,
  );
  for (const n of r.notes) lines.push(c.yellow(n));
  lines.push(setupLine(r.engine, r.env));
  return lines.join('\n');
}
