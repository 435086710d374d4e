/**
 * fold-bn: Conv (+bias) followed by BatchNormalization becomes one Conv.
 * // bn(conv(x, W, b)) -> conv(x, W·a, (b − μ)·a + β) with a = γ/√(σ²+ε) per output channel
 */
import type { Graph, Node } from '../ir/index.js';
import { bnAffine, bnNotInference } from './bn.js';
import type { Pass } from './types.js';
import { addWeight, floatWeights, isFloatConstant } from './weights.js';

export interface FoldBnMatch {
  conv: Node;
  bn: Node;
  /** Identity/Cast/Reshape nodes that led constants only into this fold, removed with the BN. */
  dead?: Node[];
  /** Why this Conv → BN pair cannot be folded (training mode, a tensor that is not constant); apply reports it and changes nothing. */
  why?: string;
}

/** Why the BN's folding would be wrong or impossible, checked on the graph as matched. */
function whyNot(graph: Graph, conv: Node, bn: Node): string | undefined {
  const mode = bnNotInference(graph, bn);
  if (mode) return mode;
  if (!isFloatConstant(graph, conv.inputs[1])) return `${conv.label}: its weights are not constant`;
  if (conv.inputs[2] && !isFloatConstant(graph, conv.inputs[2])) return `${conv.label}: its bias is not constant`;
  const names = ['scale', 'B', 'mean', 'var'];
  for (let i = 1; i <= 4; i++) {
    if (!isFloatConstant(graph, bn.inputs[i])) return `${bn.label}: its ${names[i - 1]} '${bn.inputs[i] ?? ''}' is not constant`;
  }
  return undefined;
}

export const foldBn: Pass<FoldBnMatch> = {
  id: 'fold-bn',
  exact: true,
  algebra: 'bn(conv(x, W, b)) -> conv(x, W·a, (b − μ)·a + β), a = γ/√(σ²+ε)',
  /**
   * Every BatchNormalization whose input is a Conv it alone reads; `why` is set on those that
   * cannot be folded (lint recommends the pass only for matches without it).
   */
  match(graph, ctx) {
    const out: FoldBnMatch[] = [];
    for (const bn of graph.nodes) {
      if (bn.opType !== 'BatchNormalization' || bn.domain) continue;
      const conv = graph.producer(bn.inputs[0] ?? '');
      if (!conv || conv.opType !== 'Conv' || conv.domain) continue;
      if (ctx.only && !ctx.only(conv.name) && !ctx.only(bn.name)) continue;
      if (graph.soleConsumer(conv.outputs[0]!) !== bn) continue;
      const why = whyNot(graph, conv, bn);
      out.push(why ? { conv, bn, why } : { conv, bn });
    }
    deadChains(graph, out);
    return out;
  },
  apply(graph, { conv, bn, why, dead }) {
    if (why) return { replaced: [], added: [], summary: `skipped ${why}` };
    const ab = bnAffine(graph, bn);
    const w = floatWeights(graph, conv.inputs[1], conv.label);
    if (!ab || !w) return { replaced: [], added: [], summary: `skipped ${bn.label}: its tensors are not constant` };
    const cOut = w.dims[0]!;
    const per = w.data.length / cOut;
    const b = floatWeights(graph, conv.inputs[2], conv.label)?.data ?? new Float32Array(cOut);
    const W = new Float32Array(w.data.length);
    const B = new Float32Array(cOut);
    for (let o = 0; o < cOut; o++) {
      const a = ab.scale[o]!;
      for (let k = 0; k < per; k++) W[o * per + k] = w.data[o * per + k]! * a;
      B[o] = b[o]! * a + ab.shift[o]!;
    }
    const wName = addWeight(graph, `${conv.name}.weight_folded`, w.dims, W);
    const bName = addWeight(graph, `${conv.name}.bias_folded`, [cOut], B);
    // The conv now produces what the BN produced, so consumers and graph outputs are untouched.
    graph.setNodeIO(conv, [conv.inputs[0]!, wName, bName], [bn.outputs[0]!]);
    graph.removeNode(bn);
    for (const d of dead ?? []) graph.removeNode(d);
    return { replaced: [conv.name, bn.name], added: [conv.name], summary: `folded ${bn.label} into ${conv.label}` };
  },
};

/**
 * The constant-path nodes (Identity, Cast, Reshape…) whose outputs only the folded nodes read,
 * directly or through other such nodes: dead once the folds are done. Each is given to the first
 * match that reads it (PyTorch shares one Identity between several BNs).
 */
function deadChains(graph: Graph, matches: FoldBnMatch[]): void {
  const folded = new Set<Node>();
  for (const m of matches) if (!m.why) folded.add(m.bn).add(m.conv);
  const dead = new Set<Node>();
  const isDead = (n: Node, seen: Set<Node>): boolean => {
    if (dead.has(n)) return true;
    if (seen.has(n) || !CONST_PATH.has(n.opType) || n.domain || n.outputs.length !== 1) return false;
    seen.add(n);
    const o = n.outputs[0]!;
    if (graph.outputs.includes(o)) return false;
    const users = graph.consumers(o);
    return users.every((u) => (folded.has(u) && u.opType !== 'Conv') || (folded.has(u) && u.inputs[0] !== o) || isDead(u, seen));
  };
  const claimed = new Set<Node>();
  for (const m of matches) {
    if (m.why) continue;
    const mine: Node[] = [];
    const visit = (name: string | undefined) => {
      const p = name ? graph.producer(name) : undefined;
      if (!p || claimed.has(p) || !CONST_PATH.has(p.opType)) return;
      if (!isDead(p, new Set())) return;
      dead.add(p);
      claimed.add(p);
      mine.push(p);
      visit(p.inputs[0]);
    };
    for (let i = 1; i <= 4; i++) visit(m.bn.inputs[i]);
    visit(m.conv.inputs[1]);
    visit(m.conv.inputs[2]);
    if (mine.length) m.dead = mine;
  }
}

const CONST_PATH = new Set(['Identity', 'Cast', 'Reshape', 'Squeeze', 'Unsqueeze', 'Flatten']);
