/** Findings as a SARIF 2.1.0 log, so code-scanning tools can show them. */
import type { LintResult } from './run.js';
import type { Severity } from './types.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { high: 'error', medium: 'warning', low: 'note' };

export function toSarif(result: LintResult, source: string, version: string) {
  const uri = source.startsWith('zoo:') ? source : encodeURI(source.split('\\').join('/'));
  const ruleIndex = new Map(result.rules.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'leannet',
            version,
            informationUri: 'https://github.com/leannet/leannet',
            rules: result.rules.map((r) => ({
              id: r.id,
              name: r.title,
              shortDescription: { text: r.title },
              fullDescription: { text: r.explain },
              help: { text: r.explain },
              defaultConfiguration: { level: 'warning' },
              properties: { thresholds: r.defaults },
            })),
          },
        },
        artifacts: [{ location: { uri } }],
        results: result.findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: ruleIndex.get(f.rule) ?? 0,
          level: LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: { artifactLocation: { uri, index: 0 } },
              logicalLocations: f.nodes.slice(0, 1).map((n) => ({ name: n, fullyQualifiedName: n, kind: 'object' })),
            },
          ],
          properties: {
            severity: f.severity,
            nodes: f.nodes,
            evidence: f.evidence,
            saving: f.saving,
            ...(f.rewrite ? { rewrite: f.rewrite } : {}),
            ...(f.measuredShare !== undefined ? { measuredShare: f.measuredShare } : {}),
          },
        })),
        properties: { summary: result.summary, metrics: result.metrics },
      },
    ],
  };
}
