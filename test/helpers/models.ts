/** The third-party models in ../shared/models, and temporary folders for generated files. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../..');
export const sharedModels = path.resolve(repoRoot, '../shared/models');

/** Every .onnx file in ../shared/models, by file name. */
export function sharedModelFiles(): string[] {
  return fs.readdirSync(sharedModels).filter((f) => f.endsWith('.onnx')).sort();
}

export function sharedModel(name: string): string {
  return path.join(sharedModels, name);
}

/**
 * A fresh temporary folder inside the test run's own (test/helpers/temp-root.ts removes that one
 * when the run ends); outside vitest, in the system's, removed at process exit.
 */
export function tempDir(prefix = 'leannet-test-'): string {
  const root = process.env['LEANNET_TEST_TMP'];
  const dir = fs.mkdtempSync(path.join(root && fs.existsSync(root) ? root : os.tmpdir(), prefix));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
