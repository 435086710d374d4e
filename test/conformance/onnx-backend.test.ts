/**
 * `npm run conformance`: shape inference against the official ONNX backend test suite
 * (backend-suite.ts), with the inputs that decide shapes frozen to initializers and again with
 * the inputs as the suite gives them (runtime inputs: only data propagation from shapes knows
 * values). Fails on any test whose inferred output shape is wrong (a known dim or the rank that
 * differs from output_N.pb) in either mode; tests whose shape stays unknown, whose ops leannet
 * does not know, or that it refuses are counted and listed.
 */
import { describe, expect, it } from 'vitest';
import { OUTCOMES, listCases, runCase, tally, type CaseResult, type Mode } from './backend-suite.js';

function check(mode: Mode): void {
  const cases = listCases();
  expect(cases.length).toBeGreaterThan(500);
  const results: CaseResult[] = cases.map((c) => runCase(c, undefined, mode));
  const counts = tally(results);
  const known = results.length - counts['unknown-op'];
  const unknown = results.filter((r) => r.outcome === 'unknown');
  const lines = [`ONNX backend tests, inputs ${mode === 'frozen' ? 'frozen to initializers' : 'at runtime (as the suite gives them)'}: ${results.length}, ${known} with ops leannet knows`];
  lines.push(OUTCOMES.map((o) => `${o} ${counts[o]}`).join(', ') + ` (unknown with every rank kept: ${unknown.filter((r) => r.rankKept).length})`);
  const listed: readonly string[] = mode === 'frozen' || process.env.LEANNET_CONFORMANCE_VERBOSE ? ['wrong', 'error', 'unknown'] : ['wrong', 'error'];
  for (const o of listed) {
    for (const r of results.filter((x) => x.outcome === o)) lines.push(`  ${o.padEnd(7)} ${r.name}: ${r.detail}`);
  }
  if (process.env.LEANNET_CONFORMANCE_UNKNOWN_OPS) {
    for (const r of results.filter((x) => x.outcome === 'unknown-op')) lines.push(`  unknown-op ${r.name}: ${r.detail}`);
  }
  console.log(lines.join('\n'));
  expect(results.filter((r) => r.outcome === 'wrong').map((r) => `${r.name}: ${r.detail}`)).toEqual([]);
  expect(results.filter((r) => r.outcome === 'error').map((r) => `${r.name}: ${r.detail}`)).toEqual([]);
}

describe('ONNX backend test suite: inferred output shapes', () => {
  it('inputs frozen to initializers: no test gets a wrong shape', () => check('frozen'));
  it('inputs at runtime, as the suite gives them: no test gets a wrong shape', () => check('runtime'));
});
