import { defineConfig } from 'vitest/config';

// Browser specs against the built app: `npm run test:e2e` (or this config directly). The
// `.e2e.ts` suffix keeps them out of the unit-test run.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    reporters: ['default'],
  },
});
