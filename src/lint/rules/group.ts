/**
 * group-opportunity: a wide standard conv split into g groups costs 1/g of its madds and
 * weights — but G2 says the memory access at equal madds grows with g; both are shown.
 * // conv(g=1) -> conv(g): madds × 1/g; MAC at equal madds = hw·c1 + B·g/(c1·k²) + B/hw
 */
import { PASS_REFS, matchGroup } from '../../patterns/index.js';
import { channelMixing } from '../mixing.js';
import { nodeShapes, pct, plural, type Rule } from '../types.js';
import { macAtMadds } from './g2.js';

export const groupOpportunity: Rule = {
  id: 'group-opportunity',
  title: 'wide convolution could be a group convolution',
  explain:
    'A standard or pointwise convolution with at least minChannels input and output channels (default 128) and at least minShare of the model\'s madds (default 0.02) could use g groups, saving 1 − 1/g of its madds and weights, for g in {2, 4, 8} dividing both channel counts. Beside each g: the G2 memory-access penalty of a g-group layer at the same madds, hw·c1 + B·g/(c1·k²) + B/hw against g = 1. Rewrite: the group pass (block-diagonal weights, approximate). A g-group conv\'s groups exchange no channels; where the network already mixes channels through channel shuffles or group convs (ShuffleNet), the finding names the shuffle the grouped conv would need after it (Reshape to [N, g, c2/g, H, W], Transpose [0, 2, 1, 3, 4], Reshape back), which the group pass does not add, and is never high severity.',
  defaults: { minChannels: 128, minShare: 0.02 },
  headline: (f, t) => `grouping ${f.length} wide conv${plural(f.length)} (g = 8 where it divides) would cut ${pct(t)} of madds`,
  match(ctx) {
    const total = ctx.analysis.cost.totals.madds;
    const out = [];
    let mixing: ReturnType<typeof channelMixing> | undefined;
    for (const c of ctx.analysis.cost.nodes) {
      if ((c.kind !== 'standard' && c.kind !== 'pointwise') || !total || c.madds / total < ctx.options['minShare']!) continue;
      const { w, y } = nodeShapes(ctx, c.node);
      if (!w || !y || w.length !== 4) continue;
      const [c2, c1, kh, kw] = w as [number, number, number, number];
      if (c1 < ctx.options['minChannels']! || c2 < ctx.options['minChannels']!) continue;
      const hw = y[2]! * y[3]!;
      const k2 = kh * kw;
      const B = hw * c1 * c2 * k2;
      const mac = (gr: number) => macAtMadds(hw, c1, k2, B, gr);
      const evidence: Record<string, number | string> = { c1, c2, kernel: `${kh}x${kw}`, madds: c.madds };
      // The g the group pass rewrites this conv with (its own match).
      const options = [2, 4, 8].filter((gr) => matchGroup(ctx.analysis.graph, c.node, gr));
      if (!options.length) continue;
      for (const gr of options) {
        evidence[`g${gr}.maddsSaving`] = 1 - 1 / gr;
        evidence[`g${gr}.G2penalty`] = mac(gr) / mac(1) - 1;
      }
      const best = options[options.length - 1]!;
      mixing ??= channelMixing(ctx.analysis.graph);
      const mixes = mixing.shuffles.length + mixing.groupConvs.length > 0;
      let shuffleText = '';
      if (mixes) {
        const [h, wd] = [y[2]!, y[3]!];
        const need = `Reshape to [N, g, ${c2}/g, ${h}, ${wd}], Transpose [0, 2, 1, 3, 4], Reshape back to [N, ${c2}, ${h}, ${wd}]`;
        const has = [mixing.shuffles.length ? `${mixing.shuffles.length} channel shuffle${mixing.shuffles.length === 1 ? '' : 's'}` : '', mixing.groupConvs.length ? `${mixing.groupConvs.length} group conv${mixing.groupConvs.length === 1 ? '' : 's'}` : ''].filter(Boolean).join(' and ');
        evidence['shuffleNeeded'] = need;
        evidence['networkShuffles'] = mixing.shuffles.length;
        evidence['networkGroupConvs'] = mixing.groupConvs.length;
        shuffleText = `; the network mixes channels through ${has}, so its groups would need a channel shuffle after it (${need}), which the group pass does not add`;
      }
      out.push({
        nodes: [c.node.name],
        message: `${c.node.label} (${c1}→${c2}, ${kh}x${kw}) with ${options.join('/')} groups would save ${options.map((gr) => `${((1 - 1 / gr) * 100).toFixed(0)}%`).join('/')} of its madds; at equal madds the memory access would rise ${options.map((gr) => `${((mac(gr) / mac(1) - 1) * 100).toFixed(0)}%`).join('/')} (G2)${shuffleText}`,
        evidence,
        saving: { of: 'madds' as const, share: (c.madds * (1 - 1 / best)) / total, madds: c.madds * (1 - 1 / best), params: c.params * (1 - 1 / best) },
        rewrite: PASS_REFS.group,
        ...(mixes ? { severityCap: 'medium' as const } : {}),
      });
    }
    return out;
  },
};
