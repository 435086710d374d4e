/**
 * The search's shared context and its model state: the model compressed so far (with the widths
 * of its channel groups and the original channels each pruned tensor still carries), private
 * copies, per-image costs, and the cut of a state to new widths (fitted on data or not).
 * // cut(s, {g_i → w_i}) = s.graph with every g_i sliced to its top-w_i original channels, consumers refitted when fitted
 */
import { costModel } from '../cost/index.js';
import { readOnnx, writeOnnx } from '../formats/onnx/index.js';
import type { Graph } from '../ir/index.js';
import { inferShapes, type BindOptions } from '../ops/index.js';
import { cutGroups, finishCuts, type AliveChannels, type GroupInfo } from '../rewrite/index.js';
import type { LatencyEstimator } from './estimator.js';
import type { CompressOptions } from './options.js';
import type { TargetMetric } from './targets.js';

export interface State {
  graph: Graph;
  alive: AliveChannels;
  widths: Map<string, number>;
}

/** One group cut to a width. */
export interface Cut {
  info: GroupInfo;
  width: number;
}

/** A model's held-out accuracy and selection score (higher is better). */
export interface Scored {
  accuracy: number;
  selection: number;
}

/** What every piece of the search reads: the options, settled once. */
export interface SearchContext {
  o: CompressOptions;
  bind: BindOptions;
  round: number;
  metric: TargetMetric;
  estimator: LatencyEstimator;
  /** The start model's prunable groups. */
  groups: GroupInfo[];
  /** The start model's per-image costs. */
  cost0: { madds: number; params: number };
  /** Held-out accuracy and selection score (the accuracy itself without `evaluate`). */
  evaluate(g: Graph): Promise<Scored>;
}

export const clone = (g: Graph, bind: BindOptions): Graph => {
  const c = readOnnx(writeOnnx(g).model, { source: 'compress copy' });
  inferShapes(c, bind);
  return c;
};

/** Per-image costs: shapes inferred without the timing batch. */
export function costs(g: Graph, bind: BindOptions): { madds: number; params: number } {
  inferShapes(g, bind);
  const t = costModel(g).totals;
  return { madds: t.madds, params: t.params };
}

/** `s` with `cuts` applied to a copy; its consumers refitted on the search's calibration when `fit`. */
export async function cutState(ctx: SearchContext, s: State, cuts: readonly Cut[], fit: boolean): Promise<State> {
  const graph = clone(s.graph, ctx.bind);
  const alive: AliveChannels = new Map([...s.alive].map(([k, v]) => [k, v.slice()]));
  const refit = cutGroups(graph, cuts, alive);
  await finishCuts(graph, refit, alive, fit ? ctx.o.calibration : undefined, ctx.bind);
  const widths = new Map(s.widths);
  for (const c of cuts) widths.set(c.info.id, c.width);
  return { graph, alive, widths };
}

/** The key of a set of widths (the estimate cache's). */
export const widthsKey = (w: ReadonlyMap<string, number>): string => [...w].map(([k, v]) => `${k}:${v}`).join(',');
