/** memory-bound: a layer whose arithmetic intensity is below the machine's ridge point waits on memory, not on arithmetic. */
import { pct, plural, type Rule } from '../types.js';

export const memoryBound: Rule = {
  id: 'memory-bound',
  title: 'memory-bound layers',
  explain:
    'A layer whose arithmetic intensity (flops per byte of memory access) is below this machine\'s ridge point (peak compute ÷ memory bandwidth, measured once and cached, or set with --ridge) is limited by memory traffic: fewer FLOPs will not make it faster, less memory access will. Flagged for layers with at least minShare of the model\'s memory access (default 0.01); the figure at stake is that memory access.',
  defaults: { minShare: 0.01 },
  headline: (f, t) => `${f.length} memory-bound layer${plural(f.length)} hold ${pct(t)} of memory access`,
  match(ctx) {
    if (!ctx.ridge) return [];
    const totalMac = ctx.analysis.cost.totals.memAccess || 1;
    const out = [];
    for (const c of ctx.analysis.cost.nodes) {
      if (!c.known || c.category === 'view' || c.category === 'shape' || c.memAccessBytes === 0) continue;
      const share = c.memAccess / totalMac;
      if (c.intensity >= ctx.ridge || share < ctx.options['minShare']!) continue;
      out.push({
        nodes: [c.node.name],
        message: `${c.node.label} does ${c.intensity.toFixed(2)} flops per byte, below the ridge point of ${ctx.ridge.toFixed(1)}: it is memory-bound (${(share * 100).toFixed(1)}% of the memory access)`,
        evidence: { intensity: c.intensity, ridge: ctx.ridge, memAccess: c.memAccess, memAccessShare: share, flops: c.flops },
        saving: { of: 'memAccess' as const, share, memAccess: c.memAccess },
      });
    }
    return out;
  },
};
