/**
 * Measure one column of an experiment: its rows' sessions run round-robin (the order rotating
 * each round), so slow drifts of the machine hit every row alike; each row's speed relative to
 * the first row is the median of the per-round ratios, with a 95% interval.
 */
import { costModel } from '../cost/index.js';
import { medianInterval, prepareGraph, summarize, type Engine, type Session } from '../engine/index.js';
import type { LabConfig, RowResult } from './types.js';

export interface ColumnBudget {
  budgetMs: number;
  minRounds: number;
  warmup: number;
}

export async function measureColumn(configs: readonly LabConfig[], engine: Engine, b: ColumnBudget, onRound?: (round: number, elapsedMs: number) => void): Promise<RowResult[]> {
  const prepared = configs.map((c) => prepareGraph(c.build(), `${c.column} ${c.row}`));
  const costs = prepared.map((p) => costModel(p.graph).totals);
  const sessions: Session[] = [];
  try {
    for (const p of prepared) sessions.push(await engine.load(p.model));
    // Warm up, and learn how many runs make a timing of at least ~5 ms (short runs are noisy).
    const inner: number[] = [];
    for (let i = 0; i < sessions.length; i++) {
      for (let w = 0; w < b.warmup; w++) await sessions[i]!.run(prepared[i]!.feeds);
      const t = performance.now();
      await sessions[i]!.run(prepared[i]!.feeds);
      inner.push(Math.max(1, Math.min(50, Math.round(5 / Math.max(0.01, performance.now() - t)))));
    }
    const times: number[][] = sessions.map(() => []);
    const t0 = performance.now();
    for (let round = 0; round < b.minRounds || performance.now() - t0 < b.budgetMs; round++) {
      for (let k = 0; k < sessions.length; k++) {
        const i = (k + round) % sessions.length;
        const t = performance.now();
        for (let j = 0; j < inner[i]!; j++) await sessions[i]!.run(prepared[i]!.feeds);
        times[i]!.push((performance.now() - t) / inner[i]!);
      }
      onRound?.(round + 1, performance.now() - t0);
      if (round > 10_000) break;
    }
    return configs.map((config, i) => {
      const s = summarize(times[i]!);
      const ratios = times[0]!.map((t, r) => t / times[i]![r]!);
      return { config, madds: costs[i]!.madds, memAccess: costs[i]!.memAccess, median: s.median, p10: s.p10, p90: s.p90, relSpeed: medianInterval(ratios) };
    });
  } finally {
    for (const s of sessions) await s.release();
  }
}
