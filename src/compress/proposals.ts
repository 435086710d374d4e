/**
 * A step's candidates: per prunable group, the widest cut (a multiple of `round` channels) whose
 * predicted resource meets the step's target — capped at `maxCut` of the group's width ('ratio'),
 * or any width, the step halved while too few groups can meet it alone ('accuracy') — and, when
 * asked (kind 'group'), per conv not yet grouped, the conv split into 2 groups; then each fitted
 * on the calibration split and scored on the held-out split.
 * // prune(g) = max{ w ∈ round·ℕ, w < width(g): predicted(cut(g, w)) ≤ target }; group(conv) = conv → 2 groups; each fitted and scored
 */
import { matchGroup } from '../patterns/index.js';
import { findDependencies, type GroupInfo } from '../rewrite/index.js';
import type { Proposal } from './log.js';
import type { Predictor } from './predictor.js';
import { cutState, type Edit, type SearchContext, type State } from './state.js';

/** A proposal with what the search needs beyond the log: what it changes and the raw estimate. */
export type Prop = Proposal & { edit: Edit; raw: number };

/** The groups of a group conv proposal, and the fewest input channels per group it leaves. */
const GROUPS = 2;
const MIN_PER_GROUP = 8;

/** A fitted proposal: its model and held-out scores. */
export interface Fitted {
  s: State;
  acc: number;
  sel: number;
}

export interface StepProposals {
  proposals: Prop[];
  /** The step's target (the 'accuracy' rule may have halved it). */
  target: number;
}

/** Widths below `from`, widest first, multiples of `round`, down to `floor` (at least one). */
export function widthOptions(from: number, floor: number, round: number): number[] {
  const options: number[] = [];
  for (let w = Math.ceil(from / round) * round - round; w >= round; w -= round) if (w < from && (w >= floor || !options.length)) options.push(w);
  return options;
}

/** Every group's proposal for a step from `cur` to `target` (`goalRel`: the final goal, where halving stops). */
export async function proposeStep(
  ctx: SearchContext, pred: Predictor, cur: State, target: number, goalRel: number, mode: 'ratio' | 'accuracy', maxCut: number, status: (what: string) => void, step: number,
): Promise<StepProposals> {
  /** The widest option (options: widest first) that meets `target`, by binary search (narrower is never slower). */
  const widestMeeting = async (g: GroupInfo, options: number[]): Promise<{ w: number; rel: number; raw: number; meets: boolean }> => {
    let lo = 0;
    let hi = options.length - 1;
    const last = await pred.predict(cur, [{ info: g, width: options[hi]! }]);
    if (last.rel > target) return { w: options[hi]!, ...last, meets: false };
    let best = { w: options[hi]!, ...last };
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const p = await pred.predict(cur, [{ info: g, width: options[mid]! }]);
      if (p.rel <= target) {
        best = { w: options[mid]!, ...p };
        hi = mid;
      } else lo = mid + 1;
    }
    return { ...best, meets: true };
  };
  let proposals: Prop[] = [];
  const frozen = frozenGroups(ctx, cur);
  if (mode === 'ratio') {
    const relNow = pred.now;
    // Each group: the widest cut that meets the step, but never more than maxCut of its width.
    for (const g of ctx.groups) {
      const from = cur.widths.get(g.id)!;
      const options = widthOptions(from, from * (1 - maxCut), ctx.round);
      if (!options.length || frozen.has(g.id)) continue;
      status(`step ${step}: sizing ${g.id}`);
      const b = await widestMeeting(g, options);
      if (b.rel >= relNow - 1e-9) continue; // saves nothing by the estimator
      proposals.push(pruneProp(g, from, b));
    }
    proposals.push(...(await groupProposals(ctx, pred, cur, target, relNow, status, step)));
    return { proposals, target };
  }
  for (let tries = 0; tries < 4; tries++) {
    proposals = [];
    // Propose: per group, the widest multiple of `round` below its width that meets the target.
    for (const g of ctx.groups) {
      const from = cur.widths.get(g.id)!;
      const options = widthOptions(from, 0, ctx.round);
      if (!options.length || frozen.has(g.id)) continue;
      status(`step ${step}: sizing ${g.id}`);
      const b = await widestMeeting(g, options);
      proposals.push(pruneProp(g, from, b));
    }
    const meeting = proposals.filter((p) => p.meets).length;
    // When too few groups can meet the step alone, the step is halved (NetAdapt's steps are
    // small enough for one layer; a residual network's groups are many and small).
    if (meeting >= Math.min(3, Math.ceil(proposals.length / 4)) || target >= pred.curRel - 1e-3 || target <= goalRel) break;
    target = pred.curRel - (pred.curRel - target) / 2;
  }
  proposals.push(...(await groupProposals(ctx, pred, cur, target, pred.now, status, step)));
  return { proposals, target };
}

const pruneProp = (g: GroupInfo, from: number, b: { w: number; rel: number; raw: number; meets: boolean }): Prop => ({
  kind: 'prune', group: g.id, producer: g.producer, from, to: b.w, predicted: b.rel, meets: b.meets, edit: { cuts: [{ info: g, width: b.w }], groupings: [] }, raw: b.raw,
});

/**
 * Kind 'group' (when asked): every conv of the current model not yet grouped whose input and
 * output channels split into 2 groups of at least 8, that the estimator says saves something.
 */
async function groupProposals(ctx: SearchContext, pred: Predictor, cur: State, target: number, relNow: number, status: (what: string) => void, step: number): Promise<Prop[]> {
  if (!(ctx.o.kinds ?? ['prune']).includes('group')) return [];
  const out: Prop[] = [];
  for (const n of cur.graph.nodes) {
    // The group pass's own match, and at least MIN_PER_GROUP channels per group on both sides.
    if (cur.convs.has(n.name) || !matchGroup(cur.graph, n, GROUPS)) continue;
    const dims = cur.graph.values.get(n.inputs[1]!)!.shape as number[];
    if (dims.length !== 4 || dims[1]! / GROUPS < MIN_PER_GROUP || dims[0]! / GROUPS < MIN_PER_GROUP) continue;
    status(`step ${step}: sizing ${n.name} → ${GROUPS} groups`);
    const groupings = [{ conv: n.name, g: GROUPS }];
    const p = await pred.predict(cur, [], groupings);
    if (p.rel >= relNow - 1e-9) continue;
    out.push({ kind: 'group', group: n.name, producer: n.name, from: 1, to: GROUPS, predicted: p.rel, meets: p.rel <= target, edit: { cuts: [], groupings }, raw: p.raw });
  }
  return out;
}

/** The convs grouped so far make the channel groups they read or write unprunable: those are left out of later steps. */
export function frozenGroups(ctx: SearchContext, cur: State): Set<string> {
  const frozen = new Set<string>();
  if (!cur.convs.size) return frozen;
  const deps = findDependencies(cur.graph);
  for (const g of ctx.groups) {
    const now = deps.groups.find((x) => x.producers.some((p) => p.name === g.producer));
    if (!now || now.reasons.length) frozen.add(g.id);
  }
  return frozen;
}

/** Fit each proposal of `pool` on the calibration split and score it on the held-out split (filling in its accuracy and selection). */
export async function fitProposals(ctx: SearchContext, cur: State, pool: readonly Prop[], status: (what: string) => void, step: number): Promise<Map<Prop, Fitted>> {
  const fitted = new Map<Prop, Fitted>();
  for (const [k, p] of pool.entries()) {
    status(`step ${step}: fitting ${describeProp(p)} (${k + 1}/${pool.length})`);
    const s = await cutState(ctx, cur, p.edit.cuts, true, p.edit.groupings);
    const e = await ctx.evaluate(s.graph);
    p.accuracy = e.accuracy;
    p.selection = e.selection;
    fitted.set(p, { s, acc: e.accuracy, sel: e.selection });
  }
  return fitted;
}

/** One line: 'g3 64→48' (prune) or 'conv → 2 groups' (group). */
export const describeProp = (p: Proposal): string => (p.kind === 'group' ? `${p.producer} → ${p.to} groups` : `${p.group} ${p.from}→${p.to}`);
