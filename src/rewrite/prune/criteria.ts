/**
 * Which channels a group keeps, and how many: channel scores (l1, l2, bn; energy, from data, is
 * energy.ts and falls back to l1 here), the top-k choice,
 * widths from a ratio rounded to a multiple, from a JSON file, or moved toward equal 1×1 widths (G1).
 */
import { UsageError } from '../../errors.js';
import { host } from '../../host.js';
import type { Graph, Node } from '../../ir/index.js';
import { floatWeights } from '../weights.js';
import type { ChannelGroup } from './groups.js';
import { constData } from './slice.js';

export type Criterion = 'l1' | 'l2' | 'bn' | 'energy';
export const CRITERIA: readonly Criterion[] = ['l1', 'l2', 'bn', 'energy'];
/** Criteria that need calibration data (without it, they fall back to l1). */
export const DATA_CRITERIA: readonly Criterion[] = ['energy'];

/** The BatchNormalization reading `conv`'s output directly, if any. */
function bnAfter(graph: Graph, conv: Node): Node | undefined {
  return graph.consumers(conv.outputs[0]!).find((n) => n.opType === 'BatchNormalization' && n.inputs[0] === conv.outputs[0]);
}

/**
 * One producer's score per output channel: l1 = Σ|w|, l2 = √Σw² over the channel's filter,
 * bn = |γ| of the BN right after the conv (l1 when there is none); energy needs data (energy.ts):
 * here, without it, l1.
 */
export function producerScores(graph: Graph, conv: Node, criterion: Criterion): Float64Array {
  if (criterion === 'bn') {
    const bn = bnAfter(graph, conv);
    const gamma = bn && constData(graph, bn.inputs[1]!);
    if (gamma) return Float64Array.from(gamma.data, Math.abs);
  }
  const w = floatWeights(graph, conv.inputs[1], conv.label)!;
  const c = w.dims[0]!;
  const per = w.data.length / c;
  const out = new Float64Array(c);
  for (let o = 0; o < c; o++) {
    let s = 0;
    for (let k = 0; k < per; k++) {
      const v = w.data[o * per + k]!;
      s += criterion === 'l2' ? v * v : Math.abs(v);
    }
    out[o] = criterion === 'l2' ? Math.sqrt(s) : s;
  }
  return out;
}

/** A group's channel scores: the sum over its producers. */
export function groupScores(graph: Graph, group: ChannelGroup, criterion: Criterion): Float64Array {
  const out = new Float64Array(group.size);
  for (const p of group.producers) producerScores(graph, p, criterion).forEach((v, i) => (out[i] += v));
  return out;
}

/** The `k` highest-scoring channels (ties: the lower index), ascending. */
export function topChannels(scores: ArrayLike<number>, k: number): number[] {
  const idx = Array.from({ length: scores.length }, (_, i) => i);
  idx.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return idx.slice(0, k).sort((a, b) => a - b);
}

/**
 * Channels kept of `size` when `ratio` of them are removed: the nearest multiple of `round`,
 * at least `round` (never 0), and all of them when that reaches `size` (never more).
 */
export function keptWidth(size: number, ratio: number, round: number): number {
  const target = size * (1 - ratio);
  if (target >= size) return size;
  const w = Math.max(round, Math.round(target / round) * round);
  return w >= size ? size : w;
}

/** `ratio`, `round`, `criterion` and `g1` checked; each bad one a one-line UsageError. */
export function parseNumber(text: string | undefined, fallback: number, what: string, ok: (v: number) => boolean, rule: string): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || !ok(v)) throw new UsageError(`prune: ${what} must be ${rule}, got '${text}'`);
  return v;
}

/** `widths=<file>`: JSON {conv name or group id: channels kept}, resolved to group ids. */
export function readWidths(file: string, groups: readonly ChannelGroup[]): Map<string, number> {
  let text: string;
  try {
    text = host.readTextFile(file);
  } catch (e) {
    throw new UsageError(`prune: cannot read widths file '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`prune: widths file '${file}' is not JSON: ${(e as Error).message}`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new UsageError(`prune: widths file '${file}' must hold an object {conv name or group id: channels kept}`);
  const out = new Map<string, number>();
  for (const [key, value] of Object.entries(json)) {
    const g = groups.find((x) => x.id === key || x.producers.some((p) => p.name === key));
    if (!g) throw new UsageError(`prune: widths file '${file}': no channel group is named or produced by '${key}'`);
    if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > g.size) {
      throw new UsageError(`prune: widths file '${file}': '${key}' must keep an integer 1 … ${g.size} channels, got ${JSON.stringify(value)}`);
    }
    if (g.reasons.length) throw new UsageError(`prune: widths file '${file}': '${key}' (group ${g.id}) cannot be pruned: ${g.reasons[0]}`);
    const before = out.get(g.id);
    if (before !== undefined && before !== value) throw new UsageError(`prune: widths file '${file}': '${key}' asks ${value as number} channels of group ${g.id}, which another entry gives ${before}`);
    out.set(g.id, value as number);
  }
  return out;
}
