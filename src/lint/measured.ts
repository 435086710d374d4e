/** Turn a profile (ORT's per-node times) into what lint rules need: time per group of Graph nodes. */
import type { Analysis } from '../analysis/index.js';
import type { ProfileResult } from '../engine/index.js';
import type { LintContext } from './types.js';

export function measuredFromProfile(p: ProfileResult, analysis: Analysis): NonNullable<LintContext['measured']> {
  const groupOf = new Map(p.accounting.map((a) => [a.name, a.ranAs]));
  const msOfGroup = new Map(p.rows.map((r) => [r.name, r.ms]));
  const category = new Map(analysis.cost.nodes.map((c) => [c.node.name, c.category]));
  // Time of ORT nodes that consist of element-wise work only (a BN fused into a conv costs nothing extra).
  const elementwise = p.rows.filter((r) => r.nodes.length && r.nodes.every((n) => category.get(n.name) === 'elementwise')).reduce((s, r) => s + r.ms, 0);
  return {
    total: p.nodeTotal,
    elementwiseShare: p.nodeTotal ? elementwise / p.nodeTotal : 0,
    msOf(nodes) {
      const groups = new Set(nodes.map((n) => groupOf.get(n)).filter((g): g is string => !!g));
      let ms = 0;
      for (const g of groups) ms += msOfGroup.get(g) ?? 0;
      return ms;
    },
  };
}
