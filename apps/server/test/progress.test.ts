import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { openDatabase } from '../src/platform/db/database.js';
import type { ProgressTables } from '../src/modules/progress/repository.js';
import { rebuildRollups } from '../src/modules/progress/service.js';
import { api, ENGLISH, givenMates, givenOnboarded, KOREAN, startApp, STEP_BODIES, type Client, type TestApp } from './helpers/app.js';
import { BACKENDS } from './helpers/backends.js';
import { until } from './helpers/wait.js';

const HOUR = 3_600_000;

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`progress [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    let t: TestApp;
    /** A second node sharing the database and Redis on the production backends; the same node on the embedded one. */
    let other: FastifyInstance;
    let db: Kysely<ProgressTables>;

    beforeAll(async () => {
      t = await startApp(backend, { CHAT_TALLY_SECONDS: '1', JOBS_POLL_MS: '50' });
      other = t.app;
      if (backend.name === 'mysql+redis') {
        other = await buildApp(t.config);
        await other.listen({ host: '127.0.0.1', port: 0 });
      }
      db = await openDatabase<ProgressTables>(t.config.database);
    });
    afterAll(async () => {
      await db?.destroy();
      if (other && other !== t?.app) await other.close();
      await t?.close();
    });

    const dashboard = async (user: Client) => (await api(t, 'GET', '/api/v1/progress/dashboard', { token: user.token })).json;
    const achievements = async (user: Client) =>
      Object.fromEntries(
        (
          (await api(t, 'GET', '/api/v1/progress/achievements', { token: user.token })).json.items as {
            id: string;
            value: number;
            awardedAt: string | null;
          }[]
        ).map((a) => [a.id, a]),
      );
    /** Minji proposes a session with Alex at `at` (as she types it, in Seoul) and he accepts: booked, as the sessions module keeps it. */
    const book = async (minji: Client, alex: Client, at: number, kind: 'video' | 'voice' = 'voice') => {
      const wall = DateTime.fromMillis(at, { zone: 'Asia/Seoul' });
      const proposed = await api(t, 'POST', '/api/v1/sessions', {
        token: minji.token,
        body: {
          partnerId: alex.userId,
          kind,
          date: wall.toFormat('yyyy-LL-dd'),
          time: wall.toFormat('HH:mm'),
          minutes: 30,
          reminders: [15],
        },
      });
      expect(proposed.status).toBe(200);
      expect((await api(t, 'POST', `/api/v1/sessions/${proposed.json.sessionId}/accept`, { token: alex.token })).status).toBe(200);
      return new Date(at).toISOString();
    };
    /** On the hour, `hours` from now. */
    const hoursAhead = (hours: number) => Math.ceil((Date.now() + hours * HOUR) / HOUR) * HOUR;
    const call = (a: Client, b: Client, minutes: number, endedAt = Date.now()) => ({
      callId: randomUUID(),
      sessionId: null,
      kind: 'video' as const,
      participants: [a.userId, b.userId] as [string, string],
      startedAt: new Date(endedAt - minutes * 60_000).toISOString(),
      endedAt: new Date(endedAt).toISOString(),
      connectedSeconds: minutes * 60,
    });

    it('a new person sees an empty dashboard, statistics and achievements at zero', async () => {
      const minji = await givenOnboarded(t, 'Minji', KOREAN);
      const d = await dashboard(minji);
      expect(d).toMatchObject({
        name: 'Minji',
        timeZone: 'Asia/Seoul',
        totalMinutes: 0,
        streak: { current: 0, best: 0, today: false },
        activePartners: 0,
        recentMates: [],
        nextSession: null,
        levelHistory: [],
        weeklyGoal: { dailyMinutes: 20, goalMinutes: 140, minutes: 0 },
        chatCredit: { messagesPerMinute: 10, maxMinutesPerDay: 30 },
      });
      expect(d.weeklyGoal.days).toHaveLength(7);
      const stats = (await api(t, 'GET', '/api/v1/progress/statistics?range=month', { token: minji.token })).json;
      expect(stats).toMatchObject({ range: 'month', totalMinutes: 0, topPartners: [], levelTests: [] });
      expect(Object.values(await achievements(minji)).every((a) => a.value === 0 && a.awardedAt === null)).toBe(true);
    });

    it('a completed call delivered twice, and on two nodes, counts once; a rebuild from the ledger changes nothing', async () => {
      const [minji, alex] = [await givenOnboarded(t, 'Minji', KOREAN), await givenOnboarded(t, 'Alex', ENGLISH)];
      const data = call(minji, alex, 25);
      const id = randomUUID();
      // The same event (same id) published on both nodes and again on the first: three deliveries, racing.
      await Promise.all([t.app.events.publish(db, 'call.completed', data, id), other.events.publish(db, 'call.completed', data, id)]);
      await t.app.events.publish(db, 'call.completed', data, id);
      await until('the call shows on the dashboard', async () => (await dashboard(minji)).totalMinutes === 25);
      await new Promise((r) => setTimeout(r, 500));
      const before = await dashboard(minji);
      expect(before).toMatchObject({ totalMinutes: 25, sessionsThisWeek: 1, activePartners: 1, streak: { current: 1, today: true } });
      expect((await dashboard(alex)).totalMinutes).toBe(25);
      const awarded = await achievements(minji);
      expect(awarded['first-session']).toMatchObject({ value: 1, target: 1 });
      expect(awarded['first-session']!.awardedAt).not.toBeNull();
      // One achievement notification, not three.
      const list = (await api(t, 'GET', '/api/v1/notifications', { token: minji.token })).json;
      expect(list.items.filter((n: { kind: string }) => n.kind === 'achievement')).toHaveLength(1);
      expect(list.items[0]).toMatchObject({ category: 'achievement', title: '첫 세션 완료', link: '/achievements' });

      await rebuildRollups(db);
      await rebuildRollups(db);
      expect(await dashboard(minji)).toEqual(before);
      const stats = (await api(t, 'GET', '/api/v1/progress/statistics?range=week', { token: minji.token })).json;
      expect(stats.sessionTypes).toEqual({ video: 1, voice: 0, chatDays: 0 });
      expect(stats.topPartners).toEqual([{ userId: alex.userId, name: 'Alex', photoUrl: null, minutes: 25, calls: 1 }]);
      expect(stats.perLanguage).toEqual([{ language: 'en', minutes: 25 }]);
    });

    it('accepting a match request adds a mate to both dashboards and awards first mate once', async () => {
      const [minji, alex] = [await givenOnboarded(t, 'Minji', KOREAN), await givenOnboarded(t, 'Alex', ENGLISH)];
      const sent = await api(t, 'POST', '/api/v1/matching/requests', {
        token: minji.token,
        body: { receiverId: alex.userId, message: 'Hi!' },
      });
      expect((await api(t, 'POST', `/api/v1/matching/requests/${sent.json.id}/accept`, { token: alex.token })).status).toBe(200);
      await until('the mate shows on the dashboard', async () => (await dashboard(minji)).recentMates.length === 1);
      expect((await dashboard(minji)).recentMates[0]).toMatchObject({ userId: alex.userId, name: 'Alex' });
      expect((await dashboard(alex)).recentMates[0]).toMatchObject({ userId: minji.userId, name: 'Minji' });
      await until('first mate awarded', async () => (await achievements(alex))['first-mate']!.awardedAt !== null);
      // A mate adds no practice and no streak day.
      expect((await dashboard(minji)).streak.current).toBe(0);
    });

    it('recent mates lists only current mates: not someone unmatched, blocked either way or gone; a new match brings one back', async () => {
      const minji = await givenOnboarded(t, 'Minji', KOREAN);
      const [alex, sam, kai, leo] = [
        await givenOnboarded(t, 'Alex', ENGLISH),
        await givenOnboarded(t, 'Sam', ENGLISH),
        await givenOnboarded(t, 'Kai', ENGLISH),
        await givenOnboarded(t, 'Leo', ENGLISH),
      ];
      for (const mate of [alex, sam, kai, leo]) await givenMates(t, minji, mate);
      const recent = async () => ((await dashboard(minji)).recentMates as { userId: string }[]).map((m) => m.userId).sort();
      await until('four mates on the dashboard', async () => (await recent()).length === 4);

      expect((await api(t, 'DELETE', `/api/v1/matching/mates/${alex.userId}`, { token: minji.token })).status).toBe(204);
      expect((await api(t, 'POST', '/api/v1/matching/blocks', { token: sam.token, body: { userId: minji.userId } })).status).toBe(204);
      expect((await api(t, 'POST', '/api/v1/matching/blocks', { token: minji.token, body: { userId: kai.userId } })).status).toBe(204);
      expect((await api(t, 'DELETE', '/api/v1/me', { token: leo.token })).status).toBe(204);
      expect(await recent()).toEqual([]);
      // The ledger still counts every mate ever added (the achievement stays).
      expect((await achievements(minji))['mates-5']!.value).toBe(4);

      await givenMates(t, alex, minji);
      await until('Alex is back after matching again', async () => (await recent()).length === 1);
      expect(await recent()).toEqual([alex.userId]);
    });

    it("a partner who deleted their account has no name in the statistics, for the app to write in the reader's language", async () => {
      const [minji, alex] = [await givenOnboarded(t, 'Minji', KOREAN), await givenOnboarded(t, 'Alex', ENGLISH)];
      await t.app.events.publish(db, 'call.completed', call(minji, alex, 10));
      const top = async () => (await api(t, 'GET', '/api/v1/progress/statistics?range=week', { token: minji.token })).json.topPartners;
      await until('the call reaches the statistics', async () => (await top()).length === 1);
      expect((await top())[0]).toMatchObject({ userId: alex.userId, name: 'Alex' });
      expect((await api(t, 'DELETE', '/api/v1/me', { token: alex.token })).status).toBe(204);
      expect((await top())[0]).toMatchObject({ userId: alex.userId, name: '' });
    });

    it('a chat day moves practice time (1 minute per 10 messages) and the streak', async () => {
      const [minji, alex] = [await givenOnboarded(t, 'Minji', KOREAN), await givenOnboarded(t, 'Alex', ENGLISH)];
      const room = await api(t, 'POST', '/api/v1/chat/rooms/direct', { token: minji.token, body: { partnerId: alex.userId } });
      expect(room.status).toBe(200);
      for (let i = 0; i < 25; i++) {
        const sent = await api(t, 'POST', `/api/v1/chat/rooms/${room.json.id}/messages`, {
          token: minji.token,
          body: { clientId: `progress-${i}-${randomUUID().slice(0, 8)}`, kind: 'text', body: `message ${i}` },
        });
        expect(sent.status).toBe(200);
      }
      await until('the chat day reaches the dashboard', async () => (await dashboard(minji)).totalMinutes === 2, 15_000);
      expect((await dashboard(minji)).streak).toMatchObject({ current: 1, today: true });
      expect((await dashboard(alex)).streak.current).toBe(0);
      const stats = (await api(t, 'GET', '/api/v1/progress/statistics?range=week', { token: minji.token })).json;
      expect(stats.sessionTypes.chatDays).toBe(1);
    });

    it('a level test and a booked session show on the dashboard; a higher level is a level-up', async () => {
      const [minji, alex] = [await givenOnboarded(t, 'Minji', KOREAN), await givenOnboarded(t, 'Alex', ENGLISH)];
      const scored = (level: string, at: number) => ({
        userId: minji.userId,
        testId: randomUUID(),
        level,
        verified: true,
        language: 'en',
        at: new Date(at).toISOString(),
      });
      await t.app.events.publish(db, 'level-test.scored', scored('A2', Date.now() - 48 * HOUR));
      await t.app.events.publish(db, 'level-test.scored', scored('B1', Date.now()));
      await givenMates(t, alex, minji);
      const startsAt = await book(minji, alex, hoursAhead(26));
      await until('both show', async () => {
        const d = await dashboard(minji);
        return d.levelHistory.length === 2 && d.nextSession !== null;
      });
      const d = await dashboard(minji);
      expect(d.levelHistory.map((p: { level: string }) => p.level)).toEqual(['A2', 'B1']);
      expect(d.nextSession).toMatchObject({ kind: 'voice', startsAt, minutes: 30, partner: { userId: alex.userId, name: 'Alex' } });
      await until('first level-up awarded', async () => (await achievements(minji))['first-level-up']!.awardedAt !== null);
      // A level test is a streak day.
      expect(d.streak.current).toBeGreaterThanOrEqual(1);
    });

    it('what the pages keep between requests follows every change, read on either node', async () => {
      const [minji, alex] = [await givenOnboarded(t, 'Minji', KOREAN), await givenOnboarded(t, 'Alex', ENGLISH)];
      const second = { url: `http://127.0.0.1:${(other.server.address() as { port: number }).port}` };
      const read = async (node: Pick<TestApp, 'url'>, path: string) => (await api(node, 'GET', path, { token: minji.token })).json;
      const both = async (path: string) => [await read(t, path), await read(second, path)];
      // Both nodes have read (and keep) the empty pages.
      for (const d of await both('/api/v1/progress/dashboard')) expect(d).toMatchObject({ nextSession: null, activePartners: 0 });
      for (const s of await both('/api/v1/progress/statistics?range=year')) expect(s.topPartners).toEqual([]);

      // A booking adds nothing to a day's figures, yet both nodes show it as next at once: it is asked of sessions.
      await givenMates(t, alex, minji);
      for (const hours of [50, 26]) {
        const startsAt = await book(minji, alex, hoursAhead(hours));
        for (const d of await both('/api/v1/progress/dashboard')) expect(d.nextSession?.startsAt).toBe(startsAt);
      }
      // A call: the year's top partners and the month's active partners, on both nodes.
      await t.app.events.publish(db, 'call.completed', call(minji, alex, 12));
      await until('the call shows on both nodes', async () =>
        (await both('/api/v1/progress/statistics?range=year')).every((s) => s.topPartners[0]?.minutes === 12),
      );
      for (const d of await both('/api/v1/progress/dashboard')) expect(d.activePartners).toBe(1);

      // The zone and the daily goal come from the profile: a change shows at once on both nodes.
      const saved = (step: string, body: object) => api(t, 'PUT', `/api/v1/onboarding/${step}`, { token: minji.token, body });
      expect((await saved('schedule', { ...STEP_BODIES.schedule, dailyMinutes: 30 })).status).toBe(200);
      expect((await saved('basic', { ...STEP_BODIES.basic, englishName: 'Minji', cityId: 'los-angeles' })).status).toBe(200);
      for (const d of await both('/api/v1/progress/dashboard'))
        expect(d).toMatchObject({ timeZone: 'America/Los_Angeles', weeklyGoal: { dailyMinutes: 30, goalMinutes: 210 } });
    });

    it('only signed-in people see progress', async () => {
      expect((await api(t, 'GET', '/api/v1/progress/dashboard')).status).toBe(401);
    });
  });
}
