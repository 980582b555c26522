// `npm test`: builds the bundles, runs every suite (vitest: server, e2e; web-test-runner: widget and
// admin in Chromium), then prints one line `N passed, N failed` summed over all suites.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const RESULTS = '.data/test-results';
rmSync(RESULTS, { recursive: true, force: true });
mkdirSync(RESULTS, { recursive: true });

const suites = [
  { name: 'build', command: ['node', 'scripts/build.mjs'], counts: null },
  { name: 'vitest', command: ['npx', 'vitest', 'run'], counts: `${RESULTS}/vitest.json` },
];
if (existsSync('web-test-runner.config.mjs')) {
  suites.push({ name: 'web-test-runner', command: ['npx', 'web-test-runner'], counts: `${RESULTS}/wtr.json` });
}

let passed = 0;
let failed = 0;
for (const suite of suites) {
  console.log(`\n=== ${suite.name}: ${suite.command.join(' ')}`);
  const run = spawnSync(suite.command[0], suite.command.slice(1), { stdio: 'inherit', env: process.env });
  if (!suite.counts) {
    if (run.status !== 0) failed += 1;
    continue;
  }
  let counted = false;
  if (existsSync(suite.counts)) {
    const report = JSON.parse(readFileSync(suite.counts, 'utf8'));
    // vitest's JSON reporter (jest format) or our { passed, failed } files.
    const p = report.numPassedTests ?? report.passed ?? 0;
    const f = (report.numFailedTests ?? report.failed ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
    passed += p;
    failed += f;
    counted = true;
    console.log(`=== ${suite.name}: ${p} passed, ${f} failed`);
  }
  // A suite that crashed without a report, or failed outside a test, still fails the run.
  if (run.status !== 0 && (!counted || failedFrom(suite.counts) === 0)) failed += 1;
}

function failedFrom(path) {
  if (!existsSync(path)) return 0;
  const report = JSON.parse(readFileSync(path, 'utf8'));
  return (report.numFailedTests ?? report.failed ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
