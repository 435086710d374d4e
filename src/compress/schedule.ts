/**
 * NetAdapt's per-step resource reduction (Yang et al., ECCV 2018, §3.2): each step must cut the
 * resource by a decaying amount, a share of the ORIGINAL model's, until the goal.
 * // target_i = max(goal, current − first · decay^i)
 */
export interface ScheduleOptions {
  /** Reduction of the first step, as a share of the original (default 0.1). */
  first?: number;
  /** Each step's reduction is the previous one's times this (default 0.96). */
  decay?: number;
}

/** The defaults: the CLI's too, and what `bench:netadapt`'s figures were measured with. */
export const SCHEDULE_DEFAULTS: Readonly<Required<ScheduleOptions>> = { first: 0.1, decay: 0.96 };

/** The resource (relative to the original, 1 = original) step `i` (from 0) must reach from `current`. */
export function stepTarget(i: number, current: number, goal: number, o: ScheduleOptions = {}): number {
  const first = o.first ?? SCHEDULE_DEFAULTS.first;
  const decay = o.decay ?? SCHEDULE_DEFAULTS.decay;
  return Math.max(goal, current - first * decay ** i);
}
