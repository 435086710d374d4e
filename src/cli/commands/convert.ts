/** `leannet convert <model> -o model.onnx`: any model leannet reads (TF.js model.json, zoo:…, ONNX) written as ONNX. */
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { bytes, c, checkOutputFile, openModel, saveOnnx, UnsupportedOpError } from '../../index.js';

export function convertCommand(): Command {
  return new Command('convert')
    .description('write a model (a TF.js model.json with its weight shards, zoo:<name>, .onnx) as ONNX')
    .argument('<model>', 'model.json, .onnx or zoo:<name>')
    .requiredOption('-o, --output <file>', 'the .onnx file to write')
    .option('--external', "put the weights in '<file>.data' next to the model")
    .action((model: string, opts) => {
      checkOutputFile(opts.output, `-o ${opts.output}`);
      const graph = openModel(model);
      const foreign = [...new Set(graph.nodes.filter((n) => n.domain === 'org.tensorflow').map((n) => n.opType))];
      if (foreign.length) throw new UnsupportedOpError(`${model}: TF ops with no ONNX mapping: ${foreign.join(', ')}`);
      const out = path.resolve(opts.output);
      saveOnnx(graph, out, opts.external ? { external: true } : {});
      const transposes = graph.nodes.filter((n) => n.opType === 'Transpose').length;
      process.stderr.write(`${c.green('wrote')} ${opts.output} (${bytes(fs.statSync(out).size)}, ${graph.nodes.length} nodes, ${transposes} Transpose)\n`);
    });
}
