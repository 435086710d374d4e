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
import type { Calibration } from '../calibrate/index.js';
import { costModel } from '../cost/index.js';
import { compare, environment, prepareGraph, type CompareOptions, type Engine } from '../engine/index.js';
import { readOnnx, writeOnnx } from '../formats/onnx/index.js';
import type { Graph } from '../ir/index.js';
import { inferShapes, type BindOptions } from '../ops/index.js';
import { PASSES, runPasses } from '../rewrite/index.js';
import { cutGroups, finishCuts, prunableGroups, pruneToWidths, type AliveChannels, type GroupInfo } from '../rewrite/index.js';
import { measuredLatency, type LatencyEstimator } from './estimator.js';
import { explainChange } from './explain.js';
import { paretoFront, type FrontPoint } from './front.js';
import type { CompressLog, Proposal, StepLog } from './log.js';
import { stepTarget, type ScheduleOptions } from './schedule.js';
import { describeTarget, goalOf, type Target } from './targets.js';
import { UsageError } from '../errors.js';

export interface CompressProgress {
  step: number;
  /** 0–1 of the way to the target (by the resource measured so far). */
  fraction: number;
  /** Speed-up measured so far, and held-out accuracy. */
  speedup: number;
  accuracy: number;
  what: string;
}

export interface CompressOptions {
  target: Target;
  /** Runs the fits and the held-out scoring. */
  engine: Engine;
  /** Times the models: the latency the target is about (e.g. ORT CPU, 1 thread). */
  timer: Engine;
  /** Batch of the timings. */
  batch: number;
  bind?: BindOptions;
  calibration: Calibration;
  /** Accuracy of a model on the held-out selection split, in [0, 1] (top-1, or agreement without labels). */
  score(graph: Graph): Promise<number>;
  /**
   * Accuracy and a smoother selection score (higher is better, e.g. −mean KL to the original's
   * outputs) in one pass over the held-out split; when given, proposals are ranked by `selection`
   * and `score` is not called.
   */
  evaluate?(graph: Graph): Promise<{ accuracy: number; selection: number }>;
  /**
   * How a step chooses: 'accuracy' (NetAdapt: the single most accurate proposal that meets the
   * step) or 'ratio' (default: proposals capped at `maxCut`, least score lost per latency saved,
   * combined until the step is met).
   */
  select?: 'accuracy' | 'ratio';
  /** With select 'ratio': the largest share of a group's current width one step removes (default 0.25). */
  maxCut?: number;
  /** Default: measured on `timer` (median of a short run). */
  estimator?: LatencyEstimator;
  /** Stop before a step that would cost more than this many points of held-out accuracy. */
  maxDrop?: number;
  /** Widths are multiples of this (default 8). */
  round?: number;
  schedule?: ScheduleOptions;
  /** Steps at most (default 40). */
  maxSteps?: number;
  /** Each step's re-measurement against the original (default 3 s, ≥ 10 pairs). */
  compare?: CompareOptions;
  /** Rebuild the final widths from the start with every layer refitted (default true). */
  finalRefit?: boolean;
  /** The calibration of that final rebuild (default `calibration`): more samples than the search's many fits can afford. */
  finalCalibration?: Calibration;
  /** Keep every step's model (graphs) in the result. */
  keepGraphs?: boolean;
  /** Names for the log. */
  modelName?: string;
  calibInfo?: { calib: number; holdout: number; accuracyOn: string };
  onProgress?(p: CompressProgress): void;
}

export interface CompressResult {
  graph: Graph;
  /** The start model (exact passes applied): what accuracies and speed-ups are relative to. */
  start: Graph;
  log: CompressLog;
  /** Every step's model, when `keepGraphs` (index 0 = the start). */
  graphs?: Graph[];
}

const clone = (g: Graph, bind: BindOptions): Graph => {
  const c = readOnnx(writeOnnx(g).model, { source: 'compress copy' });
  inferShapes(c, bind);
  return c;
};

/** Per-image costs: shapes inferred without the timing batch. */
function costs(g: Graph, bind: BindOptions): { madds: number; params: number } {
  inferShapes(g, bind);
  const t = costModel(g).totals;
  return { madds: t.madds, params: t.params };
}

interface State {
  graph: Graph;
  alive: AliveChannels;
  widths: Map<string, number>;
}

export async function compress(original: Graph, o: CompressOptions): Promise<CompressResult> {
  const t0 = performance.now();
  const { batch: _ignored, ...rest } = o.bind ?? {};
  const bind: BindOptions = rest;
  const round = o.round ?? 8;
  const metric = o.target.metric;
  const estimator = o.estimator ?? measuredLatency(o.timer, { batch: o.batch, bind });
  const cmpOpts: CompareOptions = { budgetMs: 3000, minPairs: 10, ...o.compare };
  const progress = (p: CompressProgress) => o.onProgress?.(p);

  // The exact passes first: they change no output, and the search starts from their result.
  const start = clone(original, bind);
  const exact = await runPasses(start, PASSES.filter((p) => p.exact).map((pass) => ({ pass, params: {} })), { bind });
  const exactPasses = exact.filter((r) => r.changes.length).map((r) => `${r.id} (${r.changes.length})`);
  const groups = prunableGroups(start);
  const cost0 = costs(start, bind);
  const prepStart = prepareGraph(clone(start, bind), 'original', { ...bind, batch: o.batch });
  /** Held-out accuracy and selection score (the accuracy itself without `evaluate`). */
  const evalBoth = async (g: Graph): Promise<{ accuracy: number; selection: number }> => {
    if (o.evaluate) return o.evaluate(g);
    const a = await o.score(g);
    return { accuracy: a, selection: a };
  };
  const first0 = await evalBoth(clone(start, bind));
  const acc0 = first0.accuracy;
  let selCur = first0.selection;
  progress({ step: 0, fraction: 0, speedup: 1, accuracy: acc0, what: 'original scored' });

  const measure = async (g: Graph) => {
    const r = await compare(prepStart, prepareGraph(clone(g, bind), 'candidate', { ...bind, batch: o.batch }), o.timer, cmpOpts);
    return { speedup: r.ratio.median, lo: r.ratio.lo, hi: r.ratio.hi, pairs: r.ratio.pairs, ms: r.b.stats.median, originalMs: r.a.stats.median };
  };
  // The original's time (ms targets are turned into a share of it; it drifts with the machine's load).
  const self = await compare(prepStart, prepareGraph(clone(start, bind), 'original again', { ...bind, batch: o.batch }), o.timer, { ...cmpOpts, budgetMs: Math.min(cmpOpts.budgetMs ?? 3000, 1500) });
  const originalMs = self.a.stats.median;
  const goalRel =
    metric === 'latency' ? (o.target.kind === 'ratio' ? o.target.value : o.target.value / originalMs) : goalOf(o.target, cost0[metric]) / cost0[metric];
  const met = (m: { speedup: number; ms: number }, c: { madds: number; params: number }) =>
    metric === 'latency' ? (o.target.kind === 'ratio' ? 1 / m.speedup <= o.target.value : m.ms <= o.target.value) : c[metric] <= goalOf(o.target, cost0[metric]);

  // Latency predictions are relative to the current model, estimated afresh each step (a load
  // that drifts between steps then cancels): predicted = curRel × correction × est(cand) / est(cur).
  let estCur = 1;
  let correction = 1;
  const estCache = new Map<string, number>();
  const key = (w: ReadonlyMap<string, number>) => [...w].map(([k, v]) => `${k}:${v}`).join(',');

  let cur: State = { graph: start, alive: new Map(), widths: new Map(groups.map((g) => [g.id, g.size])) };
  let curRel = 1;
  const steps: StepLog[] = [];
  const points: FrontPoint[] = [{ step: 0, speedup: 1, accuracy: acc0 }];
  const graphs: Graph[] = o.keepGraphs ? [start] : [];
  let stop = 'step limit reached';
  let reached = false;
  let lastMeasured = { speedup: 1, lo: 1, hi: 1, pairs: 0, ms: originalMs, originalMs };

  /** The current model with `g` cut to `w`; fitted on data when `fit`. */
  const cut = (s: State, g: GroupInfo, w: number, fit: boolean): Promise<State> => cutMany(s, [{ info: g, width: w }], fit);
  const cutMany = async (s: State, cuts: { info: GroupInfo; width: number }[], fit: boolean): Promise<State> => {
    const graph = clone(s.graph, bind);
    const alive: AliveChannels = new Map([...s.alive].map(([k, v]) => [k, v.slice()]));
    const refit = cutGroups(graph, cuts, alive);
    await finishCuts(graph, refit, alive, fit ? o.calibration : undefined, bind);
    const widths = new Map(s.widths);
    for (const c of cuts) widths.set(c.info.id, c.width);
    return { graph, alive, widths };
  };
  const mode = o.select ?? 'ratio';
  const maxCut = o.maxCut ?? 0.25;
  if (!(maxCut > 0 && maxCut < 1)) throw new UsageError(`compress: maxCut must be a share in (0, 1), got ${maxCut}`);
  /** Predicted resource of the current model with `g` cut to `w`, relative to the start. */
  const predict = async (s: State, g: GroupInfo, w: number): Promise<{ rel: number; raw: number }> => {
    const widths = new Map(s.widths).set(g.id, w);
    const k = key(widths);
    let raw = estCache.get(k);
    if (raw === undefined) {
      const c = await cut(s, g, w, false);
      raw = metric === 'latency' ? await estimator.estimate(c.graph) : costs(c.graph, bind)[metric];
      estCache.set(k, raw);
    }
    return { rel: metric === 'latency' ? (curRel * correction * raw) / estCur : raw / cost0[metric], raw };
  };

  for (let i = 0; i < (o.maxSteps ?? 40); i++) {
    const stepStart = performance.now();
    if (metric === 'latency') {
      estCache.clear();
      estCur = await estimator.estimate(clone(cur.graph, bind));
    }
    let target = stepTarget(i, curRel, goalRel, o.schedule);
    type Prop = Proposal & { info: GroupInfo; raw: number };
    let proposals: Prop[] = [];
    const status = (what: string) => progress({ step: i + 1, fraction: fractionDone(curRel, goalRel), speedup: lastMeasured.speedup, accuracy: points[points.length - 1]!.accuracy, what });
    /** The widest option (options: widest first) that meets `target`, by binary search (narrower is never slower). */
    const widestMeeting = async (g: GroupInfo, options: number[]): Promise<{ w: number; rel: number; raw: number; meets: boolean }> => {
      let lo = 0;
      let hi = options.length - 1;
      const last = await predict(cur, g, options[hi]!);
      if (last.rel > target) return { w: options[hi]!, ...last, meets: false };
      let best = { w: options[hi]!, ...last };
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const p = await predict(cur, g, options[mid]!);
        if (p.rel <= target) {
          best = { w: options[mid]!, ...p };
          hi = mid;
        } else lo = mid + 1;
      }
      return { ...best, meets: true };
    };
    const optionsOf = (from: number, floor: number): number[] => {
      const options: number[] = [];
      for (let w = Math.ceil(from / round) * round - round; w >= round; w -= round) if (w < from && (w >= floor || !options.length)) options.push(w);
      return options;
    };
    // The current model by the same prediction (latency: corrected), what a proposal's saving is measured from.
    const relNow = metric === 'latency' ? curRel * correction : curRel;
    if (mode === 'ratio') {
      // Each group: the widest cut that meets the step, but never more than maxCut of its width.
      for (const g of groups) {
        const from = cur.widths.get(g.id)!;
        const options = optionsOf(from, from * (1 - maxCut));
        if (!options.length) continue;
        status(`step ${i + 1}: sizing ${g.id}`);
        const b = await widestMeeting(g, options);
        if (b.rel >= relNow - 1e-9) continue; // saves nothing by the estimator
        proposals.push({ group: g.id, producer: g.producer, from, to: b.w, predicted: b.rel, meets: b.meets, info: g, raw: b.raw });
      }
    } else {
      for (let tries = 0; tries < 4; tries++) {
        proposals = [];
        // Propose: per group, the widest multiple of `round` below its width that meets the target.
        for (const g of groups) {
          const from = cur.widths.get(g.id)!;
          const options = optionsOf(from, 0);
          if (!options.length) continue;
          status(`step ${i + 1}: sizing ${g.id}`);
          const b = await widestMeeting(g, options);
          proposals.push({ group: g.id, producer: g.producer, from, to: b.w, predicted: b.rel, meets: b.meets, info: g, raw: b.raw });
        }
        const meeting = proposals.filter((p) => p.meets).length;
        // When too few groups can meet the step alone, the step is halved (NetAdapt's steps are
        // small enough for one layer; a residual network's groups are many and small).
        if (meeting >= Math.min(3, Math.ceil(proposals.length / 4)) || target >= curRel - 1e-3 || target <= goalRel) break;
        target = curRel - (curRel - target) / 2;
      }
    }
    const pool = mode === 'ratio' ? proposals : proposals.filter((p) => p.meets);
    if (!pool.length) {
      stop = proposals.length ? `no group meets the step alone (target ${target.toFixed(3)} of the original, down from ${curRel.toFixed(3)})` : 'no group can be cut further';
      break;
    }
    // Fit and score each proposal.
    const fitted = new Map<Prop, { s: State; acc: number; sel: number }>();
    for (const [k, p] of pool.entries()) {
      status(`step ${i + 1}: fitting ${p.group} ${p.from}→${p.to} (${k + 1}/${pool.length})`);
      const s = await cut(cur, p.info, p.to, true);
      const e = await evalBoth(s.graph);
      p.accuracy = e.accuracy;
      p.selection = e.selection;
      fitted.set(p, { s, acc: e.accuracy, sel: e.selection });
    }
    let chosen: { p: Prop; also: Prop[]; s: State; acc: number; sel: number; predicted: number };
    if (mode === 'ratio') {
      // Least score lost per latency saved first; take proposals in that order until the step is met.
      const cost = (p: Prop) => (selCur - fitted.get(p)!.sel) / (relNow - p.predicted);
      const order = [...pool].sort((a, b) => cost(a) - cost(b) || a.predicted - b.predicted);
      const take: Prop[] = [];
      let predicted = curRel;
      for (const p of order) {
        take.push(p);
        if (take.length === 1) predicted = p.predicted;
        else {
          const widths = new Map(cur.widths);
          for (const q of take) widths.set(q.info.id, q.to);
          const k = key(widths);
          let raw = estCache.get(k);
          if (raw === undefined) {
            const c = await cutMany(cur, take.map((q) => ({ info: q.info, width: q.to })), false);
            raw = metric === 'latency' ? await estimator.estimate(c.graph) : costs(c.graph, bind)[metric];
            estCache.set(k, raw);
          }
          predicted = metric === 'latency' ? (curRel * correction * raw) / estCur : raw / cost0[metric];
        }
        if (predicted <= target) break;
      }
      const [head, ...also] = take;
      if (!also.length) {
        const f = fitted.get(head!)!;
        chosen = { p: head!, also, s: f.s, acc: f.acc, sel: f.sel, predicted };
      } else {
        status(`step ${i + 1}: fitting ${take.length} cuts together`);
        const s = await cutMany(cur, take.map((q) => ({ info: q.info, width: q.to })), true);
        const e = await evalBoth(s.graph);
        chosen = { p: head!, also, s, acc: e.accuracy, sel: e.selection, predicted };
      }
    } else {
      // Keep the most accurate (ties: the smaller prediction).
      let best: Prop | undefined;
      for (const p of pool) {
        const f = fitted.get(p)!;
        if (!best || f.sel > fitted.get(best)!.sel || (f.sel === fitted.get(best)!.sel && p.predicted < best.predicted)) best = p;
      }
      const f = fitted.get(best!)!;
      chosen = { p: best!, also: [], s: f.s, acc: f.acc, sel: f.sel, predicted: best!.predicted };
    }
    const { p, also, s, acc } = chosen;
    const what = [p, ...also].map((q) => `${q.group} ${q.from}→${q.to}`).join(', ');
    if (o.maxDrop !== undefined && (acc0 - acc) * 100 > o.maxDrop) {
      stop = `the next step (${what}) would drop held-out accuracy ${((acc0 - acc) * 100).toFixed(2)} pt, over --max-drop ${o.maxDrop}`;
      break;
    }
    progress({ step: i + 1, fraction: fractionDone(curRel, goalRel), speedup: lastMeasured.speedup, accuracy: acc, what: `step ${i + 1}: measuring ${what}` });
    const m = await measure(s.graph);
    const c = costs(s.graph, bind);
    const measuredRel = 1 / m.speedup;
    let corr: number | null = null;
    if (metric === 'latency') {
      corr = measuredRel / chosen.predicted;
      // NetAdapt re-measures: the next predictions are corrected by measured / predicted of this
      // model (bounded, and averaged geometrically with the last, so one noisy timing cannot swing it).
      correction = Math.sqrt(correction * Math.min(1.25, Math.max(0.8, correction * corr)));
    }
    cur = s;
    selCur = chosen.sel;
    curRel = metric === 'latency' ? measuredRel : c[metric] / cost0[metric];
    lastMeasured = m;
    steps.push({
      step: i + 1,
      target,
      change: { kind: 'prune', group: p.group, producer: p.producer, from: p.from, to: p.to, ...(also.length ? { also: also.map((q) => ({ group: q.group, producer: q.producer, from: q.from, to: q.to })) } : {}) },
      proposals: proposals.map(({ info: _i, raw: _r, ...q }) => q),
      predictedLatency: metric === 'latency' ? chosen.predicted : null,
      measured: m,
      correction: corr,
      madds: c.madds,
      params: c.params,
      accuracy: acc,
      selection: chosen.sel,
      seconds: (performance.now() - stepStart) / 1000,
    });
    points.push({ step: i + 1, speedup: m.speedup, accuracy: acc });
    if (o.keepGraphs) graphs.push(s.graph);
    if (met(m, c)) {
      reached = true;
      stop = 'target met as measured';
      break;
    }
  }

  // NetAdapt's final long fine-tune, as a refit: the final widths from the start, every layer in order.
  let final = cur.graph;
  let fit: 'incremental' | 'refit' = 'incremental';
  let accFinal = points[points.length - 1]!.accuracy;
  let selFinal = selCur;
  if ((o.finalRefit ?? true) && steps.length) {
    progress({ step: steps.length, fraction: 1, speedup: lastMeasured.speedup, accuracy: accFinal, what: 'refitting the final widths from the start' });
    const g = clone(start, bind);
    await pruneToWidths(g, groups, cur.widths, o.finalCalibration ?? o.calibration, bind);
    const a = await evalBoth(g);
    if (a.selection > selCur) {
      final = g;
      fit = 'refit';
      accFinal = a.accuracy;
      selFinal = a.selection;
    }
  }
  costs(final, bind);
  costs(start, bind);
  const cf = costs(final, bind);
  const explanation = explainChange(start, final, lastMeasured.speedup);
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
      fit,
      heldOut: { original: acc0, final: accFinal, selection: selFinal },
      test: null,
      speedup: { median: lastMeasured.speedup, lo: lastMeasured.lo, hi: lastMeasured.hi },
      maddsRatio: cf.madds / cost0.madds,
      paramsRatio: cf.params / cost0.params,
    },
    explanation,
    env: environment(),
  };
  void t0;
  return { graph: final, start, log, ...(o.keepGraphs ? { graphs } : {}) };
}

function fractionDone(rel: number, goal: number): number {
  return Math.max(0, Math.min(1, (1 - rel) / (1 - goal)));
}
