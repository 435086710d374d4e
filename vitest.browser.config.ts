import { defineConfig } from 'vitest/config';

// The tests that drive a real browser (Debian's Chromium through playwright-core): `npm run test:browser`.
// Kept out of `npm test`, which needs only Node and npm (vitest.config.ts).
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['test/helpers/temp-root.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
