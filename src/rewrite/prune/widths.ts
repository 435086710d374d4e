/**
 * Pruning one channel group at a time to a chosen width, on a model that may already be pruned
 * (NetAdapt's per-layer steps): the group is found by one of its producer convs, its channels
 * are ranked by scores of the ORIGINAL network's channels (so a group cut to w in several steps
 * keeps the same channels as one cut straight to w), and `alive` records which original
 * channels each tensor still carries, across cuts, for refitting against the original.
 * // group(p) to w: keep the top-w original channels still alive, slice every weight they touch
 */
import { GraphError } from '../../errors.js';
import { validate, type Graph } from '../../ir/index.js';
import { inferShapes, type BindOptions } from '../../ops/index.js';
import type { Calibration } from '../../calibrate/index.js';
import type { RefitTarget } from '../types.js';
import { groupScores, topChannels, type Criterion } from './criteria.js';
import { energyScores, type EnergyOptions } from './energy.js';
import { findDependencies, type ChannelGroup } from './groups.js';
import { refitConsumers, type RefitRecord } from './refit.js';
import { removeChannels } from './slice.js';

/** Original channels alive per tensor (absent: all of them, in order). */
export type AliveChannels = Map<string, number[]>;

/** A prunable group of the original network: its first producer names it in any pruned copy. */
export interface GroupInfo {
  id: string;
  /** The first producer conv's name. */
  producer: string;
  /** Every producer conv's name. */
  producers: string[];
  size: number;
  /** Channel scores of the original (indexed by original channel). */
  scores: Float64Array;
}

/** The prunable groups of an (unpruned) network, with their channel scores. */
export function prunableGroups(original: Graph, criterion: Criterion = 'l1'): GroupInfo[] {
  return findDependencies(original)
    .groups.filter((g) => g.reasons.length === 0)
    .map((g) => groupInfo(g, groupScores(original, g, criterion)));
}

function groupInfo(g: ChannelGroup, scores: Float64Array): GroupInfo {
  return { id: g.id, producer: g.producers[0]!.name, producers: g.producers.map((p) => p.name), size: g.size, scores };
}

/**
 * The prunable groups of an (unpruned) network, scored by the energy each channel carries into its
 * consumers' outputs on the calibration's fit images (energy.ts) instead of by weight norms.
 */
export async function prunableGroupsByEnergy(original: Graph, calibration: Calibration, o: EnergyOptions = {}): Promise<GroupInfo[]> {
  const deps = findDependencies(original);
  const ok = deps.groups.filter((g) => g.reasons.length === 0);
  const scores = await energyScores(original, deps, ok, calibration, o);
  return ok.map((g) => groupInfo(g, scores.get(g.id)!));
}

/**
 * Cut groups of `graph` (shapes inferred) to the widths given, with one dependency analysis for
 * all of them; updates `alive` and returns the consumers that lost input channels. Call
 * `finishCuts` after.
 */
export function cutGroups(graph: Graph, cuts: readonly { info: GroupInfo; width: number }[], alive: AliveChannels): RefitTarget[] {
  const deps = findDependencies(graph);
  const state = { deps, alive: new Map<string, number[]>() };
  const refit: RefitTarget[] = [];
  for (const { info, width } of cuts) {
    const group = deps.groups.find((x) => x.producers.some((p) => p.name === info.producer));
    if (!group) throw new GraphError(`no channel group is produced by '${info.producer}'`);
    if (group.reasons.length) throw new GraphError(`group ${info.id} (${info.producer}) cannot be pruned: ${group.reasons[0]}`);
    if (width >= group.size) continue;
    if (!Number.isInteger(width) || width < 1) throw new GraphError(`group ${info.id}: width must be a whole number ≥ 1, got ${width}`);
    const orig = alive.get(group.producers[0]!.outputs[0]!) ?? Array.from({ length: group.size }, (_, i) => i);
    const kept = topChannels(Float64Array.from(orig, (c) => info.scores[c]!), width);
    refit.push(...removeChannels(graph, state, group, kept).refit);
  }
  for (const [t, positions] of state.alive) {
    const before = alive.get(t);
    alive.set(t, before ? positions.map((i) => before[i]!) : positions);
  }
  return refit;
}

/**
 * After the cuts: drop what became unused, infer shapes, refit (with a calibration) every
 * consumer that lost input channels against the original's activations, and validate.
 */
export async function finishCuts(graph: Graph, refit: readonly RefitTarget[], alive: AliveChannels, calibration?: Calibration, bind?: BindOptions): Promise<RefitRecord[]> {
  graph.prune();
  inferShapes(graph, bind);
  let fitted: RefitRecord[] = [];
  if (calibration && refit.length) fitted = (await refitConsumers(graph, calibration, alive, [{ replaced: [], added: [], summary: '', refit: [...refit] }])).fitted;
  validate(graph, 'after pruning to chosen widths');
  return fitted;
}

/** Prune `graph` (an unpruned copy of the network `groups` came from) to `widths` (by group id). */
export async function pruneToWidths(graph: Graph, groups: readonly GroupInfo[], widths: ReadonlyMap<string, number>, calibration?: Calibration, bind?: BindOptions): Promise<{ alive: AliveChannels; fitted: RefitRecord[] }> {
  inferShapes(graph, bind);
  const alive: AliveChannels = new Map();
  const cuts = groups.flatMap((info) => (widths.has(info.id) ? [{ info, width: widths.get(info.id)! }] : []));
  const refit = cutGroups(graph, cuts, alive);
  return { alive, fitted: await finishCuts(graph, refit, alive, calibration, bind) };
}
