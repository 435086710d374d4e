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
  const acc0 = await o.score(clone(start, bind));
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
  const cut = async (s: State, g: GroupInfo, w: number, fit: boolean): Promise<State> => {
    const graph = clone(s.graph, bind);
    const alive: AliveChannels = new Map([...s.alive].map(([k, v]) => [k, v.slice()]));
    const refit = cutGroups(graph, [{ info: g, width: w }], alive);
    await finishCuts(graph, refit, alive, fit ? o.calibration : undefined, bind);
    return { graph, alive, widths: new Map(s.widths).set(g.id, w) };
  };
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
    // When too few groups can meet the step alone, the step is halved (NetAdapt's steps are
    // small enough for one layer; a residual network's groups are many and small).
    if (metric === 'latency') {
      estCache.clear();
      estCur = await estimator.estimate(clone(cur.graph, bind));
    }
    let target = stepTarget(i, curRel, goalRel, o.schedule);
    let proposals: (Proposal & { info: GroupInfo; raw: number })[] = [];
    for (let tries = 0; tries < 4; tries++) {
      proposals = [];
      // Propose: per group, the widest multiple of `round` below its width that meets the target.
      for (const g of groups) {
        const from = cur.widths.get(g.id)!;
        const options: number[] = [];
        for (let w = Math.ceil(from / round) * round - round; w >= round; w -= round) if (w < from) options.push(w);
        if (!options.length) continue;
        progress({ step: i + 1, fraction: fractionDone(curRel, goalRel), speedup: lastMeasured.speedup, accuracy: points[points.length - 1]!.accuracy, what: `step ${i + 1}: sizing ${g.id}` });
        // Binary search for the first (widest) option that meets the target, assuming narrower is never slower.
        let lo = 0;
        let hi = options.length - 1;
        const last = await predict(cur, g, options[hi]!);
        if (last.rel > target) {
          proposals.push({ group: g.id, producer: g.producer, from, to: options[hi]!, predicted: last.rel, meets: false, info: g, raw: last.raw });
          continue;
        }
        let best = { w: options[hi]!, ...last };
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          const p = await predict(cur, g, options[mid]!);
          if (p.rel <= target) {
            best = { w: options[mid]!, ...p };
            hi = mid;
          } else lo = mid + 1;
        }
        proposals.push({ group: g.id, producer: g.producer, from, to: best.w, predicted: best.rel, meets: true, info: g, raw: best.raw });
      }
      const meeting = proposals.filter((p) => p.meets).length;
      if (meeting >= Math.min(3, Math.ceil(proposals.length / 4)) || target >= curRel - 1e-3 || target <= goalRel) break;
      target = curRel - (curRel - target) / 2;
    }
    const pool = proposals.filter((p) => p.meets);
    if (!pool.length) {
      stop = proposals.length ? `no group meets the step alone (target ${target.toFixed(3)} of the original, down from ${curRel.toFixed(3)})` : 'no group can be cut further';
      break;
    }
    // Fit and score each proposal; keep the most accurate (ties: the smaller prediction).
    let chosen: { p: (typeof pool)[number]; s: State; acc: number } | undefined;
    for (const [k, p] of pool.entries()) {
      progress({ step: i + 1, fraction: fractionDone(curRel, goalRel), speedup: lastMeasured.speedup, accuracy: points[points.length - 1]!.accuracy, what: `step ${i + 1}: fitting ${p.group} ${p.from}→${p.to} (${k + 1}/${pool.length})` });
      const s = await cut(cur, p.info, p.to, true);
      p.accuracy = await o.score(s.graph);
      if (!chosen || p.accuracy > chosen.acc || (p.accuracy === chosen.acc && p.predicted < chosen.p.predicted)) chosen = { p, s, acc: p.accuracy };
    }
    const { p, s, acc } = chosen!;
    if (o.maxDrop !== undefined && (acc0 - acc) * 100 > o.maxDrop) {
      stop = `the next step (${p.group} ${p.from}→${p.to}) would drop held-out accuracy ${((acc0 - acc) * 100).toFixed(2)} pt, over --max-drop ${o.maxDrop}`;
      break;
    }
    progress({ step: i + 1, fraction: fractionDone(curRel, goalRel), speedup: lastMeasured.speedup, accuracy: acc, what: `step ${i + 1}: measuring ${p.group} ${p.from}→${p.to}` });
    const m = await measure(s.graph);
    const c = costs(s.graph, bind);
    const measuredRel = 1 / m.speedup;
    let corr: number | null = null;
    if (metric === 'latency') {
      corr = measuredRel / p.predicted;
      // NetAdapt re-measures: the next predictions are corrected by measured / predicted of this
      // model (bounded, and averaged geometrically with the last, so one noisy timing cannot swing it).
      correction = Math.sqrt(correction * Math.min(1.25, Math.max(0.8, correction * corr)));
    }
    cur = s;
    curRel = metric === 'latency' ? measuredRel : c[metric] / cost0[metric];
    lastMeasured = m;
    steps.push({
      step: i + 1,
      target,
      change: { kind: 'prune', group: p.group, producer: p.producer, from: p.from, to: p.to },
      proposals: proposals.map(({ info: _i, raw: _r, ...q }) => q),
      predictedLatency: metric === 'latency' ? p.predicted : null,
      measured: m,
      correction: corr,
      madds: c.madds,
      params: c.params,
      accuracy: acc,
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
  if ((o.finalRefit ?? true) && steps.length) {
    progress({ step: steps.length, fraction: 1, speedup: lastMeasured.speedup, accuracy: accFinal, what: 'refitting the final widths from the start' });
    const g = clone(start, bind);
    await pruneToWidths(g, groups, cur.widths, o.calibration, bind);
    const a = await o.score(g);
    if (a > accFinal) {
      final = g;
      fit = 'refit';
      accFinal = a;
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
      maxDrop: o.maxDrop ?? null,
      exactPasses,
    },
    original: { madds: cost0.madds, params: cost0.params, accuracy: acc0, ms: originalMs },
    steps,
    front: paretoFront(points),
    final: {
      reached,
      stop,
      widths,
      fit,
      heldOut: { original: acc0, final: accFinal },
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
