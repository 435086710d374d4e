/**
 * What `compress` is asked (`CompressOptions`), what it reports while it runs (`CompressProgress`)
 * and what it returns (`CompressResult`).
 */
import type { Calibration } from '../calibrate/index.js';
import type { CompareOptions, Engine } from '../engine/index.js';
import type { Graph } from '../ir/index.js';
import type { BindOptions } from '../ops/index.js';
import type { LatencyEstimator } from './estimator.js';
import type { CompressLog } from './log.js';
import type { ScheduleOptions } from './schedule.js';
import type { Target } from './targets.js';

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
  /**
   * Which channels a cut keeps: 'energy' (default: each channel's mean squared contribution to its
   * consumers' outputs on the calibration's fit images) or 'l1' (the filters' weight norms, data-free).
   */
  criterion?: 'energy' | 'l1';
  /**
   * What each step proposes: 'prune' (every channel group cut, always) and 'group' (every conv
   * not yet grouped split into 2 groups, block-diagonal weights fitted on data). Default ['prune'].
   */
  kinds?: ('prune' | 'group')[];
  /**
   * Start the steps from a uniform cut: every group cut by this share of its channels (rounded
   * to `round`), fitted on the calibration and measured, logged as step 1 (default: none).
   */
  startRatio?: number;
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
