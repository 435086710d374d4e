/**
 * The core runs in a browser: src/core.ts bundled by esbuild for platform=browser reaches no Node
 * built-in and no native package (scripts/check-browser-bundle.mjs), the check fails on entries
 * that do (a deliberate `node:fs`, the ONNX file adapter, onnxruntime-node), and the bundle itself
 * analyzes and lints a model from its bytes with the totals of the Node library.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeGraph, lint, loadOnnx } from '../src/index.js';
// @ts-expect-error: a plain .mjs script without types
import { checkBrowserBundle } from '../scripts/check-browser-bundle.mjs';
import { sharedModel, tempDir } from './helpers/models.js';

const dir = tempDir();
const src = (f: string) => JSON.stringify(path.resolve('src', f));

async function check(name: string, body: string) {
  const entry = path.join(dir, name);
  fs.writeFileSync(entry, body);
  return checkBrowserBundle(entry) as Promise<{ offenders: { spec: string; kind: string; chain: string[] }[]; bytes: number; code: string }>;
}

describe('core bundle for the browser', () => {
  it('src/core.ts reaches no Node built-in or native package, and its bundle analyzes and lints a model from bytes like the Node library', async () => {
    const r = await checkBrowserBundle();
    expect(r.offenders).toEqual([]);
    expect(r.bytes).toBeGreaterThan(100_000);
    const file = path.join(dir, 'core.bundle.mjs');
    fs.writeFileSync(file, r.code);
    const core = await import(pathToFileURL(file).href);
    const model = sharedModel('light_squeezenet.onnx');
    const a = core.analyzeGraph(core.readOnnx(new Uint8Array(fs.readFileSync(model)), { source: 'light_squeezenet.onnx' }));
    const ref = analyzeGraph(loadOnnx(model));
    expect(a.cost.totals).toEqual(ref.cost.totals);
    expect(core.lint(a, { ridge: 10 }).findings.length).toBe(lint(ref, { ridge: 10 }).findings.length);
  }, 60_000);

  it('fails on an entry that imports node:fs, naming the import and its file', async () => {
    const r = await check('uses-fs.ts', `import fs from 'node:fs';\nexport const size = (f: string) => fs.statSync(f).size;\n`);
    expect(r.offenders.map((o) => [o.spec, o.kind])).toEqual([['node:fs', 'Node built-in']]);
    expect(r.offenders[0]!.chain.at(-1)).toMatch(/uses-fs\.ts$/);
  });

  it("fails on an entry that reaches the ONNX file adapter (fs, path) or onnxruntime-node, through the chain of imports", async () => {
    const files = await check('uses-file.ts', `export { loadOnnx } from ${src('formats/node/onnx-file.ts')};\n`);
    expect(new Set(files.offenders.map((o) => o.spec))).toEqual(new Set(['node:fs', 'node:path']));
    expect(files.offenders.some((o) => o.chain.join(' ').includes('src/formats/node/files.ts'))).toBe(true);
    const ort = await check('uses-ort.ts', `export { ortNode } from ${src('engine/ort-node.ts')};\n`);
    expect(ort.offenders.filter((o) => o.kind === 'native package').map((o) => o.spec)).toEqual(['onnxruntime-node']);
  });

  it('the script exits 1 and names the import on a bad entry', async () => {
    const { spawnSync } = await import('node:child_process');
    const entry = path.join(dir, 'bad.ts');
    fs.writeFileSync(entry, `import { spawn } from 'child_process';\nexport default spawn;\n`);
    const p = spawnSync(process.execPath, ['scripts/check-browser-bundle.mjs', entry], { encoding: 'utf8' });
    expect(p.status).toBe(1);
    expect(p.stderr).toMatch(/child_process \(Node built-in\)/);
  });
});
