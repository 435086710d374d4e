/**
 * RNN, GRU and LSTM (every output, all directions, both layouts) and the control-flow ops If and
 * Scan: shapes against onnxruntime's; recurrent madds against a hand count of every time step.
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ShapeInferenceError, analyzeGraph, inferShapes, readOnnx, type Attribute } from '../src/index.js';
import { runBytes } from './helpers/ort.js';
import { shapesLikeOrt, singleOpGraph, type OpCase } from './helpers/single-op.js';
import { floatInit, tinyModel, valueInfo } from './helpers/tiny.js';

const str = (value: string): Attribute => ({ type: 'string', value });
const int = (value: number): Attribute => ({ type: 'int', value });

/** X, W, R, B, sequence_lens, initial_h (and LSTM's initial_c, P) for seq 5, batch 2, input 3, hidden 4. */
function recurrentCase(op: 'RNN' | 'GRU' | 'LSTM', direction: string, layout: 0 | 1, full: boolean): OpCase {
  const gates = op === 'RNN' ? 1 : op === 'GRU' ? 3 : 4;
  const dirs = direction === 'bidirectional' ? 2 : 1;
  const [seq, batch, input, hidden] = [5, 2, 3, 4];
  const x = layout === 0 ? [seq, batch, input] : [batch, seq, input];
  const state = layout === 0 ? [dirs, batch, hidden] : [batch, dirs, hidden];
  const inputs: OpCase['inputs'] = [{ shape: x }, { shape: [dirs, gates * hidden, input] }, { shape: [dirs, gates * hidden, hidden] }];
  if (full) {
    inputs.push({ shape: [dirs, 2 * gates * hidden] }, { shape: [batch], dtype: 'int32', values: [5, 3] }, { shape: state });
    if (op === 'LSTM') inputs.push({ shape: state }, { shape: [dirs, 3 * hidden] });
  }
  return {
    op,
    opset: layout === 1 ? 14 : 13,
    inputs,
    outputs: op === 'LSTM' ? 3 : 2,
    attrs: { hidden_size: int(hidden), direction: str(direction), ...(layout ? { layout: int(1) } : {}) },
  };
}

const CASES: [string, OpCase][] = [];
for (const op of ['RNN', 'GRU', 'LSTM'] as const) {
  for (const direction of ['forward', 'reverse', 'bidirectional']) CASES.push([`${op} ${direction}`, recurrentCase(op, direction, 0, false)]);
  CASES.push([`${op} bidirectional, B, sequence_lens, initial state`, recurrentCase(op, 'bidirectional', 0, true)]);
}
shapesLikeOrt('RNN, GRU, LSTM: every output shape equals onnxruntime', CASES);

// onnxruntime refuses layout 1 ("Batchwise recurrent operations are not supported"); the suite's
// test_*_batchwise cases check it against their expected outputs (npm run conformance). By the spec:
describe('RNN, GRU, LSTM layout 1 (batch first)', () => {
  for (const op of ['RNN', 'GRU', 'LSTM'] as const) {
    it(`${op}: Y [batch, seq, dirs, hidden], states [batch, dirs, hidden]`, () => {
      const g = singleOpGraph(recurrentCase(op, 'bidirectional', 1, true));
      const shapes = g.outputs.map((o) => g.value(o).shape);
      expect(shapes).toEqual([[2, 5, 2, 4], ...Array(op === 'LSTM' ? 2 : 1).fill([2, 2, 4])]);
    });
  }
});

describe('recurrent madds count every time step', () => {
  it('dirs · seq · batch · gates · hidden · (input + hidden), by hand', () => {
    // seq 5, batch 2, input 3, hidden 4: per step and batch element each gate does 3·4 + 4·4 = 28 multiply-adds per hidden… summed:
    // LSTM bidirectional: 2 dirs · 5 steps · 2 batch · 4 gates · 4 hidden · (3 + 4) = 2,240.
    const hand = { RNN: 2 * 5 * 2 * 1 * 4 * 7, GRU: 2 * 5 * 2 * 3 * 4 * 7, LSTM: 2 * 5 * 2 * 4 * 4 * 7 };
    expect(hand.LSTM).toBe(2240);
    for (const op of ['RNN', 'GRU', 'LSTM'] as const) {
      for (const layout of [0, 1] as const) {
        const g = singleOpGraph(recurrentCase(op, 'bidirectional', layout, true));
        const a = analyzeGraph(g, { inputs: Object.fromEntries(g.inputs.map((n) => [n, g.value(n).declared!.shape as number[]])) });
        expect(a.cost.totals.madds, `${op} layout ${layout}`).toBe(hand[op]);
      }
      // One direction: half.
      const f = singleOpGraph(recurrentCase(op, 'forward', 0, false));
      expect(analyzeGraph(f).cost.totals.madds).toBe(hand[op] / 2);
    }
  });

  it('W, R, B and P count as params', () => {
    const w = floatInit('W', [1, 16, 3]);
    const r = floatInit('R', [1, 16, 4]);
    const b = floatInit('B', [1, 32]);
    const m = readOnnx(
      tinyModel({
        nodes: [{ op: 'LSTM', inputs: ['x', 'W', 'R', 'B'], outputs: ['y', 'h', 'c'], attrs: [{ name: 'hidden_size', type: 2, i: 4 }] }],
        inputs: [{ name: 'x', dims: [5, 2, 3] }],
        outputs: [{ name: 'y' }, { name: 'h' }, { name: 'c' }],
        initializers: [w, r, b],
      }),
    );
    expect(analyzeGraph(m).cost.totals.params).toBe(16 * 3 + 16 * 4 + 32);
  });
});

/** A GraphProto for a subgraph attribute. */
function subgraph(name: string, nodes: { op: string; inputs: string[]; outputs: string[]; attrs?: Record<string, unknown>[] }[], outputs: string[], inputs: { name: string; dims?: number[] }[] = [], initializers: Record<string, unknown>[] = []) {
  return {
    name,
    node: nodes.map((n, i) => ({ name: `${name}_${i}`, op_type: n.op, input: n.inputs, output: n.outputs, attribute: n.attrs ?? [] })),
    input: inputs.map((v) => valueInfo(v)),
    output: outputs.map((o) => valueInfo({ name: o })),
    initializer: initializers,
  };
}

describe('If: both branches inferred', () => {
  // then: x + 1 ([2,3]); else: Concat(x, x) on axis 1 ([2,6]). Both read x from the outer graph.
  const ifModel = (cond: 'input' | boolean, elseOp: 'concat' | 'bad' = 'concat') =>
    tinyModel({
      nodes: [
        {
          op: 'If',
          inputs: ['cond'],
          outputs: ['y'],
          attrs: [
            { name: 'then_branch', type: 5, g: subgraph('then', [{ op: 'Add', inputs: ['x', 'one'], outputs: ['t'] }], ['t'], [], [floatInit('one', [1], 1)]) },
            {
              name: 'else_branch',
              type: 5,
              g: elseOp === 'concat'
                ? subgraph('else', [{ op: 'Concat', inputs: ['x', 'x'], outputs: ['e'], attrs: [{ name: 'axis', type: 2, i: 1 }] }], ['e'])
                : subgraph('else', [{ op: 'Add', inputs: ['x', 'four'], outputs: ['e'] }], ['e'], [], [floatInit('four', [4], 1)]),
            },
          ],
        },
      ],
      inputs: [{ name: 'x', dims: [2, 3] }, ...(cond === 'input' ? [{ name: 'cond', elemType: 9, dims: [] }] : [])],
      outputs: [{ name: 'y' }],
      initializers: cond === 'input' ? [] : [{ name: 'cond', dims: [], data_type: 9, raw_data: Uint8Array.of(cond ? 1 : 0) }],
    });

  it('a runtime condition: the branches\' common shape, the differing dim unknown; ORT gives [2,3] or [2,6]', async () => {
    const bytes = ifModel('input');
    const g = readOnnx(bytes);
    inferShapes(g);
    const y = g.value('y').shape!;
    expect(y[0]).toBe(2);
    expect(typeof y[1]).toBe('string');
    const x = new ort.Tensor('float32', new Float32Array(6), [2, 3]);
    for (const [c, want] of [[1, [2, 3]], [0, [2, 6]]] as const) {
      const out = await runBytes(bytes, { x, cond: new ort.Tensor('bool', Uint8Array.of(c), []) });
      expect([...out.y!.dims]).toEqual(want);
      expect(want[0]).toBe(y[0]);
    }
  });

  it('a known condition: exactly the chosen branch\'s shape', () => {
    for (const [c, want] of [[true, [2, 3]], [false, [2, 6]]] as const) {
      const g = readOnnx(ifModel(c));
      inferShapes(g);
      expect(g.value('y').shape).toEqual(want);
    }
  });

  it('a branch whose shapes contradict each other is an error naming it, even when the other is chosen', () => {
    const g = readOnnx(ifModel(true, 'bad'));
    expect(() => inferShapes(g)).toThrow(ShapeInferenceError);
    expect(() => inferShapes(g)).toThrow(/else_branch: .*do not broadcast/);
  });
});

describe('Scan: the body inferred on one iteration\'s slices', () => {
  // Running sum over rows: state s [2]; scan input xs [K, 2] (or [2, K] on axis 1); outputs: final s, and the per-step sums.
  const scanModel = (inAxis: number, outAxis: number, k: number) =>
    tinyModel({
      opset: 11,
      nodes: [
        {
          op: 'Scan',
          inputs: ['s0', 'xs'],
          outputs: ['s', 'ys'],
          attrs: [
            { name: 'num_scan_inputs', type: 2, i: 1 },
            { name: 'scan_input_axes', type: 7, ints: [inAxis] },
            { name: 'scan_output_axes', type: 7, ints: [outAxis] },
            {
              name: 'body',
              type: 5,
              g: subgraph('body', [{ op: 'Add', inputs: ['si', 'xi'], outputs: ['so'] }, { op: 'Identity', inputs: ['so'], outputs: ['yo'] }], ['so', 'yo'], [{ name: 'si' }, { name: 'xi' }]),
            },
          ],
        },
      ],
      inputs: [{ name: 's0', dims: [2] }, { name: 'xs', dims: inAxis === 0 ? [k, 2] : [2, k] }],
      outputs: [{ name: 's' }, { name: 'ys' }],
    });

  for (const [inAxis, outAxis] of [[0, 0], [1, 0], [0, 1]] as const) {
    it(`scan_input_axes [${inAxis}], scan_output_axes [${outAxis}]: final state and stacked outputs as ORT`, async () => {
      const bytes = scanModel(inAxis, outAxis, 5);
      const g = readOnnx(bytes);
      inferShapes(g);
      const out = await runBytes(bytes, { s0: new ort.Tensor('float32', new Float32Array(2), [2]), xs: new ort.Tensor('float32', new Float32Array(10), inAxis === 0 ? [5, 2] : [2, 5]) });
      expect(g.value('s').shape).toEqual([...out.s!.dims]);
      expect(g.value('ys').shape).toEqual([...out.ys!.dims]);
    });
  }
});
