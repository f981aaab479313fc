import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { poolSyncedUntil, setPoolSyncedUntil } from '../src/modules/matching/repository.js';
import { openDatabase } from '../src/platform/db/database.js';
import { api, ENGLISH, givenOnboarded, startApp, type TestApp } from './helpers/app.js';
import { BACKENDS } from './helpers/backends.js';
import { until } from './helpers/wait.js';

/**
 * People whose profiles changed while no node was up, as after the upgrade that adds matching's
 * pool: enough that the catch-up takes a while (200 per batch, 25 ms apart: at least half a second).
 */
const CHANGED = 4_000;
const CHUNK = 400;

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(
    `matching: readiness waits for the pool [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`,
    () => {
      let t: TestApp;
      let db: Kysely<any>;
      let second: FastifyInstance | null = null;

      beforeAll(async () => {
        t = await startApp(backend);
        db = await openDatabase<any>(t.config.database);
      });
      afterAll(async () => {
        await second?.close();
        await db?.destroy();
        await t?.close();
      });

      it('a starting node is not ready, and says why, until its copy of the profiles has caught up', async () => {
        // Profiles saved behind matching's back (written as an older version would have left them).
        const now = Date.now();
        const ids: string[] = Array.from({ length: CHANGED }, () => randomUUID());
        for (let i = 0; i < ids.length; i += CHUNK) {
          const chunk = ids.slice(i, i + CHUNK);
          await db
            .insertInto('users')
            .values(
              chunk.map((id, j) => ({
                id,
                email: `seeded-${i + j}-${id.slice(0, 8)}@example.test`,
                display_name: `Seeded ${i + j}`,
                created_at: now,
                terms_accepted_at: now,
              })),
            )
            .execute();
          await db
            .insertInto('profiles')
            .values(
              chunk.map((id) => ({
                user_id: id,
                time_zone: 'Asia/Seoul',
                native_language: 'ko',
                partner_gender: 'any',
                partner_age_min: 18,
                partner_age_max: 99,
                basic_saved_at: now,
                languages_saved_at: now,
                interests_saved_at: now,
                partner_saved_at: now,
                schedule_saved_at: now,
              })),
            )
            .execute();
          await db
            .insertInto('profile_languages')
            .values(
              chunk.flatMap((id) => [
                { user_id: id, role: 'native', language: 'ko', level: null, partner_level: null },
                { user_id: id, role: 'learns', language: 'en', level: 'B1', partner_level: 'B2' },
              ]),
            )
            .execute();
        }

        // A node starting now catches up before it serves.
        second = await buildApp(t.config);
        await second.listen({ host: '127.0.0.1', port: 0 });
        const url = `http://127.0.0.1:${(second.server.address() as { port: number }).port}`;
        const starting = await api({ url }, 'GET', '/health/ready');
        expect(starting.status).toBe(503);
        expect(starting.json.checks.database).toBe('up');
        expect(starting.json.warmingUp['matching-pool']).toMatch(/catching up with profile changes/);
        const actuator = await api({ url }, 'GET', '/actuator/health');
        expect(actuator.status).toBe(503);
        expect(actuator.json.components['matching-pool']).toMatchObject({ status: 'OUT_OF_SERVICE' });
        // The node that was already up stays ready meanwhile.
        expect((await api(t, 'GET', '/health/ready')).status).toBe(200);

        await until('the starting node is ready', async () => (await api({ url }, 'GET', '/health/ready')).status === 200, 120_000);
        const ready = await api({ url }, 'GET', '/health/ready');
        expect(ready.json).toEqual({ status: 'ok', checks: expect.objectContaining({ database: 'up' }) });
        // Ready means caught up: the seeded people are in its pool and offered at once.
        const viewer = await givenOnboarded({ url }, 'Alex', ENGLISH);
        const page = await api({ url }, 'GET', '/api/v1/matching/recommendations?locale=en', { token: viewer.token });
        expect((page.json.items as { userId: string }[]).some((c) => ids.includes(c.userId))).toBe(true);
      }, 180_000);

      it("two nodes finishing their catch-up at once both write the pool's watermark, which only moves forward", async () => {
        // Each node its own connections, as two processes would have (SQLite is one node's own file:
        // there, concurrent writers of the one node).
        const other = backend.name === 'mysql+redis' ? await openDatabase<any>(t.config.database) : db;
        try {
          await db.deleteFrom('matching_pool_state').execute();
          const base = Date.now();
          // Interleaved first writes (no row yet) and updates from both nodes, out of order.
          const marks = Array.from({ length: 40 }, (_, i) => base + ((i * 17) % 40) * 1000);
          await Promise.all(marks.map((at, i) => setPoolSyncedUntil(i % 2 ? other : db, at)));
          expect(await poolSyncedUntil(db)).toBe(Math.max(...marks));
          // A node whose catch-up started earlier and ended later does not move it back.
          await setPoolSyncedUntil(other, base - 60_000);
          expect(await poolSyncedUntil(db)).toBe(Math.max(...marks));
          expect(await db.selectFrom('matching_pool_state').selectAll().execute()).toHaveLength(1);
        } finally {
          if (other !== db) await other.destroy();
        }
      });
    },
  );
}
