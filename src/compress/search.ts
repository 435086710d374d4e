/**
 * NetAdapt (Yang et al., ECCV 2018) on leannet's passes: starting from the model with every exact
 * pass applied, each step proposes, for every prunable channel group, the widest cut (a multiple
 * of `round` channels) whose predicted resource meets the step's target (the estimator, corrected
 * by the last measurement, for latency; the cost model for madds and params), fits each proposal
 * on the calibration split (least-squares refit of the consumers that lost channels), scores it on
 * the held-out split, keeps the most accurate, re-measures the whole model against the original
 * on the engine (interleaved), corrects the estimator by measured / predicted, and repeats until
 * the target is met as measured. The final widths are then rebuilt once from the start model with
 * every layer refitted in order (NetAdapt's long fine-tune, here a refit), kept when it scores better.
 * // step i: argmax_{g, w_g: predicted(w_g) ≤ target_i} acc_heldout(fit(cut(g, w_g)))
 *
 * `select: 'ratio'` (the sensitivity-greedy variant, as in AMC and greedy channel pruning): each
 * group proposes a cut of at most `maxCut` of its current width (the widest that meets the step,
 * else the cap), each is fitted and scored, and the step keeps the proposals with the least score
 * lost per predicted latency saved, as many together as the step needs, fitted together once.
 * // step i: sort g by (s_cur − s(fit(cut(g, w_g)))) / (r_cur − r(w_g)); cut the first k until r(w_1..k) ≤ target_i
 */
import { environment } from '../engine/index.js';
import type { Graph } from '../ir/index.js';
import { inferShapes, type BindOptions } from '../ops/index.js';
import { PASSES, keptWidth, prunableGroups, prunableGroupsByEnergy, runPasses } from '../rewrite/index.js';
import { UsageError } from '../errors.js';
import { measuredLatency } from './estimator.js';
import { explainChange } from './explain.js';
import { paretoFront, type FrontPoint } from './front.js';
import type { CompressLog, StepLog } from './log.js';
import { startMeter, type Measured } from './measure.js';
import type { CompressOptions, CompressProgress, CompressResult } from './options.js';
import { Predictor } from './predictor.js';
import { describeProp, fitProposals, proposeStep, type Prop } from './proposals.js';
import { finalRefit } from './refit.js';
import { stepTarget } from './schedule.js';
import { selectBest, selectRatio, type Chosen } from './select.js';
import { clone, costs, cutState, type SearchContext, type State } from './state.js';
import { describeTarget, goalOf } from './targets.js';

export type { CompressOptions, CompressProgress, CompressResult } from './options.js';

export async function compress(original: Graph, o: CompressOptions): Promise<CompressResult> {
  const { batch: _ignored, ...rest } = o.bind ?? {};
  const bind: BindOptions = rest;
  const metric = o.target.metric;
  const progress = (p: CompressProgress) => o.onProgress?.(p);
  const mode = o.select ?? 'ratio';
  const maxCut = o.maxCut ?? 0.25;
  if (!(maxCut > 0 && maxCut < 1)) throw new UsageError(`compress: maxCut must be a share in (0, 1), got ${maxCut}`);
  if (o.criterion !== undefined && o.criterion !== 'energy' && o.criterion !== 'l1') throw new UsageError(`compress: criterion must be energy or l1, got '${String(o.criterion)}'`);

  // The exact passes first: they change no output, and the search starts from their result.
  const start = clone(original, bind);
  const exact = await runPasses(start, PASSES.filter((p) => p.exact).map((pass) => ({ pass, params: {} })), { bind });
  const exactPasses = exact.filter((r) => r.changes.length).map((r) => `${r.id} (${r.changes.length})`);
  const ctx: SearchContext = {
    o,
    bind,
    round: o.round ?? 8,
    metric,
    estimator: o.estimator ?? measuredLatency(o.timer, { batch: o.batch, bind }),
    groups: (o.criterion ?? 'energy') === 'energy' ? await prunableGroupsByEnergy(start, o.calibration) : prunableGroups(start),
    cost0: costs(start, bind),
    async evaluate(g) {
      if (o.evaluate) return o.evaluate(g);
      const a = await o.score(g);
      return { accuracy: a, selection: a };
    },
  };
  const { groups, cost0, round, estimator } = ctx;
  const first0 = await ctx.evaluate(clone(start, bind));
  const acc0 = first0.accuracy;
  let selCur = first0.selection;
  progress({ step: 0, fraction: 0, speedup: 1, accuracy: acc0, what: 'original scored' });

  const meter = await startMeter(ctx, start);
  const originalMs = meter.originalMs;
  const goalRel =
    metric === 'latency' ? (o.target.kind === 'ratio' ? o.target.value : o.target.value / originalMs) : goalOf(o.target, cost0[metric]) / cost0[metric];
  const met = (m: { speedup: number; ms: number }, c: { madds: number; params: number }) =>
    metric === 'latency' ? (o.target.kind === 'ratio' ? 1 / m.speedup <= o.target.value : m.ms <= o.target.value) : c[metric] <= goalOf(o.target, cost0[metric]);

  const pred = new Predictor(ctx);
  let cur: State = { graph: start, alive: new Map(), widths: new Map(groups.map((g) => [g.id, g.size])), convs: new Map() };
  const steps: StepLog[] = [];
  const points: FrontPoint[] = [{ step: 0, speedup: 1, accuracy: acc0 }];
  const graphs: Graph[] = o.keepGraphs ? [start] : [];
  let stop = 'step limit reached';
  let reached = false;
  let lastMeasured: Measured = { speedup: 1, lo: 1, hi: 1, pairs: 0, ms: originalMs, originalMs };

  /** Keep a measured model as the next step (its change: `p`, and `also` taken with it). */
  const record = async (step: number, target: number, chosen: Kept, proposals: Prop[], stepStart: number): Promise<boolean> => {
    const { p, also, s, acc } = chosen;
    const m = await meter.measure(s.graph);
    const c = costs(s.graph, bind);
    const measuredRel = 1 / m.speedup;
    // A change without a prediction (the uniform start) moves the predictor to what was measured and corrects nothing.
    const corr = pred.update(chosen.predicted ?? measuredRel, measuredRel, c);
    cur = s;
    selCur = chosen.sel;
    lastMeasured = m;
    steps.push({
      step,
      target,
      change: { kind: p.kind, group: p.group, producer: p.producer, from: p.from, to: p.to, ...(also.length ? { also: also.map((q) => ({ kind: q.kind, group: q.group, producer: q.producer, from: q.from, to: q.to })) } : {}) },
      proposals: proposals.map(({ edit: _e, raw: _r, ...q }) => q),
      predictedLatency: metric === 'latency' ? chosen.predicted : null,
      measured: m,
      correction: chosen.predicted === null ? null : corr,
      madds: c.madds,
      params: c.params,
      accuracy: acc,
      selection: chosen.sel,
      seconds: (performance.now() - stepStart) / 1000,
    });
    points.push({ step, speedup: m.speedup, accuracy: acc });
    if (o.keepGraphs) graphs.push(s.graph);
    return met(m, c);
  };

  let first = 0;
  if (o.startRatio !== undefined) {
    // A uniform cut of every group first (fitted), measured; the steps refine it.
    const stepStart = performance.now();
    const cuts = groups.map((info) => ({ info, width: keptWidth(info.size, o.startRatio!, round) })).filter((c) => c.width < c.info.size);
    if (!cuts.length) throw new UsageError(`compress: a uniform start of ${o.startRatio} cuts no group (widths rounded to ${round})`);
    progress({ step: 1, fraction: 0, speedup: 1, accuracy: acc0, what: `uniform start: every group cut by ${o.startRatio}` });
    const s = await cutState(ctx, cur, cuts, true);
    const e = await ctx.evaluate(s.graph);
    const [head, ...rest] = cuts.map((c): Change => ({ kind: 'prune', group: c.info.id, producer: c.info.producer, from: c.info.size, to: c.width }));
    first = 1;
    if (await record(1, goalRel, { p: head!, also: rest, s, acc: e.accuracy, sel: e.selection, predicted: null }, [], stepStart)) {
      reached = true;
      stop = 'target met as measured (by the uniform start)';
    }
  }

  for (let i = first; i < (o.maxSteps ?? 40) && !reached; i++) {
    const stepStart = performance.now();
    await pred.startStep(cur);
    const status = (what: string) => progress({ step: i + 1, fraction: fractionDone(pred.curRel, goalRel), speedup: lastMeasured.speedup, accuracy: points[points.length - 1]!.accuracy, what });
    const { proposals, target } = await proposeStep(ctx, pred, cur, stepTarget(i, pred.curRel, goalRel, o.schedule), goalRel, mode, maxCut, status, i + 1);
    const pool = mode === 'ratio' ? proposals : proposals.filter((p) => p.meets);
    if (!pool.length) {
      stop = proposals.length ? `no group meets the step alone (target ${target.toFixed(3)} of the original, down from ${pred.curRel.toFixed(3)})` : 'no group can be cut further';
      break;
    }
    const fitted = await fitProposals(ctx, cur, pool, status, i + 1);
    const chosen: Chosen = mode === 'ratio' ? await selectRatio(ctx, pred, cur, pool, fitted, selCur, target, status, i + 1) : selectBest(pool, fitted);
    const { p, also, s, acc } = chosen;
    const what = [p, ...also].map(describeProp).join(', ');
    if (o.maxDrop !== undefined && (acc0 - acc) * 100 > o.maxDrop) {
      stop = `the next step (${what}) would drop held-out accuracy ${((acc0 - acc) * 100).toFixed(2)} pt, over --max-drop ${o.maxDrop}`;
      break;
    }
    progress({ step: i + 1, fraction: fractionDone(pred.curRel, goalRel), speedup: lastMeasured.speedup, accuracy: acc, what: `step ${i + 1}: measuring ${what}` });
    if (await record(i + 1, target, chosen, proposals, stepStart)) {
      reached = true;
      stop = 'target met as measured';
      break;
    }
  }

  let final = { graph: cur.graph, fit: 'incremental' as 'incremental' | 'refit', accuracy: points[points.length - 1]!.accuracy, selection: selCur };
  if ((o.finalRefit ?? true) && steps.length) {
    progress({ step: steps.length, fraction: 1, speedup: lastMeasured.speedup, accuracy: final.accuracy, what: 'refitting the final widths from the start' });
    final = await finalRefit(ctx, start, cur, final);
  }
  // explainChange compares both at the same (per-image) binding.
  inferShapes(start, bind);
  const cf = costs(final.graph, bind);
  const explanation = explainChange(start, final.graph, lastMeasured.speedup);
  const widths: CompressLog['final']['widths'] = {};
  for (const g of groups) {
    const w = cur.widths.get(g.id)!;
    if (w < g.size) widths[g.id] = { producer: g.producer, from: g.size, to: w };
  }
  const log: CompressLog = {
    schema: 'leannet.compress/1',
    model: o.modelName ?? 'model',
    output: null,
    target: { text: o.target.text, metric: o.target.metric, kind: o.target.kind, value: o.target.value, description: describeTarget(o.target) },
    settings: {
      engine: o.timer.info,
      batch: o.batch,
      estimator: metric === 'latency' ? (estimator.description ?? 'custom estimator') : `cost model (${metric}, exact)`,
      calib: o.calibInfo?.calib ?? 0,
      holdout: o.calibInfo?.holdout ?? 0,
      accuracyOn: o.calibInfo?.accuracyOn ?? 'held-out selection split',
      round,
      criterion: o.criterion ?? 'energy',
      kinds: o.kinds ?? ['prune'],
      startRatio: o.startRatio ?? null,
      select: mode,
      maxCut: mode === 'ratio' ? maxCut : null,
      maxDrop: o.maxDrop ?? null,
      exactPasses,
    },
    original: { madds: cost0.madds, params: cost0.params, accuracy: acc0, selection: first0.selection, ms: originalMs },
    steps,
    front: paretoFront(points),
    final: {
      reached,
      stop,
      widths,
      grouped: Object.fromEntries(cur.convs),
      fit: final.fit,
      heldOut: { original: acc0, final: final.accuracy, selection: final.selection },
      test: null,
      speedup: { median: lastMeasured.speedup, lo: lastMeasured.lo, hi: lastMeasured.hi },
      maddsRatio: cf.madds / cost0.madds,
      paramsRatio: cf.params / cost0.params,
    },
    explanation,
    env: environment(),
  };
  return { graph: final.graph, start, log, ...(o.keepGraphs ? { graphs } : {}) };
}

/** What a kept step changed (a proposal, or a cut of the uniform start, which proposes nothing). */
type Change = Pick<Prop, 'kind' | 'group' | 'producer' | 'from' | 'to'>;
/** A model to keep: its changes, its fitted state and scores, and its predicted resource (null: not predicted). */
type Kept = Pick<Chosen, 's' | 'acc' | 'sel'> & { p: Change; also: readonly Change[]; predicted: number | null };

function fractionDone(rel: number, goal: number): number {
  return Math.max(0, Math.min(1, (1 - rel) / (1 - goal)));
}
