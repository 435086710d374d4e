/** `leannet predict`: the predicted time per run, its heaviest kernels, and (with --check) the measured median beside it. */
import type { EngineInfo, Environment } from '../engine/index.js';
import type { LatencyPrediction, PredictionCheck } from '../predict/index.js';
import { bytes, ms, pct } from './format.js';
import { setupLine } from './measure.js';
import { c, table } from './style.js';

export interface PredictResult {
  model: string;
  batch: number;
  engine: EngineInfo;
  env: Environment;
  /** The latency cache entry the kernel times came from. */
  cacheKey: string;
  prediction: LatencyPrediction;
  /** With --check: the model measured on the engine (in blocks, the speed probes around each), and the prediction's error in % of the measured median, raw and speed-corrected. */
  check: PredictionCheck | null;
}

export function predictJson(r: PredictResult) {
  const p = r.prediction;
  const kernelMs = p.ms - p.overheadMs;
  return {
    schema: 'leannet.predict/1',
    model: r.model,
    batch: r.batch,
    engine: r.engine,
    env: r.env,
    cacheKey: r.cacheKey,
    predicted: { ms: p.ms, overheadMs: p.overheadMs, kernelMs, kernels: p.kernels.length, sampled: p.sampled, footprintBytes: p.footprintBytes, residency: p.residency, coldShare: p.coldShare, probeUnits: p.probeUnits, classMs: p.classMs },
    kernels: p.kernels.map((k) => ({ ...k, share: kernelMs > 0 ? k.ms / kernelMs : 0 })),
    notRun: p.notRun,
    check: r.check && { measured: r.check.measured, errorPct: r.check.errorPct, probes: r.check.probes, relative: r.check.relative, speed: r.check.speed },
  };
}

export function predictReport(r: PredictResult, top = 10): string {
  const p = r.prediction;
  const kernelMs = p.ms - p.overheadMs;
  const rows = [...p.kernels].sort((a, b) => b.ms - a.ms).slice(0, top);
  const t = table(['kernel (ORT node)', 'op', 'predicted ms', 'share', 'leannet nodes'], ['left', 'left', 'right', 'right', 'left']);
  for (const k of rows) {
    const names = k.nodes.length ? k.nodes.join(' + ') : c.dim('(inserted by ORT)');
    t.push([k.name, k.op.replace(/^com\.microsoft\.nchwc:/, 'nchwc:'), ms(k.ms), pct(kernelMs > 0 ? k.ms / kernelMs : 0), names.length > 60 ? `${names.slice(0, 59)}…` : names]);
  }
  const lines = [
    t.toString(),
    p.kernels.length > top ? c.dim(`(top ${top} of ${p.kernels.length} kernels by predicted time)`) : '',
    `predicted ${ms(p.ms)} ms per run (batch ${r.batch}): kernels ${ms(kernelMs)} ms (wall-clock, dispatch included) + engine overhead ${ms(p.overheadMs)} ms; ${p.kernels.length} kernels, ${p.sampled} timed now, the rest from the cache`,
    c.dim(`one run touches ${bytes(p.footprintBytes)}; each kernel is charged ${pct(p.coldShare, 0)} of the way from its time with its weights in cache to its time with them evicted: the larger of the share a reduction over that footprint reads from memory here (measured: ${pct(p.residency, 0)}) and the footprint's share of the last-level cache`),
  ];
  if (r.check) {
    const m = r.check.measured;
    const sign = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`;
    lines.push(`measured median ${ms(m.median)} ms (p10–p90 ${ms(m.p10)}–${ms(m.p90)}, ${m.runs} runs): prediction error ${sign(r.check.errorPct)}`);
    const s = r.check.speed;
    if (s) {
      const moved = Math.abs(s.ratio - 1) > 0.05;
      const line = `speed probes now ${ms(s.probeNow.conv)} ms (dense conv) and ${ms(s.probeNow.dw)} ms (depthwise): at the speed of the measurement the prediction is ${ms(s.ms)} ms (× ${s.ratio.toFixed(2)} the raw one${moved ? `: the machine runs ${s.ratio > 1 ? 'slower' : 'faster'} now than when the kernels were timed` : ''}), error ${sign(s.errorPct)}`;
      lines.push(moved ? c.yellow(line) : line);
    }
  }
  lines.push(setupLine(r.engine, r.env));
  return lines.filter(Boolean).join('\n');
}
