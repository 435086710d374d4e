/** `leannet zoo list` and `leannet zoo export <name> -o model.onnx`. */
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { analyzeGraph, buildNetwork, checkOutputFile, findNetwork, NETWORKS, saveOnnx, c, bytes, zooListJson, zooListReport, type ZooListRow } from '../../index.js';
import { print, printJson } from '../output.js';

/** Every network, built at its defaults and analysed. */
function zooList(): ZooListRow[] {
  return NETWORKS.map((n) => {
    const a = analyzeGraph(buildNetwork(n.name));
    return { name: n.name, title: n.title, source: n.source, options: n.options.map((o) => o.name), params: a.cost.totals.params, madds: a.cost.totals.madds };
  });
}

const OPTION_FLAGS = ['width', 'resolution', 'classes', 'groups', 'seed'] as const;

export function zooCommand(): Command {
  const zoo = new Command('zoo').description('built-in reference networks (use them anywhere as zoo:<name>[?width=0.5&...])');

  zoo
    .command('list')
    .description('the networks, their options, params and madds at the default options')
    .option('--json', 'print JSON (schemas/zoo-list.schema.json)')
    .action((opts) => {
      const rows = zooList();
      if (opts.json) printJson(zooListJson(rows));
      else print(zooListReport(rows));
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
