/**
 * vitest global set-up: one temporary folder per test run, removed when the run ends. vitest
 * ends its worker processes without running their 'exit' handlers, so folders removed only at
 * process exit stayed behind (each `npm test` left about 25 folders of generated models).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'leannet-test-run-'));
  // Worker processes start after this and inherit the environment.
  process.env['LEANNET_TEST_TMP'] = root;
  return () => fs.rmSync(root, { recursive: true, force: true });
}
