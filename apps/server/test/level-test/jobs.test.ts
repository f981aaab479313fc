import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { migrations } from '../../src/migrations/index.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { JobRunner, type JobsTables } from '../../src/platform/jobs/jobs.js';
import { BACKENDS } from '../helpers/backends.js';
import { until } from '../helpers/wait.js';

const here = path.dirname(fileURLToPath(import.meta.url));
for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`durable jobs [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    let db: Kysely<JobsTables>;
    let drop: () => Promise<void>;
    let target: ReturnType<typeof loadConfig>['database'];
    const runners: JobRunner[] = [];
    const runner = (options: Partial<ConstructorParameters<typeof JobRunner>[1]> = {}) => {
      const r = new JobRunner(db, { pollMs: 30, leaseMs: 2000, maxAttempts: 3, backoffBaseMs: 20, ...options });
      runners.push(r);
      return r;
    };

    beforeAll(async () => {
      const provisioned = await backend.provision();
      drop = provisioned.drop;
      target = loadConfig(provisioned.env).database;
      db = await openDatabase<JobsTables>(target);
      await migrateToLatest(db, migrations);
    });
    afterAll(async () => {
      await Promise.all(runners.map((r) => r.stop(1000)));
      await db.destroy();
      await drop();
    });

    it('runs every job exactly once when two nodes compete for them', async () => {
      const seen: string[] = [];
      const [a, b] = [runner(), runner()];
      for (const [node, r] of [
        ['a', a],
        ['b', b],
      ] as const) {
        r.register('test.count', {
          run: async (payload: { n: number }) => {
            seen.push(`${payload.n}`);
            await new Promise((res) => setTimeout(res, 5));
            void node;
          },
        });
      }
      const ids = await Promise.all(Array.from({ length: 30 }, (_, n) => a.enqueue('test.count', { n })));
      a.start();
      b.start();
      await until(
        'all 30 jobs done',
        async () =>
          (await db.selectFrom('jobs').select('id').where('kind', '=', 'test.count').where('status', '=', 'done').execute()).length === 30,
        15_000,
      );
      expect(seen.sort()).toEqual(Array.from({ length: 30 }, (_, n) => `${n}`).sort());
      const rows = await db.selectFrom('jobs').selectAll().where('id', 'in', ids).execute();
      expect(rows.every((r) => Number(r.attempts) === 1 && r.locked_by === null)).toBe(true);
      await Promise.all([a.stop(), b.stop()]);
    });

    it('retries a failing job with backoff and gives up after the last attempt, telling the module', async () => {
      const r = runner();
      const runs: number[] = [];
      let gaveUp: string | null = null;
      r.register('test.flaky', {
        run: async (payload: { failUntil: number }, context) => {
          runs.push(Date.now());
          if (context.attempt < payload.failUntil) throw new Error(`boom ${context.attempt}`);
        },
      });
      r.register('test.broken', {
        run: async () => {
          throw new Error('always broken');
        },
        onGiveUp: async (_payload, error) => {
          gaveUp = error;
        },
      });
      const flaky = await r.enqueue('test.flaky', { failUntil: 3 });
      const broken = await r.enqueue('test.broken', {});
      r.start();
      await until(
        'the flaky job done, the broken one failed and its module told',
        // The module is told after the failed status is written, so wait for that too.
        async () => (await r.find(flaky))?.status === 'done' && (await r.find(broken))?.status === 'failed' && gaveUp !== null,
        15_000,
      );
      const flakyRow = (await r.find(flaky))!;
      expect(Number(flakyRow.attempts)).toBe(3);
      // Backoff: 20 ms before the 2nd run, 80 ms before the 3rd.
      expect(runs[2]! - runs[1]!).toBeGreaterThanOrEqual(60);
      expect((await r.find(broken))!.last_error).toBe('always broken');
      expect(Number((await r.find(broken))!.attempts)).toBe(3);
      expect(gaveUp).toBe('always broken');
      await r.stop();
    });

    it('hands a running job back when its node stops, and another node finishes it', async () => {
      const first = runner();
      let started = false;
      first.register('test.long', {
        run: async (_p, context) => {
          started = true;
          await new Promise((resolve, reject) => {
            const t = setTimeout(resolve, 30_000);
            context.signal.addEventListener('abort', () => (clearTimeout(t), reject(context.signal.reason)));
          });
        },
      });
      const id = await first.enqueue('test.long', {});
      first.start();
      await until('the job to start', () => started, 15_000);
      await first.stop();
      const released = (await first.find(id))!;
      expect(released.status).toBe('queued');
      expect(Number(released.attempts)).toBe(0);
      const second = runner();
      second.register('test.long', { run: async () => undefined });
      second.start();
      await until('the second runner to finish the job', async () => (await second.find(id))?.status === 'done', 5000);
      await second.stop();
    });

    it('starts no job after its node has stopped, even one it was claiming as the stop came', async () => {
      const r = runner();
      let stopped = false;
      const startedAfterStop: string[] = [];
      r.register('test.late', {
        run: async () => {
          if (stopped) startedAfterStop.push('test.late');
        },
      });
      const id = await r.enqueue('test.late', {});
      // The poll that start() begins is claiming the job when stop() is called.
      r.start();
      await r.stop();
      stopped = true;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(startedAfterStop).toEqual([]);
      // Whatever it had claimed went back to the queue for the next start, its attempt not counted.
      const job = (await r.find(id))!;
      expect(job.status).toBe('queued');
      expect(Number(job.attempts)).toBe(0);
    });

    it('prunes finished jobs after a week and keeps failed ones for an operator', async () => {
      const r = runner();
      const old = Date.now() - 8 * 24 * 3600_000;
      const row = (id: string, status: 'done' | 'failed', at: number) => ({
        id,
        kind: 'test.history',
        payload: '{}',
        status,
        attempts: 1,
        run_after: at,
        locked_by: null,
        locked_until: null,
        last_error: null,
        created_at: at,
        updated_at: at,
      });
      const prefix = backend.name === 'embedded' ? 'e' : 'm';
      await db
        .insertInto('jobs')
        .values([
          row(`${prefix}-old-done`, 'done', old),
          row(`${prefix}-new-done`, 'done', Date.now()),
          row(`${prefix}-old-failed`, 'failed', old),
        ])
        .execute();
      expect(await r.prune()).toBe(1);
      const left = (await db.selectFrom('jobs').select('id').where('kind', '=', 'test.history').execute()).map((j) => j.id).sort();
      expect(left).toEqual([`${prefix}-new-done`, `${prefix}-old-failed`]);
    });

    it('picks up the job of a node that was killed mid-job once its lease runs out', { timeout: 60_000 }, async () => {
      const survivor = runner({ leaseMs: 1000 });
      const done: number[] = [];
      survivor.register('test.work', { run: async (payload: { n: number }) => void done.push(payload.n) });
      const id = await survivor.enqueue('test.work', { n: 7 });
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'crashing-node.ts')], {
        env: { ...process.env, CRASH_DB_TARGET: JSON.stringify(target), CRASH_LEASE_MS: '1000' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => c.toString().includes('claimed 7') && resolve());
        child.on('exit', (code) => reject(new Error(`crashing node exited early with ${code}`)));
      });
      const claimed = (await survivor.find(id))!;
      expect(claimed.status).toBe('running');
      expect(claimed.locked_by).not.toBeNull();
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const killedAt = Date.now();
      survivor.start();
      await until('the surviving node to finish the job', async () => (await survivor.find(id))?.status === 'done', 15_000);
      const row = (await survivor.find(id))!;
      expect(done).toEqual([7]);
      expect(Number(row.attempts)).toBe(2);
      // Not before the dead node's lease ran out (it was taken at most 1 s before the kill).
      expect(Number(row.updated_at)).toBeGreaterThanOrEqual(Number(claimed.locked_until));
      expect(Date.now() - killedAt).toBeLessThan(10_000);
      await survivor.stop();
    });
  });
}
