/**
 * A step's predictions of the resource a candidate would need, relative to the start model.
 * Latency predictions are relative to the current model, estimated afresh each step (a load that
 * drifts between steps then cancels), and corrected by the last measurement (NetAdapt
 * re-measures); madds and params come from the cost model, exact.
 * // latency: predicted = curRel × correction × est(cand) / est(cur); madds, params: cost(cand) / cost(start)
 */
import { clone, costs, cutState, widthsKey, type Cut, type Grouping, type SearchContext, type State } from './state.js';

export class Predictor {
  /** The current model's resource relative to the start, as measured (latency) or counted. */
  curRel = 1;
  /** measured / predicted of the chosen models so far (bounded, geometrically averaged). */
  correction = 1;
  private estCur = 1;
  private readonly cache = new Map<string, number>();

  constructor(private readonly ctx: SearchContext) {}

  /** Before a step: the current model's own estimate (latency), what candidates are relative to. */
  async startStep(cur: State): Promise<void> {
    if (this.ctx.metric !== 'latency') return;
    this.cache.clear();
    this.estCur = await this.ctx.estimator.estimate(clone(cur.graph, this.ctx.bind));
  }

  /** The current model by the same prediction (latency: corrected), what a proposal's saving is measured from. */
  get now(): number {
    return this.ctx.metric === 'latency' ? this.curRel * this.correction : this.curRel;
  }

  /** Predicted resource of `s` with `cuts` (and `groupings`) applied, relative to the start (`raw`: the estimate itself). */
  async predict(s: State, cuts: readonly Cut[], groupings: readonly Grouping[] = []): Promise<{ rel: number; raw: number }> {
    const widths = new Map(s.widths);
    for (const c of cuts) widths.set(c.info.id, c.width);
    const convs = new Map(s.convs);
    for (const q of groupings) convs.set(q.conv, q.g);
    const k = widthsKey(widths, convs);
    let raw = this.cache.get(k);
    if (raw === undefined) {
      const c = await cutState(this.ctx, s, cuts, false, groupings);
      raw = this.ctx.metric === 'latency' ? await this.ctx.estimator.estimate(c.graph) : costs(c.graph, this.ctx.bind)[this.ctx.metric];
      this.cache.set(k, raw);
    }
    return { rel: this.relative(raw), raw };
  }

  private relative(raw: number): number {
    const { metric, cost0 } = this.ctx;
    return metric === 'latency' ? (this.curRel * this.correction * raw) / this.estCur : raw / cost0[metric];
  }

  /**
   * After the chosen model is measured (`measuredRel`: 1 / speed-up) and counted: the next
   * predictions are corrected by measured / predicted (bounded, and averaged geometrically with
   * the last, so one noisy timing cannot swing it). Returns this step's measured / predicted.
   */
  update(predicted: number, measuredRel: number, counted: { madds: number; params: number }): number | null {
    const { metric, cost0 } = this.ctx;
    let corr: number | null = null;
    if (metric === 'latency') {
      corr = measuredRel / predicted;
      this.correction = Math.sqrt(this.correction * Math.min(1.25, Math.max(0.8, this.correction * corr)));
    }
    this.curRel = metric === 'latency' ? measuredRel : counted[metric] / cost0[metric];
    return corr;
  }
}
