/**
 * dwsep-opportunity: a standard k×k conv (k > 1, one group) as depthwise k×k + pointwise 1×1
 * costs (1/c2 + 1/k²) of its madds and weights.
 * // conv(k, g=1) -> dw(k) + pw(1x1): saving = 1 − (1/c2 + 1/k²)
 */
import { PASS_REFS, matchDwsep } from '../../patterns/index.js';
import { nodeShapes, pct, plural, type Rule } from '../types.js';

export const dwsepOpportunity: Rule = {
  id: 'dwsep-opportunity',
  title: 'standard convolution could be depthwise-separable',
  explain:
    'A standard k×k convolution (k > 1, one group) rewritten as a depthwise k×k conv plus a pointwise 1×1 conv costs (1/c2 + 1/k²) of its multiply-adds and weights (MobileNet). Flagged when the conv holds at least minShare of the model\'s madds (default 0.01) and reads at least minChannels input channels (default 16): a depthwise stage over fewer channels (an RGB stem) does too little work per pass to be a real option. The approximate rewrite is the dwsep pass (Network Decoupling); the saving assumes a retrained depthwise-separable layer.',
  defaults: { minShare: 0.01, minChannels: 16 },
  headline: (f, t) => `converting ${f.length} conv${plural(f.length)} to depthwise-separable would cut ${pct(t)} of madds`,
  match(ctx) {
    const total = ctx.analysis.cost.totals.madds;
    const out = [];
    for (const c of ctx.analysis.cost.nodes) {
      if (c.kind !== 'standard' || !total || c.madds / total < ctx.options['minShare']!) continue;
      // Only convs the dwsep pass rewrites (its own match), among those worth it.
      if (!matchDwsep(ctx.analysis.graph, c.node)) continue;
      const { w } = nodeShapes(ctx, c.node);
      if (!w || w.length < 3) continue;
      const [c2, c1] = w as [number, number];
      if (c1 < ctx.options['minChannels']!) continue;
      const k2 = w.slice(2).reduce((a, b) => a * b, 1);
      const saving = 1 - (1 / c2 + 1 / k2);
      const weights = c2 * c1 * k2;
      out.push({
        nodes: [c.node.name],
        message: `${c.node.label} (${c1}→${c2}, ${w.slice(2).join('x')}) as depthwise + pointwise would cost ${((1 - saving) * 100).toFixed(1)}% of its madds`,
        evidence: { c1, c2, kernel: w.slice(2).join('x'), madds: c.madds, maddsShare: c.madds / total, ratio: 1 / c2 + 1 / k2 },
        saving: { of: 'madds' as const, share: (c.madds * saving) / total, madds: c.madds * saving, params: weights * saving },
        rewrite: PASS_REFS.dwsep,
      });
    }
    return out;
  },
};
