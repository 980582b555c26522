// Browser tests (npm test / npm run test:browser): Debian's Chromium, TS through esbuild, the real
// server with Postgres (widget/test-support), counts written to .data/test-results/wtr.json.
import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumLaunchOptions } from './scripts/chromium.mjs';
import { supportServerPlugin } from './widget/test-support/support-server-plugin.mjs';

/** Adds up passed / failed tests for scripts/test.mjs. */
function countsReporter(file = '.data/test-results/wtr.json') {
  const count = (suite, totals) => {
    for (const test of suite?.tests ?? []) {
      if (test.skipped) continue;
      if (test.passed) totals.passed += 1;
      else totals.failed += 1;
    }
    for (const child of suite?.suites ?? []) count(child, totals);
  };
  return {
    onTestRunFinished({ sessions }) {
      const totals = { passed: 0, failed: 0 };
      for (const session of sessions) {
        count(session.testResults, totals);
        // A file that failed to load or threw outside a test counts as one failure.
        if (!session.passed && (session.errors?.length ?? 0) > 0) totals.failed += 1;
      }
      mkdirSync('.data/test-results', { recursive: true });
      writeFileSync(file, JSON.stringify(totals));
    },
  };
}

export default {
  files: ['widget/src/**/*.test.ts', '!widget/src/**/*.unit.test.ts'],
  // The production builds of Lit, as shipped (no dev-mode warnings).
  nodeResolve: { exportConditions: ['production'] },
  concurrency: 1,
  testsFinishTimeout: 180_000,
  testFramework: { config: { timeout: 20_000 } },
  browsers: [
    chromeLauncher({
      launchOptions: chromiumLaunchOptions([
        '--autoplay-policy=no-user-gesture-required',
        `--user-data-dir=${mkdtempSync(join(tmpdir(), 'wtr-chromium-'))}`,
      ]),
    }),
  ],
  plugins: [esbuildPlugin({ ts: true, target: 'es2022' }), supportServerPlugin()],
  reporters: [defaultReporter(), countsReporter()],
};
