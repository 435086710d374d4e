import { defineConfig } from 'vitest/config';
import base from './vitest.config';

/**
 * The fast tier (`npm run test:fast`, ≤ 30 s on two cores): the edit loop's check of the core —
 * IR, ops, shapes, folding, formats, costs, memory, reports, statistics, the browser bundle, the
 * public API — with no timed runs and no spawned CLI. `npm test` still runs every file (what CI
 * runs); nothing here replaces it.
 */
export const FAST_FILES = [
  'test/ir.test.ts',
  'test/formats.test.ts',
  'test/shape-values.test.ts',
  'test/ops-spec.test.ts',
  'test/ops-indexing.test.ts',
  'test/ops.test.ts',
  'test/fold.test.ts',
  'test/params-export.test.ts',
  'test/report.test.ts',
  'test/stats.test.ts',
  'test/memory.test.ts',
  'test/tfjs-layers.test.ts',
  'test/tfjs-ops.test.ts',
  'test/core-bundle.test.ts',
  'test/public-api.test.ts',
];

// Spread, not mergeConfig: merging would append these files to the full suite's include.
export default defineConfig({
  test: {
    ...base.test,
    include: FAST_FILES,
    // The CLI spawned against the in-process CLI: a full-tier check.
    testNamePattern: /^(?!.*same exit code, stdout and stderr as the spawned)/,
    // No file here times anything, so two at a time, and each worker imports the library once
    // for all its files (no file here changes a registry or other module state another reads).
    fileParallelism: true,
    maxWorkers: 2,
    isolate: false,
  },
});
