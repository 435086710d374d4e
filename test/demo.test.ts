/**
 * `leannet demo`, the README's main job, end to end on the real runtime: the rewritten RepVGG-A0
 * has exactly the counts of its deploy form (built independently by the zoo), its outputs are
 * the same to float rounding, and it is never measured slower.
 */
import { describe, expect, it } from 'vitest';
import { analyzeGraph, buildNetwork, si } from '../src/index.js';
import { leannet } from './helpers/cli.js';

describe('leannet demo', () => {
  it("tells analyze → lint → rewrite → verify → compare; the rewrite reaches the deploy form's counts", () => {
    const r = leannet(['demo', '--time', '1', '--warmup', '2']);
    expect(r.code, r.stderr).toBe(0);
    for (const step of ['1. analyze zoo:repvgg_a0', '2. lint', '3. rewrite with fold-bn,reparam', '4. verify', '5. compare']) expect(r.stdout).toContain(step);
    const train = analyzeGraph(buildNetwork('repvgg_a0'));
    const deploy = analyzeGraph(buildNetwork('repvgg_a0', { deploy: 'true' }));
    const [t, d] = [train.cost.totals, deploy.cost.totals];
    // 169 → 47 nodes; 9.11 M → 8.31 M params; 1.51 G → 1.36 G madds; 37.0 M → 15.6 M elements of memory access.
    expect(deploy.graph.nodes.length).toBe(47);
    expect(r.stdout).toContain(
      `${train.graph.nodes.length} → ${deploy.graph.nodes.length} nodes; params ${si(t.params)} → ${si(d.params)}; madds ${si(t.madds)} → ${si(d.madds)}; memory access ${si(t.memAccess)} → ${si(d.memAccess)} elements.`,
    );
    expect(r.stdout).toMatch(/fold-bn: 44 changes/);
    expect(r.stdout).toMatch(/reparam: 22 changes/);
    const diff = /largest output difference (\S+) of the output's scale .* the same function, to float rounding/.exec(r.stdout);
    expect(diff).not.toBeNull();
    expect(Number(diff![1])).toBeLessThan(1e-5);
    // 122 fewer nodes and 10% fewer madds: measured faster or within noise (1.23×, 0.98–1.45 here with --time 1), never slower.
    const verdict = /zoo:repvgg_a0 \(after\) is (\d\.\d\d)× (faster|slower) than zoo:repvgg_a0 \(before\) \((\d\.\d\d)–(\d\.\d\d)\)|no significant difference .* ratio (\d\.\d\d) \(95% interval (\d\.\d\d)–(\d\.\d\d) contains 1\)/.exec(r.stdout);
    expect(verdict, r.stdout).not.toBeNull();
    expect(verdict![2]).not.toBe('slower');
    const [median, lo, hi] = (verdict![1] ? [verdict![1], verdict![3], verdict![4]] : [verdict![5], verdict![6], verdict![7]]).map(Number) as [number, number, number];
    expect(lo).toBeLessThanOrEqual(median);
    expect(median).toBeLessThanOrEqual(hi);
    expect(hi).toBeGreaterThan(1);
  });
});
