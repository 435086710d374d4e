/**
 * A rewrite reads its model file once and infers shapes once for the input and once per pass:
 * every later build (the --keep candidates, the kept set) starts from `Graph.clone()` of the
 * analysed original, and preparing a graph for the engine does not infer again. The reads are
 * counted through the host's file read, the inferences by `inferenceCount()`. A clone is a
 * separate graph: editing it leaves the original as it was.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  analyzeGraph, createEngine, host, inferenceCount, inferShapes, loadOnnx, parsePassSpecs, rewriteModel, setHost, type Engine,
} from '../src/index.js';
import { main } from '../src/cli/main.js';
import { sharedModel, tempDir } from './helpers/models.js';

let engine: Engine | undefined;
const ort = async () => (engine ??= await createEngine('ort', { threads: 2 }));

const model = sharedModel('fmnist_resnet_bn.onnx');
let reads: string[] = [];
const readFile = host.readFile;

beforeEach(() => {
  reads = [];
  setHost({ readFile: (f) => (reads.push(f), readFile(f)) });
});
afterEach(() => setHost({ readFile }));

describe('rewrite I/O', () => {
  it('three exact passes, verified on the engine: one read, one inference for the input and one per pass', async () => {
    const passes = parsePassSpecs(['fold-bn,fold-pad,merge-parallel-convs']);
    const before = inferenceCount();
    const r = await rewriteModel(model, passes, await ort(), { measure: false });
    expect(r.ok).toBe(true);
    expect(r.passes.find((p) => p.id === 'fold-bn')!.changes.length).toBeGreaterThan(0);
    expect(r.verification?.outputs.length).toBeGreaterThan(0);
    expect(reads).toEqual([model]);
    expect(inferenceCount() - before).toBe(1 + passes.length);
  }, 60_000);

  it('--keep faster builds every candidate from a clone: still one read, and one inference per pass per build', async () => {
    const passes = parsePassSpecs(['fold-bn,group:g=2']);
    const before = inferenceCount();
    const r = await rewriteModel(model, passes, await ort(), {
      measure: false,
      verify: false,
      keep: { faster: true, compare: { warmup: 1, minPairs: 3, budgetMs: 150 } },
    });
    const candidates = r.keep!.candidates.length;
    expect(candidates).toBeGreaterThan(1);
    expect(reads).toEqual([model]);
    // Builds: the first (every change), the original (exact passes only), each candidate alone,
    // and the kept set (calibrated builds are keyed apart from timed ones, so it is built again).
    // Each is a clone whose shapes are current: the passes infer, preparing it for the engine does not.
    expect(inferenceCount() - before).toBe(1 + passes.length * (3 + candidates));
  }, 60_000);

  it('the CLI in process, with --report: one read for the rewrite, its verification and the report page', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'out.onnx');
    const page = path.join(dir, 'diff.html');
    const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const quietErr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let code: number;
    try {
      code = await main(['node', 'leannet', 'rewrite', model, '--pass', 'fold-bn', '-o', out, '--no-measure', '--report', page, '--threads', '2']);
    } finally {
      quiet.mockRestore();
      quietErr.mockRestore();
    }
    expect(code).toBe(0);
    expect(fs.statSync(out).size).toBeGreaterThan(0);
    expect(fs.readFileSync(page, 'utf8')).toContain('<html');
    expect(reads).toEqual([model]);
  }, 60_000);

  it('a clone is its own graph: edits to it leave the original, and its shapes stay current until one', () => {
    const g = loadOnnx(model);
    const a = analyzeGraph(g);
    const c = g.clone();
    const before = inferenceCount();
    inferShapes(c);
    expect(inferenceCount()).toBe(before);
    const conv = c.nodes.find((n) => n.opType === 'Conv')!;
    const orig = g.nodes.find((n) => n.name === conv.name)!;
    c.setInput(conv, 0, 'elsewhere');
    c.setAttr(conv, 'group', { type: 'int', value: 7 });
    c.setGraphOutputs([]);
    expect(orig.inputs[0]).not.toBe('elsewhere');
    expect(orig.attrs.get('group')).not.toEqual({ type: 'int', value: 7 });
    expect(g.outputs.length).toBeGreaterThan(0);
    expect(c.shapesMark).toBeUndefined();
    expect(g.shapesMark).toBeDefined();
    expect(analyzeGraph(g).cost.totals).toEqual(a.cost.totals);
    expect(inferenceCount()).toBe(before);
  });

  it('shapes are inferred again after a write the graph does not count: an input declared anew, an opset changed', () => {
    const g = loadOnnx(model);
    const input = g.inputs[0]!;
    const declared = g.value(input).declared!;
    inferShapes(g);
    const out = g.outputs[0]!;
    const batch1 = g.value(out).shape!;
    let count = inferenceCount();
    inferShapes(g);
    expect(inferenceCount()).toBe(count); // nothing changed: not walked again
    // A new declared type for the input (batch 3): the output follows it.
    g.value(input).declared = { ...declared, shape: [3, ...declared.shape!.slice(1)] };
    inferShapes(g);
    expect(inferenceCount()).toBe(++count);
    expect(g.value(out).shape).toEqual([3, ...batch1.slice(1)]);
    inferShapes(g);
    expect(inferenceCount()).toBe(count);
    // Another opset: the definitions may differ, so the walk is redone.
    g.opsets.set('', (g.opset('') ?? 13) + 1);
    inferShapes(g);
    expect(inferenceCount()).toBe(++count);
    // A clone holds the same opsets and keeps the mark; an opset set on it is a change of its
    // own (a count of changes per map would match the original's count here: two sets each).
    const c = g.clone();
    inferShapes(c);
    expect(inferenceCount()).toBe(count);
    c.opsets.set('', c.opset('')! + 1);
    inferShapes(c);
    expect(inferenceCount()).toBe(++count);
    inferShapes(g);
    expect(inferenceCount()).toBe(count);
  });
});
