/**
 * prune: structured channel pruning. Finds the channel dependency groups (groups.ts), scores
 * each group's channels summed over its producer convs, keeps the best k and slices every
 * weight the group's channels touch (slice.ts). The result is a smaller dense model, not a mask.
 * Each change names the consumers that lost input channels and the channels they kept
 * (`Change.refit`), where data-aware refitting of those consumers starts.
 * // conv_k(conv_j(x)) -> conv_k[:, S](conv_j[S](x)), S = top-k channels; params and madds ≈ × (1 − ratio)²
 */
import { UsageError } from '../../errors.js';
import { attrInts, type Graph } from '../../ir/index.js';
import type { Pass, PassContext } from '../types.js';
import { CRITERIA, DATA_CRITERIA, groupScores, keptWidth, parseNumber, readWidths, topChannels, type Criterion } from './criteria.js';
import { energyScores } from './energy.js';
import { findDependencies, type ChannelGroup } from './groups.js';
import { refitConsumers } from './refit.js';
import { removeChannels, type PruneState } from './slice.js';

export interface PruneMatch {
  state: PruneState;
  group: ChannelGroup;
  /** Channels kept (ascending indices into the group); undefined when the group cannot be pruned. */
  kept: number[] | undefined;
  criterion: Criterion;
  /** Shared by a run's matches: the data scores of every group, computed at the first apply (before any cut). */
  data: { scores?: Promise<Map<string, Float64Array>> };
}

export interface PruneOptions {
  criterion: Criterion;
  ratio: number;
  round: number;
  g1: boolean;
  widths: string | undefined;
}

export function pruneOptions(params: PassContext['params']): PruneOptions {
  const criterion = (params['criterion'] ?? 'l1') as Criterion;
  if (!CRITERIA.includes(criterion)) throw new UsageError(`prune: criterion must be one of ${CRITERIA.join(', ')}, got '${params['criterion']}'`);
  if (params['ratio'] !== undefined && params['widths'] !== undefined) throw new UsageError('prune: give ratio or widths, not both');
  if (params['widths'] === '') throw new UsageError('prune: widths needs a file name');
  return {
    criterion,
    ratio: parseNumber(params['ratio'], 0.3, 'ratio', (v) => v >= 0 && v < 1, 'a fraction in [0, 1)'),
    round: parseNumber(params['round'], 8, 'round', (v) => Number.isInteger(v) && v >= 1, 'a positive integer'),
    g1: parseNumber(params['g1'], 0, 'g1', (v) => v === 0 || v === 1, '0 or 1') === 1,
    widths: params['widths'],
  };
}

/** The width each prunable group keeps under `o`, by group id. */
export function chooseWidths(graph: Graph, state: PruneState, o: PruneOptions): Map<string, number> {
  const groups = state.deps.groups.filter((g) => g.reasons.length === 0);
  if (o.widths !== undefined) return readWidths(o.widths, state.deps.groups);
  const out = new Map<string, number>();
  const byRoot = new Map(groups.map((g) => [g.root, g]));
  for (const g of groups) {
    let w = keptWidth(g.size, o.ratio, o.round);
    // G1 (ShuffleNet V2): a 1×1 conv's memory access cost is least at c_in = c_out for its madds.
    // When every producer is 1×1, move the width halfway toward the producers' (pruned) input width.
    if (o.g1 && w < g.size && g.producers.every((p) => (attrInts(p, 'kernel_shape') ?? []).every((k) => k === 1))) {
      const cIns = g.producers.map((p) =>
        (state.deps.layouts.get(p.inputs[0]!)?.pieces ?? []).reduce((s, piece) => {
          const r = byRoot.get(state.deps.find(piece.space));
          const kept = r ? out.get(r.id) ?? keptWidth(r.size, o.ratio, o.round) : piece.len;
          return s + (piece.len * kept) / (r?.size ?? piece.len);
        }, 0),
      );
      const cIn = cIns.reduce((a, b) => a + b, 0) / cIns.length;
      w = Math.min(g.size, Math.max(o.round, Math.round((w + cIn) / 2 / o.round) * o.round));
    }
    out.set(g.id, w);
  }
  return out;
}

const label = (g: ChannelGroup) => `${g.id} (${g.producers[0]!.label}${g.producers.length > 1 ? ` +${g.producers.length - 1} more` : ''}, ${g.size} channels)`;

export const prune: Pass<PruneMatch> = {
  id: 'prune',
  exact: false,
  algebra: 'conv_k(conv_j(x)) -> conv_k[:, S](conv_j[S](x)), S = the top-k channels of each dependency group: params and madds ≈ × (1 − ratio)²',
  params: {
    criterion: "channel score, summed over a group's producer convs: l1 (Σ|w|, default), l2 (√Σw²), bn (|γ| of the BN after the conv; l1 where none), energy (from --data: each channel's mean squared contribution to its consumers' outputs; l1 without data)",
    ratio: 'fraction of each group’s channels removed (default 0.3)',
    widths: 'JSON file {conv name or group id: channels kept}; groups not named keep all their channels',
    round: 'kept widths rounded to a multiple of this (default 8; at least one multiple, never above the original)',
    g1: '1: groups made only by 1×1 convs move halfway toward their input width (ShuffleNet V2 G1: equal widths minimise memory access)',
  },
  match(graph, ctx) {
    const o = pruneOptions(ctx.params);
    const deps = findDependencies(graph);
    const state: PruneState = { deps, alive: new Map() };
    const widths = chooseWidths(graph, state, o);
    const data = {};
    const out: PruneMatch[] = [];
    for (const group of deps.groups) {
      if (ctx.only && !group.producers.some((p) => ctx.only!(p.name))) continue;
      if (group.reasons.length) {
        out.push({ state, group, kept: undefined, criterion: o.criterion, data });
        continue;
      }
      const w = widths.get(group.id) ?? group.size;
      if (w >= group.size) continue;
      out.push({ state, group, kept: topChannels(groupScores(graph, group, o.criterion), w), criterion: o.criterion, data });
    }
    return out;
  },
  async apply(graph, { state, group, kept, criterion, data }, ctx) {
    if (!kept) {
      const more = group.reasons.length > 1 ? ` (+${group.reasons.length - 1} more)` : '';
      return { replaced: [], added: [], summary: `kept ${label(group)}: ${group.reasons[0]}${more}` };
    }
    let by: string = criterion;
    if (DATA_CRITERIA.includes(criterion)) {
      if (ctx.calibration) {
        // Every group scored on the graph as it was matched: the first apply runs before any cut.
        data.scores ??= energyScores(graph, state.deps, state.deps.groups.filter((g) => g.reasons.length === 0), ctx.calibration);
        kept = topChannels((await data.scores).get(group.id)!, kept.length);
      } else by = `l1 (${criterion} needs --data: data-free fallback)`;
    }
    const { touched, refit } = removeChannels(graph, state, group, kept);
    const names = touched.map((n) => n.name);
    return {
      replaced: names,
      added: names,
      selectBy: group.producers.map((p) => p.name),
      summary: `pruned ${label(group)} to ${kept.length} by ${by}${ctx.calibration ? '' : ' (consumers keep their remaining weights: data-free)'}`,
      detail: { group: group.id, channels: group.size, kept: kept.length, producers: group.producers.map((p) => p.name).join(' '), fit: ctx.calibration ? 'data' : 'data-free' },
      refit,
    };
  },
  async finish(graph, ctx, matches, changes) {
    const state = matches[0]?.state;
    if (!ctx.calibration || !state) return [];
    const { fitted, left } = await refitConsumers(graph, ctx.calibration, state.alive, changes);
    const byNode = new Map(fitted.map((f) => [f.node, f]));
    for (const c of changes) {
      const mine = (c.refit ?? []).map((r) => byNode.get(r.node)).filter((f) => f !== undefined);
      if (!mine.length || !c.detail) continue;
      c.detail['refitted'] = mine.length;
      c.detail['fitError'] = Math.max(...mine.map((f) => f.fitError));
      const held = mine.map((f) => f.heldOutError).filter((e) => e !== undefined);
      if (held.length) c.detail['heldOutError'] = Math.max(...held);
    }
    return left;
  },
};
