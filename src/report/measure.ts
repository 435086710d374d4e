/** Terminal reports for bench, compare and verify: figures with their spread and the set-up that produced them. */
import { nonFiniteNote, type BenchResult, type CompareResult, type EngineInfo, type Environment, type VerifyResult } from '../engine/index.js';
import type { DataVerifyResult } from '../measure/index.js';
import { agreementTable } from './eval.js';
import { ms } from './format.js';
import { c, table } from './style.js';

/** One line naming everything a timing depends on. */
export function setupLine(e: EngineInfo, env: Environment): string {
  return c.dim(
    `${e.engine} (${e.runtime} ${e.version}, ${e.provider}) · threads ${e.threads}${e.interOpThreads ? `/${e.interOpThreads} inter-op` : ''} · ${e.executionMode} · opt ${e.optLevel}${e.spinning ? ' · spinning' : ''} · ${env.cpu} (${env.cores} cores) · node ${env.node} · ${env.date}`,
  );
}

export function benchReport(results: readonly BenchResult[]): string {
  const t = table(['model', 'median ms', 'p10–p90 ms', 'IQR ms', 'min ms', 'images/s', 'batch', 'runs'], ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right']);
  for (const r of results) {
    const s = r.stats;
    t.push([r.model, ms(s.median), `${ms(s.p10)}–${ms(s.p90)}`, ms(s.iqr), ms(s.min), r.throughput.toFixed(1), r.batch, s.runs]);
  }
  const first = results[0];
  const sources = [...new Set(results.map((r) => r.inputSource).filter(Boolean))];
  const inputs = sources.length ? `inputs: ${sources.join('; ')}\n` : '';
  return `${t.toString()}\n${inputs}${first ? setupLine(first.engine, first.env) : ''}`;
}

export function compareReport(r: CompareResult): string {
  const t = table(['', 'model', 'median ms', 'p10–p90 ms'], ['left', 'left', 'right', 'right']);
  t.push(['A', r.a.model, ms(r.a.stats.median), `${ms(r.a.stats.p10)}–${ms(r.a.stats.p90)}`]);
  t.push(['B', r.b.model, ms(r.b.stats.median), `${ms(r.b.stats.p10)}–${ms(r.b.stats.p90)}`]);
  const colour = r.outcome === 'faster' ? c.green : r.outcome === 'slower' ? c.red : c.yellow;
  return [
    t.toString(),
    `ratio tA/tB per interleaved pair: median ${r.ratio.median.toFixed(3)}, 95% interval ${r.ratio.lo.toFixed(3)}–${r.ratio.hi.toFixed(3)} over ${r.ratio.pairs} pairs`,
    colour(c.bold(r.verdict)),
    ...(r.inputSource ? [`inputs: ${r.inputSource}`] : []),
    setupLine(r.engine, r.env),
  ].join('\n');
}

export function verifyReport(r: VerifyResult | DataVerifyResult): string {
  const t = table(['output', 'shape', 'max abs err', 'max rel err', 'err / max|A|', 'cosine', 'outside tol', 'result'], ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'left']);
  for (const o of r.outputs) {
    t.push([
      o.name === o.nameB ? o.name : `${o.name} ↔ ${o.nameB}`,
      o.shape.join('x'),
      o.maxAbs.toExponential(2),
      o.maxRel.toExponential(2),
      o.normRel.toExponential(2),
      o.cosine.toFixed(7),
      String(o.mismatched),
      o.pass ? c.green('pass') : c.red('FAIL'),
    ]);
  }
  const tol = `atol ${r.tolerance.atol}, rtol ${r.tolerance.rtol}${r.tolerance.relativeTo === 'max' ? ' of max|A|' : ''}`;
  const verdict = r.pass ? c.green(`outputs agree within ${tol}`) : c.red(`outputs differ beyond ${tol}`);
  const engines = r.engines[0].engine === r.engines[1].engine ? r.engines[0].engine : `${r.engines[0].engine} vs ${r.engines[1].engine}`;
  const note = nonFiniteNote(r.outputs);
  const data = 'inputs' in r ? r : undefined;
  const warning = note ? `\n${c.yellow(`${note} on the ${data ? 'data' : 'seeded inputs'}: errors there are NaN, and agreement cannot be shown`)}` : '';
  const inputs = data ? `same ${data.samples} samples of ${data.inputs}` : 'same seeded inputs';
  const agreement = data ? `\nagreement of B with A on the data:\n${agreementTable(data.agreement)}` : '';
  return `A = ${r.a}, B = ${r.b} (${engines}, ${inputs})\n${t.toString()}${warning}${agreement}\n${c.bold(verdict)}${roundingHint(r)}`;
}

/**
 * Element-wise tolerance fails float32 rounding where an output spans a wide range: an element
 * near zero beside logits of 200 differs by more than atol + rtol·|a| after an exact rewrite.
 * Say so when every failing output is within rtol of its largest magnitude (what `rewrite`
 * checks).
 */
function roundingHint(r: VerifyResult): string {
  const { rtol, relativeTo } = r.tolerance;
  const failing = r.outputs.filter((o) => !o.pass);
  if (r.pass || relativeTo !== 'element' || failing.some((o) => o.nonFinite > 0 || !(o.normRel <= rtol))) return '';
  return `\n${c.yellow(`every difference is within rtol ${rtol} of the output's largest magnitude (err / max|A|): float rounding at the output's scale looks like this; --relative-to max checks that way, as rewrite does`)}`;
}
