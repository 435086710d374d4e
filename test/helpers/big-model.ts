/** A generated model of a given node count: blocks of conv 1x1 → relu → add (a residual), then relus to make up the count. */
import { Builder, type Graph } from '../../src/index.js';

export function residualChain(nodes: number): Graph {
  const b = new Builder({ name: `chain${nodes}`, seed: 1 });
  let x = b.input('x', [1, 4, 8, 8]);
  let i = 0;
  while (i + 3 <= nodes) {
    const w = b.param(`w${i}`, [4, 4, 1, 1], { kind: 'he', fanIn: 4 });
    const y = b.op('Conv', [x, w], {}, `conv${i}`);
    const r = b.op('Relu', [y], {}, `relu${i}`);
    x = b.op('Add', [r, x], {}, `add${i}`);
    i += 3;
  }
  for (; i < nodes; i++) x = b.op('Relu', [x], {}, `tail${i}`);
  b.output(x);
  return b.finish();
}
