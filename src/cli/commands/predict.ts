/** `leannet predict`: a model's time per run from the latency model (kernels timed alone, cached), and with --check the measured median beside it. */
import { Command } from 'commander';
import { checkPrediction, createEngine, createLatencyModel, environment, predictJson, predictReport, prepareModel, type PredictResult } from '../../index.js';
import { budget, engineOptions, withEngineOptions } from '../engine-options.js';
import { bindOptions, positiveInt, withShapeOptions } from '../options.js';
import { print, printJson } from '../output.js';
import { withProgress } from '../progress.js';

export function predictCommand(): Command {
  const cmd = new Command('predict')
    .description("predicted time per run from the kernels ORT runs, each timed alone on this machine and cached (~/.cache/leannet/latency.json)")
    .argument('<model>', '.onnx file or zoo:<network>')
    .option('--check', "also measure the model and print predicted vs measured (error in %), raw and corrected for the machine's speed now (speed probes timed between blocks)")
    .option('--top <n>', 'show the n heaviest kernels', '10');
  withShapeOptions(withEngineOptions(cmd, { time: '3' }));
  cmd.action(async (model: string, opts, self: Command) => {
    const bud = budget(opts);
    const top = positiveInt(String(opts.top), '--top');
    const engine = await createEngine(opts.engine, engineOptions(opts, !!self.optsWithGlobals()['verbose']));
    const prepared = prepareModel(model, bindOptions(opts), bud.seed);
    const prediction = await withProgress(`predict ${prepared.label}`, async (update) => {
      update(0, 'engine overhead');
      const lm = await createLatencyModel(engine, { onProgress: (done, total) => update(total ? done / total : 1, `${done}/${total} kernels timed`) });
      return { lm, key: lm.key, p: await lm.predictPrepared(prepared) };
    });
    let check: PredictResult['check'] = null;
    if (opts.check) {
      check = await withProgress(`bench ${prepared.label}`, (update) =>
        checkPrediction(prediction.lm, prepared, prediction.p, { ...bud, onProgress: (p) => update(p.elapsedMs / p.budgetMs, `${p.runs} runs`) }),
      );
    }
    await prediction.lm.release();
    const r: PredictResult = { model: prepared.label, batch: prepared.batch, engine: engine.info, env: environment(), cacheKey: prediction.key, prediction: prediction.p, check };
    if (opts.json) printJson(predictJson(r));
    else print(predictReport(r, top));
  });
  return cmd;
}
