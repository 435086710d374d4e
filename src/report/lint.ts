/** The terminal report of `leannet lint`: findings grouped by rule, the biggest savings first. */
import type { Finding, LintResult } from '../lint/index.js';
import { pct } from './format.js';
import { c } from './style.js';

const SEV = { high: (s: string) => c.red(s), medium: (s: string) => c.yellow(s), low: (s: string) => c.dim(s) };

export function lintReport(r: LintResult, source: string, o: { all?: boolean; perRule?: number } = {}): string {
  const out: string[] = [];
  out.push(`${c.bold(source)}: ${r.summary}`);
  const m = r.metrics;
  out.push(c.dim(`${m.operators} operators (${m.operatorsPerGMadds.toFixed(0)} per G madds) · element-wise ${pct(m.elementwiseShare)} of memory access${m.ridge ? ` · ridge point ${m.ridge.toFixed(1)} flops/byte` : ''}${m.measured ? ' · ranked by measured time' : ''}`));
  if (!r.findings.length) return out.join('\n');
  const byRule = new Map<string, Finding[]>();
  // Pushed, not spread into a new list per finding: that copied each rule's list once per finding (quadratic: 20,000 findings of one rule took 26 MB and seconds).
  for (const f of r.findings) {
    const list = byRule.get(f.rule);
    if (list) list.push(f);
    else byRule.set(f.rule, [f]);
  }
  const limit = o.all ? Infinity : (o.perRule ?? 5);
  for (const rule of r.rules) {
    const list = byRule.get(rule.id);
    if (!list) continue;
    const rewrite = list.find((f) => f.rewrite)?.rewrite;
    out.push('', `${c.bold(rule.id)} — ${rule.title} ${c.dim(`(${list.length} finding${list.length === 1 ? '' : 's'}${rewrite ? `; rewrite pass: ${rewrite}` : ''})`)}`);
    for (const f of list.slice(0, limit)) {
      const est = `${pct(f.saving.share)} of ${f.saving.of}`;
      const measured = f.measuredShare !== undefined ? `, ${pct(f.measuredShare)} of measured time` : '';
      out.push(`  ${SEV[f.severity](f.severity.padEnd(6))} ${f.message} ${c.dim(`[saving ≈ ${est}${measured}]`)}`);
    }
    if (list.length > limit) out.push(c.dim(`  … ${list.length - limit} more (--all shows every finding)`));
  }
  return out.join('\n');
}
