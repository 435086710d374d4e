/**
 * `leannet report` and `leannet diff` without a browser: the page's embedded data against
 * `analyze --json`, the layout (no overlapping boxes, edges run downward within a column), and
 * the diff of RepVGG-A0 before and after fold-bn,reparam (written by `leannet rewrite`), whose
 * JSON is checked against schemas/diff.schema.json and whose deltas add up.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { analyzeGraph, diffModels, dynamicNodes, layoutGraph, openModel, scriptJson, segments } from '../src/index.js';
import { residualChain } from './helpers/big-model.js';
import { leannet } from './helpers/cli.js';
import { repoRoot, sharedModel, tempDir } from './helpers/models.js';

const validateDiff = new Ajv({ allErrors: true }).compile(JSON.parse(fs.readFileSync(path.join(repoRoot, 'schemas/diff.schema.json'), 'utf8')));

/** The JSON a page embeds in #leannet-data. */
function pageData(file: string) {
  const html = fs.readFileSync(file, 'utf8');
  const m = /<script type="application\/json" id="leannet-data">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error('no #leannet-data in the page');
  return JSON.parse(m[1]!);
}

describe('leannet report (page data)', () => {
  it('embeds every layer exactly as analyze --json reports it, and draws only the nodes that depend on the input', () => {
    const dir = tempDir();
    const model = sharedModel('light_densenet121.onnx');
    const out = path.join(dir, 'densenet.html');
    const r = leannet(['report', model, '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const html = fs.readFileSync(out, 'utf8');
    // Self-contained: no external script, stylesheet or image.
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    const doc = pageData(out);
    const a = JSON.parse(leannet(['analyze', model, '--json']).stdout);
    const g = doc.graphs[0];
    expect(g.layers).toEqual(a.layers);
    expect(g.layers.reduce((s: number, l: { madds: number }) => s + l.madds, 0)).toBe(a.totals.madds);
    // 1746 nodes; 836 ConstantOfShape and 242 Unsqueeze build the weights (analyze --by op): 668 drawn.
    expect(g.layers).toHaveLength(1746);
    expect(g.visible).toBe(1746 - 836 - 242);
    const drawn = g.layers.filter((_: unknown, i: number) => g.boxes[i * 4] >= 0);
    expect(drawn).toHaveLength(668);
    expect(drawn.some((l: { opType: string }) => l.opType === 'ConstantOfShape' || l.opType === 'Unsqueeze')).toBe(false);
    expect(doc.metrics).toEqual(['madds', 'memAccess', 'intensity', 'params']);
    expect(doc.charts.map((c: { id: string }) => c.id)).toEqual(['chart-roofline', 'chart-shares']);
  });

  it('refuses a folder as its output, in one line', () => {
    const dir = tempDir();
    const out = path.join(dir, 'r.html');
    expect(leannet(['report', 'zoo:resnet18', '-o', out]).code).toBe(0);
    expect(leannet(['report', 'zoo:resnet18', '-o', dir]).stderr).toMatch(/is a folder/);
  });
});

describe('layout', () => {
  it('cuts a chain every K nodes and a dense block nowhere inside it', () => {
    const chain = Array.from({ length: 299 }, (_, i) => [i, i + 1] as [number, number]);
    expect(segments(300, chain, 100)).toEqual([[0, 100], [100, 200], [200, 300]]);
    // 0 feeds 1..5 and everyone feeds 6: no single node carries everything onward until 6.
    const dense: [number, number][] = [];
    for (let j = 1; j <= 5; j++) dense.push([0, j], [j, 6]);
    dense.push([6, 7]);
    expect(segments(8, dense, 2)).toEqual([[0, 7], [7, 8]]);
    // Past 4K nodes without a clean cut, a segment is cut anyway (K = 1: after 1..4).
    expect(segments(8, dense, 1)).toEqual([[0, 1], [1, 5], [5, 7], [7, 8]]);
    // 0 feeds 1..20, which feed nothing: 0 alone carries on, so every K nodes is a cut.
    const wide: [number, number][] = Array.from({ length: 20 }, (_, j) => [0, j + 1] as [number, number]);
    expect(segments(21, wide, 5).map(([s, e]) => e - s)).toEqual([5, 5, 5, 5, 1]);
  });

  it('places boxes without overlap, producers above consumers, for DenseNet-121 and a 20,000-node model', () => {
    for (const graph of [openModel(sharedModel('light_densenet121.onnx')), residualChain(20_000)]) {
      // The nodes a page draws: those that depend on the input.
      const drawn = dynamicNodes(graph);
      const nodes = graph.nodes.filter((_, i) => drawn[i]);
      const producer = new Map<string, number>();
      nodes.forEach((n, i) => n.outputs.forEach((o) => producer.set(o, i)));
      const edges: [number, number][] = [];
      nodes.forEach((n, i) => n.inputs.forEach((x) => producer.has(x) && edges.push([producer.get(x)!, i])));
      const t = performance.now();
      const lay = layoutGraph({ sizes: nodes.map(() => ({ w: 80, h: 24 })), edges });
      const ms = performance.now() - t;
      console.log(`layout of ${nodes.length} nodes: ${ms.toFixed(0)} ms`);
      expect(lay.boxes).toHaveLength(nodes.length);
      // No two boxes overlap (sweep by y); within a column each edge runs downward (or, where the stack wraps, into a column further right).
      const overlaps: string[] = [];
      const order = [...lay.boxes.keys()].sort((p, q) => lay.boxes[p]!.y - lay.boxes[q]!.y);
      for (let k = 0; k < order.length; k++) {
        const p = lay.boxes[order[k]!]!;
        for (let m = k + 1; m < order.length && lay.boxes[order[m]!]!.y < p.y + p.h; m++) {
          const q = lay.boxes[order[m]!]!;
          if (!(q.x >= p.x + p.w || p.x >= q.x + q.w)) overlaps.push(`${order[k]}/${order[m]}`);
        }
      }
      expect(overlaps).toEqual([]);
      const upward = edges.filter(([p, c]) => {
        const bp = lay.boxes[p]!;
        const bc = lay.boxes[c]!;
        return !(bc.y >= bp.y + bp.h || bc.x > bp.x + bp.w);
      });
      expect(upward).toEqual([]);
      expect(ms).toBeLessThan(20_000);
    }
  });
});

describe('leannet diff', () => {
  it('RepVGG-A0 before/after fold-bn,reparam: the 22 merged blocks marked, the deltas adding up, the JSON valid', () => {
    const dir = tempDir();
    const after = path.join(dir, 'repvgg_rep.onnx');
    const html = path.join(dir, 'diff.html');
    const w = leannet(['rewrite', 'zoo:repvgg_a0', '-o', after, '--pass', 'fold-bn,reparam', '--no-measure', '--no-verify']);
    expect(w.code, w.stderr).toBe(0);
    const r = leannet(['diff', 'zoo:repvgg_a0', after, '--json', '--html', html]);
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(validateDiff(d), JSON.stringify(validateDiff.errors)).toBe(true);
    const A = JSON.parse(leannet(['analyze', 'zoo:repvgg_a0', '--json']).stdout);
    const B = JSON.parse(leannet(['analyze', after, '--json']).stdout);
    for (const k of ['params', 'madds', 'memAccess'] as const) {
      expect(d.delta[k]).toBe(B.totals[k] - A.totals[k]);
      expect(d.nodes.reduce((s: number, n: { delta: Record<string, number> }) => s + n.delta[k]!, 0)).toBe(B.totals[k] - A.totals[k]);
    }
    // Each block of A (branches joined by Adds, then a Relu) is merged: its 3x3 conv became '<conv>.reparam', the rest is gone.
    const blocks = A.layers.filter((l: { opType: string }) => l.opType === 'Relu').map((l: { name: string }) => l.name.replace(/\.relu$/, ''));
    expect(blocks).toHaveLength(22);
    const byName = new Map(d.nodes.map((n: { name: string }) => [n.name, n]));
    const removedA = new Set(d.nodes.filter((n: { status: string }) => n.status === 'removed').map((n: { a: number }) => A.layers[n.a].name));
    for (const b of blocks) {
      const p = b ? `${b}.` : '';
      const merged = byName.get(`${p}rbr_dense.conv.reparam`) as { status: string; matchedBy: string; a: number; changes: string[] };
      expect(merged, b).toBeDefined();
      expect(merged.status).toBe('changed');
      expect(merged.matchedBy).toBe('structure');
      expect(A.layers[merged.a].name).toBe(`${p}rbr_dense.conv`);
      for (const gone of [`${p}add`, `${p}rbr_1x1.conv`, `${p}rbr_1x1.bn`, `${p}rbr_dense.bn`]) expect(removedA.has(gone), gone).toBe(true);
      // Blocks with an identity branch (stride 1, same width) lose its BN and the second Add too.
      if (A.layers.some((l: { name: string }) => l.name === `${p}rbr_identity`)) for (const gone of [`${p}rbr_identity`, `${p}add_1`]) expect(removedA.has(gone), gone).toBe(true);
    }
    // Every Relu and the classifier stay the same.
    expect(d.counts).toEqual({ same: 25, changed: 22, removed: 169 - 47, added: 0 });
    // The page marks them: statuses embedded per node on each side.
    const doc = pageData(html);
    expect(doc.graphs).toHaveLength(2);
    expect(doc.graphs[1].extra.filter((x: { status: string }) => x.status === 'changed')).toHaveLength(22);
    expect(doc.graphs[0].extra.filter((x: { status: string }) => x.status === 'removed')).toHaveLength(122);
    // Terminal table: the totals and the counts.
    const t = leannet(['diff', 'zoo:repvgg_a0', after]);
    expect(t.stdout).toMatch(/nodes: 25 same, 22 changed, 122 removed \(A only\), 0 added \(B only\)/);
    expect(t.stdout).toMatch(new RegExp(`madds\\s+1,512,581,120\\s+1,361,451,008\\s+-151,130,112`));
  });

  it('--measure adds the interleaved latency comparison (as leannet compare), in the JSON and on the page', () => {
    const dir = tempDir();
    const html = path.join(dir, 'm.html');
    const r = leannet(['diff', 'zoo:resnet18', 'zoo:resnet18?width=0.5', '--measure', '--time', '0.5', '--min-runs', '20', '--json', '--html', html]);
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(validateDiff(d), JSON.stringify(validateDiff.errors)).toBe(true);
    expect(d.compare.ratio.pairs).toBeGreaterThanOrEqual(20);
    expect(d.compare.ratios).toHaveLength(d.compare.ratio.pairs);
    expect(d.compare.ratio.lo).toBeLessThanOrEqual(d.compare.ratio.median);
    expect(d.compare.ratio.median).toBeLessThanOrEqual(d.compare.ratio.hi);
    // Half the width: about a quarter of the madds, and B measurably faster.
    expect(d.b.totals.madds / d.a.totals.madds).toBeLessThan(0.35);
    expect(d.compare.outcome).toBe('faster');
    expect(pageData(html).summary.find(([k]: [string]) => k === 'latency')[1]).toMatch(/A\/B \d/);
  });

  it('a model against itself: every node the same, no delta', () => {
    const a = analyzeGraph(openModel('zoo:mobilenet_v2'));
    const b = analyzeGraph(openModel('zoo:mobilenet_v2'));
    const d = diffModels(a, b, { a: 'x', b: 'y' });
    expect(d.counts).toEqual({ same: a.graph.nodes.length, changed: 0, removed: 0, added: 0 });
    expect(d.delta).toEqual({ params: 0, buffers: 0, madds: 0, memAccess: 0, nodes: 0 });
  });

  it('rewrite --report writes the diff page of its before and after', () => {
    const dir = tempDir();
    const page = path.join(dir, 'r.html');
    const r = leannet(['rewrite', 'zoo:repvgg_a0', '-o', path.join(dir, 'o.onnx'), '--pass', 'fold-bn', '--no-measure', '--no-verify', '--report', page]);
    expect(r.code, r.stderr).toBe(0);
    const doc = pageData(page);
    expect(doc.kind).toBe('diff');
    // fold-bn removes the 44 BatchNormalization nodes of the branches (the identity BNs stay).
    expect(doc.graphs[0].extra.filter((x: { status: string }) => x.status === 'removed')).toHaveLength(44);
  });
});

describe('data embedded in a page', () => {
  it('scriptJson escapes what would end the script element or break JavaScript, and parses back to the value', () => {
    const v = { name: 'a</script><!-- b', line: 'x\u2028y\u2029z', n: [1, 2] };
    const text = scriptJson(v);
    expect(text).not.toContain('</');
    expect(text).not.toContain('<!--');
    expect(text).not.toMatch(/[\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(v);
  });
});
