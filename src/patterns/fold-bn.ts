/**
 * fold-bn's match: a BatchNormalization whose input is a Conv it alone reads. G4's "BN after
 * Conv" findings are these matches (those without `why`).
 */
import type { Graph, Node } from '../ir/index.js';
import { bnNotInference } from './bn.js';
import { isFloatConstant } from './constants.js';

export interface FoldBnMatch {
  conv: Node;
  bn: Node;
  /** Identity/Cast/Reshape nodes that led constants only into this fold, removed with the BN. */
  dead?: Node[];
  /** Why this Conv → BN pair cannot be folded (training mode, a tensor that is not constant); the pass reports it and changes nothing. */
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

/** The Conv → BN pair ending at `bn`, or undefined; `why` is set when it cannot be folded. */
export function matchFoldBn(graph: Graph, bn: Node): FoldBnMatch | undefined {
  if (bn.opType !== 'BatchNormalization' || bn.domain) return undefined;
  const conv = graph.producer(bn.inputs[0] ?? '');
  if (!conv || conv.opType !== 'Conv' || conv.domain) return undefined;
  if (graph.soleConsumer(conv.outputs[0]!) !== bn) return undefined;
  const why = whyNot(graph, conv, bn);
  return why ? { conv, bn, why } : { conv, bn };
}

/**
 * The constant-path nodes (Identity, Cast, Reshape…) whose outputs only the folded nodes read,
 * directly or through other such nodes: dead once the folds are done. Each is given to the first
 * match that reads it (PyTorch shares one Identity between several BNs); sets `dead` in place.
 */
export function foldBnDeadChains(graph: Graph, matches: FoldBnMatch[]): void {
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
