import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';

/**
 * Every integration suite runs on each backend: the embedded one always, MariaDB/MySQL + Redis
 * when TEST_DATABASE_URL and TEST_REDIS_URL are set (CI sets both).
 */
export interface Backend {
  name: 'embedded' | 'mysql+redis';
  /** Why this backend is skipped in this run, or null. */
  skip: string | null;
  /** Environment for a fresh, empty instance of this backend; `drop()` removes it. */
  provision(): Promise<{ env: Record<string, string>; drop(): Promise<void> }>;
}

const mysqlUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL;

export const embedded: Backend = {
  name: 'embedded',
  skip: null,
  async provision() {
    const dir = mkdtempSync(path.join(tmpdir(), 'studymate-test-'));
    return {
      env: { DATA_DIR: dir, NODE_ENV: 'test' },
      async drop() {
        rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
      },
    };
  },
};

export const mysqlRedis: Backend = {
  name: 'mysql+redis',
  skip: mysqlUrl && redisUrl ? null : 'TEST_DATABASE_URL and TEST_REDIS_URL are not set',
  async provision() {
    // A database of its own per suite, so suites run in parallel without sharing rows.
    const name = `studymate_t_${randomBytes(5).toString('hex')}`;
    const server = new URL(mysqlUrl!);
    const admin = await createConnection({
      uri: `${server.protocol}//${server.username ? `${server.username}${server.password ? `:${server.password}` : ''}@` : ''}${server.host}/`,
    });
    await admin.query(`create database ${name} character set utf8mb4 collate utf8mb4_unicode_ci`);
    await admin.end();
    const dbUrl = new URL(mysqlUrl!);
    dbUrl.pathname = `/${name}`;
    const dir = mkdtempSync(path.join(tmpdir(), 'studymate-test-'));
    return {
      env: {
        DATA_DIR: dir,
        NODE_ENV: 'test',
        DATABASE_URL: dbUrl.toString(),
        REDIS_URL: redisUrl!,
        REDIS_PREFIX: `${name}:`,
        DEV_SIGN_IN: 'true',
      },
      async drop() {
        const conn = await createConnection({
          uri: `${server.protocol}//${server.username ? `${server.username}${server.password ? `:${server.password}` : ''}@` : ''}${server.host}/`,
        });
        await conn.query(`drop database if exists ${name}`);
        await conn.end();
        rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
      },
    };
  },
};

export const BACKENDS: Backend[] = [embedded, mysqlRedis];

if (mysqlRedis.skip) {
  // Loud, once per test file: half of the integration matrix did not run.
  console.warn(`\n*** SKIPPING the MariaDB + Redis half of the integration suites: ${mysqlRedis.skip} ***\n`);
}
