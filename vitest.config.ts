// Two suites in one config, picked by VITEST_SUITE: `fast` (server and unit tests, in parallel) and
// `slow` (real server processes, browsers, chaos: one file at a time, so they never fight the fast
// ones for the two cores). Unset runs both, as a developer's plain `npx vitest run` expects.
import { defineConfig } from 'vitest/config';

const SLOW = ['server/test/chaos-short.test.ts', 'server/test/boot.test.ts', 'demo/e2e/**/*.e2e.test.ts'];
const FAST = ['server/test/**/*.test.ts', 'widget/src/**/*.unit.test.ts'];
const suite = process.env.VITEST_SUITE;

export default defineConfig({
  test: {
    include: suite === 'slow' ? SLOW : suite === 'fast' ? FAST : [...FAST, ...SLOW],
    exclude: suite === 'fast' ? SLOW : [],
    globalSetup: ['server/test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: suite === 'slow' ? 240_000 : 60_000,
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: suite !== 'slow',
    reporters: ['default', 'json'],
    outputFile: { json: `.data/test-results/vitest-${suite ?? 'all'}.json` },
  },
});
