import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from './helpers/app.js';
import { until } from './helpers/wait.js';

const entry = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/main.ts');

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe('the server process', { timeout: 60_000 }, () => {
  it('refuses to start with bad settings, naming each one', async () => {
    const server = start({ PORT: 'http', REDIS_URL: 'localhost:6379', NODE_ENV: 'production', DEV_SIGN_IN: 'true' });
    expect(await server.exited).toBe(78);
    for (const name of ['PORT', 'REDIS_URL', 'DEV_SIGN_IN', 'JWT_SECRET']) expect(server.output()).toContain(name);
  });

  it('starts, answers, and shuts down cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'studymate-main-'));
    const port = await freePort();
    const server = start({ DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', WEB_DIST: '/nonexistent' });
    try {
      let ready = false;
      for (let i = 0; i < 200 && !ready; i++) {
        ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
          (r) => r.ok,
          () => false,
        );
        if (!ready) await new Promise((r) => setTimeout(r, 100));
      }
      expect(ready).toBe(true);
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
    } finally {
      server.child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
    }
  });

  it('on SIGTERM refuses new connections, answers the request in flight, then exits', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'studymate-main-'));
    const port = await freePort();
    // Request logging on: the log line says when the server has the request in hand.
    const server = start({ DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', WEB_DIST: '/nonexistent' });
    try {
      await until(
        'the server to be ready',
        () =>
          fetch(`http://127.0.0.1:${port}/health/ready`).then(
            (r) => r.ok,
            () => false,
          ),
        30_000,
      );
      // A sign-in whose body is still on its way when the node is told to stop (a rolling restart).
      const body = JSON.stringify({ email: 'drain@example.test', displayName: 'Drain' });
      const inFlight = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/v1/auth/dev',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      });
      const answered = new Promise<number>((resolve, reject) => {
        inFlight.on('response', (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode!));
        });
        inFlight.on('error', reject);
      });
      // Awaited below; a reset before then must fail the test, not surface as unhandled.
      answered.catch(() => undefined);
      inFlight.write(body.slice(0, 10));
      await until('the server to have the request', () => server.output().includes('/api/v1/auth/dev'), 10_000);
      server.child.kill('SIGTERM');
      // The load balancer's next connect is refused (it tries another node), not answered with 503.
      await until('new connections to be refused', () =>
        fetch(`http://127.0.0.1:${port}/health/live`).then(
          () => false,
          () => true,
        ),
      );
      inFlight.end(body.slice(10));
      expect(await answered).toBe(200);
      expect(await server.exited).toBe(0);
    } finally {
      server.child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
    }
  });
});
