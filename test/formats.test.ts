/**
 * What real exports contain, each read, counted, run in onnxruntime and written back:
 * float16 / int8 / uint8 weights, Constant-node weights, several opset domains, ops nobody
 * knows, symbolic dims with exporter-style names.
 */
import { describe, expect, it } from 'vitest';
import ort from 'onnxruntime-node';
import { analyzeGraph, decodeModel, encodeModel, findProblems, floatToHalf, readOnnx, writeOnnx } from '../src/index.js';
import { runBytes, seededFloats } from './helpers/ort.js';
import { floatInit, valueInfo } from './helpers/tiny.js';

const X = { name: 'x', dims: [1, 3, 8, 8] };
const feeds = () => ({ x: new ort.Tensor('float32', seededFloats(192, 3), [1, 3, 8, 8]) });
const scalarF = (name: string, v: number) => ({ name, dims: [], data_type: 1, raw_data: new Uint8Array(new Float32Array([v]).buffer) });

function model(nodes: Record<string, unknown>[], initializers: Record<string, unknown>[], opsets: [string, number][] = [['', 13]], extra: Record<string, unknown> = {}) {
  return encodeModel({
    ir_version: 8,
    opset_import: opsets.map(([domain, version]) => ({ domain, version })),
    producer_name: 'formats-test',
    doc_string: 'a model for the formats test',
    metadata_props: [{ key: 'author', value: 'leannet' }],
    graph: { name: 'g', node: nodes, input: [valueInfo(X)], output: [valueInfo({ name: 'y' })], initializer: initializers, ...extra },
  });
}

async function expectRoundTrip(bytes: Uint8Array) {
  const g = readOnnx(bytes);
  const a = await runBytes(bytes, feeds());
  const b = await runBytes(writeOnnx(g).model, feeds());
  expect(Buffer.from((b['y']!.data as Float32Array).buffer).equals(Buffer.from((a['y']!.data as Float32Array).buffer))).toBe(true);
}

describe('weight forms', () => {
  it('float16 weights (raw_data and int32_data) cast to float32 count as params', async () => {
    const half = Uint16Array.from(seededFloats(4 * 27, 5), (v) => floatToHalf(v * 0.2));
    for (const w16 of [
      { name: 'w16', dims: [4, 3, 3, 3], data_type: 10, raw_data: new Uint8Array(half.buffer) },
      { name: 'w16', dims: [4, 3, 3, 3], data_type: 10, int32_data: [...half] },
    ]) {
      const bytes = model(
        [
          { name: 'cast', op_type: 'Cast', input: ['w16'], output: ['w'], attribute: [{ name: 'to', type: 2, i: 1 }] },
          { name: 'conv', op_type: 'Conv', input: ['x', 'w'], output: ['y'], attribute: [{ name: 'pads', type: 7, ints: [1, 1, 1, 1] }] },
        ],
        [w16],
      );
      const a = analyzeGraph(readOnnx(bytes));
      expect(a.graph.initializers.get('w16')!.dtype).toBe('float16');
      expect(a.cost.totals.params).toBe(108);
      expect(a.cost.totals.buffers).toBe(0);
      expect(a.cost.totals.madds).toBe(64 * 4 * 27);
      // params are charged to the conv that uses them, not the Cast in between
      expect(a.cost.nodes.find((n) => n.node.name === 'conv')!.params).toBe(108);
      await expectRoundTrip(bytes);
    }
  });

  it('int8 weights through DequantizeLinear (QDQ) count as params; scale and zero point as buffers', async () => {
    const bytes = model(
      [
        { name: 'dq', op_type: 'DequantizeLinear', input: ['w8', 'ws', 'wz'], output: ['w'] },
        { name: 'conv', op_type: 'Conv', input: ['x', 'w', 'b'], output: ['y'] },
      ],
      [
        { name: 'w8', dims: [4, 3, 3, 3], data_type: 3, raw_data: Int8Array.from(seededFloats(108, 9), (v) => Math.round(v * 100)) },
        scalarF('ws', 0.01),
        { name: 'wz', dims: [], data_type: 3, raw_data: new Uint8Array([0]) },
        floatInit('b', [4]),
      ],
    );
    const a = analyzeGraph(readOnnx(bytes));
    expect(a.cost.totals.params).toBe(108 + 4);
    expect(a.cost.totals.buffers).toBe(2);
    expect(a.graph.value('y').shape).toEqual([1, 4, 6, 6]);
    await expectRoundTrip(bytes);
  });

  it('DynamicQuantizeLinear → ConvInteger with uint8 weights', async () => {
    const bytes = model(
      [
        { name: 'dql', op_type: 'DynamicQuantizeLinear', input: ['x'], output: ['xq', 'xs', 'xz'] },
        { name: 'ci', op_type: 'ConvInteger', input: ['xq', 'wu8', 'xz', 'wz'], output: ['acc'] },
        { name: 'cast', op_type: 'Cast', input: ['acc'], output: ['accf'], attribute: [{ name: 'to', type: 2, i: 1 }] },
        { name: 'scale', op_type: 'Mul', input: ['accf', 'xs'], output: ['y'] },
      ],
      [
        { name: 'wu8', dims: [2, 3, 3, 3], data_type: 2, raw_data: Uint8Array.from(seededFloats(54, 4), (v) => Math.round((v + 1) * 100)) },
        { name: 'wz', dims: [], data_type: 2, raw_data: new Uint8Array([100]) },
      ],
    );
    const a = analyzeGraph(readOnnx(bytes));
    expect(a.cost.totals.params).toBe(54);
    expect(a.cost.totals.madds).toBe(36 * 2 * 27);
    expect(a.cost.nodes.find((n) => n.node.name === 'ci')!.kind).toBe('standard');
    expect(a.graph.value('y').dtype).toBe('float32');
    expect(a.graph.value('y').shape).toEqual([1, 2, 6, 6]);
    await expectRoundTrip(bytes);
  });

  it('weights in Constant nodes count as params', async () => {
    const w = floatInit('unused', [4, 3, 3, 3]);
    const bytes = model(
      [
        { name: 'wc', op_type: 'Constant', input: [], output: ['w'], attribute: [{ name: 'value', type: 4, t: { dims: w.dims, data_type: 1, raw_data: w.raw_data } }] },
        { name: 'conv', op_type: 'Conv', input: ['x', 'w'], output: ['y'] },
      ],
      [],
    );
    const a = analyzeGraph(readOnnx(bytes));
    expect(a.cost.totals.params).toBe(108);
    expect(a.cost.nodes.find((n) => n.node.name === 'conv')!.params).toBe(108);
    await expectRoundTrip(bytes);
  });
});

describe('domains and unknown ops', () => {
  it('an op of an unknown domain is kept, reported as unknown cost, and written back', () => {
    const bytes = model(
      [
        { name: 'r1', op_type: 'Relu', input: ['x'], output: ['a'] },
        { name: 'magic', op_type: 'Frobnicate', domain: 'com.example.custom', input: ['a'], output: ['b'] },
        { name: 'r2', op_type: 'Relu', input: ['b'], output: ['y'] },
      ],
      [],
      [['', 13], ['com.example.custom', 2], ['com.microsoft', 1]],
    );
    const a = analyzeGraph(readOnnx(bytes));
    expect(a.inference.unknownOps.map((n) => n.label)).toEqual(["Frobnicate 'magic'"]);
    expect(a.cost.unknown).toEqual([
      { opType: 'Frobnicate', domain: 'com.example.custom', count: 1, reason: 'unknown op' },
      { opType: 'Relu', domain: '', count: 1, reason: 'unknown shape' },
    ]);
    expect(a.cost.nodes.map((c) => [c.node.name, c.category, c.known, c.elementwise])).toEqual([
      ['r1', 'elementwise', true, 192],
      ['magic', 'unknown', false, 0],
      ['r2', 'elementwise', false, 0],
    ]);
    expect(a.cost.totals.elementwise).toBe(192);
    const back = decodeModel(writeOnnx(a.graph).model);
    expect(back.opset_import.map((o) => [o.domain, o.version])).toEqual([['', 13], ['com.example.custom', 2], ['com.microsoft', 1]]);
    expect(back.graph!.node[1]!.domain).toBe('com.example.custom');
  });

  it("an onnxruntime contrib op (com.microsoft) is unknown to leannet but still round-trips and runs", async () => {
    const bytes = model(
      [
        { name: 'r1', op_type: 'Relu', input: ['x'], output: ['a'] },
        { name: 'gelu', op_type: 'Gelu', domain: 'com.microsoft', input: ['a'], output: ['y'] },
      ],
      [],
      [['', 13], ['com.microsoft', 1]],
    );
    const a = analyzeGraph(readOnnx(bytes));
    expect(a.cost.unknown.map((u) => `${u.domain}::${u.opType}`)).toEqual(['com.microsoft::Gelu']);
    await expectRoundTrip(bytes);
  });

  it('model metadata, doc strings and value_info survive a round trip', () => {
    const bytes = model([{ name: 'r', op_type: 'Relu', input: ['x'], output: ['a'] }, { name: 's', op_type: 'Sigmoid', input: ['a'], output: ['y'] }], [], [['', 13]], {
      value_info: [valueInfo({ name: 'a', dims: [1, 3, 8, 8] })],
    });
    const back = decodeModel(writeOnnx(readOnnx(bytes)).model);
    expect(back.doc_string).toBe('a model for the formats test');
    expect(back.metadata_props).toEqual([{ key: 'author', value: 'leannet' }]);
    expect(back.producer_name).toBe('formats-test');
    expect(back.graph!.value_info.map((v) => v.name)).toEqual(['a']);
  });
});

describe('node names', () => {
  const relus = (names: string[]) =>
    model(
      names.map((name, i) => ({ name, op_type: 'Relu', input: [i === 0 ? 'x' : `v${i}`], output: [i === names.length - 1 ? 'y' : `v${i + 1}`] })),
      [],
      [['', 13]],
    );

  it('a file without names gets <op>_<index>, and no note', () => {
    const g = readOnnx(relus(['', '', '']));
    expect(g.nodes.map((n) => n.name)).toEqual(['Relu_0', 'Relu_1', 'Relu_2']);
    expect(g.notes).toEqual([]);
    analyzeGraph(g);
  });

  it('unnamed nodes never take a name a named node has; duplicates are renamed and noted', () => {
    const g = readOnnx(relus(['Relu_1', '', 'a', 'a']));
    const names = g.nodes.map((n) => n.name);
    expect(new Set(names).size).toBe(4);
    expect(names[0]).toBe('Relu_1');
    expect(names[1]).not.toBe('Relu_1');
    expect(names[2]).toBe('a');
    expect(g.notes).toEqual(['1 node(s) had duplicate names and were renamed']);
    expect(findProblems(g)).toEqual([]);
  });
});

describe('symbolic dims as exporters write them', () => {
  it('p2o.DynamicDimension.N and unnamed batch dims default to 1; --dim sets them', () => {
    for (const batch of ['p2o.DynamicDimension.N', null, 'batch_size']) {
      const bytes = encodeModel({
        ir_version: 8,
        opset_import: [{ domain: '', version: 13 }],
        graph: { name: 'g', node: [{ name: 'r', op_type: 'Relu', input: ['x'], output: ['y'] }], input: [valueInfo({ name: 'x', dims: [batch, 3, 8, 8] })], output: [valueInfo({ name: 'y', dims: [batch, 3, 8, 8] })] },
      });
      expect(analyzeGraph(readOnnx(bytes)).graph.value('y').shape).toEqual([1, 3, 8, 8]);
      if (batch) expect(analyzeGraph(readOnnx(bytes), { dims: { [batch]: 4 } }).graph.value('y').shape).toEqual([4, 3, 8, 8]);
    }
  });
});
