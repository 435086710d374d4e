/**
 * G2-groups: at fixed madds B = hw·c1·c2·k²/g, a g-group conv's memory access
 * hw·c1 + B·g/(c1·k²) + B/hw grows with g (ShuffleNet V2, G2; the paper's 1×1 form has k = 1).
 */
import { nodeShapes, pct, plural, type Rule } from '../types.js';

/** Memory access of a g-group conv with B madds per image: hw·c1 + B·g/(c1·k²) + B/hw (G2). */
export function macAtMadds(hw: number, c1: number, k2: number, B: number, g: number): number {
  return hw * c1 + (B * g) / (c1 * k2) + B / hw;
}

export function g2(hw: number, c1: number, c2: number, k2: number, g: number) {
  const B = (hw * c1 * c2 * k2) / g;
  const mac = macAtMadds(hw, c1, k2, B, g);
  const macG1 = macAtMadds(hw, c1, k2, B, 1);
  return { B, mac, macG1, penalty: mac / macG1 - 1 };
}

export const g2Groups: Rule = {
  id: 'G2-groups',
  title: 'G2: many groups raise memory access',
  explain:
    'ShuffleNet V2 guideline G2: holding the multiply-adds B = hw·c1·c2/g fixed, a group convolution\'s memory access hw·c1 + B·g/c1 + B/hw grows with g (k×k convs: B·g/(c1·k²)). Each group conv (depthwise convs excluded: G4 counts them) is compared with g = 1 at the same madds; flagged when the penalty is at least minPenalty (default 0.05).',
  defaults: { minPenalty: 0.05 },
  headline: (f, t) => `${f.length} group conv${plural(f.length)} cost ${pct(t)} extra memory access against one group (G2)`,
  match(ctx) {
    const totalMac = ctx.analysis.cost.totals.memAccess;
    const out = [];
    for (const c of ctx.analysis.cost.nodes) {
      if (c.kind !== 'group') continue;
      const { x, w, y } = nodeShapes(ctx, c.node);
      if (!w || !y || !x || y.length !== 4) continue;
      const c1 = x[1]!;
      const c2 = w[0]!;
      const g = c1 / w[1]!;
      const k2 = w[2]! * w[3]!;
      const hw = y[2]! * y[3]!;
      const r = g2(hw, c1, c2, k2, g);
      if (r.penalty < ctx.options['minPenalty']!) continue;
      const extra = (r.mac - r.macG1) * y[0]!;
      out.push({
        nodes: [c.node.name],
        message: `${c.node.label} uses ${g} groups (${c1}→${c2}, ${w[2]}x${w[3]}): ${(r.penalty * 100).toFixed(1)}% more memory access than one group at the same madds`,
        evidence: { groups: g, c1, c2, hw, B: r.B, MAC: r.mac, MACg1: r.macG1, penalty: r.penalty },
        saving: { of: 'memAccess' as const, share: totalMac ? extra / totalMac : 0, memAccess: extra },
      });
    }
    return out;
  },
};
