import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Browser tests need Chromium, which Node and npm alone do not bring: `npm run test:browser` (vitest.browser.config.ts).
    // The ONNX backend conformance suite needs Debian's libonnx-testdata: `npm run conformance` (vitest.conformance.config.ts).
    exclude: ['test/browser/**', 'test/conformance/**', '**/node_modules/**'],
    // One temporary folder per run, removed at its end (see the file).
    globalSetup: ['test/helpers/temp-root.ts'],
    // onnxruntime-node is a native addon: separate processes, not worker threads.
    pool: 'forks',
    // One file at a time: several tests time real runs, which must not compete for this machine's two cores.
    fileParallelism: false,
    // Tests that load onnxruntime-node themselves (references) opt out of its telemetry as leannet's engine does (src/engine/ort-node.ts).
    env: { ORT_DISABLE_TELEMETRY: '1' },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
