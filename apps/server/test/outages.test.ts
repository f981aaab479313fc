import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers/backends.js';
import { api, freePort, givenUser, startApp, type Client, type TestApp } from './helpers/app.js';
import { tinyPng } from './helpers/files.js';
import { until } from './helpers/wait.js';

const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
// A full disk, made for real: a 512 KB tmpfs over the upload folder, in a mount namespace of the server's own.
const canMountTmpfs =
  spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs /mnt']).status === 0;
const entry = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/main.ts');

/** A redis-server of the test's own on a free port, so the test can stop it. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  await until('redis-server to listen', async () => {
    const r = spawnSync('redis-cli', ['-p', String(port), 'ping']);
    return r.stdout?.toString().trim() === 'PONG';
  });
  return child;
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

const photoForm = (bytes: Buffer) => {
  const form = new FormData();
  form.append('photo', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'me.png');
  return form;
};

for (const backend of BACKENDS) {
  const skip = backend.skip ?? (hasRedisServer ? null : 'redis-server is not on PATH');
  describe.skipIf(skip)(`Redis goes away [${backend.name}]${skip ? ` (skipped: ${skip})` : ''}`, () => {
    let t: TestApp;
    let redis: ChildProcess;
    let redisPort: number;
    let user: Client;
    beforeAll(async () => {
      redisPort = await freePort();
      redis = await startRedis(redisPort);
      t = await startApp(backend, { REDIS_URL: `redis://127.0.0.1:${redisPort}`, DEV_SIGN_IN: 'true' });
      user = await givenUser(t);
    });
    afterAll(async () => {
      await t?.close();
      if (redis) await stop(redis);
    });

    it('answers 503 with Retry-After, says which dependency in /health/ready, and recovers when Redis is back', async () => {
      await stop(redis);
      const ready = await api(t, 'GET', '/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.json.checks).toEqual({ database: 'up', redis: 'down' });
      expect(ready.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|retries/);

      for (const [method, route, options] of [
        ['POST', '/api/v1/auth/dev', { body: { email: 'during-outage@example.test', displayName: 'x' } }],
        ['POST', '/api/v1/auth/refresh', { headers: { cookie: user.cookie, 'x-requested-with': 'studymate' } }],
      ] as const) {
        const res = await api(t, method, route, options);
        expect(res.status, `${method} ${route}`).toBe(503);
        expect(res.json.error.code).toBe('UNAVAILABLE');
        expect(res.response.headers.get('retry-after')).toBe('5');
        expect(res.text).not.toMatch(/ECONNREFUSED|max retries/i);
      }

      redis = await startRedis(redisPort);
      await until('ready again', async () => (await api(t, 'GET', '/health/ready')).status === 200);
      expect((await api(t, 'POST', '/api/v1/auth/dev', { body: { email: 'after-outage@example.test', displayName: 'x' } })).status).toBe(
        200,
      );
    });
  });

  const diskSkip =
    backend.skip ?? (canMountTmpfs ? null : 'cannot mount a tmpfs in a private mount namespace (needs root or user namespaces)');
  describe.skipIf(diskSkip)(`a full upload disk [${backend.name}]${diskSkip ? ` (skipped: ${diskSkip})` : ''}`, { timeout: 90_000 }, () => {
    let child: ChildProcess;
    let url: string;
    let drop: () => Promise<void>;
    let output = '';
    beforeAll(async () => {
      const provisioned = await backend.provision();
      drop = provisioned.drop;
      const uploads = path.join(provisioned.env.DATA_DIR!, 'uploads');
      mkdirSync(uploads, { recursive: true });
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      child = spawn(
        'unshare',
        [
          '-m',
          '--propagation',
          'private',
          'sh',
          '-c',
          'mount -t tmpfs -o size=512k tmpfs "$1" && exec "$0" --import tsx "$2"',
          process.execPath,
          uploads,
          entry,
        ],
        {
          env: { ...process.env, ...provisioned.env, PORT: String(port), HOST: '127.0.0.1', WEB_DIST: '/nonexistent', LOG_LEVEL: 'warn' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      child.stdout!.on('data', (d) => (output += d));
      child.stderr!.on('data', (d) => (output += d));
      await until(
        'the server to start',
        async () => {
          if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
          return fetch(`${url}/health/live`).then(
            (r) => r.ok,
            () => false,
          );
        },
        45_000,
      );
    });
    afterAll(async () => {
      if (child) await stop(child);
      await drop?.();
    });

    it('answers 507 when the disk is full, and leaves no half-written file taking the space', async () => {
      const user = await givenUser({ url });
      const upload = (bytes: Buffer) =>
        fetch(`${url}/api/v1/me/photo`, { method: 'POST', headers: { authorization: `Bearer ${user.token}` }, body: photoForm(bytes) });
      const big = await upload(Buffer.concat([tinyPng(), Buffer.alloc(700 * 1024, 1)]));
      expect(big.status).toBe(507);
      expect(((await big.json()) as { error: { code: string } }).error.code).toBe('INSUFFICIENT_STORAGE');
      // Had the failed write stayed on disk as a .tmp file, the disk would still be full.
      const small = await upload(Buffer.concat([tinyPng(), Buffer.alloc(300 * 1024, 1)]));
      expect(small.status).toBe(200);
    });
  });
}
