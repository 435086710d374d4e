import { defineConfig } from 'vitest/config';

// Shape inference against the ONNX backend test suite (Debian's libonnx-testdata): `npm run conformance`.
// Kept out of `npm test`, which needs only Node and npm (vitest.config.ts).
export default defineConfig({
  test: {
    include: ['test/conformance/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    // The suite loads onnxruntime-node for runtime inputs: no telemetry, as leannet's engine (src/engine/ort-node.ts).
    env: { ORT_DISABLE_TELEMETRY: '1' },
    testTimeout: 300_000,
  },
});
