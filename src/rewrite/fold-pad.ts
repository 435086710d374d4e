/**
 * fold-pad: a zero Pad on the spatial dims in front of Conv(s) moves into their `pads`.
 * // conv(pad(x, p, 0), pads=q) -> conv(x, pads=p+q)
 */
import { attrFloat, attrString, ints, type Node } from '../ir/index.js';
import { convGeometry, parseConv } from '../ops/index.js';
import type { Pass } from './types.js';

interface Match {
  pad: Node;
  convs: Node[];
  /** Spatial padding [begin…, end…] the Pad adds. */
  spatial: number[];
}

/** The Pad's amounts when it is constant-zero padding on spatial dims only, else undefined. */
function zeroSpatialPads(graph: import('../ir/index.js').Graph, pad: Node): number[] | undefined {
  const opset = graph.opset('') ?? 1;
  if (attrString(pad, 'mode', 'constant') !== 'constant') return undefined;
  let pads: readonly number[] | undefined;
  if (opset < 11) {
    const a = pad.attrs.get('pads') ?? pad.attrs.get('paddings');
    pads = a?.type === 'ints' ? a.value : undefined;
    if (attrFloat(pad, 'value', 0) !== 0) return undefined;
  } else {
    pads = graph.values.get(pad.inputs[1] ?? '')?.folded;
    const value = pad.inputs[2] ? graph.values.get(pad.inputs[2])?.folded ?? graph.values.get(pad.inputs[2])?.tensor?.toNumbers() : [0];
    if (!value || value.some((v) => v !== 0)) return undefined;
    if (pad.inputs[3]) return undefined; // axes input: rare, not handled
  }
  const rank = graph.values.get(pad.inputs[0]!)?.shape?.length;
  if (!pads || rank === undefined || pads.length !== 2 * rank || pads.some((p) => p < 0)) return undefined;
  // N and C must not be padded.
  if (pads[0] || pads[1] || pads[rank] || pads[rank + 1]) return undefined;
  const n = rank - 2;
  return [...pads.slice(2, 2 + n), ...pads.slice(rank + 2)];
}

export const foldPad: Pass<Match> = {
  id: 'fold-pad',
  exact: true,
  algebra: 'conv(pad(x, p, 0), pads=q) -> conv(x, pads=p+q)',
  match(graph, ctx) {
    const out: Match[] = [];
    for (const pad of graph.nodes) {
      if (pad.opType !== 'Pad' || pad.domain) continue;
      if (graph.outputs.includes(pad.outputs[0]!)) continue;
      const users = graph.consumers(pad.outputs[0]!);
      if (users.length === 0 || users.some((u) => u.opType !== 'Conv' || u.domain || u.inputs[0] !== pad.outputs[0])) continue;
      if (ctx.only && !ctx.only(pad.name) && !users.some((u) => ctx.only!(u.name))) continue;
      const spatial = zeroSpatialPads(graph, pad);
      if (spatial) out.push({ pad, convs: [...users], spatial });
    }
    return out;
  },
  apply(graph, { pad, convs, spatial }) {
    const x = pad.inputs[0]!;
    const padded = graph.values.get(pad.outputs[0]!)!.shape as number[];
    for (const conv of convs) {
      // Start from the conv's effective padding (auto_pad resolved on the padded input).
      const w = graph.values.get(conv.inputs[1]!)!.shape as number[];
      const g = convGeometry(parseConv(conv), padded, w, (m) => {
        throw new Error(m);
      });
      const n = g.padsBegin.length;
      const pads = [...g.padsBegin.map((p, i) => p + spatial[i]!), ...g.padsEnd.map((p, i) => p + spatial[n + i]!)];
      graph.setAttr(conv, 'pads', ints(pads));
      graph.setAttr(conv, 'auto_pad', undefined);
      graph.setInput(conv, 0, x);
    }
    graph.removeNode(pad);
    return { replaced: [pad.name, ...convs.map((c) => c.name)], added: convs.map((c) => c.name), summary: `folded ${pad.label} into ${convs.map((c) => c.label).join(', ')}` };
  },
};
