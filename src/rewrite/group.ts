/**
 * group: a standard conv becomes a g-group conv, keeping the block-diagonal part of its
 * weights (or, with init=he, fresh seeded He-initialised weights for retraining). Approximate:
 * the dropped off-diagonal blocks are the error it reports.
 * // conv(x, W, g=1) -> conv(x, blockdiag_g(W), g), params and madds × 1/g
 */
import { UsageError } from '../errors.js';
import type { Calibration } from '../calibrate/index.js';
import { int, type Graph, type Node } from '../ir/index.js';
import { parseConv } from '../ops/index.js';
import { PASS_REFS, matchGroup, type GroupMatch } from '../patterns/index.js';
import { hashSeed, mulberry32, normal } from '../random.js';
import type { Pass } from './types.js';
import { fitDetail, floatWeights, setFitted, setWeight } from './weights.js';

function groupsParam(text: string | undefined): number {
  const g = Number(text ?? '2');
  if (!Number.isInteger(g) || g < 2) throw new UsageError(`group: g must be an integer ≥ 2, got '${text}'`);
  return g;
}

export const group: Pass<GroupMatch> = {
  id: PASS_REFS.group,
  exact: false,
  algebra: 'conv(x, W, g=1) -> conv(x, blockdiag_g(W), g): params and madds × 1/g',
  params: { g: 'number of groups (default 2); convs whose channels it does not divide are skipped', init: "'he' for fresh seeded weights instead of the block-diagonal part" },
  match(graph, ctx) {
    const g = groupsParam(ctx.params['g']);
    const out: GroupMatch[] = [];
    for (const n of graph.nodes) {
      const m = !ctx.only || ctx.only(n.name) ? matchGroup(graph, n, g) : undefined;
      if (m) out.push(m);
    }
    return out;
  },
  async apply(graph, { conv, g }, ctx) {
    const init = ctx.params['init'];
    if (init !== undefined && init !== 'he') throw new UsageError(`group: init must be 'he', got '${init}'`);
    const w = floatWeights(graph, conv.inputs[1], conv.label)!;
    const { W, c1, c2, inG, outG, k, k2, kept, total } = blockDiagonal(w, g);
    if (init === 'he') W.set(normal(W.length, 0, Math.sqrt(2 / (inG * k2)), mulberry32(hashSeed(ctx.seed, `${conv.name}.group`))));
    setWeight(graph, conv, 1, `${conv.name}.weight_g${g}`, [c2, inG, ...k], W);
    graph.setAttr(conv, 'group', int(g));
    let weightError = init ? 1 : Math.sqrt((total - kept) / (total || 1));
    const detail: Record<string, number | string> = { g, fit: init ? 'he' : 'data-free' };
    if (ctx.calibration && !init) {
      // Data-aware: fit each group's block (and the bias) on the current network's input to
      // this conv, to reproduce the original conv's output.
      const fit = await ctx.calibration.fitConvNode(graph, conv, 'group', conv.inputs[0]!, conv.outputs[0]!);
      setFitted(graph, conv, `${conv.name}.g${g}`, [c2, inG, ...k], fit);
      // ‖W − blockdiag(Ŵ)‖ / ‖W‖ against the original full weights.
      let diff = 0;
      for (let o = 0; o < c2; o++) {
        const q = Math.floor(o / outG);
        for (let i = 0; i < c1; i++) {
          for (let t = 0; t < k2; t++) {
            const v = w.data[(o * c1 + i) * k2 + t]!;
            const inBlock = Math.floor(i / inG) === q;
            const d = inBlock ? v - fit.weight[(o * inG + (i - q * inG)) * k2 + t]! : v;
            diff += d * d;
          }
        }
      }
      weightError = Math.sqrt(diff / (total || 1));
      Object.assign(detail, fitDetail(fit));
    }
    return {
      replaced: [conv.name],
      added: [conv.name],
      summary: `${conv.label} → ${g} groups${init ? ' (fresh He weights)' : ctx.calibration ? ' (block-diagonal weights fitted to data)' : ' (block-diagonal weights, data-free)'}`,
      weightError,
      detail,
    };
  },
};

/**
 * The block-diagonal part of a conv's weights [c2, c1, …k] at `g` groups, as a grouped conv's
 * weights [c2, c1/g, …k] (output channel o keeps the inputs of its group), with the squared norms
 * of the part kept and of the whole.
 */
function blockDiagonal(w: { dims: readonly number[]; data: ArrayLike<number> }, g: number) {
  const [c2, c1, ...k] = w.dims as [number, number, ...number[]];
  const k2 = k.reduce((a, b) => a * b, 1);
  const inG = c1 / g;
  const outG = c2 / g;
  const W = new Float32Array(c2 * inG * k2);
  let kept = 0;
  let total = 0;
  for (let o = 0; o < c2; o++) {
    const q = Math.floor(o / outG);
    for (let i = 0; i < c1; i++) {
      const inBlock = Math.floor(i / inG) === q;
      for (let t = 0; t < k2; t++) {
        const v = w.data[(o * c1 + i) * k2 + t]!;
        total += v * v;
        if (inBlock) {
          kept += v * v;
          W[(o * inG + (i - q * inG)) * k2 + t] = v;
        }
      }
    }
  }
  return { W, c1, c2, inG, outG, k, k2, kept, total };
}

/**
 * One conv of a (possibly pruned) network to `g` groups, for compress's proposals: the
 * block-diagonal part of its weights, refitted on the calibration (when given) to reproduce the
 * ORIGINAL conv's output channels `targetChannels` (those its pruned output still carries).
 * Returns the relative fit error on the fit images (undefined without data).
 */
export async function groupOneConv(graph: Graph, conv: Node, g: number, calibration?: Calibration, targetChannels?: readonly number[]): Promise<number | undefined> {
  if (!matchGroup(graph, conv, g)) throw new UsageError(`group: ${conv.label} cannot be split into ${g} groups`);
  const { W, c2, inG, k } = blockDiagonal(floatWeights(graph, conv.inputs[1], conv.label)!, g);
  setWeight(graph, conv, 1, `${conv.name}.weight_g${g}`, [c2, inG, ...k], W);
  graph.setAttr(conv, 'group', int(g));
  if (!calibration) return undefined;
  const fit = await calibration.fitConvNode(graph, conv, 'group', conv.inputs[0]!, conv.outputs[0]!, conv.name, targetChannels);
  setFitted(graph, conv, `${conv.name}.g${g}`, [c2, inG, ...k], fit);
  return fit.fitError;
}
