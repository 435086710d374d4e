/**
 * reparam's match (RepVGG / ACNet): a tree of Adds whose leaves are branches that all read one x —
 * k×k conv(+BN), smaller or asymmetric conv(+BN) centred in the k×k window, identity (+BN). G3's
 * "these branches fold into one conv" findings are these matches.
 */
import type { Graph, Node } from '../ir/index.js';
import { parseConv, type ConvAttrs } from '../ops/index.js';
import { bnNotInference } from './bn.js';
import { isFloatConstant } from './constants.js';

export interface ReparamBranch {
  conv?: Node;
  bn?: Node;
}

export interface ReparamMatch {
  root: Node;
  adds: Node[];
  x: string;
  branches: ReparamBranch[];
  /** Why it cannot be re-parameterised (a BN in training mode); the pass reports it and changes nothing. */
  why?: string;
}

/** The leaves of the tree of Adds rooted at `root` (inner Adds feed only their parent). */
function addTree(graph: Graph, root: Node): { adds: Node[]; leaves: string[] } {
  const adds = [root];
  const leaves: string[] = [];
  const visit = (n: Node) => {
    for (const i of n.inputs) {
      const p = graph.producer(i);
      if (p && p.opType === 'Add' && !p.domain && graph.soleConsumer(i) === n) {
        adds.push(p);
        visit(p);
      } else leaves.push(i);
    }
  };
  visit(root);
  return { adds, leaves };
}

function branchOf(graph: Graph, leaf: string): { branch: ReparamBranch; x: string } {
  const p = graph.producer(leaf);
  if (p?.opType === 'BatchNormalization' && graph.soleConsumer(leaf)) {
    const c = graph.producer(p.inputs[0]!);
    if (c?.opType === 'Conv' && graph.soleConsumer(c.outputs[0]!) === p) return { branch: { conv: c, bn: p }, x: c.inputs[0]! };
    return { branch: { bn: p }, x: p.inputs[0]! };
  }
  if (p?.opType === 'Conv' && graph.soleConsumer(leaf)) return { branch: { conv: p }, x: p.inputs[0]! };
  return { branch: {}, x: leaf };
}

/** The sum of branches rooted at the Add `root`, or undefined (not a root Add, branches that do not line up). */
export function matchReparam(graph: Graph, root: Node): ReparamMatch | undefined {
  if (root.opType !== 'Add' || root.domain) return undefined;
  // Only roots: an Add whose output feeds a single Add belongs to that Add's tree.
  if (graph.soleConsumer(root.outputs[0]!)?.opType === 'Add') return undefined;
  const { adds, leaves } = addTree(graph, root);
  if (leaves.length < 2) return undefined;
  const parsed = leaves.map((l) => branchOf(graph, l));
  const x = parsed[0]!.x;
  if (parsed.some((b) => b.x !== x)) return undefined;
  const branches = parsed.map((b) => b.branch);
  if (!branches.some((b) => b.conv)) return undefined;
  if (!compatible(graph, branches, x)) return undefined;
  let why: string | undefined;
  for (const b of branches) why ??= b.bn ? bnNotInference(graph, b.bn) : undefined;
  return why ? { root, adds, x, branches, why } : { root, adds, x, branches };
}

/** Same stride, dilation 1, same groups and output channels; smaller kernels centred with matching pads. */
function compatible(graph: Graph, branches: ReparamBranch[], x: string): boolean {
  const convs = branches.filter((b) => b.conv).map((b) => b.conv!);
  const info = convs.map((c) => ({ a: parseConv(c), w: graph.values.get(c.inputs[1]!)?.shape as number[] | undefined, t: isFloatConstant(graph, c.inputs[1]) }));
  if (info.some((i) => !i.w || !i.t || i.w.length !== 4)) return false;
  const xs = graph.values.get(x)?.shape as number[] | undefined;
  if (!xs) return false;
  const pads = (a: ConvAttrs) => {
    if (a.pads) return a.pads;
    if (a.autoPad === 'NOTSET' || a.autoPad === 'VALID') return [0, 0, 0, 0];
    return undefined; // SAME_* padding depends on the input; not handled
  };
  const stride = JSON.stringify(info[0]!.a.strides ?? [1, 1]);
  const group = info[0]!.a.group;
  const cOut = info[0]!.w![0]!;
  const K = Math.max(...info.map((i) => i.w![2]!));
  const L = Math.max(...info.map((i) => i.w![3]!));
  if (K % 2 === 0 || L % 2 === 0) return false;
  const bigPads = pads(info.find((i) => i.w![2] === K && i.w![3] === L)?.a ?? info[0]!.a);
  if (!bigPads) return false;
  for (const i of info) {
    if (JSON.stringify(i.a.strides ?? [1, 1]) !== stride || i.a.group !== group || i.w![0] !== cOut) return false;
    if ((i.a.dilations ?? [1, 1]).some((d) => d !== 1)) return false;
    const [kh, kw] = [i.w![2]!, i.w![3]!];
    const p = pads(i.a);
    if (!p || (K - kh) % 2 || (L - kw) % 2) return false;
    const want = [bigPads[0]! - (K - kh) / 2, bigPads[1]! - (L - kw) / 2, bigPads[2]! - (K - kh) / 2, bigPads[3]! - (L - kw) / 2];
    if (JSON.stringify(p) !== JSON.stringify(want)) return false;
  }
  // An identity branch lines up only when the k×k conv keeps the size: stride 1, "same" padding.
  const identity = branches.some((b) => !b.conv);
  const same = bigPads[0] === (K - 1) / 2 && bigPads[2] === (K - 1) / 2 && bigPads[1] === (L - 1) / 2 && bigPads[3] === (L - 1) / 2;
  if (identity && (xs[1] !== cOut || stride !== JSON.stringify([1, 1]) || !same)) return false;
  return true;
}
