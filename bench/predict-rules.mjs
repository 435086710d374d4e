// npm run bench:predict-rules -- <dump.json> [more dumps] — score other rules of the latency model
// on the samples and runs of earlier bench:predict runs (LEANNET_BENCH_DUMP=file), paired: every
// rule sees the same kernel samples and the same measured blocks, so a difference between rules is
// not the machine's drift between two runs. Each rule gives a prediction in probe units; each run
// is divided by the prediction at the probes around its 250 ms block (as bench:predict's "at each
// block's speed"), and a model's error is 1 / the median of those − 1. Rules:
//  - shipped: each kernel over its class's probe at its sampling (dense convs and matrix products
//    of ≥ 50 µs the dense conv probe, the rest and the overhead the depthwise one), charged from
//    its warm to its cold time by the model's cold share: the larger of the measured residency at
//    its footprint and the footprint's share of the last-level cache;
//  - cold in full: the same, but kernels timed cold (≥ 32 KiB of weights) pay their cold time in
//    full and the others by the measured residency (the rule until 2026-11-30);
//  - cold by residency: every kernel by the measured residency alone;
//  - one probe, conv / dw: the shipped times, every term over that probe;
//  - one reference: the shipped times, every term over the median of all the dump's probe readings
//    at sampling (one machine speed for every kernel, not the reading taken around its sample).
// Choose a rule on dumps of the calibration set (LEANNET_BENCH_SET=calibration), then score it on
// the scored set; with two or more dumps of the same set, a rule that wins in one and loses in the
// other has shown nothing. Prints per dump and thread count, then the per-model errors.
import fs from 'node:fs';
import * as L from '../dist/index.js';
import { figures, roundsAgainstOthers } from './lib/scores.mjs';

const files = process.argv.slice(2);
if (!files.length) {
  console.error('usage: node bench/predict-rules.mjs <dump.json> [more dumps] (from LEANNET_BENCH_DUMP=file npm run bench:predict)');
  process.exit(2);
}
const LLC = L.lastLevelCache();

/** A kernel's probe class as shipped (a dump from a build with more classes: all but `conv` follow `dw`, as they do here). */
const cls = (k) => (k.probe === 'conv' ? 'conv' : 'dw');
/** The measured residency (dumps before 2026-11-30 call it coldShare), and whether a kernel's cold time was timed. */
const residencyOf = (m) => m.residency ?? m.coldShare;
const coldTimed = (k) => k.coldTimed ?? k.weightBytes >= 32 * 1024;
/** A kernel's time in the model by each cold rule (ms). */
const chargedAt = (k, share) => k.warmMs + share * (k.coldMs - k.warmMs);
const byLLC = (m, k) => chargedAt(k, Math.max(residencyOf(m), Math.min(1, m.footprintBytes / LLC)));
const fullCold = (m, k) => (coldTimed(k) ? k.coldMs : chargedAt(k, residencyOf(m)));
const byResidency = (m, k) => chargedAt(k, residencyOf(m));
/** A rule: model → probe units per class, each kernel's time by `ms` over `probes(k)` (its readings at sampling by default). */
const rule = (ms, probes = (k) => k.probes) => (m) => {
  const u = { conv: 0, dw: m.overheadMs / probes(m.overhead).dw };
  for (const k of m.kernels) u[cls(k)] += ms(m, k) / probes(k)[cls(k)];
  return u;
};
const oneProbe = (c) => (m) => ({ conv: 0, dw: 0, [c]: m.overheadMs / m.overhead.probes[c] + m.kernels.reduce((a, k) => a + byLLC(m, k) / k.probes[c], 0) });

/** Each round's runs over the prediction (probe units `u`) at its blocks' speeds. */
const relative = (m, u) => m.rounds.map((r) => L.relativeRuns(r, { ms: 1, probeUnits: u }));

for (const file of files) {
  const dump = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const threads of [...new Set(dump.map((m) => m.threads))]) {
    const ms = dump.filter((m) => m.threads === threads);
    const readings = ms.flatMap((m) => [m.overhead.probes, ...m.kernels.map((k) => k.probes)]);
    const ref = { conv: L.summarize(readings.map((r) => r.conv)).median, dw: L.summarize(readings.map((r) => r.dw)).median };
    const rules = {
      shipped: rule(byLLC),
      'cold in full': rule(fullCold),
      'cold by residency': rule(byResidency),
      'one probe: conv': oneProbe('conv'),
      'one probe: dw': oneProbe('dw'),
      'one reference for every kernel': rule(byLLC, () => ref),
    };
    console.log(`\n${file} · ${threads} thread${threads > 1 ? 's' : ''} · ${ms.length} models · at each block's speed`);
    const per = ms.map((m) => ({ model: m.model }));
    for (const [name, rule] of Object.entries(rules)) {
      const errors = ms.map((m, i) => {
        const e = (1 / L.summarize(relative(m, rule(m)).flat()).median - 1) * 100;
        per[i][name] = +e.toFixed(1);
        return e;
      });
      console.log(`  ${name.padEnd(42)} ${figures(errors)}`);
    }
    // The noise floor under the shipped rule: each round against the model's other rounds.
    const floor = ms.flatMap((m) => roundsAgainstOthers(relative(m, rules.shipped(m))));
    console.log(`  ${'(noise floor, each round against the others)'.padEnd(42)} ${figures(floor)}`);
    console.table(per);
  }
}
