/**
 * Run experiments on every requested setting (engine × threads × optimisation level) and decide
 * each claim per column; an experiment's verdict is the majority of its columns.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine, environment, type EngineInfo, type Environment, type OptLevel } from '../engine/index.js';
import { EngineError, UsageError } from '../errors.js';
import { makeFolder, saveOnnx } from '../formats/node/index.js';
import { majority } from './claims.js';
import { EXPERIMENTS } from './experiments/index.js';
import { measureColumn } from './measure.js';
import type { Experiment, LabConfig, RowResult } from './types.js';

export interface LabSetting {
  engine: string;
  threads: number | undefined;
  optLevel: OptLevel;
}

export interface ColumnResult {
  column: string;
  rows: RowResult[];
  holds: boolean;
  because: string;
}

export interface ExperimentResult {
  id: string;
  title: string;
  source: string;
  claim: string;
  columns: ColumnResult[];
  holds: boolean;
  verdict: string;
  explanation: string | undefined;
}

export interface SettingResult {
  engine: EngineInfo;
  experiments: ExperimentResult[];
}

export interface LabResult {
  env: Environment;
  quick: boolean;
  settings: SettingResult[];
}

export interface LabOptions {
  quick?: boolean;
  /** Time budget per experiment and setting (ms). */
  budgetMs?: number;
  onProgress?: (p: { setting: string; experiment: string; column: string; done: number; total: number }) => void;
}

export function findExperiments(ids: readonly string[]): Experiment[] {
  if (ids.length === 0) return [...EXPERIMENTS];
  return ids.map((id) => {
    const e = EXPERIMENTS.find((x) => x.id === id.toLowerCase());
    if (!e) throw new UsageError(`unknown experiment '${id}'; experiments: ${EXPERIMENTS.map((x) => x.id).join(', ')}`);
    return e;
  });
}

function columnsOf(configs: readonly LabConfig[]): Map<string, LabConfig[]> {
  const m = new Map<string, LabConfig[]>();
  for (const c of configs) m.set(c.column, [...(m.get(c.column) ?? []), c]);
  return m;
}

/** Run one setting in this process. */
export async function runSetting(experiments: readonly Experiment[], setting: LabSetting, o: LabOptions = {}): Promise<SettingResult> {
  const engine = await createEngine(setting.engine, { ...(setting.threads ? { threads: setting.threads } : {}), optLevel: setting.optLevel });
  const quick = !!o.quick;
  const budget = o.budgetMs ?? (quick ? 5000 : 30000);
  const plan = experiments.map((e) => ({ e, columns: columnsOf(e.configs({ quick })) }));
  const total = plan.reduce((s, p) => s + p.columns.size, 0);
  let done = 0;
  const label = `${setting.engine} threads ${engine.info.threads} opt ${setting.optLevel}`;
  const results: ExperimentResult[] = [];
  for (const { e, columns } of plan) {
    const out: ColumnResult[] = [];
    for (const [column, configs] of columns) {
      o.onProgress?.({ setting: label, experiment: e.id, column, done, total });
      const rows = await measureColumn(configs, engine, { budgetMs: budget / columns.size, minRounds: quick ? 8 : 10, warmup: 2 });
      const h = e.claim.holds(rows);
      out.push({ column, rows, holds: h.holds, because: h.because });
      done++;
    }
    const holds = majority(out);
    const agree = out.filter((c) => c.holds).length;
    const allRows = out.flatMap((c) => c.rows);
    results.push({
      id: e.id,
      title: e.title,
      source: e.source,
      claim: e.claim.text,
      columns: out,
      holds,
      verdict: `${holds ? 'holds' : 'does not hold'} here (${agree} of ${out.length} column${out.length === 1 ? '' : 's'})`,
      explanation: e.explain({ holds, optLevel: setting.optLevel, engine: setting.engine, rows: out[out.length - 1]?.rows ?? allRows }),
    });
  }
  o.onProgress?.({ setting: label, experiment: '', column: '', done: total, total });
  return { engine: engine.info, experiments: results };
}

/**
 * Every setting. onnxruntime-web fixes its thread count per process, so each ort-wasm setting
 * after the first runs in a child process of this CLI.
 */
export async function runLab(ids: readonly string[], settings: readonly LabSetting[], o: LabOptions = {}): Promise<LabResult> {
  const experiments = findExperiments(ids);
  const out: SettingResult[] = [];
  let wasmThreads: number | undefined | null = null;
  for (const s of settings) {
    if (s.engine === 'ort-wasm') {
      if (wasmThreads === null) wasmThreads = s.threads;
      else if (wasmThreads !== s.threads) {
        out.push(...childSetting(experiments, s, o));
        continue;
      }
    }
    out.push(await runSetting(experiments, s, o));
  }
  return { env: environment(), quick: !!o.quick, settings: out };
}

/** One setting in a child process of its own entry (src/lab-child.ts, built to dist/lab-child.js). */
function childSetting(experiments: readonly Experiment[], s: LabSetting, o: LabOptions): SettingResult[] {
  const child = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/lab-child.js');
  const job = { ids: experiments.map((e) => e.id), setting: s, ...(o.quick ? { quick: true } : {}), ...(o.budgetMs ? { budgetMs: o.budgetMs } : {}) };
  o.onProgress?.({ setting: `${s.engine} threads ${s.threads ?? 'all'} opt ${s.optLevel} (separate process)`, experiment: '', column: '', done: 0, total: 1 });
  const r = spawnSync(process.execPath, [child, JSON.stringify(job)], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  if (r.status !== 0) throw new EngineError(`lab on ${s.engine} with ${s.threads ?? 'all'} threads failed: ${r.stderr.trim().split('\n').pop()}`);
  return [JSON.parse(r.stdout) as SettingResult];
}

/** Write every configuration as an ONNX file: DIR/<experiment>/<column>__<row>.onnx. */
export function exportConfigs(ids: readonly string[], dir: string, quick: boolean): string[] {
  const files: string[] = [];
  const safe = (s: string) => s.replace(/[^A-Za-z0-9.=+-]+/g, '_').replace(/^_+|_+$/g, '');
  for (const e of findExperiments(ids)) {
    const sub = path.join(dir, e.id);
    makeFolder(sub);
    for (const c of e.configs({ quick })) {
      const file = path.join(sub, `${safe(c.column)}__${safe(c.row)}.onnx`);
      saveOnnx(c.build(), file);
      files.push(file);
    }
  }
  return files;
}
