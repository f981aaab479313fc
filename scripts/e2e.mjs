#!/usr/bin/env node
// Runs the browser specs in e2e/ against the built server, started the way the README starts it.
// It builds nothing: run `npm run build` first. Exit code is the specs' exit code.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const serverMain = path.join(root, 'apps/server/dist/main.js');
const webIndex = path.join(root, 'apps/web/dist/index.html');
const resultsDir = path.join(root, 'test-results');

for (const [file, what] of [
  [serverMain, 'the server'],
  [webIndex, 'the web app'],
]) {
  if (!existsSync(file)) {
    console.error(`e2e: ${what} is not built (${path.relative(root, file)} is missing). Run \`npm run build\` first.`);
    process.exit(1);
  }
}
if (!existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) {
  console.error('e2e: Debian chromium is missing. Install it with `apt-get install -y chromium`.');
  process.exit(1);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function waitForReady(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = error.cause?.code ?? String(error);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the server was not ready within ${timeoutMs} ms (last: ${last})`);
}

function stop(child) {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

mkdirSync(resultsDir, { recursive: true });
const dataDir = await mkdtemp(path.join(tmpdir(), 'studymate-e2e-'));
const port = await freePort();
const baseUrl = `http://127.0.0.1:${port}`;
const logPath = path.join(resultsDir, 'e2e-server.log');
const log = createWriteStream(logPath);

// A fresh SQLite database and upload folder under DATA_DIR: the embedded defaults.
const server = spawn(process.execPath, [serverMain], {
  cwd: root,
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: baseUrl, DATA_DIR: dataDir },
  stdio: ['ignore', 'pipe', 'pipe'],
});
server.stdout.pipe(log);
server.stderr.pipe(log);

let code = 1;
try {
  await waitForReady(`${baseUrl}/health/ready`, server, 30_000);
  console.log(`e2e: server ready at ${baseUrl} (data in ${dataDir}, log in ${path.relative(root, logPath)})`);
  const vitest = spawn(
    process.execPath,
    [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'e2e/vitest.config.ts', ...process.argv.slice(2)],
    { cwd: root, env: { ...process.env, E2E_BASE_URL: baseUrl }, stdio: 'inherit' },
  );
  code = await new Promise((resolve) => vitest.once('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
} catch (error) {
  console.error(`e2e: ${error.message}; see ${path.relative(root, logPath)}`);
  code = 1;
} finally {
  await stop(server);
  log.end();
  await rm(dataDir, { recursive: true, force: true });
}
process.exit(code);
