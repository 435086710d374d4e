/**
 * merge-parallel-convs (G3): sibling convs that read the same tensor with the same geometry
 * become one conv with their filters stacked; a Concat of their outputs (in order) reads the
 * merged output directly, otherwise a Split hands each consumer its part.
 * // [conv(x, W1, b1), conv(x, W2, b2)] -> split(conv(x, [W1; W2], [b1; b2]))
 */
import { attrInt, int, ints, Node, Tensor, type Attribute, type Graph } from '../ir/index.js';
import { parseConv } from '../ops/index.js';
import { PASS_REFS, matchMergeParallel, type MergeParallelMatch } from '../patterns/index.js';
import type { Pass } from './types.js';
import { addWeight, floatWeights } from './weights.js';

export const mergeParallelConvs: Pass<MergeParallelMatch> = {
  id: PASS_REFS.mergeParallelConvs,
  exact: true,
  algebra: '[conv(x, W1, b1), conv(x, W2, b2)] -> split(conv(x, [W1; W2], [b1; b2]))',
  match(graph, ctx) {
    const out: MergeParallelMatch[] = [];
    const seen = new Set<string>();
    const keep = ctx.only ? (c: Node) => ctx.only!(c.name) : undefined;
    for (const n of graph.nodes) {
      const x = n.inputs[0];
      if (n.opType !== 'Conv' || n.domain || !x || seen.has(x)) continue;
      seen.add(x);
      out.push(...matchMergeParallel(graph, x, keep));
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
