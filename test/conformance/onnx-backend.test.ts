/**
 * `npm run conformance`: shape inference against the official ONNX backend test suite
 * (backend-suite.ts). Fails on any test whose inferred output shape is wrong; tests whose
 * shape stays unknown, whose ops leannet does not know, or that it refuses are counted.
 */
import { describe, expect, it } from 'vitest';
import { OUTCOMES, listCases, runCase, tally, type CaseResult } from './backend-suite.js';

describe('ONNX backend test suite: inferred output shapes', () => {
  it('no test gets a wrong shape', () => {
    const cases = listCases();
    expect(cases.length).toBeGreaterThan(500);
    const results: CaseResult[] = cases.map((c) => runCase(c));
    const counts = tally(results);
    const known = results.length - counts['unknown-op'];
    const lines = [`ONNX backend tests: ${results.length}, ${known} with ops leannet knows`];
    lines.push(OUTCOMES.map((o) => `${o} ${counts[o]}`).join(', '));
    for (const o of ['wrong', 'error', 'unknown'] as const) {
      for (const r of results.filter((x) => x.outcome === o)) lines.push(`  ${o.padEnd(7)} ${r.name}: ${r.detail}`);
    }
    if (process.env.LEANNET_CONFORMANCE_UNKNOWN_OPS) {
      for (const r of results.filter((x) => x.outcome === 'unknown-op')) lines.push(`  unknown-op ${r.name}: ${r.detail}`);
    }
    console.log(lines.join('\n'));
    expect(results.filter((r) => r.outcome === 'wrong').map((r) => `${r.name}: ${r.detail}`)).toEqual([]);
  });
});
