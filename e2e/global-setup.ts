// Starts the built STUDYMATE server the way the README does (node apps/server/dist/main.js) on a
// free port with a fresh DATA_DIR (so a new SQLite file and upload folder), waits for
// /health/ready, hands its URL to the specs, and stops it afterwards. It builds nothing.
// With E2E_BASE_URL set, the specs run against that server instead (e.g. `vite` in development).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startNaverProvider } from '../apps/server/test/helpers/naver-provider';

/** The administrator of the e2e server: the local Naver provider's member, whose e-mail ADMIN_EMAILS lists. */
export const E2E_ADMIN_EMAIL = 'naver-member-1@naver.test';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

const root = path.resolve(import.meta.dirname, '..');
const resultsDir = path.join(root, 'test-results');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitForReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = String((error as { cause?: { code?: string } }).cause?.code ?? error);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the server was not ready within ${timeoutMs} ms (last: ${last})`);
}

function stop(child: ChildProcess): Promise<void> {
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

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.E2E_BASE_URL;
  if (external) {
    project.provide('baseUrl', external);
    return async () => {};
  }

  const serverMain = path.join(root, 'apps/server/dist/main.js');
  for (const [file, what] of [
    [serverMain, 'the server'],
    [path.join(root, 'apps/web/dist/index.html'), 'the web app'],
  ] as const) {
    if (!existsSync(file))
      throw new Error(`e2e: ${what} is not built (${path.relative(root, file)} is missing); run \`npm run build\` first`);
  }
  const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromiumPath)) throw new Error(`e2e: no chromium at ${chromiumPath}; install it with \`apt-get install -y chromium\``);

  mkdirSync(resultsDir, { recursive: true });
  for (const file of readdirSync(resultsDir))
    if (file.startsWith('failed-') || file.startsWith('e2e-api-')) rmSync(path.join(resultsDir, file));
  const dataDir = await mkdtemp(path.join(tmpdir(), 'studymate-e2e-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // Dev sign-in never grants admin; a provider-vouched identity listed in ADMIN_EMAILS does, so
  // the server signs in with a local server speaking Naver Login's protocol (safety.e2e.ts).
  const naver = await startNaverProvider('e2e-naver-client', 'e2e-naver-secret');
  const logPath = path.join(resultsDir, 'e2e-server.log');
  const log = createWriteStream(logPath);
  const server = spawn(process.execPath, [serverMain], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: baseUrl,
      DATA_DIR: dataDir,
      // Every spec signs in and reloads from 127.0.0.1 within seconds, far beyond the per-minute
      // sign-in budget of one person; the limit itself is covered by the server's own tests.
      RATE_LIMIT_SIGN_IN: '1000',
      // Chat reaches progress once a tally; every 2 s here so a spec sees its chat day on the dashboard.
      CHAT_TALLY_SECONDS: '2',
      NAVER_CLIENT_ID: 'e2e-naver-client',
      NAVER_CLIENT_SECRET: 'e2e-naver-secret',
      NAVER_AUTH_URL: `${naver.url}/oauth2.0/authorize`,
      NAVER_TOKEN_URL: `${naver.url}/oauth2.0/token`,
      NAVER_PROFILE_URL: `${naver.url}/v1/nid/me`,
      ADMIN_EMAILS: E2E_ADMIN_EMAIL,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout!.pipe(log);
  server.stderr!.pipe(log);

  const teardown = async () => {
    await stop(server);
    await naver.close();
    log.end();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForReady(`${baseUrl}/health/ready`, server, 30_000);
  } catch (error) {
    await teardown();
    throw new Error(`e2e: ${(error as Error).message}; see ${path.relative(root, logPath)}`);
  }
  console.log(`e2e: server ready at ${baseUrl} (log in ${path.relative(root, logPath)})`);
  project.provide('baseUrl', baseUrl);
  return teardown;
}
