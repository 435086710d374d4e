/**
 * Read → write → run: the written model gives bit-identical outputs to the original in
 * onnxruntime, including models whose weights live in an external data file.
 */
import fs from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { inferShapes, loadOnnx, readOnnx, saveOnnx, writeOnnx } from '../src/index.js';
import { sharedModel, sharedModelFiles, tempDir } from './helpers/models.js';
import { feedsFor, runBytes, type Feeds } from './helpers/ort.js';

function expectIdentical(a: Record<string, ort.Tensor>, b: Record<string, ort.Tensor>): void {
  expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
  for (const k of Object.keys(a)) {
    expect(b[k]!.dims).toEqual(a[k]!.dims);
    const x = a[k]!.data as Float32Array;
    const y = b[k]!.data as Float32Array;
    expect(Buffer.from(y.buffer, y.byteOffset, y.byteLength).equals(Buffer.from(x.buffer, x.byteOffset, x.byteLength))).toBe(true);
  }
}

async function runFile(file: string, feeds: Feeds) {
  const s = await ort.InferenceSession.create(file, { logSeverityLevel: 3 });
  try {
    return await s.run(feeds);
  } finally {
    await s.release();
  }
}

describe('round trip read → write gives identical outputs', () => {
  for (const file of sharedModelFiles()) {
    it(`model=${file}`, async () => {
      const original = fs.readFileSync(sharedModel(file));
      const graph = readOnnx(original);
      inferShapes(graph);
      const feeds = feedsFor(graph);
      const written = writeOnnx(graph).model;
      expectIdentical(await runBytes(original, feeds), await runBytes(written, feeds));
      // Reading the written file again gives the same graph structure.
      const again = readOnnx(written);
      expect(again.nodes.map((n) => n.opType)).toEqual(graph.nodes.map((n) => n.opType));
      expect([...again.initializers.keys()]).toEqual([...graph.initializers.keys()]);
    });
  }

  it('model=version-RFB-320.onnx with external data: written, reloaded and rewritten', async () => {
    const dir = tempDir();
    const graph = loadOnnx(sharedModel('version-RFB-320.onnx'));
    inferShapes(graph);
    const feeds = feedsFor(graph);
    const expected = await runBytes(fs.readFileSync(sharedModel('version-RFB-320.onnx')), feeds);

    const extFile = path.join(dir, 'rfb-ext.onnx');
    saveOnnx(graph, extFile, { external: true });
    const dataFile = path.join(dir, 'rfb-ext.onnx.data');
    expect(fs.statSync(dataFile).size).toBeGreaterThan(1_000_000);
    expect(fs.statSync(extFile).size).toBeLessThan(200_000);
    // onnxruntime resolves the external file itself.
    expectIdentical(expected, await runFile(extFile, feeds));

    // leannet reads it back (lazily) and writes it inline and external again.
    const reread = loadOnnx(extFile);
    expect([...reread.initializers.values()].some((t) => t.source.kind === 'external')).toBe(true);
    expectIdentical(expected, await runBytes(writeOnnx(reread).model, feeds));
    const sub = path.join(dir, 'sub');
    fs.mkdirSync(sub);
    saveOnnx(reread, path.join(sub, 'again.onnx'), { external: { location: 'weights.bin' } });
    expectIdentical(expected, await runFile(path.join(sub, 'again.onnx'), feeds));
    expect(fs.readdirSync(sub).filter((f) => !f.startsWith('.')).sort()).toEqual(['again.onnx', 'weights.bin']);
  });
});
