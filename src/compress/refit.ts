/**
 * NetAdapt's final long fine-tune, as a refit: the search's final widths rebuilt once from the
 * start model with every layer refitted in order (then the grouped convs split and fitted, in order) (on `finalCalibration`, more samples than the
 * search's many fits can afford), kept when it scores better on the held-out split than the
 * incrementally fitted model.
 * // final = argmax_selection { incremental, pruneToWidths(start, widths, refit every layer) }
 */
import type { Graph } from '../ir/index.js';
import { pruneToWidths } from '../rewrite/index.js';
import { clone, groupConvs, type SearchContext, type State } from './state.js';

export interface FinalModel {
  graph: Graph;
  fit: 'incremental' | 'refit';
  accuracy: number;
  selection: number;
}

/** The better of `incremental` (the search's last model, with its scores) and its widths refitted from `start`. */
export async function finalRefit(ctx: SearchContext, start: Graph, cur: State, incremental: { accuracy: number; selection: number }): Promise<FinalModel> {
  const g = clone(start, ctx.bind);
  const calibration = ctx.o.finalCalibration ?? ctx.o.calibration;
  const { alive } = await pruneToWidths(g, ctx.groups, cur.widths, calibration, ctx.bind);
  if (cur.convs.size) {
    await groupConvs(g, [...cur.convs].map(([conv, n]) => ({ conv, g: n })), alive, calibration, ctx.bind);
  }
  const a = await ctx.evaluate(g);
  if (a.selection > incremental.selection) return { graph: g, fit: 'refit', accuracy: a.accuracy, selection: a.selection };
  return { graph: cur.graph, fit: 'incremental', ...incremental };
}
