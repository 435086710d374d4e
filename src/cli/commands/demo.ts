/**
 * `leannet demo`: the whole job on a built-in network — analyze, lint, rewrite, verify,
 * compare — told as a short story with the measured figures.
 */
import { Command } from 'commander';
import { analyzeGraph, checkOutputFile, PASSES, PASS_REFS, openModel, createEngine, lint, parsePassSpecs, rewriteModel, saveOnnx, setupLine, si, pct, c, type Engine } from '../../index.js';
import { budget, engineOptions, withEngineOptions } from '../engine-options.js';
import { print } from '../output.js';
import { withProgress } from '../progress.js';

export function demoCommand(): Command {
  const cmd = new Command('demo')
    .description('analyze → lint → rewrite → verify → compare on a built-in network, as a short story')
    .argument('[network]', 'a zoo network (default: RepVGG-A0 in its training form)', 'zoo:repvgg_a0')
    .option('--pass <passes>', `rewrite passes to apply; passes: ${PASSES.map((p) => p.id).join(', ')}`, `${PASS_REFS.foldBn},${PASS_REFS.reparam}`)
    .option('-o, --output <file>', 'also write the rewritten model here');
  withEngineOptions(cmd, { time: '4' });
  cmd.action(async (network: string, opts, self: Command) => {
    const spec = network.startsWith('zoo:') ? network : `zoo:${network}`;
    if (opts.output) checkOutputFile(opts.output, `-o ${opts.output}`);
    const b = budget(opts);
    const specs = parsePassSpecs([opts.pass]);
    const step = (n: number, title: string) => print(`\n${c.bold(`${n}. ${title}`)}`);

    const before = analyzeGraph(openModel(spec));
    const t = before.cost.totals;
    step(1, `analyze ${spec}`);
    print(`   ${si(t.params)} params, ${si(t.madds)} multiply-adds, ${before.graph.nodes.length} nodes; element-wise ops are ${pct(t.elementwiseShare)} of the ${si(t.memAccess)} elements it reads and writes.`);
    const kinds = before.cost.convKinds.map((k) => `${k.count} ${k.kind} (${pct(k.share)} of madds)`).join(', ');
    if (kinds) print(`   Convolutions: ${kinds}.`);

    step(2, 'lint: what the structure costs');
    const l = lint(before);
    print(`   ${l.summary}.`);
    // The findings the chosen passes answer, one per rule, then the biggest others.
    const chosen = new Set(specs.map((s) => s.pass.id));
    const shown = new Set<string>();
    const picks = [...l.findings.filter((f) => f.rewrite && chosen.has(f.rewrite)), ...l.findings].filter((f) => !shown.has(f.rule) && shown.add(f.rule)).slice(0, 4);
    for (const f of picks) {
      const count = l.findings.filter((x) => x.rule === f.rule).length;
      print(`   - ${f.rule} (${count}×, e.g.) ${f.message}${f.rewrite ? c.dim(` → pass ${f.rewrite}`) : ''}`);
    }

    step(3, `rewrite with ${opts.pass}, verify on the runtime, measure before vs after`);
    const engine: Engine = await createEngine(opts.engine, engineOptions(opts, !!self.optsWithGlobals()['verbose']));
    const r = await withProgress('measuring', (update) =>
      rewriteModel(spec, specs, engine, {
        seed: b.seed,
        compare: { warmup: b.warmup, minPairs: 20, budgetMs: b.budgetMs, onProgress: (p) => update(p.elapsedMs / p.budgetMs, `${p.pairs} pairs`) },
      }),
    );
    for (const p of r.passes) print(`   ${p.id}: ${p.changes.length} change${p.changes.length === 1 ? '' : 's'} ${c.dim(`// ${p.algebra}`)}`);
    const a = r.after.totals;
    print(`   ${r.before.nodes} → ${r.after.nodes} nodes; params ${si(t.params)} → ${si(a.params)}; madds ${si(t.madds)} → ${si(a.madds)}; memory access ${si(t.memAccess)} → ${si(a.memAccess)} elements.`);

    step(4, 'verify');
    print(`   Same seeded input to both: largest output difference ${r.outputError?.toExponential(2)} of the output's scale (max|a−b| / max|a|) — ${r.ok ? (r.exact ? 'the same function, to float rounding' : 'the approximation chosen') : `NOT equivalent: ${r.failure}`}.`);

    step(5, 'compare');
    if (r.timing) {
      print(`   ${c.bold(r.timing.verdict)}`);
      print(`   Interleaved runs: ${r.timing.ratio.pairs} pairs; medians ${r.timing.a.stats.median.toFixed(2)} ms → ${r.timing.b.stats.median.toFixed(2)} ms.`);
      print(`   ${setupLine(r.timing.engine, r.timing.env)}`);
    } else print('   (not measured: the rewrite changed the outputs)');
    if (opts.output && r.ok) {
      saveOnnx(r.graph, opts.output);
      print(`\nwrote ${opts.output}`);
    }
    print(`\n${c.dim('Next: leannet analyze|lint|rewrite|bench|compare|profile on your own .onnx file (leannet --help).')}`);
  });
  return cmd;
}
