/**
 * The step log of a `compress` run (JSON, schema `leannet.compress/1` in schemas/): the target,
 * the settings, every step's change with its predicted and measured resource and its held-out
 * accuracy, the accuracy–latency front, the final result on the test data, and the explanation.
 */
import type { EngineInfo, Environment } from '../engine/index.js';
import type { FrontPoint } from './front.js';
import type { Explanation } from './explain.js';

/**
 * One proposal in a step. Kind 'prune': a channel group cut from `from` to `to` channels, the
 * width that meets the step's target by the estimator. Kind 'group': the conv `producer` (also
 * `group`) split from `from` = 1 into `to` groups.
 */
export interface Proposal {
  kind: 'prune' | 'group';
  group: string;
  producer: string;
  from: number;
  to: number;
  /** Predicted resource after the change, relative to the original. */
  predicted: number;
  /** Whether the prediction meets the step's target. */
  meets: boolean;
  /** Held-out accuracy after fitting it (when it was fitted and scored). */
  accuracy?: number;
  /** Its selection score (the accuracy, or e.g. −mean KL to the original when the search has one). */
  selection?: number;
}

export interface StepLog {
  step: number;
  /** The resource this step had to reach, relative to the original. */
  target: number;
  /** The change kept: which group, from and to how many channels (`also`: more groups cut in the same step). */
  change: { kind: 'prune' | 'group'; group: string; producer: string; from: number; to: number; also?: { kind: 'prune' | 'group'; group: string; producer: string; from: number; to: number }[] };
  proposals: Proposal[];
  /** Latency relative to the original predicted for the change (estimator × correction). */
  predictedLatency: number | null;
  /** Measured on the engine against the original, interleaved: speed-up median and 95% interval. */
  measured: { speedup: number; lo: number; hi: number; pairs: number; ms: number; originalMs: number };
  /** measured / predicted relative latency: the correction applied to the next step's predictions. */
  correction: number | null;
  madds: number;
  params: number;
  /** Held-out (selection split) accuracy, in [0, 1]. */
  accuracy: number;
  /** The kept model's selection score (what proposals are ranked by; the accuracy unless the search has a smoother one). */
  selection: number;
  seconds: number;
}

export interface CompressLog {
  schema: 'leannet.compress/1';
  model: string;
  output: string | null;
  target: { text: string; metric: string; kind: string; value: number; description: string };
  settings: {
    engine: EngineInfo;
    batch: number;
    estimator: string;
    calib: number;
    holdout: number;
    /** What the accuracies of the steps and the front are measured on. */
    accuracyOn: string;
    round: number;
    /** Which channels a cut keeps: 'energy' (from the calibration data) or 'l1' (weight norms). */
    criterion: 'energy' | 'l1';
    /** The kinds of change each step proposes. */
    kinds?: ('prune' | 'group')[];
    /** The uniform cut the steps started from (step 1), or null. */
    startRatio?: number | null;
    /** 'ratio' (least score lost per latency saved, cuts capped at maxCut, combined) or 'accuracy' (NetAdapt's single most accurate). */
    select: 'ratio' | 'accuracy';
    maxCut: number | null;
    maxDrop: number | null;
    exactPasses: string[];
  };
  original: { madds: number; params: number; accuracy: number; selection: number; ms: number };
  steps: StepLog[];
  /** Non-dominated (speed-up, held-out accuracy) points among the original and every step. */
  front: FrontPoint[];
  final: {
    reached: boolean;
    /** Why it stopped. */
    stop: string;
    widths: Record<string, { producer: string; from: number; to: number }>;
    /** Convs made group convs: name → groups (empty unless kind 'group' was proposed and kept). */
    grouped?: Record<string, number>;
    /** 'incremental' (each step's local refits) or 'refit' (rebuilt from the original with the final widths, every layer refitted in order). */
    fit: 'incremental' | 'refit';
    /** Held-out accuracy of the original and the final model; `selection`: the final model's selection score. */
    heldOut: { original: number; final: number; selection: number };
    /** Top-1 on --test-data (never used by the search), when given. */
    test: { data: string; original: { value: number; lo: number; hi: number }; final: { value: number; lo: number; hi: number }; samples: number } | null;
    speedup: { median: number; lo: number; hi: number };
    maddsRatio: number;
    paramsRatio: number;
  };
  explanation: Explanation;
  env: Environment;
}
