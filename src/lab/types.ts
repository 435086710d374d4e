/**
 * Guideline experiments as data: each is a list of configurations (networks built with the zoo
 * builder) with their theory, the paper's published relative speed where there is one, and the
 * claim the measurement decides.
 */
import type { Graph } from '../ir/index.js';

export interface LabConfig {
  /** Row label, e.g. `1:6` or `g=4`. */
  row: string;
  /** Column (size) the row belongs to, e.g. `x1 (32,32)`; rows are compared within a column. */
  column: string;
  /** Extra description: channel counts and so on. */
  detail: string;
  build(): Graph;
  /** The expected time relative to the column's first row, from theory (madds ratio), if the claim is about madds. */
  theoryTimeRatio?: number;
  /** The paper's speed of this row relative to the column's first row (GPU and CPU/ARM columns). */
  published?: { gpu?: number; cpu?: number };
}

export interface Claim {
  /** What the system teaches, in one line. */
  text: string;
  /**
   * The statistical test, given each row's speed relative to its column's first row (median and
   * 95% interval over interleaved rounds): does the claim hold in this column?
   */
  holds(rows: readonly RowResult[]): { holds: boolean; because: string };
}

export interface RowResult {
  config: LabConfig;
  madds: number;
  memAccess: number;
  /** ms per run */
  median: number;
  p10: number;
  p90: number;
  /** Speed relative to the column's first row: t_first / t_row, median of interleaved rounds. */
  relSpeed: { median: number; lo: number; hi: number };
}

export interface Experiment {
  id: string;
  title: string;
  /** Where the design and the published numbers come from. */
  source: string;
  claim: Claim;
  configs(options: { quick: boolean }): LabConfig[];
  /** Why a claim may not hold on this engine (shown when it does not). */
  explain(context: { holds: boolean; optLevel: string; engine: string; rows: readonly RowResult[] }): string | undefined;
}
