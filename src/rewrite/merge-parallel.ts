/**
 * merge-parallel-convs (G3): sibling convs that read the same tensor with the same geometry
 * become one conv with their filters stacked; a Concat of their outputs (in order) reads the
 * merged output directly, otherwise a Split hands each consumer its part.
 * // [conv(x, W1, b1), conv(x, W2, b2)] -> split(conv(x, [W1; W2], [b1; b2]))
 */
import { attrInt, int, ints, Node, Tensor, type Attribute, type Graph } from '../ir/index.js';
import { parseConv } from '../ops/index.js';
import type { Pass } from './types.js';
import { addWeight, floatWeights } from './weights.js';

interface Match {
  input: string;
  convs: Node[];
  /** A channel Concat that is the only reader of every conv output (none is a graph output). */
  concat: Node | undefined;
}

/** Convs can merge when everything but their filters is the same. */
function geometryKey(graph: Graph, conv: Node): string | undefined {
  const a = parseConv(conv);
  if (a.group !== 1) return undefined;
  const w = graph.values.get(conv.inputs[1]!)?.shape;
  if (!w || !graph.values.get(conv.inputs[1]!)?.tensor) return undefined;
  if (conv.inputs[2] && !graph.values.get(conv.inputs[2])?.tensor) return undefined;
  return JSON.stringify([w.slice(1), a.strides, a.dilations, a.pads, a.autoPad, a.kernelShape]);
}

export const mergeParallelConvs: Pass<Match> = {
  id: 'merge-parallel-convs',
  exact: true,
  algebra: '[conv(x, W1, b1), conv(x, W2, b2)] -> split(conv(x, [W1; W2], [b1; b2]))',
  match(graph, ctx) {
    const out: Match[] = [];
    const seen = new Set<string>();
    for (const n of graph.nodes) {
      const x = n.inputs[0];
      if (n.opType !== 'Conv' || n.domain || !x || seen.has(x)) continue;
      seen.add(x);
      const groups = new Map<string, Node[]>();
      for (const c of graph.consumers(x)) {
        if (c.opType !== 'Conv' || c.domain || c.inputs[0] !== x) continue;
        if (ctx.only && !ctx.only(c.name)) continue;
        const key = geometryKey(graph, c);
        if (key) groups.set(key, [...(groups.get(key) ?? []), c]);
      }
      for (const convs of groups.values()) {
        if (convs.length < 2) continue;
        // Found here, on the graph as matched: apply asks the index nothing, since every earlier
        // apply's edit would have it rebuilt (once per match: quadratic on a large graph).
        const outputs = convs.map((c) => c.outputs[0]!);
        const concat = graph.consumers(outputs[0]!).find((u) => u.opType === 'Concat' && !u.domain && attrInt(u, 'axis', 1) === 1);
        const onlyConcat = !!concat && outputs.every((o) => !graph.outputs.includes(o) && graph.consumers(o).every((u) => u === concat));
        out.push({ input: x, convs, concat: onlyConcat ? concat : undefined });
      }
    }
    return out;
  },
  apply(graph, { input, convs, concat }) {
    const weights = convs.map((c) => floatWeights(graph, c.inputs[1], c.label)!);
    const sizes = weights.map((w) => w.dims[0]!);
    const total = sizes.reduce((a, b) => a + b, 0);
    const per = weights[0]!.data.length / sizes[0]!;
    const W = new Float32Array(total * per);
    const B = new Float32Array(total);
    const hasBias = convs.some((c) => c.inputs[2]);
    let at = 0;
    convs.forEach((c, i) => {
      W.set(weights[i]!.data, at * per);
      const b = floatWeights(graph, c.inputs[2], c.label)?.data;
      if (b) B.set(b, at);
      at += sizes[i]!;
    });
    const first = convs[0]!;
    const name = graph.uniqueNodeName(`${first.name}.merged`);
    const inputs = [input, addWeight(graph, `${name}.weight`, [total, ...weights[0]!.dims.slice(1)], W)];
    if (hasBias) inputs.push(addWeight(graph, `${name}.bias`, [total], B));
    const merged = new Node('Conv', name, inputs, [graph.uniqueValueName(name)], new Map(first.attrs));
    const outputs = convs.map((c) => c.outputs[0]!);
    // A Concat over exactly these outputs, in order and on channels, takes the merged output instead.
    const start = concat ? concat.inputs.indexOf(outputs[0]!) : -1;
    if (concat && start >= 0 && outputs.every((o, i) => concat.inputs[start + i] === o)) {
      graph.replaceNodes(convs, [merged]);
      graph.setNodeIO(concat, [...concat.inputs.slice(0, start), merged.outputs[0]!, ...concat.inputs.slice(start + outputs.length)]);
      return { replaced: convs.map((c) => c.name), added: [name], summary: `merged ${convs.length} convs reading '${input}' into ${merged.label}, feeding ${concat.label} directly` };
    }
    const splitInputs = [merged.outputs[0]!];
    const splitAttrs = new Map<string, Attribute>([['axis', int(1)]]);
    const opset = graph.opset('') ?? 13;
    if (opset >= 13) {
      const sizesName = graph.uniqueValueName(`${name}.split`);
      graph.setInitializer(sizesName, Tensor.fromArray('int64', [sizes.length], BigInt64Array.from(sizes.map(BigInt))));
      splitInputs.push(sizesName);
    } else {
      splitAttrs.set('split', ints(sizes));
    }
    const split = new Node('Split', graph.uniqueNodeName(`${name}.split`), splitInputs, outputs, splitAttrs);
    graph.replaceNodes(convs, [merged, split]);
    return { replaced: convs.map((c) => c.name), added: [name, split.name], summary: `merged ${convs.length} convs reading '${input}' into ${merged.label} + Split` };
  },
};
