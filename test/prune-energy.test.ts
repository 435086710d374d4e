/**
 * The data-driven channel criterion ('energy'): a hand calculation on a two-conv graph (1×1 and
 * 3×3 consumers on constant maps), and on a residual zoo network every group's scores against
 * an independent reference — each consumer conv fed its one input channel alone, run by
 * onnxruntime, mean squared output summed over the group's consumers. The prune pass uses it with
 * --data, and without data falls back to l1 and says so.
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  Calibration, Graph, Node, Tensor, captureValues, createEngine, energyScores, findDependencies, inferShapes, openModel, parsePassSpecs, runPasses, writeOnnx, type Attribute, type Feeds,
} from '../src/index.js';
import { runBytes, seededFloats } from './helpers/ort.js';

const ints = (v: number[]): Attribute => ({ type: 'ints', value: v });

/** x [n, 2, 2, 2] → P (1×1, diag(1, 2)) → C1 (1×1, [2, 0.5] → 1 channel) and C3 (3×3 pad 1, taps all 1 on ch 0, all 2 on ch 1) → outputs. */
function handGraph(n: number): Graph {
  const g = new Graph();
  g.opsets.set('', 13);
  g.addGraphInput('x');
  g.value('x').declared = { dtype: 'float32', shape: [n, 2, 2, 2] };
  g.setInitializer('wp', Tensor.fromArray('float32', [2, 2, 1, 1], Float32Array.from([1, 0, 0, 2])));
  g.setInitializer('w1', Tensor.fromArray('float32', [1, 2, 1, 1], Float32Array.from([2, 0.5])));
  g.setInitializer('w3', Tensor.fromArray('float32', [1, 2, 3, 3], Float32Array.from([...Array(9).fill(1), ...Array(9).fill(2)])));
  g.addNode(new Node('Conv', 'P', ['x', 'wp'], ['y'], new Map([['kernel_shape', ints([1, 1])]])));
  g.addNode(new Node('Conv', 'C1', ['y', 'w1'], ['o1'], new Map([['kernel_shape', ints([1, 1])]])));
  g.addNode(new Node('Conv', 'C3', ['y', 'w3'], ['o3'], new Map([['kernel_shape', ints([3, 3])], ['pads', ints([1, 1, 1, 1])]])));
  g.addGraphOutput('o1');
  g.addGraphOutput('o3');
  inferShapes(g);
  return g;
}

describe('energy channel scores', () => {
  it('match a hand calculation (1×1 and padded 3×3 consumers on constant maps)', async () => {
    const engine = await createEngine('ort', { threads: 1 });
    // Image i: channel 0 all 1, channel 1 all 3 (two images, the second doubled).
    const n = 2;
    const x = new Float32Array(n * 2 * 4);
    for (let i = 0; i < n; i++) for (let k = 0; k < 4; k++) [x[(i * 2) * 4 + k], x[(i * 2 + 1) * 4 + k]] = [1 * (i + 1), 3 * (i + 1)];
    const g = handGraph(n);
    const cal = new Calibration(g, { engine, fit: [{ x: { dtype: 'float32', dims: [n, 2, 2, 2], data: x } }], heldOut: [] });
    const deps = findDependencies(g);
    const group = deps.groups.find((q) => q.producers[0]!.name === 'P')!;
    const s = (await energyScores(g, deps, [group], cal)).get(group.id)!;
    // y0 = x0 ∈ {1, 2}, y1 = 2·x1 ∈ {6, 12}; mean of squares over the two images: (1+4)/2, (36+144)/2.
    const m0 = 2.5, m1 = 90;
    // C1: W² · E[y²]. C3: on a 2×2 map with pad 1 every output's window holds all 4 pixels: (4·w·y)².
    const c1 = [4 * m0, 0.25 * m1];
    const c3 = [16 * 1 * m0, 16 * 4 * m1];
    expect(s[0]).toBeCloseTo(c1[0]! + c3[0]!, 9);
    expect(s[1]).toBeCloseTo(c1[1]! + c3[1]!, 9);
  });

  it('on a residual network, every group equals each consumer fed one channel alone on onnxruntime', async () => {
    const engine = await createEngine('ort', { threads: 1 });
    const g = openModel('zoo:resnet18?width=0.25&resolution=32&classes=10');
    inferShapes(g);
    const input = g.inputs[0]!;
    const all = seededFloats(4 * 3 * 32 * 32, 9);
    const feeds: Feeds[] = [0, 1, 2, 3].map((i) => ({ [input]: { dtype: 'float32', dims: [1, 3, 32, 32], data: all.subarray(i * 3072, (i + 1) * 3072) } }));
    const cal = new Calibration(g, { engine, fit: feeds, heldOut: [] });
    const deps = findDependencies(g);
    const groups = deps.groups.filter((q) => q.reasons.length === 0);
    expect(groups.length).toBeGreaterThan(3);
    // Every output position (4 images × at most 32×32 positions), so the reference is exact.
    const scores = await energyScores(g, deps, groups, cal, { positions: 1e9 });
    // The reference: per consumer conv, the channel's slice of its weights on the channel alone, by ORT.
    const expected = new Map(groups.map((q) => [q.id, new Float64Array(q.size)]));
    const byRoot = new Map(groups.map((q) => [q.root, q]));
    let consumers = 0;
    for (const [tensor, edits] of deps.edits) {
      for (const e of edits) {
        const pieces = deps.layouts.get(tensor)!.pieces;
        if (!pieces.some((p) => byRoot.has(deps.find(p.space)))) continue;
        if (e.kind === 'features') {
          // The classifier: y = x·B (+ C) per sample; channel c's features alone, output energy summed over outputs.
          consumers++;
          const act = (await captureValues(g, engine, feeds, [{ name: tensor }])).get(tensor)!;
          const [n, f] = act.dims as [number, number];
          const b = g.value(e.node.inputs[1]!).tensor!;
          const [rows, cols] = b.dims as [number, number];
          const bd = b.toNumbers();
          const weight = (o: number, k: number) => (e.axis === 1 ? bd[o * cols + k]! : bd[k * cols + o]!);
          const outs = e.axis === 1 ? rows : cols;
          let at = 0;
          for (const p of pieces) {
            const q = byRoot.get(deps.find(p.space));
            for (let j = 0; j < p.len; j++, at++) {
              if (!q) continue;
              let sum = 0;
              for (let i = 0; i < n; i++) {
                for (let o = 0; o < outs; o++) {
                  let y = 0;
                  for (let t = 0; t < e.spatial; t++) y += weight(o, at * e.spatial + t) * act.data[i * f + at * e.spatial + t]!;
                  sum += y * y;
                }
              }
              expected.get(q.id)![p.start + j] += sum / n;
            }
          }
          continue;
        }
        if (e.kind !== 'convIn') continue;
        consumers++;
        const conv = e.node;
        const act = (await captureValues(g, engine, feeds, [{ name: tensor }])).get(tensor)!;
        const [n, c, h, w] = act.dims as [number, number, number, number];
        const wt = g.value(conv.inputs[1]!).tensor!;
        const [c2, , kh, kw] = wt.dims as [number, number, number, number];
        const wd = wt.toNumbers();
        let at = 0;
        for (const p of pieces) {
          const q = byRoot.get(deps.find(p.space));
          for (let j = 0; j < p.len; j++, at++) {
            if (!q) continue;
            const ch = at;
            const xc = new Float32Array(n * h * w);
            for (let i = 0; i < n; i++) xc.set(act.data.subarray((i * c + ch) * h * w, (i * c + ch + 1) * h * w), i * h * w);
            const wc = new Float32Array(c2 * kh * kw);
            for (let o = 0; o < c2; o++) for (let k = 0; k < kh * kw; k++) wc[o * kh * kw + k] = wd[(o * c + ch) * kh * kw + k]!;
            const one = new Graph();
            one.opsets.set('', 13);
            one.addGraphInput('x');
            one.value('x').declared = { dtype: 'float32', shape: [n, 1, h, w] };
            one.setInitializer('w', Tensor.fromArray('float32', [c2, 1, kh, kw], wc));
            const attrs = new Map<string, Attribute>([...conv.attrs].filter(([k]) => k !== 'group'));
            one.addNode(new Node('Conv', 'c', ['x', 'w'], ['y'], attrs));
            one.addGraphOutput('y');
            one.value('y').declared = { dtype: 'float32', shape: undefined };
            const y = (await runBytes(writeOnnx(one).model, { x: new ort.Tensor('float32', xc, [n, 1, h, w]) }))['y']!;
            const positions = n * Number(y.dims[2]) * Number(y.dims[3]);
            let sum = 0;
            for (const v of y.data as Float32Array) sum += v * v;
            expected.get(q.id)![p.start + j] += sum / positions;
          }
        }
      }
    }
    expect(consumers).toBeGreaterThan(groups.length);
    for (const q of groups) {
      const got = scores.get(q.id)!;
      const want = expected.get(q.id)!;
      for (let k = 0; k < q.size; k++) expect(Math.abs(got[k]! - want[k]!), `${q.id}[${k}]`).toBeLessThanOrEqual(1e-4 * Math.max(...want));
    }
  }, 60_000);

  it('the prune pass keeps the highest-energy channels with data, and falls back to l1 without', async () => {
    const engine = await createEngine('ort', { threads: 1 });
    const n = 2;
    const x = new Float32Array(n * 2 * 4);
    // Channel 0 large, channel 1 small: l1 (weights) keeps channel 1 of P (its weight 2 > 1), energy keeps channel 0.
    for (let i = 0; i < n * 4; i++) [x[Math.floor(i / 4) * 8 + (i % 4)], x[Math.floor(i / 4) * 8 + 4 + (i % 4)]] = [10, 0.1];
    const specs = parsePassSpecs(['prune:ratio=0.5,round=1,criterion=energy']);
    const withData = handGraph(n);
    const cal = new Calibration(withData, { engine, fit: [{ x: { dtype: 'float32', dims: [n, 2, 2, 2], data: x } }], heldOut: [] });
    const r1 = await runPasses(withData, specs, { calibration: cal });
    expect(r1[0]!.changes[0]!.summary).toMatch(/to 1 by energy/);
    // P keeps channel 0: its weight row [1, 0].
    expect(Array.from(withData.value(withData.nodes.find((q) => q.name === 'P')!.inputs[1]!).tensor!.toNumbers())).toEqual([1, 0]);
    const noData = handGraph(n);
    const r2 = await runPasses(noData, specs, {});
    expect(r2[0]!.changes[0]!.summary).toMatch(/by l1 \(energy needs --data: data-free fallback\)/);
    expect(Array.from(noData.value(noData.nodes.find((q) => q.name === 'P')!.inputs[1]!).tensor!.toNumbers())).toEqual([0, 2]);
  });
});
