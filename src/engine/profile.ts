/**
 * Per-node latency from onnxruntime's own profiler, mapped back to the Graph's nodes (through
 * the optimised graph ORT writes), side by side with each group's share of madds and memAccess.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { costModel } from '../cost/index.js';
import { EngineError } from '../errors.js';
import { loadOnnx } from '../formats/node/index.js';
import { subgraphNodeNames } from '../ir/index.js';
import { timeRuns } from './bench.js';
import { environment, type Environment } from './environment.js';
import type { PreparedModel } from './prepare.js';
import { mapOptimised, type NodeStatus } from './profile-map.js';
import { summarize, type Stats } from './stats.js';
import type { Engine, EngineInfo } from './types.js';

export interface ProfileRow {
  /** The node as ORT ran it (after fusion). */
  name: string;
  /** ORT's op (for example FusedConv, or Conv in the NCHWc domain). */
  opType: string;
  /** Median time per run (ms). */
  ms: number;
  /** Share of the summed node time. */
  share: number;
  /** leannet's nodes it covers (several when ORT fused them; none for nodes ORT inserted or inside a subgraph). */
  nodes: { name: string; opType: string }[];
  /**
   * For a node inside a subgraph (an If branch, a Loop body): the node holding it, whose own time
   * already includes this one's. Such rows are left out of `nodeTotal`; their share is of it.
   */
  inside: string | null;
  madds: number;
  memAccess: number;
  maddsShare: number;
  memAccessShare: number;
}

export interface ProfileResult {
  model: string;
  engine: EngineInfo;
  env: Environment;
  runs: number;
  /** Run time measured around session.run (ms). */
  endToEnd: Stats;
  /** Median over runs of the summed node times (ms). */
  nodeTotal: number;
  rows: ProfileRow[];
  /** Every Graph node and what became of it. */
  accounting: { name: string; opType: string; status: NodeStatus; ranAs: string | null }[];
}

export interface ProfileOptions {
  warmup?: number;
  minRuns?: number;
  budgetMs?: number;
  onProgress?: (p: { runs: number; elapsedMs: number; budgetMs: number }) => void;
}

interface TraceEvent {
  cat: string;
  name: string;
  ts: number;
  dur: number;
  args?: { op_name?: string };
}

export async function profile(prepared: PreparedModel, engine: Engine, o: ProfileOptions = {}): Promise<ProfileResult> {
  if (engine.info.runtime !== 'onnxruntime-node') {
    throw new EngineError(`profile needs onnxruntime's per-node profiler (engine 'ort' or 'ort-webgpu'), not '${engine.info.engine}'`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leannet-profile-'));
  try {
    const optimizedPath = path.join(dir, 'optimized.onnx');
    const session = await engine.load(prepared.model, { profileDir: dir, optimizedModelPath: optimizedPath });
    const warmup = o.warmup ?? 3;
    let times: number[];
    let tracePath: string | undefined;
    try {
      times = await timeRuns(session, prepared.feeds, {
        warmup,
        minRuns: o.minRuns ?? 10,
        budgetMs: o.budgetMs ?? 3000,
        ...(o.onProgress ? { onProgress: (p) => p.phase === 'measure' && o.onProgress!({ runs: p.runs, elapsedMs: p.elapsedMs, budgetMs: p.budgetMs }) } : {}),
      });
      tracePath = session.endProfiling();
    } finally {
      await session.release();
    }
    if (!tracePath) throw new EngineError('onnxruntime wrote no profile');
    const events = JSON.parse(fs.readFileSync(tracePath, 'utf8')) as TraceEvent[];
    // Nodes of subgraphs run inside their holder's kernel, which ORT times as a whole too.
    const inside = new Map<string, string>();
    for (const n of prepared.graph.nodes) for (const name of subgraphNodeNames(n.attrs)) inside.set(name, n.label);
    const perNode = nodeTimes(events, warmup, inside);
    const optimised = loadOnnx(optimizedPath);
    const mapping = mapOptimised(prepared.graph, optimised);
    const cost = costModel(prepared.graph);
    const costOf = new Map(cost.nodes.map((c) => [c.node, c]));
    const opOf = new Map(optimised.nodes.map((n) => [n.name, n.opType]));
    const rows: ProfileRow[] = [];
    let total = 0;
    for (const [name, t] of perNode.median) if (!inside.has(name)) total += t;
    for (const [name, ms] of perNode.median) {
      const nodes = mapping.groups.get(name) ?? [];
      const madds = nodes.reduce((s, n) => s + (costOf.get(n)?.madds ?? 0), 0);
      const memAccess = nodes.reduce((s, n) => s + (costOf.get(n)?.memAccess ?? 0), 0);
      rows.push({
        name,
        opType: perNode.op.get(name) ?? opOf.get(name) ?? '?',
        ms,
        share: total ? ms / total : 0,
        nodes: nodes.map((n) => ({ name: n.name, opType: n.opType })),
        inside: inside.get(name) ?? null,
        madds,
        memAccess,
        maddsShare: cost.totals.madds ? madds / cost.totals.madds : 0,
        memAccessShare: cost.totals.memAccess ? memAccess / cost.totals.memAccess : 0,
      });
    }
    rows.sort((a, b) => b.ms - a.ms);
    return {
      model: prepared.label,
      engine: engine.info,
      env: environment(),
      runs: perNode.runs,
      endToEnd: summarize(times),
      nodeTotal: perNode.medianTotal,
      rows,
      accounting: mapping.accounting.map((a) => ({ name: a.node.name, opType: a.node.opType, status: a.status, ranAs: a.group ?? null })),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Median time per node (ms) over the runs after `skip` warm-up runs, from ORT's trace events,
 * and the median per-run total, which leaves out the `nested` nodes (those inside subgraphs).
 */
export function nodeTimes(events: TraceEvent[], skip: number, nested: ReadonlyMap<string, unknown> = new Map()) {
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').sort((a, b) => a.ts - b.ts).slice(skip);
  const perRun = runs.map(() => new Map<string, number>());
  const op = new Map<string, string>();
  const nodes = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time')).sort((a, b) => a.ts - b.ts);
  let r = 0;
  for (const e of nodes) {
    while (r < runs.length && e.ts > runs[r]!.ts + runs[r]!.dur) r++;
    if (r >= runs.length) break;
    if (e.ts < runs[r]!.ts) continue;
    const name = e.name.slice(0, -'_kernel_time'.length);
    perRun[r]!.set(name, (perRun[r]!.get(name) ?? 0) + e.dur / 1000);
    if (e.args?.op_name) op.set(name, e.args.op_name);
  }
  const names = new Set(perRun.flatMap((m) => [...m.keys()]));
  const median = new Map<string, number>();
  for (const name of names) median.set(name, summarize(perRun.map((m) => m.get(name) ?? 0)).median);
  const totals = perRun.map((m) => {
    let sum = 0;
    m.forEach((t, name) => {
      if (!nested.has(name)) sum += t;
    });
    return sum;
  });
  return { runs: runs.length, median, op, medianTotal: summarize(totals).median, perRun };
}
