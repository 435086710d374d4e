/**
 * G4-elementwise: element-wise operators (ReLU, Add, bias add, unfused BatchNorm; the paper
 * counts depthwise convs too) cost few FLOPs but real memory traffic and time (ShuffleNet V2, G4).
 */
import type { Node } from '../../ir/index.js';
import { PASS_REFS, matchFoldBn } from '../../patterns/index.js';
import { pct, plural, type Finding, type LintContext, type Rule } from '../types.js';

const ACTIVATIONS = new Set(['Relu', 'LeakyRelu', 'PRelu', 'Clip', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Elu', 'Selu', 'Softplus', 'Mish', 'Gelu']);
const PRODUCERS = new Set(['Conv', 'Gemm', 'MatMul', 'ConvTranspose']);

type Item = Omit<Finding, 'severity' | 'rule'>;

export const g4Elementwise: Rule = {
  id: 'G4-elementwise',
  title: 'G4: element-wise operations',
  explain:
    'ShuffleNet V2 guideline G4: element-wise operators — ReLU, Add, bias adds, unfused BatchNorm — do little arithmetic but move whole tensors; the paper counts depthwise convs with them. Reported: the model\'s element-wise share of memory access (and, with --measure, of time) when at least minShare (default 0.1), with depthwise convs separately; every BatchNormalization right after a conv that fold-bn folds (inference mode, constant tensors: fold-bn\'s own match), every Add of a per-channel constant right after a conv or matmul (a bias the producer could hold), and chains of element-wise activations.',
  defaults: { minShare: 0.1 },
  // A chain finding stands for all but the first of its activations.
  headline: (f, t) => {
    const ops = f.reduce((n, x) => n + Math.max(1, Number(x.evidence['activations'] ?? 2) - 1), 0);
    return `removing or fusing ${ops} element-wise op${plural(ops)} would cut ${pct(t)} of memory access`;
  },
  match(ctx) {
    const { graph, cost } = ctx.analysis;
    const totalMac = cost.totals.memAccess || 1;
    const share = (n: Node) => (ctx.cost(n)?.memAccess ?? 0) / totalMac;
    const items: Item[] = [];
    // The BN-after-conv findings are fold-bn's own matches, those it would fold.
    for (const node of graph.nodes) {
      const m = matchFoldBn(graph, node);
      if (!m || m.why) continue;
      const { conv, bn } = m;
      items.push({
        nodes: [bn.name, conv.name],
        message: `${bn.label} after ${conv.label} is a separate element-wise pass over ${(share(bn) * 100).toFixed(1)}% of the memory access; fold it into the conv`,
        evidence: { memAccess: ctx.cost(bn)?.memAccess ?? 0, memAccessShare: share(bn) },
        saving: { of: 'memAccess', share: share(bn), memAccess: ctx.cost(bn)?.memAccess ?? 0 },
        rewrite: PASS_REFS.foldBn,
      });
    }
    for (const n of graph.nodes) {
      const producer = graph.producer(n.inputs[0] ?? '');
      if (n.opType === 'Add' && n.inputs.length === 2) {
        const [a, b] = n.inputs as [string, string];
        const constIdx = graph.values.get(b)?.tensor ? 1 : graph.values.get(a)?.tensor ? 0 : -1;
        const p = graph.producer(n.inputs[1 - constIdx] ?? '');
        const c = graph.values.get(n.inputs[constIdx] ?? '');
        const perChannel = c?.shape && (c.shape as number[]).filter((d) => d !== 1).length <= 1;
        if (constIdx >= 0 && p && PRODUCERS.has(p.opType) && perChannel && graph.soleConsumer(p.outputs[0]!) === n) {
          items.push({
            nodes: [n.name, p.name],
            message: `${n.label} adds a constant bias to the output of ${p.label}; as the producer's bias it would cost no pass over memory`,
            evidence: { memAccess: ctx.cost(n)?.memAccess ?? 0, memAccessShare: share(n) },
            saving: { of: 'memAccess', share: share(n), memAccess: ctx.cost(n)?.memAccess ?? 0 },
          });
        }
      }
      // One finding per chain of activations, from its first node: a chain of k makes k passes where one would do
      // (one finding per link made 20,000 findings, and 100 MB, for a 20,000-long chain).
      const continues = (p: Node | undefined, next: Node) => !!p && ACTIVATIONS.has(p.opType) && graph.soleConsumer(p.outputs[0]!) === next;
      if (ACTIVATIONS.has(n.opType) && !continues(producer, n)) {
        const chain = [n];
        for (let next = graph.soleConsumer(n.outputs[0] ?? ''); next && ACTIVATIONS.has(next.opType) && next.inputs[0] === chain[chain.length - 1]!.outputs[0] && continues(chain[chain.length - 1], next); next = graph.soleConsumer(next.outputs[0] ?? '')) {
          chain.push(next);
        }
        if (chain.length < 2) continue;
        let memAccess = 0;
        for (let i = 1; i < chain.length; i++) memAccess += ctx.cost(chain[i]!)?.memAccess ?? 0;
        const k = chain.length;
        const last = chain[k - 1]!;
        items.push({
          nodes: chain.map((c) => c.name).reverse(),
          message: k === 2
            ? `${n.label} → ${last.label}: a chain of element-wise activations makes two passes over the tensor`
            : `${n.label} → … → ${last.label}: a chain of ${k} element-wise activations makes ${k} passes over the tensor`,
          evidence: { memAccess, memAccessShare: memAccess / totalMac, activations: k },
          saving: { of: 'memAccess', share: memAccess / totalMac, memAccess },
        });
      }
    }
    const summary = summaryFinding(ctx, items);
    return summary ? [summary, ...items] : items;
  },
};

function summaryFinding(ctx: LintContext, items: Item[]): Item | undefined {
  const { cost } = ctx.analysis;
  const totalMac = cost.totals.memAccess || 1;
  const ew = cost.nodes.filter((c) => c.category === 'elementwise');
  const dw = cost.nodes.filter((c) => c.kind === 'depthwise');
  const ewShare = ew.reduce((s, c) => s + c.memAccess, 0) / totalMac;
  const dwShare = dw.reduce((s, c) => s + c.memAccess, 0) / totalMac;
  if (ewShare < ctx.options['minShare']!) return undefined;
  const evidence: Record<string, number | string> = {
    elementwiseNodes: ew.length,
    elementwiseMemAccessShare: ewShare,
    depthwiseConvs: dw.length,
    depthwiseMemAccessShare: dwShare,
    elementwiseOps: cost.totals.elementwise,
  };
  let timeText = '';
  if (ctx.measured) {
    evidence['elementwiseTimeShare'] = ctx.measured.elementwiseShare;
    timeText = ` and ${(ctx.measured.elementwiseShare * 100).toFixed(1)}% of the measured time`;
  }
  const removable = items.reduce((s, i) => s + i.saving.share, 0);
  const top = [...ew].sort((a, b) => b.memAccess - a.memAccess).slice(0, 5).map((c) => c.node.name);
  return {
    nodes: top,
    message: `${ew.length} element-wise nodes account for ${(ewShare * 100).toFixed(1)}% of the memory access${timeText}${dw.length ? `; ${dw.length} depthwise convs (which the ShuffleNet V2 paper counts with them) another ${(dwShare * 100).toFixed(1)}%` : ''}`,
    evidence,
    saving: { of: 'memAccess', share: removable },
  };
}
