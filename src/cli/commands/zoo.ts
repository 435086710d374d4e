/** `leannet zoo list` and `leannet zoo export <name> -o model.onnx`. */
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { analyzeGraph, buildNetwork, checkOutputFile, findNetwork, NETWORKS, saveOnnx, si, table, c, bytes } from '../../index.js';
import { print, printJson } from '../output.js';

const OPTION_FLAGS = ['width', 'resolution', 'classes', 'groups', 'seed'] as const;

export function zooCommand(): Command {
  const zoo = new Command('zoo').description('built-in reference networks (use them anywhere as zoo:<name>[?width=0.5&...])');

  zoo
    .command('list')
    .description('the networks, their options, params and madds at the default options')
    .option('--json', 'print JSON')
    .action((opts) => {
      const rows = NETWORKS.map((n) => {
        const a = analyzeGraph(buildNetwork(n.name));
        return { name: n.name, title: n.title, source: n.source, options: n.options.map((o) => o.name), params: a.cost.totals.params, madds: a.cost.totals.madds };
      });
      if (opts.json) return printJson({ schema: 'leannet.zoo-list/1', networks: rows });
      const t = table(['network', 'title', 'options', 'params', 'madds'], ['left', 'left', 'left', 'right', 'right']);
      for (const r of rows) t.push([r.name, r.title, r.options.join(', '), si(r.params), si(r.madds)]);
      print(`${t.toString()}\n${c.dim('params and madds at 224x224, 1000 classes, width 1; madds = conv + fc multiply-adds')}`);
    });

  const exp = zoo
    .command('export')
    .description('write a network as an ONNX file with seeded weights')
    .argument('<name>', `one of: ${NETWORKS.map((n) => n.name).join(', ')}`)
    .requiredOption('-o, --output <file>', 'where to write the .onnx file')
    .option('--width <x>', 'width multiplier')
    .option('--resolution <n>', 'input height and width')
    .option('--classes <n>', 'number of classes')
    .option('--groups <g>', 'groups (shufflenet_v1)')
    .option('--seed <n>', 'weight seed')
    .option('--deploy', 'RepVGG: the re-parameterised inference form')
    .option('--external', "put the weights in '<file>.data' next to the model");
  exp.action((name: string, opts) => {
    const def = findNetwork(name);
    checkOutputFile(opts.output, `-o ${opts.output}`);
    const given: Record<string, string> = {};
    for (const k of OPTION_FLAGS) if (opts[k] !== undefined) given[k] = String(opts[k]);
    if (opts.deploy) given['deploy'] = 'true';
    const graph = buildNetwork(def.name, given);
    const out = path.resolve(opts.output);
    saveOnnx(graph, out, opts.external ? { external: true } : {});
    const size = fs.statSync(out).size;
    process.stderr.write(`${c.green('wrote')} ${opts.output} (${bytes(size)}${opts.external ? ` + ${path.basename(out)}.data` : ''})\n`);
  });
  return zoo;
}
