/**
 * Peak activation memory from tensor lifetimes: a small residual model counted by hand node by
 * node (views aliased, element-wise ops in place), ResNet-50's peak by hand, and the analyze
 * report (text and --json, validated against its schema).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { Builder, activationMemory, analyzeGraph, buildFromSpec, ints, layers, openModel, type Graph } from '../src/index.js';
import { leannetInProcess } from './helpers/cli.js';
import { repoRoot, sharedModel } from './helpers/models.js';

/** x → conv1 → relu → conv2 → add(relu, conv2) → flatten; `exposeRelu` also makes relu's input a graph output. */
function residual(exposeRelu = false): Graph {
  const b = new Builder({ name: 'residual', seed: 1, opset: 13 });
  const x = b.input('x', [1, 3, 8, 8]);
  const a = layers.conv(b, x, { out: 4, kernel: 3, pad: 1, bias: true, name: 'conv1' });
  const r = b.op('Relu', [a], {}, 'relu');
  const c = layers.conv(b, r, { out: 4, kernel: 3, pad: 1, bias: true, name: 'conv2' });
  const s = b.op('Add', [r, c], {}, 'add');
  b.output(b.op('Flatten', [s], {}, 'flatten'));
  if (exposeRelu) b.output(a);
  return analyzeGraph(b.finish()).graph;
}

describe('peak activation memory', () => {
  it('a residual model, node by node by hand', () => {
    const m = activationMemory(residual());
    // x: 1·3·8·8 floats = 768 B; every other tensor 1·4·8·8 = 1024 B.
    // conv1: x + a. relu: in place over a (x is gone). conv2: r + c. add: in place over r or c,
    // both die there. flatten: a view of the sum.
    expect(m.order).toEqual(['conv1', 'relu', 'conv2', 'add', 'flatten']);
    expect([...m.curve]).toEqual([768 + 1024, 1024, 2048, 2048, 1024]);
    expect(m.peakBytes).toBe(2048);
    expect(m.peakNode).toBe('conv2');
    expect(m.aliased).toEqual({ views: 1, inPlace: 2 });
    expect(m.inputBytes).toBe(768);
    // conv1 4·3·9 + 4, conv2 4·4·9 + 4 floats; the Flatten has no stored constant.
    expect(m.weightBytes).toBe((4 * 3 * 9 + 4 + 4 * 4 * 9 + 4) * 4);
    expect(m.unknownTensors).toBe(0);
  });

  it('a tensor that is also a graph output is not overwritten in place', () => {
    const m = activationMemory(residual(true));
    // conv1's output lives to the end, so relu gets a buffer of its own.
    expect([...m.curve]).toEqual([768 + 1024, 2048, 3072, 3072, 2048]);
    expect(m.aliased).toEqual({ views: 1, inPlace: 1 });
  });

  it('ResNet-50 at 224: the peak is at layer1.0\'s downsample BN, three 256×56×56 tensors', () => {
    const a = analyzeGraph(buildFromSpec('resnet50'));
    const m = activationMemory(a.graph);
    // bn3's output (waiting for the Add), the downsample conv's output and its BN's output.
    expect(m.peakBytes).toBe(3 * 256 * 56 * 56 * 4);
    expect(m.peakNode).toBe('layer1.0.downsample.1');
    // Weights once: 25.6 M params + 53 k buffers, 4 bytes each.
    expect(m.weightBytes).toBe((a.cost.totals.params + a.cost.totals.buffers) * 4);
    // The stem: conv1 reads the 3×224×224 input and writes 64×112×112.
    expect(m.curve[0]).toBe((3 * 224 * 224 + 64 * 112 * 112) * 4);
  });

  it('analyze shows the peak and its node, in text and in --json (schema-valid)', async () => {
    const file = sharedModel('fmnist_resnet.onnx');
    const r = await leannetInProcess(['analyze', file, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'schemas/analyze.schema.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    expect(ajv.validate(schema, doc), ajv.errorsText()).toBe(true);
    const mem = doc.memory;
    // The command reports what the lifetime model computes on the same graph.
    expect(mem.peakBytes).toBe(activationMemory(analyzeGraph(openModel(file)).graph).peakBytes);
    expect(Math.max(...mem.curve.map((p: { bytes: number }) => p.bytes))).toBe(mem.peakBytes);
    expect(mem.curve[mem.peakIndex].node).toBe(mem.peakNode);
    expect(mem.curve).toHaveLength(doc.model.nodes);
    const text = await leannetInProcess(['analyze', file]);
    const line = text.stdout.split('\n').find((l) => l.includes('peak memory'))!;
    expect(line).toContain(`activations live while '${mem.peakNode}' runs (node ${mem.peakIndex + 1} of ${doc.model.nodes})`);
  });
});
