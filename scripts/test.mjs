// `npm test`: static checks, unit and integration suites, then the browser suites against the
// built app. Ends with one line over all suites: "N passed, N failed[, N skipped]".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const results = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
/** Failed tests by name, repeated at the very end so that the tail of a long log names them. */
const failedTests = [];

function run(name, command, args, env = {}) {
  console.log(`\n== ${name}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) failures.push(name);
  return result.status === 0;
}

/** Runs a vitest configuration and adds its counts from the JSON report. */
function vitest(name, args) {
  mkdirSync('test-results', { recursive: true });
  const report = `test-results/${name}.json`;
  rmSync(report, { force: true });
  run(name, 'npx', ['vitest', 'run', ...args, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
  if (!existsSync(report)) {
    console.error(`${name}: no report written; counting the suite as failed`);
    results.failed += 1;
    return;
  }
  const json = JSON.parse(readFileSync(report, 'utf8'));
  results.passed += json.numPassedTests;
  results.failed += json.numFailedTests;
  results.skipped += json.numPendingTests + json.numTodoTests;
  // A suite that failed to load counts as a failure even when no test inside it ran.
  if (json.numFailedTestSuites > 0 && json.numFailedTests === 0) results.failed += json.numFailedTestSuites;
  for (const file of json.testResults ?? []) {
    const failed = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
    if (file.status === 'failed' && failed.length === 0) failedTests.push(`${file.name}: ${firstLine(file.message)}`);
    for (const test of failed) failedTests.push(`${file.name} > ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
  }
}

function firstLine(text) {
  return (
    String(text ?? '')
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim()
      .slice(0, 300) ?? ''
  );
}

const only = process.argv[2];
if (!only || only === 'static') {
  if (!run('typecheck', 'npm', ['run', '-s', 'typecheck'])) results.failed += 1;
  if (!run('lint', 'npm', ['run', '-s', 'lint'])) results.failed += 1;
}
if (!only || only === 'unit') vitest('unit-integration', []);
if (!only || only === 'e2e') {
  if (run('build', 'npm', ['run', '-s', 'build'])) vitest('e2e', ['--config', 'e2e/vitest.config.ts']);
  else results.failed += 1;
}

if (!process.env.TEST_DATABASE_URL || !process.env.TEST_REDIS_URL) {
  console.warn(
    '\n*** The MariaDB + Redis half of the integration suites was SKIPPED: set TEST_DATABASE_URL and TEST_REDIS_URL (see README). ***',
  );
}
if (failures.length) console.log(`\nfailed steps: ${failures.join(', ')}`);
if (failedTests.length) console.log(`\nfailed tests:\n${failedTests.map((line) => `- ${line}`).join('\n')}`);
const summary = `${results.passed} passed, ${results.failed} failed${results.skipped ? `, ${results.skipped} skipped` : ''}`;
console.log(`\n${summary}`);
process.exit(results.failed > 0 || failures.length > 0 ? 1 : 0);
