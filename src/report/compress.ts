/** The terminal report of `leannet compress`: the steps, the result against the target, the explanation. */
import type { CompressLog } from '../compress/index.js';
import { si } from './format.js';
import { c, table } from './style.js';

export function compressReport(log: CompressLog): string {
  const f = (v: number, d = 2) => v.toFixed(d);
  const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
  const out: string[] = [];
  out.push(c.bold(`compress ${log.model}: ${log.target.text} (${log.target.description})`));
  out.push(c.dim(`latency: ${log.settings.engine.engine} ${log.settings.engine.version}, ${log.settings.engine.threads} thread(s), batch ${log.settings.batch}; estimator: ${log.settings.estimator}; fit on ${log.settings.calib} samples, selected on ${log.settings.holdout}`));
  if (log.settings.exactPasses.length) out.push(c.dim(`exact passes first: ${log.settings.exactPasses.join(', ')}`));
  const t = table(['step', 'change', 'target', 'predicted', 'measured speed-up (95%)', 'corr', 'madds', 'held-out top-1'], ['right', 'left', 'right', 'right', 'right', 'right', 'right', 'right']);
  t.push([0, 'original', '', '', '1.00×', '', si(log.original.madds), pct(log.original.accuracy)]);
  for (const s of log.steps) {
    t.push([
      s.step,
      [s.change, ...(s.change.also ?? [])].map((x) => (x.kind === 'group' ? `${x.producer} → ${x.to} groups` : `${x.group} ${x.from}→${x.to} (${x.producer})`)).join(', '),
      f(s.target, 3),
      s.predictedLatency === null ? '—' : f(s.predictedLatency, 3),
      `${f(s.measured.speedup)}× (${f(s.measured.lo)}–${f(s.measured.hi)})`,
      s.correction === null ? '—' : f(s.correction),
      si(s.madds),
      pct(s.accuracy),
    ]);
  }
  out.push(t.toString(), '');
  const fin = log.final;
  out.push(`${fin.reached ? c.green('target reached') : c.yellow('target NOT reached')}: ${fin.stop}; final fit: ${fin.fit}`);
  out.push(`measured ${f(fin.speedup.median)}× faster (${f(fin.speedup.lo)}–${f(fin.speedup.hi)}); madds ×${f(fin.maddsRatio, 3)}, params ×${f(fin.paramsRatio, 3)}`);
  out.push(`held-out top-1 ${pct(fin.heldOut.original)} → ${pct(fin.heldOut.final)} (${log.settings.accuracyOn})`);
  if (fin.test) out.push(`test top-1 ${pct(fin.test.original.value)} → ${pct(fin.test.final.value)} (${pct(fin.test.final.lo)}–${pct(fin.test.final.hi)}), ${f((fin.test.original.value - fin.test.final.value) * 100)} pt drop, on ${fin.test.samples} samples the search never saw`);
  else out.push(c.yellow('no --test-data: the accuracy above is the held-out selection split’s, the data the search selected on (optimistic)'));
  out.push(`front: ${log.front.map((p) => `step ${p.step} ${f(p.speedup)}× ${pct(p.accuracy)}`).join(' · ')}`, '');
  out.push(c.bold('Why the latency moved as it did'), ...log.explanation.lines.map((l) => `  ${l}`));
  return out.join('\n');
}
