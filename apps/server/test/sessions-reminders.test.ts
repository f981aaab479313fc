import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { ownTables } from '../src/modules/module-context.js';
import { createProfileService } from '../src/modules/profile/service.js';
import { createSessionsService } from '../src/modules/sessions/service.js';
import { createUsersService } from '../src/modules/users/service.js';
import { MemoryCache } from '../src/platform/cache/cache.js';
import { openDatabase } from '../src/platform/db/database.js';
import { JobRunner } from '../src/platform/jobs/jobs.js';
import { LocalStorage } from '../src/platform/storage/storage.js';
import type { Database } from '../src/database.js';
import { api, ENGLISH, givenMates, givenOnboarded, givenUser, KOREAN, type Client, type TestApp } from './helpers/app.js';
import { BACKENDS } from './helpers/backends.js';
import { until } from './helpers/wait.js';
import { startAppOn } from './level-test/helpers.js';
import { connectStomp, type StompSession } from './realtime/harness.js';

const MINUTE = 60_000;
const local = (at: number, zone = 'Asia/Seoul') => {
  const d = DateTime.fromMillis(at, { zone });
  return { date: d.toFormat('yyyy-LL-dd'), time: d.toFormat('HH:mm') };
};
const book = async (t: Pick<TestApp, 'url'>, from: Client, to: Client, at: number, extra: object = {}) => {
  const proposed = await api(t, 'POST', '/api/v1/sessions', {
    token: from.token,
    body: { partnerId: to.userId, kind: 'voice', ...local(at), minutes: 15, reminders: [15], ...extra },
  });
  if (proposed.status !== 200) throw new Error(`propose: ${proposed.status} ${proposed.text}`);
  const accepted = await api(t, 'POST', `/api/v1/sessions/${proposed.json.sessionId}/accept`, { token: to.token });
  if (accepted.status !== 200) throw new Error(`accept: ${accepted.status} ${accepted.text}`);
  return proposed.json.sessionId as string;
};
const pair = async (t: Pick<TestApp, 'url'>, a: string, b: string) => {
  const x = await givenOnboarded(t, a, KOREAN);
  const y = await givenOnboarded(t, b, ENGLISH);
  await givenMates(t, x, y);
  return [x, y] as const;
};

for (const backend of BACKENDS) {
  const skip = backend.skip;
  describe.skipIf(!!skip)(`session reminders and calls [${backend.name}]${skip ? ` (skipped: ${skip})` : ''}`, () => {
    it(
      'sends a reminder once, at its time, after the booking node is gone, and none for a cancelled or moved occurrence',
      { timeout: 180_000 },
      async () => {
        const provisioned = await backend.provision();
        const env = { ...provisioned.env, JOBS_POLL_MS: '100' };
        const sockets: StompSession[] = [];
        const nodes: { close(): Promise<void> }[] = [];
        try {
          const first = await startAppOn(env);
          const [minji, alex] = await pair(first, 'Minji', 'Alex');
          const [jun, hana] = await pair(first, 'Jun', 'Hana');
          const [sora, ben] = await pair(first, 'Sora', 'Ben');
          // The first whole minute at least 15 minutes and 8 seconds away: its 15-minute reminder is due in 8-68 s.
          const start = Math.ceil((Date.now() + 15 * MINUTE + 8_000) / MINUTE) * MINUTE;
          const due = start - 15 * MINUTE;
          await book(first, minji, alex, start);
          const cancelled = await book(first, jun, hana, start, { repeat: { every: 'week', count: 2 } });
          const moved = await book(first, sora, ben, start);
          expect(
            (await api(first, 'POST', `/api/v1/sessions/${cancelled}/cancel`, { token: hana.token, body: { index: 0, reason: 'ill' } }))
              .status,
          ).toBe(200);
          const ask = await api(first, 'POST', `/api/v1/sessions/${moved}/occurrences/0/move`, {
            token: sora.token,
            body: { ...local(start + 24 * 60 * MINUTE), reason: 'tomorrow is better' },
          });
          expect(ask.status).toBe(200);
          expect((await api(first, 'POST', `/api/v1/sessions/${moved}/occurrences/0/move/accept`, { token: ben.token })).status).toBe(200);
          // The node that booked everything stops before any reminder is due.
          await first.app.close();
          expect(Date.now()).toBeLessThan(due);

          // A restarted node (and on the production backends a second one competing for the same jobs).
          const second = await startAppOn(env);
          nodes.push(second);
          const third = backend.name === 'mysql+redis' ? await startAppOn(env) : second;
          if (third !== second) nodes.push(third);
          const listen = async (node: TestApp, user: Client) => {
            const s = await connectStomp(`${node.url.replace('http', 'ws')}/ws`, { Authorization: `Bearer ${user.token}` });
            sockets.push(s);
            const queue = await s.subscribe('/user/queue/notifications');
            // Each reminder with the moment it arrived.
            const arrivals: { at: number; body: { kind: string; title: string } }[] = [];
            void (async () => {
              for (;;) {
                const message = await queue.next().catch(() => null);
                if (!message) return;
                const body = JSON.parse(message.body);
                if (body.kind === 'session-reminder') arrivals.push({ at: Date.now(), body });
              }
            })();
            return { count: () => arrivals.length, arrivals, first: () => arrivals[0]!.body };
          };
          const heard = {
            minji: await listen(second, minji),
            alex: await listen(third, alex),
            jun: await listen(second, jun),
            hana: await listen(third, hana),
            sora: await listen(second, sora),
            ben: await listen(third, ben),
          };
          await until('both people of the booked session are reminded', () => heard.minji.count() >= 1 && heard.alex.count() >= 1, 90_000);
          for (const who of [heard.minji, heard.alex]) {
            expect(who.arrivals[0]!.at).toBeGreaterThanOrEqual(due);
            expect(who.arrivals[0]!.at - due).toBeLessThan(3_000);
          }
          expect(heard.minji.first()).toMatchObject({ kind: 'session-reminder' });
          expect(`${heard.minji.first().title}`).toContain('Alex');
          // Once, though two nodes poll the same jobs; never for the cancelled or the moved occurrence.
          await new Promise((r) => setTimeout(r, 2_000));
          expect([heard.minji.count(), heard.alex.count()]).toEqual([1, 1]);
          expect([heard.jun.count(), heard.hana.count(), heard.sora.count(), heard.ben.count()]).toEqual([0, 0, 0, 0]);
        } finally {
          await Promise.allSettled(sockets.map((s) => s.disconnect()));
          for (const node of nodes.reverse()) await node.close();
          await provisioned.drop();
        }
      },
    );

    it('tells the calls module who may join a session call, and only while it is on', { timeout: 60_000 }, async () => {
      const provisioned = await backend.provision();
      const t = await startAppOn(provisioned.env);
      const db = await openDatabase<Database>(loadConfig(provisioned.env).database);
      try {
        const own = ownTables<any>(db);
        const jobs = new JobRunner(own, { pollMs: 60_000, leaseMs: 60_000, maxAttempts: 1 });
        const storage = new LocalStorage(provisioned.env.DATA_DIR!);
        const users = createUsersService({ db: own, adminEmails: [], jobs, storage });
        // The same service over the same database, as the calls module receives it.
        const sessions = createSessionsService({
          db: own,
          users,
          profile: createProfileService({ db: own, users, storage, cache: new MemoryCache() }),
          areMates: async () => true,
          notify: async () => undefined,
          jobs,
          publicUrl: t.config.publicUrl,
        });
        const [minji, alex] = await pair(t, 'Minji', 'Alex');
        const stranger = await givenUser(t);
        // Starts within the next three minutes: inside the ten minutes before a start when joining opens.
        const soon = Math.ceil((Date.now() + 2 * MINUTE) / MINUTE) * MINUTE;
        const now = await book(t, minji, alex, soon, { kind: 'video', minutes: 30 });
        const tomorrow = await book(t, minji, alex, soon + 24 * 60 * MINUTE);
        expect(await sessions.callTarget(now, alex.userId)).toEqual({
          participants: [minji.userId, alex.userId],
          kind: 'video',
          startsAt: new Date(soon).toISOString(),
          endsAt: new Date(soon + 30 * MINUTE).toISOString(),
        });
        expect(await sessions.callTarget(now, minji.userId)).not.toBeNull();
        expect(await sessions.callTarget(now, stranger.userId)).toBeNull();
        expect(await sessions.callTarget(tomorrow, minji.userId)).toBeNull();
        await api(t, 'POST', `/api/v1/sessions/${now}/cancel`, { token: alex.token, body: { reason: 'sorry' } });
        expect(await sessions.callTarget(now, minji.userId)).toBeNull();
      } finally {
        await db.destroy();
        await t.close();
        await provisioned.drop();
      }
    });
  });
}
