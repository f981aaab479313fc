import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // An awkward offset (+05:45) makes any time-zone slip fail loudly; storage stays UTC.
    env: { TZ: 'Asia/Kathmandu' },
    include: ['apps/server/test/**/*.test.ts', 'apps/web/test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
