#!/usr/bin/env node
/**
 * `npm run fuzz -- --count N [--seed S] [--start I] [--jobs 2] [--timeout 10] [--check-every 100] [--memory-base 200]`
 * `npm run fuzz -- --replay fuzz/out/<mutant>.onnx`
 *
 * Seeded mutation fuzzing of leannet's model reader and analysis. Each mutant (from the shared
 * models and the ONNX backend suite's models, see mutate.mjs) goes through `leannet analyze
 * --json` and `leannet lint --json --no-ridge-measure`. Outcomes per mutant (the worst of the two
 * commands): ok (exit 0, valid JSON), clean error (exit 1 or 2, exactly one stderr line starting
 * `leannet:`, not an internal error), CRASH (anything else), HANG (a command over --timeout s),
 * MEMORY (peak RSS over 2 × file size + 200 MB; --memory-base changes the 200).
 *
 * Speed: commands run in-process in a pool of forked workers (fuzz/worker.mjs) calling the CLI's
 * `main`. Anything suspicious there (a crash, a run over half the timeout, a worker peak RSS over
 * the bound, a worker that died) is rerun in a fresh `node bin/leannet.js` process under
 * /usr/bin/time, whose outcome is the one counted; so is every --check-every'th mutant, to show
 * that the in-process and the process outcomes agree. Crashing, hanging and memory mutants are
 * saved under fuzz/out/ with their seed and index.
 */
import { fork, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeModelBytes } from '../dist/index.js';
import { decodeTensorFile, makeMutant } from './mutate.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');
const bin = path.join(repoRoot, 'bin/leannet.js');
const sharedModels = path.resolve(repoRoot, '../shared/models');
const suiteRoot = '/usr/share/libonnx-testdata/data';
const MB = 1024 * 1024;
const MAX_FILE = 20 * MB;
/** A worker whose peak RSS passes this is replaced, so that every bound (≥ 200 MB) stays checkable. */
const RECYCLE_RSS = 170 * MB;

function parseArgs(argv) {
  const o = { count: 1000, seed: 1, start: 0, jobs: 2, timeout: 10, checkEvery: 100, memoryBase: 200, out: path.join(here, 'out'), replay: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    const num = (s) => {
      const n = Number(s);
      if (!Number.isSafeInteger(n) || n < 0) usage(`${a}: expected a non-negative integer, got '${s}'`);
      return n;
    };
    if (a === '--count') o.count = num(v());
    else if (a === '--seed') o.seed = num(v());
    else if (a === '--start') o.start = num(v());
    else if (a === '--jobs') o.jobs = Math.max(1, num(v()));
    else if (a === '--timeout') o.timeout = Math.max(1, num(v()));
    else if (a === '--check-every') o.checkEvery = num(v());
    else if (a === '--memory-base') o.memoryBase = num(v());
    else if (a === '--out') o.out = path.resolve(v());
    else if (a === '--replay') o.replay = path.resolve(v());
    else if (a === '-h' || a === '--help') usage();
    else usage(`unknown option '${a}'`);
  }
  return o;
}

function usage(msg) {
  if (msg) process.stderr.write(`fuzz: ${msg}\n`);
  process.stderr.write('usage: npm run fuzz -- --count N [--seed S] [--start I] [--jobs 2] [--timeout 10] [--check-every 100] [--memory-base 200] [--out dir]\n       npm run fuzz -- --replay fuzz/out/<mutant>.onnx\n');
  process.exit(msg ? 2 : 0);
}

/** The models mutants start from, each with a weight: shared models ~35% of mutants, the suite ~65%, files over 2 MB rarely. */
function loadCorpus() {
  const shared = fs.existsSync(sharedModels)
    ? fs.readdirSync(sharedModels).filter((f) => f.endsWith('.onnx')).map((f) => path.join(sharedModels, f))
    : [];
  const suite = [];
  if (fs.existsSync(suiteRoot)) {
    for (const group of fs.readdirSync(suiteRoot).sort()) {
      const dir = path.join(suiteRoot, group);
      for (const t of fs.readdirSync(dir).sort()) {
        const p = path.join(dir, t, 'model.onnx');
        if (fs.existsSync(p)) suite.push(p);
      }
    }
  }
  const corpus = [];
  const skipped = [];
  const add = (files, share) => {
    const kept = files.filter((p) => {
      const size = fs.statSync(p).size;
      if (size > MAX_FILE) skipped.push(p);
      return size <= MAX_FILE;
    });
    for (const p of kept) {
      const bytes = fs.readFileSync(p);
      const big = bytes.length > 2 * MB;
      corpus.push({ path: p, bytes, weight: (share / kept.length) * (big ? 0.05 : 1), inputs: suiteIntInputs(p, bytes) });
    }
  };
  add(shared.sort(), suite.length ? 0.35 : 1);
  add(suite, shared.length ? 0.65 : 1);
  return { corpus, shared: shared.length, suite: suite.length, skipped };
}

/**
 * The suite's small inputs of a test (integer, float, bool; ≤ 64 elements) (test_data_set_0/input_K.pb), by graph input name:
 * the values that decide shapes, which a mutant may freeze to initializers.
 */
function suiteIntInputs(p, bytes) {
  const dir = path.join(path.dirname(p), 'test_data_set_0');
  if (!p.startsWith(suiteRoot) || !fs.existsSync(dir)) return [];
  let model;
  try {
    model = decodeModelBytes(bytes, p);
  } catch {
    return [];
  }
  const inits = new Set(model.graph.initializer.map((t) => t.name));
  const names = model.graph.input.map((v) => v.name).filter((n) => !inits.has(n));
  const out = [];
  for (let k = 0; k < names.length; k++) {
    const f = path.join(dir, `input_${k}.pb`);
    if (!fs.existsSync(f)) continue;
    const t = decodeTensorFile(fs.readFileSync(f));
    const n = t.dims.reduce((a, b) => a * b, 1);
    if ([1, 6, 7, 9, 10, 11].includes(t.data_type) && n <= 64) out.push({ name: names[k], tensor: t });
  }
  return out;
}

const commandsFor = (file) => [
  ['analyze', '--json', file],
  ['lint', '--json', '--no-ridge-measure', file],
];

/** The outcome of one command from its exit code, output and time. */
function classify(r, timeoutMs) {
  if (r.timedOut || r.ms > timeoutMs) return 'hang';
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  const trace = /\n\s+at /.test(r.stderr);
  if (r.code === 0 && !trace) {
    try {
      JSON.parse(r.stdout);
      return lines.length === 0 ? 'ok' : 'crash';
    } catch {
      return 'crash';
    }
  }
  if ((r.code === 1 || r.code === 2) && lines.length === 1 && lines[0].startsWith('leannet:') && !lines[0].startsWith('leannet: internal error') && !trace) return 'error';
  return 'crash';
}

const RANK = { ok: 0, error: 1, memory: 2, hang: 3, crash: 4 };
const worst = (a, b) => (RANK[a] >= RANK[b] ? a : b);

/** One command in a fresh `node bin/leannet.js`, under /usr/bin/time for its peak RSS. */
function runChild(args, timeoutMs, tmp) {
  return new Promise((resolve) => {
    const timeFile = path.join(tmp, `time-${process.pid}-${Math.random().toString(36).slice(2)}.txt`);
    const useTime = fs.existsSync('/usr/bin/time');
    const cmd = useTime ? '/usr/bin/time' : process.execPath;
    const argv = useTime ? ['-o', timeFile, '-f', '%M', process.execPath, bin, ...args] : [bin, ...args];
    const t0 = performance.now();
    const child = spawn(cmd, argv, { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, timeoutMs + 2000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let rss = 0;
      try {
        const text = fs.readFileSync(timeFile, 'utf8');
        const m = /(\d+)\s*$/.exec(text.trim());
        if (m) rss = Number(m[1]) * 1024;
        // GNU time writes "Command exited with non-zero status N" first; the code is the child's.
        fs.rmSync(timeFile, { force: true });
      } catch {}
      resolve({ code: code ?? (signal ? 128 : -1), signal, stdout, stderr, ms: performance.now() - t0, timedOut, rss });
    });
  });
}

/** A message with names, numbers and paths blanked, to group messages by kind. */
function normalise(line) {
  return line.replace(/'[^']*'/g, "'…'").replace(/\/\S+/g, '<path>').replace(/-?\d+(\.\d+)?(e[-+]?\d+)?/g, 'N').slice(0, 140);
}

/** Exception type + top frame from a --debug run, or the first stderr line with names and numbers blanked. */
async function signatureOf(args, r, timeoutMs, tmp) {
  const first = r.stderr.split('\n').find((l) => l.trim() !== '') ?? `(exit ${r.code}, no stderr)`;
  const generic = normalise(first);
  if (r.timedOut) return `HANG ${args[0]}`;
  const dbg = await runChild(['--debug', ...args], timeoutMs, tmp);
  const lines = dbg.stderr.split('\n');
  const frameLine = lines.find((l) => /^\s+at /.test(l) && /dist\/|src\//.test(l)) ?? lines.find((l) => /^\s+at /.test(l));
  const head = lines.find((l) => /^\w*(Error|Exception)\b/.test(l)) ?? generic;
  const frame = frameLine ? frameLine.trim().replace(/\(?\S*?\/((dist|src|node_modules)\/[^:)]+)(:\d+:\d+)?\)?/, '$1$3') : '';
  return `${args[0]}: ${head.replace(/'[^']*'/g, "'…'").replace(/\d+/g, 'N').slice(0, 160)}${frame ? ` @ ${frame}` : ''}`;
}

class Worker {
  constructor(tmp, idx) {
    this.file = path.join(tmp, `mutant-w${idx}.onnx`);
    this.start();
  }
  start() {
    this.child = fork(path.join(here, 'worker.mjs'), [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], env: { ...process.env, NO_COLOR: '1' } });
    this.ready = new Promise((res) => {
      this.child.once('message', () => res());
    });
    this.maxRSS = 0;
    this.dead = false;
    this.child.on('exit', () => (this.dead = true));
  }
  kill() {
    try {
      this.child.kill('SIGKILL');
    } catch {}
  }
  restart() {
    this.kill();
    this.start();
  }
  /** Run both commands on `bytes`; null when the worker died or went over the time limit. */
  async run(bytes, timeoutMs) {
    await this.ready;
    fs.writeFileSync(this.file, bytes);
    const id = Math.random();
    return new Promise((resolve) => {
      const onMsg = (m) => {
        if (m.id !== id) return;
        done(m);
      };
      const onExit = () => done(null);
      const timer = setTimeout(() => {
        this.kill();
        done(null);
      }, 2 * timeoutMs + 3000);
      const done = (m) => {
        clearTimeout(timer);
        this.child.off('message', onMsg);
        this.child.off('exit', onExit);
        if (m) this.maxRSS = m.maxRSS;
        resolve(m);
      };
      this.child.on('message', onMsg);
      this.child.once('exit', onExit);
      this.child.send({ id, commands: commandsFor(this.file) });
    });
  }
}

function saveMutant(o, index, mutant, outcome, detail) {
  fs.mkdirSync(o.out, { recursive: true });
  const base = path.join(o.out, `${outcome}-s${o.seed}-i${index}`);
  fs.writeFileSync(`${base}.onnx`, mutant.bytes);
  fs.writeFileSync(`${base}.json`, JSON.stringify({ seed: o.seed, index, source: mutant.source, mutations: mutant.mutations, outcome, ...detail }, null, 2) + '\n');
  return `${base}.onnx`;
}

/** Both commands on one file in fresh processes: the honest outcome. */
async function checkInProcesses(file, size, timeoutMs, tmp, base) {
  const bound = 2 * size + base * MB;
  let outcome = 'ok';
  const commands = [];
  for (const args of commandsFor(file)) {
    const r = await runChild(args, timeoutMs, tmp);
    let c = classify(r, timeoutMs);
    if (c !== 'crash' && c !== 'hang' && r.rss > bound) c = 'memory';
    commands.push({ args, outcome: c, code: r.code, signal: r.signal, ms: Math.round(r.ms), rssMB: Math.round(r.rss / MB), stderr: r.stderr.slice(0, 2000), r });
    outcome = worst(outcome, c);
  }
  return { outcome, commands, bound };
}

async function replay(o) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'leannet-fuzz-'));
  const timeoutMs = o.timeout * 1000;
  const file = o.replay.replace(/\.json$/, '.onnx');
  if (!fs.existsSync(file)) usage(`${file}: no such file`);
  const meta = fs.existsSync(file.replace(/\.onnx$/, '.json')) ? JSON.parse(fs.readFileSync(file.replace(/\.onnx$/, '.json'), 'utf8')) : null;
  const bytes = fs.readFileSync(file);
  if (meta && fs.existsSync(meta.source)) {
    const { corpus } = loadCorpus();
    const rebuilt = makeMutant(corpus, meta.seed, meta.index);
    const same = rebuilt.source === meta.source && Buffer.compare(Buffer.from(rebuilt.bytes), bytes) === 0;
    console.log(`seed ${meta.seed} index ${meta.index} from ${meta.source}: ${meta.mutations.join('; ')}`);
    console.log(`rebuilt from the seed: ${same ? 'identical bytes' : 'DIFFERENT bytes (corpus or mutator changed since it was saved)'}`);
  }
  const res = await checkInProcesses(file, bytes.length, timeoutMs, tmp, o.memoryBase);
  for (const c of res.commands) {
    console.log(`leannet ${c.args.join(' ')}\n  -> ${c.outcome.toUpperCase()} (exit ${c.code}${c.signal ? `, ${c.signal}` : ''}, ${c.ms} ms, peak ${c.rssMB} MB of ${Math.round(res.bound / MB)} MB allowed)`);
    if (c.stderr.trim()) console.log(c.stderr.trimEnd().split('\n').slice(0, 6).map((l) => `  | ${l}`).join('\n'));
    if (c.outcome === 'crash') console.log(`  signature: ${await signatureOf(c.args, c.r, timeoutMs, tmp)}`);
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log(`outcome: ${res.outcome.toUpperCase()}`);
  process.exit(res.outcome === 'ok' || res.outcome === 'error' ? 0 : 1);
}

async function fuzz(o) {
  const { corpus, shared, suite, skipped } = loadCorpus();
  if (!corpus.length) usage(`no models found in ${sharedModels} or ${suiteRoot}`);
  console.log(`corpus: ${shared} shared models (${sharedModels}), ${suite ? `${suite} ONNX backend suite models (${suiteRoot})` : `ONNX backend suite absent (${suiteRoot}; install libonnx-testdata)`}${skipped.length ? `; skipped over 20 MB: ${skipped.map((p) => path.basename(p)).join(', ')}` : ''}`);
  console.log(`mutants ${o.start}..${o.start + o.count - 1} of seed ${o.seed}, ${o.jobs} workers, timeout ${o.timeout} s, process cross-check every ${o.checkEvery || 'never'}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'leannet-fuzz-'));
  const timeoutMs = o.timeout * 1000;
  const workers = Array.from({ length: o.jobs }, (_, i) => new Worker(tmp, i));
  const counts = { ok: 0, error: 0, crash: 0, hang: 0, memory: 0 };
  const signatures = new Map();
  const stats = { confirmed: 0, checked: 0, agree: 0, disagree: [], recycled: 0, mutationKinds: new Map(), errors: new Map(), mutatorErrors: [], maxRssMB: 0, slowestMs: 0 };
  const t0 = performance.now();
  let next = o.start;
  const end = o.start + o.count;
  let done = 0;

  async function one(w, index) {
    let mutant;
    try {
      mutant = makeMutant(corpus, o.seed, index);
    } catch (e) {
      // A bug in the mutator, not in leannet: counted apart, the run goes on.
      stats.mutatorErrors.push(`${index}: ${e?.message ?? e}`);
      done++;
      return;
    }
    for (const m of mutant.mutations) {
      const k = m.split(':')[0];
      stats.mutationKinds.set(k, (stats.mutationKinds.get(k) ?? 0) + 1);
    }
    const bound = 2 * mutant.bytes.length + o.memoryBase * MB;
    const res = await w.run(mutant.bytes, timeoutMs);
    let outcome = 'ok';
    let suspicious = res === null;
    if (res) {
      for (const r of res.results) {
        const c = classify(r, timeoutMs);
        if (c === 'error') {
          const key = normalise(r.stderr.trim());
          stats.errors.set(key, (stats.errors.get(key) ?? 0) + 1);
        }
        outcome = worst(outcome, c);
        if (c === 'crash' || c === 'hang' || r.ms > timeoutMs / 2) suspicious = true;
        stats.slowestMs = Math.max(stats.slowestMs, r.ms);
      }
      if (res.maxRSS > bound) suspicious = true;
    } else {
      w.restart();
    }
    const sample = o.checkEvery > 0 && index % o.checkEvery === 0;
    if (suspicious || sample) {
      const file = path.join(tmp, `check-${index}.onnx`);
      fs.writeFileSync(file, mutant.bytes);
      const checked = await checkInProcesses(file, mutant.bytes.length, timeoutMs, tmp, o.memoryBase);
      for (const c of checked.commands) stats.maxRssMB = Math.max(stats.maxRssMB, c.rssMB);
      if (suspicious) stats.confirmed++;
      if (res) {
        stats.checked++;
        if (checked.outcome === outcome) stats.agree++;
        else stats.disagree.push(`${index}: in-process ${outcome}, process ${checked.outcome}`);
      }
      outcome = checked.outcome;
      if (outcome !== 'ok' && outcome !== 'error') {
        const bad = checked.commands.filter((c) => c.outcome === outcome);
        const sigs = [];
        for (const c of bad) {
          const sig = outcome === 'crash' ? await signatureOf(c.args, c.r, timeoutMs, tmp) : `${outcome.toUpperCase()} ${c.args[0]} (${outcome === 'memory' ? `${c.rssMB} MB` : `${c.ms} ms`})`;
          sigs.push(sig);
        }
        const saved = saveMutant(o, index, mutant, outcome, {
          signatures: sigs,
          commands: checked.commands.map(({ r, ...c }) => c),
        });
        for (let i = 0; i < sigs.length; i++) {
          const sig = sigs[i];
          const key = outcome === 'crash' ? sig : `${outcome.toUpperCase()} ${bad[i].args[0]}`;
          const s = signatures.get(key) ?? { count: 0, example: saved, outcome };
          s.count++;
          signatures.set(key, s);
        }
      }
      fs.rmSync(file, { force: true });
    }
    counts[outcome]++;
    if (w.maxRSS > Math.min(RECYCLE_RSS, (o.memoryBase - 30) * MB)) {
      stats.recycled++;
      w.restart();
    }
    done++;
    if (done % 250 === 0) {
      const s = (performance.now() - t0) / 1000;
      process.stderr.write(`  ${done}/${o.count}  ${(done / s).toFixed(1)} mutants/s  ok ${counts.ok} error ${counts.error} crash ${counts.crash} hang ${counts.hang} memory ${counts.memory}\n`);
    }
  }

  await Promise.all(
    workers.map(async (w) => {
      while (next < end) await one(w, next++);
    }),
  );
  for (const w of workers) w.kill();
  fs.rmSync(tmp, { recursive: true, force: true });
  const secs = (performance.now() - t0) / 1000;
  const summary = {
    seed: o.seed,
    start: o.start,
    count: o.count,
    seconds: Math.round(secs),
    mutantsPerSecond: Number((o.count / secs).toFixed(2)),
    counts,
    signatures: [...signatures].map(([sig, s]) => ({ signature: sig, ...s })),
    processChecks: { suspicious: stats.confirmed, sampled: stats.checked, agree: stats.agree, disagree: stats.disagree },
    mutatorErrors: stats.mutatorErrors,
    workersRecycled: stats.recycled,
    maxChildRssMB: stats.maxRssMB,
    slowestInProcessMs: Math.round(stats.slowestMs),
    mutations: Object.fromEntries([...stats.mutationKinds].sort((a, b) => b[1] - a[1])),
    cleanErrors: Object.fromEntries([...stats.errors].sort((a, b) => b[1] - a[1]).slice(0, 40)),
  };
  fs.mkdirSync(o.out, { recursive: true });
  fs.writeFileSync(path.join(o.out, `summary-s${o.seed}-${o.start}-${o.count}.json`), JSON.stringify(summary, null, 2) + '\n');
  console.log(`\n${o.count} mutants in ${secs.toFixed(0)} s (${summary.mutantsPerSecond} mutants/s)`);
  console.log(`  ok ${counts.ok}   clean error ${counts.error}   CRASH ${counts.crash}   HANG ${counts.hang}   MEMORY ${counts.memory}`);
  console.log(`  process checks: ${stats.confirmed} suspicious rerun, ${stats.checked} compared with in-process (${stats.agree} agree${stats.disagree.length ? `; differ: ${stats.disagree.slice(0, 5).join(', ')}` : ''}); workers recycled ${stats.recycled}; slowest in-process run ${Math.round(stats.slowestMs)} ms`);
  if (stats.mutatorErrors.length) console.log(`  mutator errors (mutants not run): ${stats.mutatorErrors.length}: ${stats.mutatorErrors.slice(0, 3).join('; ')}`);
  if (signatures.size) {
    console.log(`  distinct signatures (${signatures.size}):`);
    for (const [sig, s] of [...signatures].sort((a, b) => b[1].count - a[1].count)) console.log(`    ${String(s.count).padStart(5)}  ${sig}\n           e.g. ${path.relative(process.cwd(), s.example)}`);
  }
  process.exit(counts.crash + counts.hang + counts.memory > 0 ? 1 : 0);
}

const o = parseArgs(process.argv.slice(2));
await (o.replay ? replay(o) : fuzz(o));
