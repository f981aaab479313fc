import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { migrations } from '../src/migrations/index.js';
import { openDatabase } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrate.js';
import { DomainEvents, type DomainEvent } from '../src/platform/events/domain-events.js';
import { JobRunner, type JobsTables } from '../src/platform/jobs/jobs.js';
import { BACKENDS } from './helpers/backends.js';
import { until } from './helpers/wait.js';

interface Catalogue extends Record<string, unknown> {
  'mate-added': { a: string; b: string };
  'call-completed': { minutes: number };
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`domain events [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    let db: Kysely<JobsTables>;
    let drop: () => Promise<void>;
    const runners: JobRunner[] = [];
    /** One node: its job runner and its event bus, with the subscribers wired as a module would. */
    const node = () => {
      const jobs = new JobRunner(db, { pollMs: 30, leaseMs: 2000, maxAttempts: 3, backoffBaseMs: 20 });
      runners.push(jobs);
      return { jobs, events: new DomainEvents<Catalogue>(jobs) };
    };

    beforeAll(async () => {
      const provisioned = await backend.provision();
      drop = provisioned.drop;
      db = await openDatabase<JobsTables>(loadConfig(provisioned.env).database);
      await migrateToLatest(db, migrations);
    });
    afterAll(async () => {
      await Promise.all(runners.map((r) => r.stop(1000)));
      await db.destroy();
      await drop();
    });

    it('delivers an event to every subscriber once the transaction that published it commits, and not when it rolls back', async () => {
      const { jobs, events } = node();
      const progress: DomainEvent[] = [];
      const notifications: DomainEvent[] = [];
      events.on('mate-added', 'progress', async (e) => void progress.push(e));
      events.on('mate-added', 'notifications', async (e) => void notifications.push(e));
      jobs.start();

      await db
        .transaction()
        .execute(async (tx) => {
          await events.publish(tx, 'mate-added', { a: 'minji', b: 'alex' });
          throw new Error('the fact did not commit');
        })
        .catch(() => undefined);
      const published = await db.transaction().execute((tx) => events.publish(tx, 'mate-added', { a: 'minji', b: 'sora' }));
      events.deliver();

      await until('both subscribers heard the committed event', () => progress.length === 1 && notifications.length === 1);
      await new Promise((r) => setTimeout(r, 200));
      expect(progress.map((e) => e.data)).toEqual([{ a: 'minji', b: 'sora' }]);
      expect(notifications[0]).toEqual(progress[0]);
      expect(progress[0]!.id).toBe(published.id);
      await jobs.stop();
    });

    it('retries only the subscriber that failed, with the same event id, so an idempotent handler counts once', async () => {
      const { jobs, events } = node();
      const counted = new Set<string>();
      let ledgerCalls = 0;
      let bellCalls = 0;
      events.on('call-completed', 'ledger', async (e) => {
        ledgerCalls++;
        if (ledgerCalls === 1) throw new Error('database restarting');
        counted.add(e.id);
      });
      events.on('call-completed', 'bell', async () => void bellCalls++);
      jobs.start();
      const event = await events.publish(db, 'call-completed', { minutes: 25 });

      await until('the ledger succeeded on its retry', () => counted.size === 1);
      expect([...counted]).toEqual([event.id]);
      expect(ledgerCalls).toBe(2);
      expect(bellCalls).toBe(1);
      await jobs.stop();
    });

    it('keeps a published event until a node runs it, even if the publishing node stopped first', async () => {
      const first = node();
      first.events.on('call-completed', 'ledger', async () => undefined);
      // Published, never started: the publishing node goes away with the event undelivered.
      await first.events.publish(db, 'call-completed', { minutes: 7 });
      await first.jobs.stop();

      const second = node();
      const seen: number[] = [];
      second.events.on('call-completed', 'ledger', async (e) => void seen.push(e.data.minutes));
      second.jobs.start();
      await until('the other node delivered it', () => seen.includes(7));
      await second.jobs.stop();
    });

    it('refuses a module subscribing twice to one event, which would count every fact twice', () => {
      const { events } = node();
      events.on('mate-added', 'progress', async () => undefined);
      expect(() => events.on('mate-added', 'progress', async () => undefined)).toThrow(/twice/);
    });
  });
}
