// `npm test`: builds the bundles, runs every suite (vitest: server, e2e; web-test-runner: widget and
// admin in Chromium), then prints one line `N passed, N failed` summed over all suites.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const RESULTS = '.data/test-results';
rmSync(RESULTS, { recursive: true, force: true });
mkdirSync(RESULTS, { recursive: true });

const suites = [
  { name: 'build', command: ['node', 'scripts/build.mjs'], counts: null },
  { name: 'vitest (server)', command: ['npx', 'vitest', 'run'], env: { VITEST_SUITE: 'fast' }, counts: `${RESULTS}/vitest-fast.json` },
];
if (existsSync('web-test-runner.config.mjs')) {
  suites.push({ name: 'web-test-runner', command: ['npx', 'web-test-runner'], counts: `${RESULTS}/wtr.json` });
}
suites.push({
  name: 'vitest (end-to-end, chaos, boot)',
  command: ['npx', 'vitest', 'run'],
  env: { VITEST_SUITE: 'slow' },
  counts: `${RESULTS}/vitest-slow.json`,
});

let passed = 0;
let failed = 0;
for (const suite of suites) {
  console.log(`\n=== ${suite.name}: ${suite.command.join(' ')}`);
  const started = Date.now();
  const run = spawnSync(suite.command[0], suite.command.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, ...suite.env },
  });
  console.log(`=== ${suite.name}: exit ${run.status} after ${Math.round((Date.now() - started) / 1000)} s`);
  if (!suite.counts) {
    if (run.status !== 0) failed += 1;
    continue;
  }
  let counted = false;
  if (existsSync(suite.counts)) {
    const { p, f } = countsOf(suite.counts);
    passed += p;
    failed += f;
    counted = true;
    console.log(`=== ${suite.name}: ${p} passed, ${f} failed`);
  }
  // A suite that crashed without a report, or failed outside a test, still fails the run.
  if (run.status !== 0 && (!counted || failedFrom(suite.counts) === 0)) failed += 1;
}

function failedFrom(path) {
  return existsSync(path) ? countsOf(path).f : 0;
}

/**
 * Passed / failed from vitest's JSON reporter (jest format) or our `{ passed, failed }` files. A
 * test file that failed outside its tests (a hook, an import) counts as one failure: vitest reports
 * its tests as skipped.
 */
function countsOf(path) {
  const report = JSON.parse(readFileSync(path, 'utf8'));
  if (!Array.isArray(report.testResults)) return { p: report.passed ?? 0, f: report.failed ?? 0 };
  let p = 0;
  let f = 0;
  for (const file of report.testResults) {
    const tests = file.assertionResults ?? [];
    p += tests.filter((t) => t.status === 'passed').length;
    const failedTests = tests.filter((t) => t.status === 'failed').length;
    f += failedTests;
    if (file.status === 'failed' && failedTests === 0) f += 1;
  }
  return { p, f };
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
