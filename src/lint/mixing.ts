/**
 * How a network already mixes channels across groups: channel shuffles (Reshape to
 * [N, g, C/g, …] → Transpose swapping axes 1 and 2 → Reshape back, as ShuffleNet exports them)
 * and group convolutions that are not depthwise.
 */
import { attrInts, type Graph } from '../ir/index.js';
import { parseConv } from '../ops/index.js';

export interface ChannelMixing {
  /** Transpose nodes of channel shuffles. */
  shuffles: string[];
  /** Group convs with 1 < groups < input channels. */
  groupConvs: string[];
}

export function channelMixing(graph: Graph): ChannelMixing {
  const shuffles: string[] = [];
  const groupConvs: string[] = [];
  const nodes = graph.nodes;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (n.domain) continue;
    if (n.opType === 'Transpose') {
      const perm = attrInts(n, 'perm');
      const p = graph.producer(n.inputs[0] ?? '');
      if (perm && perm.length >= 4 && perm[0] === 0 && perm[1] === 2 && perm[2] === 1 && perm.slice(3).every((d, k) => d === k + 3) && p?.opType === 'Reshape') shuffles.push(n.name);
    } else if (n.opType === 'Conv') {
      const g = parseConv(n).group;
      const c1 = graph.values.get(n.inputs[0] ?? '')?.shape?.[1];
      if (g > 1 && typeof c1 === 'number' && g < c1) groupConvs.push(n.name);
    }
  }
  return { shuffles, groupConvs };
}
