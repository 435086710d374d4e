/**
 * Rewrite passes as data (STYLE.md #5): each finds its matches in a Graph and applies one,
 * with its algebra in a one-line comment. The pipeline validates the graph after every pass.
 */
import type { Calibration } from '../calibrate/index.js';
import type { Graph } from '../ir/index.js';

/** Options a pass takes from `--pass id:key=value,key=value`. */
export type PassParams = Readonly<Record<string, string>>;

export interface PassContext {
  /** Only nodes whose name matches (from `--only`). */
  only: ((name: string) => boolean) | undefined;
  params: PassParams;
  /** Weight seed for passes that initialise fresh weights. */
  seed: number;
  /** Real inputs: lossy passes fit their weights to the original network's activations. */
  calibration?: Calibration;
}

/** What one application changed, for the report. */
export interface Change {
  /** The nodes it replaced (names in the graph before the pass). */
  replaced: string[];
  /** The nodes it added. */
  added: string[];
  /** Free text: "folded BN 'bn1' into Conv 'conv1'". */
  summary: string;
  /** For approximate passes: ‖W − Ŵ‖ / ‖W‖ of the weights it approximated. */
  weightError?: number;
  /**
   * The node names that select this change again through `ctx.only` (how `--keep` rebuilds one
   * change alone); default `replaced`. A pruned group is selected by its producers, not by the
   * consumers it also touched (which produce other groups).
   */
  selectBy?: string[];
  /** Extra figures (rank chosen, energy kept, …). */
  detail?: Record<string, number | string>;
  /** Nodes whose input channels the change removed, with those kept: where data-aware refitting starts. */
  refit?: RefitTarget[];
}

/** A node (Conv, Gemm, MatMul) that lost input channels: `kept` are indices into the `of` channels `input` had. */
export interface RefitTarget {
  node: string;
  input: string;
  kept: number[];
  of: number;
}

export interface Pass<M = unknown> {
  id: string;
  /** Exact passes must reproduce the outputs (within float rounding); approximate ones report their error. */
  exact: boolean;
  /** One line: what it does, with its algebra. */
  algebra: string;
  /** Options the pass accepts, with their meaning. */
  params?: Readonly<Record<string, string>>;
  match(graph: Graph, ctx: PassContext): M[];
  /** May be async: a data-aware fit runs the network on the calibration set. */
  apply(graph: Graph, match: M, ctx: PassContext): Change | Promise<Change>;
}
