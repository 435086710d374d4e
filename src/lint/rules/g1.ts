/**
 * G1-channel-ratio: a 1×1 conv with B = h·w·c1·c2 madds has memory access
 * MAC = hw(c1 + c2) + c1·c2 ≥ 2√(hw·B) + B/hw, with equality iff c1 = c2 (ShuffleNet V2, G1).
 */
import { nodeShapes, pct, plural, type Rule } from '../types.js';

/** MAC of a 1×1 conv and its G1 lower bound at the same madds, per image. */
export function g1(hw: number, c1: number, c2: number) {
  const B = hw * c1 * c2;
  const mac = hw * (c1 + c2) + c1 * c2;
  const bound = 2 * Math.sqrt(hw * B) + B / hw;
  return { B, mac, bound, excess: mac / bound - 1 };
}

export const g1ChannelRatio: Rule = {
  id: 'G1-channel-ratio',
  title: 'G1: unequal channel widths in a 1×1 convolution',
  explain:
    'ShuffleNet V2 guideline G1: for a 1×1 conv with B = h·w·c1·c2 multiply-adds, the memory access hw(c1+c2) + c1·c2 is at least 2√(hw·B) + B/hw, reached only when c1 = c2. Flagged when the excess over that bound is at least minExcess (default 0.05). The estimated saving is the excess memory access, as a share of the model\'s.',
  defaults: { minExcess: 0.05 },
  headline: (f, t) => `${f.length} 1×1 conv${plural(f.length)} with unequal widths cost ${pct(t)} of memory access beyond the G1 bound`,
  match(ctx) {
    const totalMac = ctx.analysis.cost.totals.memAccess;
    const out = [];
    for (const c of ctx.analysis.cost.nodes) {
      if (c.kind !== 'pointwise') continue;
      const { w, y } = nodeShapes(ctx, c.node);
      if (!w || !y || y.length !== 4) continue;
      const [c2, c1] = w as [number, number];
      const hw = y[2]! * y[3]!;
      const r = g1(hw, c1, c2);
      if (c1 === c2 || r.excess < ctx.options['minExcess']!) continue;
      const batch = y[0]!;
      out.push({
        nodes: [c.node.name],
        message: `${c.node.label} maps ${c1}→${c2} channels (1:${(c2 / c1).toFixed(2)}); its memory access is ${(r.excess * 100).toFixed(1)}% above the G1 bound at the same madds`,
        evidence: { c1, c2, hw, B: r.B, MAC: r.mac, bound: r.bound, excess: r.excess },
        saving: { of: 'memAccess' as const, share: totalMac ? ((r.mac - r.bound) * batch) / totalMac : 0, memAccess: (r.mac - r.bound) * batch },
      });
    }
    return out;
  },
};
