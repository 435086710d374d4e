/**
 * The search's shared context and its model state: the model compressed so far (with the widths
 * of its channel groups, the convs made group convs, and the original channels each pruned tensor
 * still carries), private copies, per-image costs, and a state changed by new widths and group
 * convs (fitted on data or not).
 * // change(s, {g_i → w_i}, {conv_j → G_j}) = s.graph with every g_i sliced to its top-w_i original channels (consumers
 * // refitted), then every conv_j split into G_j groups (block-diagonal weights, refitted to the original's output)
 */
import { costModel } from '../cost/index.js';
import type { Graph } from '../ir/index.js';
import { inferShapes, type BindOptions } from '../ops/index.js';
import { cutGroups, finishCuts, groupOneConv, type AliveChannels, type GroupInfo } from '../rewrite/index.js';
import { GraphError } from '../errors.js';
import type { LatencyEstimator } from './estimator.js';
import type { CompressOptions } from './options.js';
import type { TargetMetric } from './targets.js';

export interface State {
  graph: Graph;
  alive: AliveChannels;
  widths: Map<string, number>;
  /** Convs made group convs so far: name → groups. */
  convs: Map<string, number>;
}

/** One group cut to a width. */
export interface Cut {
  info: GroupInfo;
  width: number;
}

/** One conv split into `g` groups. */
export interface Grouping {
  conv: string;
  g: number;
}

/** What a proposal (or several taken together) changes. */
export interface Edit {
  cuts: Cut[];
  groupings: Grouping[];
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

/** A copy to cut (`Graph.clone`: the passes put new tensors in place, never edit shared ones), its shapes inferred under `bind`. */
export const clone = (g: Graph, bind: BindOptions): Graph => {
  const c = g.clone();
  inferShapes(c, bind);
  return c;
};

/** Per-image costs: shapes inferred without the timing batch. */
export function costs(g: Graph, bind: BindOptions): { madds: number; params: number } {
  inferShapes(g, bind);
  const t = costModel(g).totals;
  return { madds: t.madds, params: t.params };
}

/**
 * `s` with `cuts` applied to a copy, then `groupings`; its consumers (and the grouped convs)
 * refitted on the search's calibration when `fit`.
 */
export async function cutState(ctx: SearchContext, s: State, cuts: readonly Cut[], fit: boolean, groupings: readonly Grouping[] = []): Promise<State> {
  const graph = clone(s.graph, ctx.bind);
  const alive: AliveChannels = new Map([...s.alive].map(([k, v]) => [k, v.slice()]));
  const refit = cutGroups(graph, cuts, alive);
  await finishCuts(graph, refit, alive, fit ? ctx.o.calibration : undefined, ctx.bind);
  const widths = new Map(s.widths);
  for (const c of cuts) widths.set(c.info.id, c.width);
  const convs = new Map(s.convs);
  if (groupings.length) {
    await groupConvs(graph, groupings, alive, fit ? ctx.o.calibration : undefined, ctx.bind);
    for (const q of groupings) convs.set(q.conv, q.g);
  }
  return { graph, alive, widths, convs };
}

/**
 * Split the named convs of `graph` into groups, in the graph's order, each fitted to the
 * original's channels its output carries; shapes are inferred again at `bind` after.
 */
export async function groupConvs(graph: Graph, groupings: readonly Grouping[], alive: AliveChannels, calibration: CompressOptions['calibration'] | undefined, bind: BindOptions): Promise<void> {
  for (const n of graph.nodes) {
    const q = groupings.find((x) => x.conv === n.name);
    if (q) await groupOneConv(graph, n, q.g, calibration, alive.get(n.outputs[0]!));
  }
  for (const q of groupings) if (!graph.nodes.some((n) => n.name === q.conv)) throw new GraphError(`compress: no conv '${q.conv}' to group`);
  inferShapes(graph, bind);
}

/** The key of a set of widths and group convs (the estimate cache's). */
export const widthsKey = (w: ReadonlyMap<string, number>, convs?: ReadonlyMap<string, number>): string =>
  [...w].map(([k, v]) => `${k}:${v}`).join(',') + (convs?.size ? `|${[...convs].map(([k, v]) => `${k}/${v}`).sort().join(',')}` : '');
