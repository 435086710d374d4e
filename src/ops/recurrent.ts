/**
 * RNN, GRU and LSTM (ONNX layout 0: X [seq, batch, input]; layout 1, opset 14+: [batch, seq, input]).
 * Outputs: Y [seq, dirs, batch, hidden] (layout 1: [batch, seq, dirs, hidden]), Y_h and LSTM's Y_c
 * [dirs, batch, hidden] (layout 1: [batch, dirs, hidden]).
 * madds count every time step of every direction: per step and batch element, each of the
 * `gates` gates (RNN 1, GRU 3, LSTM 4) multiplies the input by W (input·hidden) and the previous
 * hidden state by R (hidden·hidden), so
 *   madds = dirs · seq · batch · gates · hidden · (input + hidden).
 * Bias adds, gate activations, GRU's reset product and LSTM's peepholes and cell update are
 * element-wise (≈ gates·hidden + 3·hidden per step), counted as element-wise work.
 */
import { listString, type Dim, type Node } from '../ir/index.js';
import { attrInt, attrString, nodeFail } from '../ir/index.js';
import type { OpDef, WorkContext } from './types.js';

interface RecurrentAttrs {
  readonly dirs: number;
  readonly hidden: number | undefined;
  readonly layout: number;
}

function parseRecurrent(node: Node): RecurrentAttrs {
  const direction = attrString(node, 'direction', 'forward');
  if (direction !== 'forward' && direction !== 'reverse' && direction !== 'bidirectional') {
    nodeFail(node)(`direction must be forward, reverse or bidirectional, got '${direction}'`);
  }
  return { dirs: direction === 'bidirectional' ? 2 : 1, hidden: attrInt(node, 'hidden_size'), layout: attrInt(node, 'layout', 0) };
}

function recurrent(opType: 'RNN' | 'GRU' | 'LSTM', gates: number): OpDef<RecurrentAttrs> {
  const states = opType === 'LSTM' ? 2 : 1;
  return {
    opType,
    since: 1,
    category: 'gemm',
    // W, R, B (and LSTM's peepholes P) are trainable; sequence_lens is a shape input.
    params: opType === 'LSTM' ? [1, 2, 3, 7] : [1, 2, 3],
    shapeInputs: [4],
    parse: parseRecurrent,
    infer(ctx) {
      const { dirs, layout } = ctx.attrs;
      if (layout !== 0 && layout !== 1) ctx.fail(`layout must be 0 or 1, got ${layout}`);
      const x = ctx.shape(0);
      const w = ctx.shape(1);
      const r = ctx.shape(2);
      if (x.length !== 3) ctx.fail(`X ${listString(x)} must be 3-D`);
      if (w.length !== 3 || r.length !== 3) ctx.fail(`W ${listString(w)} and R ${listString(r)} must be 3-D`);
      const [seq, batch] = layout === 0 ? [x[0]!, x[1]!] : [x[1]!, x[0]!];
      const hidden: Dim = ctx.attrs.hidden ?? r[2]!;
      const check = (what: string, got: Dim, want: Dim) => {
        if (typeof got === 'number' && typeof want === 'number' && got !== want) ctx.fail(`${what} is ${got}, expected ${want}`);
      };
      check(`W ${listString(w)} dim 0 (directions)`, w[0]!, dirs);
      check(`R ${listString(r)} dim 0 (directions)`, r[0]!, dirs);
      check(`W ${listString(w)} dim 2 (input size)`, w[2]!, x[2]!);
      if (typeof hidden === 'number') {
        check(`W ${listString(w)} dim 1 (${gates} gates × hidden)`, w[1]!, gates * hidden);
        check(`R ${listString(r)} dim 1 (${gates} gates × hidden)`, r[1]!, gates * hidden);
        check(`R ${listString(r)} dim 2 (hidden)`, r[2]!, hidden);
      }
      const dtype = ctx.dtype(0);
      const y = layout === 0 ? [seq, dirs, batch, hidden] : [batch, seq, dirs, hidden];
      const state = layout === 0 ? [dirs, batch, hidden] : [batch, dirs, hidden];
      return [{ dtype, shape: y }, ...Array.from({ length: states }, () => ({ dtype, shape: state }))];
    },
    work(ctx: WorkContext<RecurrentAttrs>) {
      const x = ctx.inputs[0];
      const r = ctx.inputs[2];
      if (!x || !r) return {};
      const { dirs, layout } = ctx.attrs;
      const [seq, batch] = layout === 0 ? [x[0]!, x[1]!] : [x[1]!, x[0]!];
      const input = x[2]!;
      const hidden = ctx.attrs.hidden ?? r[2]!;
      const steps = dirs * seq * batch;
      const madds = steps * gates * hidden * (input + hidden);
      const elementwise = steps * (gates * hidden + (opType === 'RNN' ? 0 : 3 * hidden));
      return { madds, flops: 2 * madds + elementwise, elementwise };
    },
  };
}

export const recurrentOps: OpDef<any>[] = [recurrent('RNN', 1), recurrent('GRU', 3), recurrent('LSTM', 4)];
