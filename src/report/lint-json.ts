/**
 * The `leannet lint --json` document. Its schema is `schemas/lint.schema.json`; fields are only
 * added, never renamed, within one `schema` version. A finding's `rewrite` is its pass's id.
 */
import type { LintConfig, LintResult } from '../lint/index.js';

export const LINT_SCHEMA = 'leannet.lint/1';

export function lintJson(result: LintResult, source: string, config: LintConfig) {
  return {
    schema: LINT_SCHEMA,
    source,
    summary: result.summary,
    metrics: result.metrics,
    rules: result.rules.map((r) => ({ id: r.id, title: r.title, explain: r.explain, thresholds: config.get(r.id)?.options })),
    findings: result.findings,
  };
}
