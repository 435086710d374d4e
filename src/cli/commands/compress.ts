/**
 * `leannet compress model.onnx --data D --target latency=0.33x [--test-data T] [--max-drop P] -o out.onnx`:
 * NetAdapt-style search to a latency / madds / params budget. --data feeds the fits (--calib) and
 * the held-out selection split (--holdout, after them); --test-data, never seen by the search,
 * is where the final accuracy (and the original's) is reported.
 */
import { Command } from 'commander';
import { UsageError } from '../../errors.js';
import {
  Calibration, checkOutputFile, checkOutputPath, compress, compressHtml, compressReport, createEngine, createLatencyModel, predictedLatency, evaluate, ReferenceRuns, SCHEDULE_DEFAULTS, openDataset, openModel, parseTarget,
  prepareGraph, prepareModel, writeFilesAtomic, writeRewritten, maddsLatency, measuredLatency, type Graph,
} from '../../index.js';
import { dataOptions, withDataOptions } from '../data-options.js';
import { engineOptions, withEngineOptions } from '../engine-options.js';
import { bindOptions, positiveInt, withShapeOptions } from '../options.js';
import { print, printJson } from '../output.js';
import { withProgress } from '../progress.js';
import { heldOutScorer, rewriteData } from '../rewrite-data.js';

function share(text: unknown, what: string): number {
  const v = Number(text);
  if (!(v > 0 && v < 1)) throw new UsageError(`${what}: expected a number between 0 and 1, got '${String(text)}'`);
  return v;
}

export function compressCommand(): Command {
  const cmd = new Command('compress')
    .description('NetAdapt-style search: prune channel groups step by step, fitted and selected on real data, re-measured on the engine, until a latency / madds / params target')
    .argument('<model>', '.onnx file or zoo:<network>')
    .requiredOption('-o, --output <file>', 'where to write the compressed model (never the input)')
    .requiredOption('--target <metric=value>', 'latency=0.33x | latency=12ms | madds=50% | madds=200M | params=1.5M')
    .option('--test-data <path>', 'samples the search never sees, on which the final (and the original) top-1 is reported (labels beside, or --test-labels)')
    .option('--test-labels <file>', 'labels of --test-data')
    .option('--calib <n>', 'samples of --data the final refit uses (default 1024)')
    .option('--search-calib <n>', 'of the --calib samples, how many the search’s many per-proposal fits use (default 256); the final refit uses every --calib sample', '256')
    .option('--holdout <n>', 'samples of --data after those, never fitted on: each proposal is scored on them (default 1000)')
    .option('--max-drop <points>', 'stop before a step that costs more than this many points of held-out top-1')
    .option('--round <n>', 'kept widths are multiples of this', '8')
    .option('--kinds <list>', "what each step proposes, comma-separated: prune (channel groups cut) and group (a conv split into 2 groups, fitted on --data)", 'prune')
    .option('--start-ratio <share>', 'start the steps from a uniform cut of every group by this share (fitted and measured as step 1)')
    .option('--criterion <score>', "which channels a cut keeps: energy (each channel's mean squared contribution to its consumers' outputs on --data) or l1 (filter weight norms)", 'energy')
    .option('--select <how>', "ratio: each group's cut capped at --max-cut, the least score lost per latency saved first, as many together as the step needs; accuracy: NetAdapt's single most accurate proposal that meets the step", 'ratio')
    .option('--max-cut <share>', "with --select ratio: the largest share of a group's width one step removes", '0.25')
    .option('--select-by <score>', 'what proposals are ranked by on the held-out split: kl (mean KL divergence from the original’s outputs, smoother than a count) or top1 (top-1, or agreement without labels)', 'kl')
    .option('--max-steps <n>', 'steps at most', '40')
    .option('--step <share>', "first step's reduction, a share of the original (NetAdapt's schedule)", String(SCHEDULE_DEFAULTS.first))
    .option('--decay <factor>', "each step's reduction is the previous one's times this", String(SCHEDULE_DEFAULTS.decay))
    .option('--step-time <seconds>', "each step's interleaved re-measurement against the original", '3')
    .option('--estimator <kind>', "how each proposal's latency is predicted: measured (time it on the engine), predicted (the latency model: kernels timed alone on this machine and cached, as `leannet predict`), or madds (the cost model's proxy); each is corrected by the measured speed-up each step", 'measured')
    .option('--estimate-time <ms>', 'budget of one latency estimate (the default estimator times each candidate)', '400')
    .option('--no-final-refit', 'keep the incrementally fitted model (no rebuild with every layer refitted)')
    .option('--log <file>', 'write the JSON step log (schema leannet.compress/1)')
    .option('--report <file>', 'write an HTML page: the accuracy–latency front, the steps, the explanation');
  withDataOptions(withShapeOptions(withEngineOptions(cmd, { time: '3' })));
  cmd.action(async (model: string, opts, self: Command) => {
    checkOutputPath(model, opts.output);
    const target = parseTarget(String(opts.target));
    if (opts.data === undefined) throw new UsageError('compress fits and selects on data: give --data');
    if (opts.log) checkOutputFile(opts.log);
    if (opts.report) checkOutputFile(opts.report);
    const round = positiveInt(String(opts.round), '--round');
    const maxSteps = positiveInt(String(opts.maxSteps), '--max-steps');
    const first = share(opts.step, '--step');
    const decay = Number(opts.decay);
    if (!(decay > 0 && decay <= 1)) throw new UsageError(`--decay: expected a number in (0, 1], got '${String(opts.decay)}'`);
    const stepSeconds = Number(opts.stepTime);
    if (!(stepSeconds > 0) || !Number.isFinite(stepSeconds)) throw new UsageError(`--step-time: expected a positive number of seconds, got '${String(opts.stepTime)}'`);
    const estimateMs = Number(opts.estimateTime);
    if (!(estimateMs > 0) || !Number.isFinite(estimateMs)) throw new UsageError(`--estimate-time: expected a positive number of ms, got '${String(opts.estimateTime)}'`);
    if (!['measured', 'predicted', 'madds'].includes(String(opts.estimator))) throw new UsageError(`--estimator: expected measured, predicted or madds, got '${String(opts.estimator)}'`);
    if (opts.select !== 'ratio' && opts.select !== 'accuracy') throw new UsageError(`--select: expected ratio or accuracy, got '${String(opts.select)}'`);
    const kinds = String(opts.kinds).split(',').map((k) => k.trim());
    for (const k of kinds) if (k !== 'prune' && k !== 'group') throw new UsageError(`--kinds: expected a comma-separated list of prune and group, got '${String(opts.kinds)}'`);
    if (!kinds.includes('prune')) throw new UsageError(`--kinds: prune is always proposed; got '${String(opts.kinds)}'`);
    if (opts.criterion !== 'energy' && opts.criterion !== 'l1') throw new UsageError(`--criterion: expected energy or l1, got '${String(opts.criterion)}'`);
    if (opts.selectBy !== 'kl' && opts.selectBy !== 'top1') throw new UsageError(`--select-by: expected kl or top1, got '${String(opts.selectBy)}'`);
    const maxCut = share(opts.maxCut, '--max-cut');
    const startRatio = opts.startRatio !== undefined ? share(opts.startRatio, '--start-ratio') : undefined;
    const searchCalib = positiveInt(String(opts.searchCalib), '--search-calib');
    const maxDrop = opts.maxDrop !== undefined ? Number(opts.maxDrop) : undefined;
    if (maxDrop !== undefined && !(maxDrop >= 0 && maxDrop <= 100)) throw new UsageError(`--max-drop: expected a number of points in [0, 100], got '${String(opts.maxDrop)}'`);
    const bindAll = bindOptions(opts);
    const { batch: _b, ...bind } = bindAll;
    const graph = openModel(model);
    // Timed at --batch, else the model's fixed batch dim, else 32.
    const declared = graph.inputs[0] !== undefined ? graph.value(graph.inputs[0]).declared?.shape?.[0] : undefined;
    const batch = bindAll.batch ?? (typeof declared === 'number' ? declared : 32);
    const verbose = !!self.optsWithGlobals()['verbose'];
    // Latency is what the target is about: timed on --threads (default 1); fits and scoring use every core.
    const timer = await createEngine(opts.engine, { ...engineOptions(opts, verbose), threads: opts.threads !== undefined ? positiveInt(String(opts.threads), '--threads') : 1 });
    const { threads: _t, ...scoring } = engineOptions(opts, verbose);
    const engine = await createEngine(opts.engine, scoring);
    // Test data: opened (and checked) before the search, read after it.
    let test: { path: string; open: () => ReturnType<typeof openDataset> } | undefined;
    if (opts.testData !== undefined) {
      const d = dataOptions({ ...opts, data: opts.testData, labels: opts.testLabels, limit: undefined }, graph);
      const probe = await openDataset(String(opts.testData), d);
      const labelled = probe.labelled;
      await probe.close?.();
      if (!labelled) throw new UsageError(`--test-data ${String(opts.testData)} has no labels: give --test-labels`);
      test = { path: String(opts.testData), open: () => openDataset(String(opts.testData), d) };
    }
    // The model file is read once: every other use takes a copy of `graph`.
    const data = await rewriteData(model, { ...opts, calib: opts.calib ?? '1024', maxDrop: opts.maxDrop }, true, () => graph.clone());
    const score = heldOutScorer(model, data!, engine, bind, graph.clone())!;
    const reference = prepareModel(model, bind, 1, graph.clone());
    // One pass over the held-out split: top-1 (agreement without labels) and the mean KL from the original.
    const referenceRuns = new ReferenceRuns();
    const evaluateHeld = async (g: Graph) => {
      const e = await evaluate(prepareGraph(g, 'candidate', bind), data!.heldOut!, engine, { reference, referenceRuns, batchSize: data!.batchSize });
      const classes = e.agreement?.find((a) => a.classes)?.classes;
      if (!classes) throw new UsageError('compress ranks proposals on a [N, classes] output: this model has none (try --select-by top1)');
      return { accuracy: e.accuracy?.top1.value ?? classes.top1.value, selection: -classes.meanKL };
    };
    const holdout = data!.heldOut!.size;
    const fitAll = data!.calibration.fit;
    const samplesOf = (fs: typeof fitAll) => fs.reduce((s, f) => s + Number(Object.values(f)[0]!.dims[0]), 0);
    // The search fits on the first --search-calib samples; the final refit on all of them.
    const fitSearch: typeof fitAll = [];
    for (const f of fitAll) {
      const left = searchCalib - samplesOf(fitSearch);
      if (left <= 0) break;
      // The last batch cut to the samples still wanted (every input's leading dim).
      fitSearch.push(Object.fromEntries(Object.entries(f).map(([k, t]) => {
        const rows = Number(t.dims[0]);
        if (rows <= left) return [k, t];
        const data = t.data as Float32Array;
        const per = data.length / rows;
        return [k, { ...t, dims: [left, ...t.dims.slice(1)], data: data.subarray(0, left * per) }];
      })));
    }
    const calibration = new Calibration(graph, { engine, fit: fitSearch, heldOut: [] });
    const finalCalibration = samplesOf(fitSearch) < samplesOf(fitAll) ? new Calibration(graph, { engine, fit: fitAll, heldOut: [] }) : undefined;
    const latencyModel = opts.estimator === 'predicted' ? await createLatencyModel(timer) : undefined;
    const r = await withProgress('compress', (update) =>
      compress(graph, {
        target, engine, timer, batch, bind, calibration, round, maxSteps,
        score: async (g) => {
          const s = await score(prepareGraph(g, 'candidate', bind));
          return s.top1 ?? s.agreement;
        },
        ...(opts.selectBy === 'kl' ? { evaluate: evaluateHeld } : {}),
        select: opts.select, maxCut, criterion: opts.criterion, ...(startRatio !== undefined ? { startRatio } : {}), kinds: kinds as ('prune' | 'group')[],
        ...(finalCalibration ? { finalCalibration } : {}),
        estimator:
          opts.estimator === 'madds' ? maddsLatency(bind)
          : latencyModel ? predictedLatency(latencyModel, batch, bind)
          : measuredLatency(timer, { batch, bind, budgetMs: estimateMs }),
        ...(maxDrop !== undefined ? { maxDrop } : {}),
        schedule: { first, decay },
        compare: { budgetMs: stepSeconds * 1000, minPairs: 10 },
        finalRefit: opts.finalRefit,
        modelName: model,
        calibInfo: { calib: samplesOf(fitSearch), holdout, accuracyOn: `held-out selection split (${holdout} samples of ${String(opts.data)} after the fitted ones)` },
        onProgress: (p) => update(p.fraction, `${p.what} · ${p.speedup.toFixed(2)}× · ${(p.accuracy * 100).toFixed(2)}%`),
      }),
    );
    await data!.close();
    await latencyModel?.release();
    const log = r.log;
    log.output = opts.output;
    if (test) {
      const top1 = async (g: Graph) => {
        const ds = await test!.open();
        try {
          const e = await evaluate(prepareGraph(g, 'm', bind), ds, engine, { batchSize: data!.batchSize });
          return { value: e.accuracy!.top1.value, lo: e.accuracy!.top1.lo, hi: e.accuracy!.top1.hi, samples: e.samples };
        } finally {
          await ds.close?.();
        }
      };
      const a = await top1(r.start);
      const b = await top1(r.graph);
      log.final.test = { data: test.path, original: { value: a.value, lo: a.lo, hi: a.hi }, final: { value: b.value, lo: b.lo, hi: b.hi }, samples: b.samples };
    }
    writeRewritten(r.graph, opts.output);
    const files = [];
    if (opts.log) files.push({ file: String(opts.log), data: JSON.stringify(log, null, 2) + '\n' });
    if (opts.report) files.push({ file: String(opts.report), data: compressHtml(log) });
    if (files.length) writeFilesAtomic(files);
    if (opts.json) printJson(log);
    else {
      print(compressReport(log));
      process.stderr.write(`wrote ${opts.output}\n`);
    }
  });
  return cmd;
}
