/** `leannet eval <model> [<reference>] --data D`: accuracy on real data, agreement with a reference, throughput. */
import { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { createEngine, evalJson, evalReport, evaluate, openDataset, planBatches, prepareModel, type PreparedModel } from '../../index.js';
import { dataOptions, withDataOptions } from '../data-options.js';
import { engineOptions, withEngineOptions } from '../engine-options.js';
import { print, printJson } from '../output.js';
import { withProgress } from '../progress.js';

export function evalCommand(): Command {
  const cmd = new Command('eval')
    .description('accuracy on real data (top-1/top-5 with 95% intervals, per class), agreement with a reference model, throughput')
    .argument('<model>', '.onnx file or zoo:<network>')
    .argument('[reference]', 'a model to compare outputs with on the same inputs (top-1 agreement, KL, SNR, IoU)')
    .option('--iou <t>', 'dense outputs (masks, heat maps): IoU of the elements above this value', '0.5');
  withDataOptions(withEngineOptions(cmd, { time: '3' }));
  cmd.action(async (modelSpec: string, refSpec: string | undefined, opts, self: Command) => {
    if (opts.data === undefined) throw new UsageError('eval needs --data <path>: an IDX file, .npy/.npz, an image or a folder of images');
    const iou = Number(opts.iou);
    if (!Number.isFinite(iou)) throw new UsageError(`--iou: expected a number, got '${opts.iou}'`);
    const model = prepareModel(modelSpec);
    planBatches(model, 1); // one input, or a one-line error before any data is read
    const reference: PreparedModel | undefined = refSpec ? prepareModel(refSpec) : undefined;
    if (reference) planBatches(reference, 1);
    const d = dataOptions(opts, model.graph);
    const engine = await createEngine(opts.engine, engineOptions(opts, !!self.optsWithGlobals()['verbose']));
    const dataset = await openDataset(d.data!, d);
    const classes = dataset.classes ?? d.modelLabels;
    const r = await withProgress(`eval ${model.label}`, (update) =>
      evaluate(model, dataset, engine, {
        batchSize: d.batchSize,
        iouThreshold: iou,
        ...(reference ? { reference } : {}),
        ...(classes ? { classes } : {}),
        onProgress: (done, total) => update(total ? done / total : 0, `${done}/${total}`),
      }),
    );
    if (opts.json) printJson(evalJson(r));
    else print(evalReport(r));
  });
  return cmd;
}
