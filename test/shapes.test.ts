/**
 * Shape inference against onnxruntime: for every value of every shared model, the shape
 * leannet infers equals the shape ORT produces when that value is made a graph output.
 */
import { describe, expect, it } from 'vitest';
import { inferShapes, loadOnnx } from '../src/index.js';
import { sharedModel, sharedModelFiles } from './helpers/models.js';
import { feedsFor, ortShapes } from './helpers/ort.js';

describe('inferred shapes equal onnxruntime shapes', () => {
  for (const file of sharedModelFiles()) {
    it(`model=${file}`, async () => {
      const graph = loadOnnx(sharedModel(file));
      const report = inferShapes(graph);
      expect(report.unknownOps.map((n) => n.label)).toEqual([]);
      expect(report.unresolved.map((n) => n.label)).toEqual([]);
      const truth = await ortShapes(graph, feedsFor(graph));
      expect(truth.size).toBeGreaterThan(graph.nodes.length * 0.9);
      const mismatches: string[] = [];
      for (const [name, shape] of truth) {
        const ours = graph.value(name).shape;
        if (JSON.stringify(ours) !== JSON.stringify(shape)) mismatches.push(`${name}: ours ${JSON.stringify(ours)} ort ${JSON.stringify(shape)}`);
      }
      expect(mismatches).toEqual([]);
    });
  }
});
