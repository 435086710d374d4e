/**
 * Which fitted proposals a step keeps. 'ratio' (the sensitivity-greedy variant, as in AMC and
 * greedy channel pruning): least selection score lost per predicted resource saved first, as many
 * together as the step needs, fitted together once. 'accuracy' (NetAdapt): the single proposal
 * with the best selection score (ties: the smaller prediction).
 * // ratio: sort p by (s_cur − s(p)) / (r_now − r(p)); take the shortest prefix with r(prefix) ≤ target
 */
import type { Predictor } from './predictor.js';
import type { Fitted, Prop } from './proposals.js';
import { cutState, type SearchContext, type State } from './state.js';

/** The change a step keeps: `p` first, `also` the proposals taken with it; the model fitted and scored. */
export interface Chosen {
  p: Prop;
  also: Prop[];
  s: State;
  acc: number;
  sel: number;
  /** Predicted resource of the kept model, relative to the start. */
  predicted: number;
}

/** 'ratio': the cheapest proposals by score lost per resource saved, combined until `target` is predicted met. */
export async function selectRatio(
  ctx: SearchContext, pred: Predictor, cur: State, pool: readonly Prop[], fitted: ReadonlyMap<Prop, Fitted>, selCur: number, target: number, status: (what: string) => void, step: number,
): Promise<Chosen> {
  const relNow = pred.now;
  const cost = (p: Prop) => (selCur - fitted.get(p)!.sel) / (relNow - p.predicted);
  const order = [...pool].sort((a, b) => cost(a) - cost(b) || a.predicted - b.predicted);
  const take: Prop[] = [];
  let predicted = pred.curRel;
  for (const p of order) {
    take.push(p);
    if (take.length === 1) predicted = p.predicted;
    else predicted = (await pred.predict(cur, take.flatMap((q) => q.edit.cuts), take.flatMap((q) => q.edit.groupings))).rel;
    if (predicted <= target) break;
  }
  const [head, ...also] = take;
  if (!also.length) {
    const f = fitted.get(head!)!;
    return { p: head!, also, s: f.s, acc: f.acc, sel: f.sel, predicted };
  }
  status(`step ${step}: fitting ${take.length} cuts together`);
  const s = await cutState(ctx, cur, take.flatMap((q) => q.edit.cuts), true, take.flatMap((q) => q.edit.groupings));
  const e = await ctx.evaluate(s.graph);
  return { p: head!, also, s, acc: e.accuracy, sel: e.selection, predicted };
}

/** 'accuracy': the proposal with the best selection score (ties: the smaller prediction). */
export function selectBest(pool: readonly Prop[], fitted: ReadonlyMap<Prop, Fitted>): Chosen {
  let best: Prop | undefined;
  for (const p of pool) {
    const f = fitted.get(p)!;
    if (!best || f.sel > fitted.get(best)!.sel || (f.sel === fitted.get(best)!.sel && p.predicted < best.predicted)) best = p;
  }
  const f = fitted.get(best!)!;
  return { p: best!, also: [], s: f.s, acc: f.acc, sel: f.sel, predicted: best!.predicted };
}
