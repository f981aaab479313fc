import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config.js';
import { migrations } from '../../src/migrations/index.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { freePort } from './app.js';
import { mysqlRedis } from './backends.js';
import { until } from './wait.js';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const source = path.join(serverDir, 'src/main.ts');
const built = path.join(serverDir, 'dist/main.js');

export interface ServerProcess {
  port: number;
  url: string;
  ws: string;
  child: ChildProcess;
  exited: Promise<void>;
  output(): string;
}

/**
 * Starts a real server process on loopback and resolves once /health/ready answers. From source
 * through tsx by default, because `npm test` runs the suites before the build; `built` runs
 * apps/server/dist/main.js as production does (when it exists). `started` gets the child at once,
 * so cleanup finds it even if it never got ready.
 */
export async function startServerProcess(
  env: Record<string, string>,
  started: ChildProcess[],
  options: { port?: number; built?: boolean } = {},
): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const args = options.built && existsSync(built) ? ['--v8-pool-size=1', built] : ['--import', 'tsx', source];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  let gone = false;
  void exited.then(() => (gone = true));
  await until(
    `the node on port ${port} to be ready`,
    async () => {
      if (gone) throw new Error(`node on port ${port} exited before it was ready`);
      return fetch(`${url}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
    },
    30_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${output}`);
  });
  return { port, url, ws: `ws://127.0.0.1:${port}/ws`, child, exited, output: () => output };
}

/** Ends every child still running (SIGKILL) and waits for them. */
export async function killAll(children: ChildProcess[]) {
  const exits = children.map((child) =>
    child.exitCode !== null || child.signalCode !== null ? undefined : new Promise((r) => child.once('exit', r)),
  );
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(exits);
}

/**
 * A fresh MariaDB database and Redis prefix for a group of server processes, migrated once up
 * front so the nodes start side by side without racing for the schema, with one signing key for
 * all of them, as in production (a token from one works on the other). `drop()` removes the
 * Redis keys and the database.
 */
export async function provisionReplicas(extra: Record<string, string> = {}) {
  const provisioned = await mysqlRedis.provision();
  const prefix = provisioned.env.REDIS_PREFIX!;
  const db = await openDatabase(loadConfig(provisioned.env).database);
  await migrateToLatest(db, migrations);
  await db.destroy();
  const env: Record<string, string> = {
    ...provisioned.env,
    JWT_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    STUDYMATE_QUIET: '1',
    WEB_DIST: '/nonexistent',
    RATE_LIMIT_SIGN_IN: '10000',
    ...extra,
  };
  return {
    env,
    async drop() {
      const redis = new Redis(process.env.TEST_REDIS_URL!);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await provisioned.drop();
    },
  };
}
