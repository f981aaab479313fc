import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MatchingTables } from '../src/modules/matching/repository.js';
import { openDatabase } from '../src/platform/db/database.js';
import { api, ENGLISH, givenOnboarded, KOREAN, startApp, type Client, type TestApp } from './helpers/app.js';
import { BACKENDS } from './helpers/backends.js';
import { until } from './helpers/wait.js';
import { connectStomp, type StompSession } from './realtime/harness.js';

const HOUR = 3_600_000;

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`matching: recent activity [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    let t: TestApp;
    let db: Kysely<MatchingTables>;
    const sessions: StompSession[] = [];
    const openApp = async (user: Client) => {
      const s = await connectStomp(`${t.url.replace('http', 'ws')}/ws`, { Authorization: `Bearer ${user.token}` });
      sessions.push(s);
      return s;
    };
    /** When matching last saw the person, from its own pool rows (null: never). */
    const lastActive = async (user: Client) => {
      const rows = await db.selectFrom('matching_pool').select('last_active_at').where('user_id', '=', user.userId).execute();
      expect(rows.length).toBeGreaterThan(0);
      return rows[0]!.last_active_at == null ? null : Number(rows[0]!.last_active_at);
    };
    const messagesSent = (user: Client, lastAt: number) =>
      t.app.events.publish(db, 'chat.messages-sent', {
        userId: user.userId,
        count: 3,
        firstAt: new Date(lastAt - 60_000).toISOString(),
        lastAt: new Date(lastAt).toISOString(),
      });

    beforeAll(async () => {
      t = await startApp(backend, { CHAT_TALLY_SECONDS: '1', JOBS_POLL_MS: '50' });
      db = await openDatabase<MatchingTables>(t.config.database);
    });
    afterAll(async () => {
      await Promise.allSettled(sessions.map((s) => s.disconnect()));
      await db?.destroy();
      await t?.close();
    });

    it('ranks partners seen lately (the app open, messages sent) above an equal partner not seen since joining', async () => {
      const viewer = await givenOnboarded(t, 'Minji', KOREAN);
      // Three people with the same answers; the quiet one has the smallest id, which is what
      // would put them first if activity counted for nothing (equal scores rank by id).
      const [quiet, connected, writer] = (await Promise.all(['Alex', 'Sam', 'Jo'].map((name) => givenOnboarded(t, name, ENGLISH)))).sort(
        (a, b) => a.userId.localeCompare(b.userId),
      );
      await openApp(connected!);
      const room = await api(t, 'POST', '/api/v1/chat/rooms/direct', { token: writer!.token, body: { partnerId: viewer.userId } });
      expect(room.status).toBe(200);
      const sent = await api(t, 'POST', `/api/v1/chat/rooms/${room.json.id}/messages`, {
        token: writer!.token,
        body: { clientId: `activity-${randomUUID().slice(0, 8)}`, kind: 'text', body: 'Hello! Shall we practise?' },
      });
      expect(sent.status).toBe(200);
      // Chat tells the others once its tally runs (each second here, each minute in production).
      await until(
        'matching hears of both',
        async () => (await lastActive(connected!)) !== null && (await lastActive(writer!)) !== null,
        15_000,
      );
      expect(await lastActive(quiet!)).toBeNull();

      const page = await api(t, 'GET', '/api/v1/matching/recommendations?locale=en', { token: viewer.token });
      const order = (page.json.items as { userId: string }[])
        .map((c) => c.userId)
        .filter((id) => [quiet, connected, writer].some((p) => p!.userId === id));
      expect(order).toHaveLength(3);
      expect(order[2]).toBe(quiet!.userId);
    });

    it("writes a person's activity at most once an hour, however often they connect or write", async () => {
      const person = await givenOnboarded(t, 'Hana', ENGLISH);
      const threeHoursAgo = Date.now() - 3 * HOUR;
      await messagesSent(person, threeHoursAgo);
      await until('the messages are heard', async () => (await lastActive(person)) === threeHoursAgo);
      // Half an hour later: within the hour, nothing is written.
      await messagesSent(person, threeHoursAgo + HOUR / 2);
      await new Promise((r) => setTimeout(r, 500));
      expect(await lastActive(person)).toBe(threeHoursAgo);
      // The app opening now is more than an hour on: written.
      const before = Date.now();
      await openApp(person);
      await until('the connection is heard', async () => ((await lastActive(person)) ?? 0) >= before);
      const seen = await lastActive(person);
      expect(seen).toBeGreaterThanOrEqual(before);
      // More connections and closings within the hour write nothing more.
      for (let i = 0; i < 3; i++) await (await openApp(person)).disconnect();
      await messagesSent(person, Date.now());
      await new Promise((r) => setTimeout(r, 500));
      expect(await lastActive(person)).toBe(seen);
    });

    it("shows a person at the same percentage on their own card as in the viewer's recommendations, activity and accept rates included", async () => {
      const viewer = await givenOnboarded(t, 'Yuna', KOREAN);
      // Two people with the same answers; one was last seen three weeks ago and declines most people.
      const [choosy, twin] = await Promise.all([givenOnboarded(t, 'Robin', ENGLISH), givenOnboarded(t, 'Casey', ENGLISH)]);
      const at = Date.now() - 21 * 24 * HOUR;
      await db.updateTable('matching_pool').set({ last_active_at: at }).where('user_id', '=', choosy.userId).execute();
      await db
        .insertInto('match_events')
        .values([
          ...Array.from({ length: 8 }, (_, i) => ({
            id: randomUUID(),
            actor_id: choosy.userId,
            subject_id: randomUUID(),
            kind: i ? 'decline' : 'accept',
            at,
          })),
          ...Array.from({ length: 4 }, () => ({ id: randomUUID(), actor_id: randomUUID(), subject_id: choosy.userId, kind: 'ignore', at })),
        ] as never)
        .execute();

      const page = await api(t, 'GET', '/api/v1/matching/recommendations?locale=en', { token: viewer.token });
      const percentIn = (id: string) => (page.json.items as { userId: string; percent: number }[]).find((c) => c.userId === id)?.percent;
      const [ranked, twinRanked] = [percentIn(choosy.userId), percentIn(twin.userId)];
      expect(ranked).toBeGreaterThan(0);
      // The facts count: the same answers without them score differently.
      expect(ranked).not.toBe(twinRanked);
      for (const person of [choosy, twin]) {
        const card = await api(t, 'GET', `/api/v1/matching/people/${person.userId}?locale=en`, { token: viewer.token });
        expect(card.status).toBe(200);
        expect(card.json.percent).toBe(percentIn(person.userId));
      }
    });
  });
}
