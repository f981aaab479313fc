import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers/backends.js';
import { api, ENGLISH, givenMates, givenOnboarded, givenUser, KOREAN, startApp, type Client, type TestApp } from './helpers/app.js';
import { until } from './helpers/wait.js';
import { connectStomp, nextNotification, type StompSession } from './realtime/harness.js';
import { openDatabase } from '../src/platform/db/database.js';
import type { JobsTables } from '../src/platform/jobs/jobs.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** A date and time as a person in `zone` types them into the form. */
const local = (at: number, zone: string) => {
  const d = DateTime.fromMillis(at, { zone });
  return { date: d.toFormat('yyyy-LL-dd'), time: d.toFormat('HH:mm') };
};
/** Days from now at a round hour, as an instant. */
const daysAhead = (days: number, hourUtc = 10) => {
  const d = new Date(Date.now() + days * DAY);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hourUtc);
};

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`sessions [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    let t: TestApp;
    const sockets: StompSession[] = [];
    const notifications = async (user: Client) => {
      const s = await connectStomp(`${t.url.replace('http', 'ws')}/ws`, { Authorization: `Bearer ${user.token}` });
      sockets.push(s);
      return s.subscribe('/user/queue/notifications');
    };
    /** Minji in Seoul, Alex in New York; mates. */
    const givenPair = async () => {
      const minji = await givenOnboarded(t, 'Minji', KOREAN);
      const alex = await givenOnboarded(t, 'Alex', ENGLISH, undefined, { cityId: 'new-york' });
      await givenMates(t, minji, alex);
      return { minji, alex };
    };
    const propose = (from: Client, to: Client, at: number, extra: object = {}, zone = 'Asia/Seoul') =>
      api(t, 'POST', '/api/v1/sessions', {
        token: from.token,
        body: { partnerId: to.userId, kind: 'video', ...local(at, zone), minutes: 30, reminders: [15], ...extra },
      });
    const calendarOf = async (user: Client, from = Date.now() - DAY, to = Date.now() + 60 * DAY) =>
      (await api(t, 'GET', `/api/v1/sessions?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`, { token: user.token }))
        .json.items as any[];

    beforeAll(async () => {
      t = await startApp(backend);
    });
    afterAll(async () => {
      await Promise.allSettled(sockets.map((s) => s.disconnect()));
      await t?.close();
    });

    it('A proposes in her zone, B is told live and accepts, and both calendars show the same instant', async () => {
      const { minji, alex } = await givenPair();
      const [minjiQueue, alexQueue] = [await notifications(minji), await notifications(alex)];
      const at = daysAhead(3, 10); // 19:00 in Seoul
      const proposed = await propose(minji, alex, at, { topic: 'Ordering food', reminders: [15, 1440] });
      expect(proposed.status).toBe(200);
      expect(proposed.json).toMatchObject({
        state: 'proposed',
        organiser: true,
        startsAt: new Date(at).toISOString(),
        minutes: 30,
        kind: 'video',
        timeZone: 'Asia/Seoul',
        topic: 'Ordering food',
        reminders: [15, 1440],
        partner: { userId: alex.userId, name: 'Alex' },
      });
      const told = (await nextNotification(alexQueue)) as { title: string; body: string };
      expect(told).toMatchObject({ kind: 'session-proposed', link: `/sessions?session=${proposed.json.sessionId}` });
      expect(`${told.title} ${told.body}`).toMatch(/Minji/);
      // The time in the notice is Alex's own wall clock (New York), not Minji's.
      expect(told.body).toContain(local(at, 'America/New_York').time);

      const [waiting] = await calendarOf(alex);
      expect(waiting).toMatchObject({
        sessionId: proposed.json.sessionId,
        state: 'proposed',
        organiser: false,
        partner: { name: 'Minji' },
      });

      const accepted = await api(t, 'POST', `/api/v1/sessions/${proposed.json.sessionId}/accept`, { token: alex.token });
      expect([accepted.status, accepted.json.state]).toEqual([200, 'booked']);
      await until('Minji is told it was accepted', () => minjiQueue.received.some((m) => JSON.parse(m.body).kind === 'session-accepted'));
      for (const user of [minji, alex])
        expect((await calendarOf(user))[0]).toMatchObject({ state: 'booked', startsAt: new Date(at).toISOString() });

      // Nobody else sees or answers it, and a non-mate cannot be asked.
      const stranger = await givenOnboarded(t, 'Stranger', ENGLISH);
      expect((await api(t, 'GET', `/api/v1/sessions/${proposed.json.sessionId}`, { token: stranger.token })).status).toBe(404);
      expect(
        (await api(t, 'POST', `/api/v1/sessions/${proposed.json.sessionId}/cancel`, { token: stranger.token, body: { reason: 'x' } }))
          .status,
      ).toBe(404);
      expect((await propose(minji, stranger, daysAhead(4))).status).toBe(404);
      expect((await calendarOf(stranger)).length).toBe(0);
      // Accepting twice is refused as closed.
      expect((await api(t, 'POST', `/api/v1/sessions/${proposed.json.sessionId}/accept`, { token: alex.token })).json.error.code).toBe(
        'SESSION_CLOSED',
      );
    });

    it('a block or an unmatch cancels what the pair proposed or booked together, and their session call is refused', async () => {
      for (const [end, why] of [
        [(a: Client, b: Client) => api(t, 'POST', '/api/v1/matching/blocks', { token: a.token, body: { userId: b.userId } }), 'block'],
        [(a: Client, b: Client) => api(t, 'DELETE', `/api/v1/matching/mates/${b.userId}`, { token: a.token }), 'unmatch'],
      ] as const) {
        const { minji, alex } = await givenPair();
        const booked = await propose(minji, alex, daysAhead(2, 10));
        expect((await api(t, 'POST', `/api/v1/sessions/${booked.json.sessionId}/accept`, { token: alex.token })).status).toBe(200);
        const proposed = await propose(alex, minji, daysAhead(5, 12), {}, 'America/New_York');
        expect(proposed.status).toBe(200);
        // Someone else's session with Minji is not theirs to lose.
        const other = await givenOnboarded(t, `Other ${why}`, ENGLISH);
        await givenMates(t, minji, other);
        const kept = await propose(minji, other, daysAhead(6, 10));

        expect((await end(minji, alex)).status, why).toBeLessThan(300);
        await until(`both sessions cancelled after the ${why}`, async () => (await calendarOf(alex)).every((s) => s.state === 'cancelled'));
        const states = new Map((await calendarOf(minji)).map((s) => [s.sessionId, s.state]));
        expect(states.get(booked.json.sessionId), why).toBe('cancelled');
        expect(states.get(proposed.json.sessionId), why).toBe('cancelled');
        expect(states.get(kept.json.sessionId), why).toBe('proposed');
        const call = await api(t, 'POST', '/api/v1/calls', { token: alex.token, body: { sessionId: booked.json.sessionId } });
        expect(call.status, why).toBe(404);
        const move = await api(t, 'POST', `/api/v1/sessions/${booked.json.sessionId}/occurrences/0/move`, {
          token: alex.token,
          body: { ...local(daysAhead(3, 10), 'America/New_York'), reason: 'you cannot hide from me' },
        });
        expect(move.status, why).toBeGreaterThanOrEqual(400);
      }
    });

    it("the home page's next session is the real next booked occurrence: a cancel drops it, a move shows the new time, an unmatch ends it", async () => {
      const { minji, alex } = await givenPair();
      const next = async (user: Client) => (await api(t, 'GET', '/api/v1/progress/dashboard', { token: user.token })).json.nextSession;
      const book = async (at: number, extra: object = {}) => {
        const proposed = await propose(minji, alex, at, extra);
        expect((await api(t, 'POST', `/api/v1/sessions/${proposed.json.sessionId}/accept`, { token: alex.token })).status).toBe(200);
        return proposed.json.sessionId as string;
      };
      const soon = daysAhead(1, 10);
      const first = await book(soon);
      const later = await book(daysAhead(3, 10), { kind: 'voice' });
      for (const user of [minji, alex])
        expect(await next(user)).toMatchObject({ sessionId: first, startsAt: new Date(soon).toISOString(), minutes: 30, kind: 'video' });
      expect((await next(minji)).partner).toMatchObject({ userId: alex.userId, name: 'Alex' });

      // Cancelled: the next one is the later session, for both.
      expect((await api(t, 'POST', `/api/v1/sessions/${first}/cancel`, { token: minji.token, body: { reason: 'Busy' } })).status).toBe(200);
      for (const user of [minji, alex]) expect(await next(user)).toMatchObject({ sessionId: later, kind: 'voice' });

      // Moved: it shows at its new time, not its old one.
      const target = daysAhead(3, 13);
      const asked = await api(t, 'POST', `/api/v1/sessions/${later}/occurrences/0/move`, {
        token: alex.token,
        body: { ...local(target, 'America/New_York'), reason: 'Work' },
      });
      expect(asked.status).toBe(200);
      expect((await api(t, 'POST', `/api/v1/sessions/${later}/occurrences/0/move/accept`, { token: minji.token })).status).toBe(200);
      for (const user of [minji, alex])
        expect(await next(user)).toMatchObject({ sessionId: later, startsAt: new Date(target).toISOString() });

      // A weekly session shows its next occurrence once one is cancelled.
      const weekly = await book(daysAhead(5, 10), { repeat: { every: 'week', count: 3 } });
      expect((await api(t, 'POST', `/api/v1/sessions/${later}/cancel`, { token: alex.token, body: { reason: 'Sick' } })).status).toBe(200);
      expect(await next(minji)).toMatchObject({ sessionId: weekly, startsAt: new Date(daysAhead(5, 10)).toISOString() });
      expect(
        (await api(t, 'POST', `/api/v1/sessions/${weekly}/cancel`, { token: minji.token, body: { index: 0, reason: 'Trip' } })).status,
      ).toBe(200);
      expect(await next(alex)).toMatchObject({ sessionId: weekly, startsAt: new Date(daysAhead(12, 10)).toISOString() });

      // An unmatch cancels what the two booked: nothing is next for either.
      expect((await api(t, 'DELETE', `/api/v1/matching/mates/${alex.userId}`, { token: minji.token })).status).toBeLessThan(300);
      await until('the unmatch empties both home pages', async () => (await next(minji)) === null && (await next(alex)) === null);
    });

    it('refuses a booking that overlaps a booked session of either person, naming it', async () => {
      const { minji, alex } = await givenPair();
      const sora = await givenOnboarded(t, 'Sora', ENGLISH);
      const jun = await givenOnboarded(t, 'Jun', KOREAN);
      await givenMates(t, minji, sora);
      await givenMates(t, jun, alex);
      const at = daysAhead(5, 11);
      const booked = await propose(minji, alex, at, { minutes: 60 });
      expect((await api(t, 'POST', `/api/v1/sessions/${booked.json.sessionId}/accept`, { token: alex.token })).status).toBe(200);

      // Minji's own session is in the way: named by partner and time.
      const mine = await propose(minji, sora, at + 30 * 60_000);
      expect(mine.status).toBe(409);
      expect(mine.json.error).toMatchObject({
        code: 'SESSION_OVERLAP',
        details: { sessionId: booked.json.sessionId, partnerName: 'Alex', startsAt: new Date(at).toISOString(), whose: 'mine' },
      });
      // Alex's session is in Jun's way: Jun learns the time, not with whom.
      const theirs = await propose(jun, alex, at);
      expect(theirs.status).toBe(409);
      expect(theirs.json.error.details).toEqual({
        startsAt: new Date(at).toISOString(),
        endsAt: new Date(at + HOUR).toISOString(),
        whose: 'partner',
      });
      // Right after it is fine.
      expect((await propose(minji, sora, at + HOUR)).status).toBe(200);

      // Two proposals for the same slot may wait at once; only the first accepted books it.
      const later = daysAhead(20, 11);
      const first = await propose(minji, alex, later);
      const second = await propose(minji, sora, later);
      expect([first.status, second.status]).toEqual([200, 200]);
      expect((await api(t, 'POST', `/api/v1/sessions/${first.json.sessionId}/accept`, { token: alex.token })).status).toBe(200);
      const late = await api(t, 'POST', `/api/v1/sessions/${second.json.sessionId}/accept`, { token: sora.token });
      expect([late.status, late.json.error.code]).toEqual([409, 'SESSION_OVERLAP']);

      // A weekly series is checked occurrence by occurrence: its third week collides.
      const weekly = await propose(minji, sora, later - 14 * DAY, { repeat: { every: 'week', count: 4 } });
      expect(weekly.json.error).toMatchObject({ code: 'SESSION_OVERLAP', details: { startsAt: new Date(later).toISOString() } });
    });

    it('moves one occurrence when the other accepts, cancels one or the whole series with a reason, and tells the other each time', async () => {
      const { minji, alex } = await givenPair();
      const [minjiQueue, alexQueue] = [await notifications(minji), await notifications(alex)];
      const at = daysAhead(2, 12);
      const series = await propose(minji, alex, at, { repeat: { every: 'week', count: 3 }, kind: 'voice' });
      expect(series.status).toBe(200);
      const id = series.json.sessionId;
      expect((await api(t, 'POST', `/api/v1/sessions/${id}/accept`, { token: alex.token })).status).toBe(200);
      expect((await calendarOf(minji, at - HOUR, at + 20 * DAY)).map((o) => o.startsAt)).toEqual(
        [0, 7, 14].map((d) => new Date(at + d * DAY).toISOString()),
      );

      // Alex asks to move the second one by two hours, in his own zone; Minji sees the ask.
      const target = at + 7 * DAY + 2 * HOUR;
      const asked = await api(t, 'POST', `/api/v1/sessions/${id}/occurrences/1/move`, {
        token: alex.token,
        body: { ...local(target, 'America/New_York'), reason: 'Work ran late' },
      });
      expect(asked.status).toBe(200);
      expect(asked.json.pendingMove).toEqual({
        startsAt: new Date(target).toISOString(),
        byMe: true,
        reason: 'Work ran late',
        scope: 'occurrence',
      });
      await until('Minji is asked', () => minjiQueue.received.some((m) => JSON.parse(m.body).kind === 'session-move-proposed'));
      // Alex cannot accept his own ask; Minji does.
      expect((await api(t, 'POST', `/api/v1/sessions/${id}/occurrences/1/move/accept`, { token: alex.token })).status).toBe(403);
      const moved = await api(t, 'POST', `/api/v1/sessions/${id}/occurrences/1/move/accept`, { token: minji.token });
      expect(moved.json).toMatchObject({ startsAt: new Date(target).toISOString(), moved: true, pendingMove: null, state: 'booked' });
      await until('Alex hears the move was accepted', () => alexQueue.received.some((m) => JSON.parse(m.body).kind === 'session-moved'));

      // Minji cancels the third occurrence only, with a reason Alex sees.
      const one = await api(t, 'POST', `/api/v1/sessions/${id}/cancel`, { token: minji.token, body: { index: 2, reason: 'Family visit' } });
      expect(one.json).toMatchObject({ index: 2, state: 'cancelled', cancelReason: 'Family visit' });
      await until('Alex is told of the cancellation', () =>
        alexQueue.received.some((m) => JSON.parse(m.body).kind === 'session-cancelled'),
      );
      const cancelNote = alexQueue.received.map((m) => JSON.parse(m.body)).find((n) => n.kind === 'session-cancelled');
      expect(cancelNote.body).toContain('Family visit');
      expect((await calendarOf(alex, at - HOUR, at + 20 * DAY)).map((o) => [o.startsAt, o.state])).toEqual([
        [new Date(at).toISOString(), 'booked'],
        [new Date(target).toISOString(), 'booked'],
        [new Date(at + 14 * DAY).toISOString(), 'cancelled'],
      ]);
      // Cancelling it again is refused; then Alex cancels the whole series.
      expect(
        (await api(t, 'POST', `/api/v1/sessions/${id}/cancel`, { token: alex.token, body: { index: 2, reason: 'x' } })).json.error.code,
      ).toBe('SESSION_CLOSED');
      expect((await api(t, 'POST', `/api/v1/sessions/${id}/cancel`, { token: alex.token, body: { reason: 'Moving away' } })).status).toBe(
        200,
      );
      expect((await calendarOf(minji, at - HOUR, at + 20 * DAY)).every((o) => o.state === 'cancelled')).toBe(true);

      // A proposal is declined by the partner (who cannot "cancel" it) and withdrawn by its organiser.
      const next = await propose(minji, alex, daysAhead(9, 12));
      expect(
        (await api(t, 'POST', `/api/v1/sessions/${next.json.sessionId}/cancel`, { token: alex.token, body: { reason: 'x' } })).status,
      ).toBe(409);
      const declined = await api(t, 'POST', `/api/v1/sessions/${next.json.sessionId}/decline`, {
        token: alex.token,
        body: { reason: 'Busy week' },
      });
      expect(declined.json).toMatchObject({ state: 'declined', cancelReason: 'Busy week' });
      await until('Minji hears of the decline', () => minjiQueue.received.some((m) => JSON.parse(m.body).kind === 'session-declined'));
    });

    it('moves the rest of a series when the other accepts: a later part as a series of its own, or the whole rule; overlaps refused, reminders planned anew', async () => {
      const { minji, alex } = await givenPair();
      const [minjiQueue, alexQueue] = [await notifications(minji), await notifications(alex)];
      const at = daysAhead(2, 12); // 21:00 in Seoul, where the series' clock is
      const series = await propose(minji, alex, at, { repeat: { every: 'week', count: 4 }, reminders: [15] });
      const id = series.json.sessionId;
      expect((await api(t, 'POST', `/api/v1/sessions/${id}/accept`, { token: alex.token })).status).toBe(200);
      // A one-off session of theirs in the way of where the fourth would go.
      const target = at + 14 * DAY + DAY + HOUR; // the third, a day later and an hour later
      const inTheWay = await propose(minji, alex, target + 7 * DAY);
      expect((await api(t, 'POST', `/api/v1/sessions/${inTheWay.json.sessionId}/accept`, { token: alex.token })).status).toBe(200);

      // Alex, in New York, asks to move the third and every later one; the fourth would overlap.
      const askRest = () =>
        api(t, 'POST', `/api/v1/sessions/${id}/occurrences/2/move`, {
          token: alex.token,
          body: { ...local(target, 'America/New_York'), reason: 'New class on Mondays', scope: 'following' },
        });
      const refused = await askRest();
      expect(refused.status).toBe(409);
      expect(refused.json.error).toMatchObject({ code: 'SESSION_OVERLAP', details: { sessionId: inTheWay.json.sessionId, whose: 'mine' } });
      await api(t, 'POST', `/api/v1/sessions/${inTheWay.json.sessionId}/cancel`, { token: minji.token, body: { reason: 'Make room' } });
      const asked = await askRest();
      expect(asked.status).toBe(200);
      expect(asked.json).toMatchObject({
        index: 2,
        pendingMove: { startsAt: new Date(target).toISOString(), byMe: true, scope: 'following' },
      });
      await until('Minji is asked to move the series', () =>
        minjiQueue.received.some(
          (m) => JSON.parse(m.body).kind === 'session-move-proposed' && /series|반복/.test(JSON.parse(m.body).title),
        ),
      );
      // Only the other person accepts; then the first two stay, and the rest is a series of its own.
      expect((await api(t, 'POST', `/api/v1/sessions/${id}/occurrences/2/move/accept`, { token: alex.token })).status).toBe(403);
      const accepted = await api(t, 'POST', `/api/v1/sessions/${id}/occurrences/2/move/accept`, { token: minji.token });
      expect(accepted.status).toBe(200);
      const rest = accepted.json.sessionId as string;
      expect(rest).not.toBe(id);
      expect(accepted.json).toMatchObject({ index: 0, startsAt: new Date(target).toISOString(), state: 'booked', pendingMove: null });
      await until('Alex hears the series moved', () => alexQueue.received.some((m) => JSON.parse(m.body).kind === 'session-moved'));
      const booked = async (user: Client) =>
        (await calendarOf(user, at - HOUR, at + 30 * DAY)).filter((o) => o.state === 'booked').map((o) => [o.sessionId, o.startsAt]);
      const expected = [
        [id, new Date(at).toISOString()],
        [id, new Date(at + 7 * DAY).toISOString()],
        [rest, new Date(target).toISOString()],
        [rest, new Date(target + 7 * DAY).toISOString()],
      ];
      expect(await booked(alex)).toEqual(expected);
      expect(await booked(minji)).toEqual(expected);

      // Reminders: planned for the new times (the old ones find their occurrence gone and send nothing).
      const db = await openDatabase<JobsTables>(t.config.database);
      try {
        const reminders = (await db.selectFrom('jobs').select('payload').where('kind', '=', 'sessions.remind').execute())
          .map((j) => JSON.parse(j.payload))
          .filter((p) => p.sessionId === rest);
        expect(reminders.map((p) => p.startsAt).sort()).toEqual([target, target + 7 * DAY]);
      } finally {
        await db.destroy();
      }

      // Minji moves the whole new series (asked from its second one) two hours later: nothing of it
      // has happened yet, so its rule itself changes; Alex accepts.
      const later = await api(t, 'POST', `/api/v1/sessions/${rest}/occurrences/1/move`, {
        token: minji.token,
        body: { ...local(target + 7 * DAY + 2 * HOUR, 'Asia/Seoul'), reason: 'Later suits me', scope: 'series' },
      });
      expect(later.json).toMatchObject({
        index: 0,
        pendingMove: { startsAt: new Date(target + 2 * HOUR).toISOString(), scope: 'following' },
      });
      const whole = await api(t, 'POST', `/api/v1/sessions/${rest}/occurrences/0/move/accept`, { token: alex.token });
      expect(whole.json).toMatchObject({ sessionId: rest, index: 0, startsAt: new Date(target + 2 * HOUR).toISOString(), moved: false });
      expect((await booked(alex)).slice(2)).toEqual([
        [rest, new Date(target + 2 * HOUR).toISOString()],
        [rest, new Date(target + 7 * DAY + 2 * HOUR).toISOString()],
      ]);
      // A one-off session has no rest to move.
      const single = await propose(minji, alex, daysAhead(40, 12));
      await api(t, 'POST', `/api/v1/sessions/${single.json.sessionId}/accept`, { token: alex.token });
      const notSeries = await api(t, 'POST', `/api/v1/sessions/${single.json.sessionId}/occurrences/0/move`, {
        token: alex.token,
        body: { ...local(daysAhead(41, 12), 'America/New_York'), reason: 'x', scope: 'following' },
      });
      expect(notSeries.json.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    });

    it('people accepting their first sessions at the same moment all book, and one person is never booked twice at once', async () => {
      // New people have no calendar row yet: every acceptance below creates its two rows while others do the same.
      const pairs = [];
      for (const letter of 'ABCDEF') {
        const a = await givenOnboarded(t, `Ana ${letter}`, KOREAN);
        const b = await givenOnboarded(t, `Ben ${letter}`, ENGLISH);
        await givenMates(t, a, b);
        pairs.push({ a, b, proposed: await propose(a, b, daysAhead(6, 8 + pairs.length)) });
      }
      const accepted = await Promise.all(
        pairs.map(({ b, proposed }) => api(t, 'POST', `/api/v1/sessions/${proposed.json.sessionId}/accept`, { token: b.token })),
      );
      expect(accepted.map((r) => [r.status, r.json.state])).toEqual(pairs.map(() => [200, 'booked']));

      // Two people proposed the same hour to Hana; she accepts both at once: one is booked, the other refused as overlapping.
      const hana = await givenOnboarded(t, 'Hana', ENGLISH);
      const askers = [await givenOnboarded(t, 'Dae', KOREAN), await givenOnboarded(t, 'Eun', KOREAN)];
      const at = daysAhead(7, 9);
      const proposals = [];
      for (const asker of askers) {
        await givenMates(t, asker, hana);
        proposals.push((await propose(asker, hana, at)).json.sessionId as string);
      }
      const answers = await Promise.all(proposals.map((id) => api(t, 'POST', `/api/v1/sessions/${id}/accept`, { token: hana.token })));
      expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
      expect((await calendarOf(hana)).filter((o) => o.state === 'booked')).toHaveLength(1);
    }, 90_000);

    it('suggests the next times both schedules overlap, leaving out a booked one', async () => {
      // Both keep the onboarding schedule in Seoul: Monday 20:00-21:00 and Saturday 10:00-10:30.
      const minji = await givenOnboarded(t, 'Minji', KOREAN);
      const hana = await givenOnboarded(t, 'Hana', ENGLISH);
      await givenMates(t, minji, hana);
      const res = await api(t, 'GET', `/api/v1/sessions/suggestions?mateId=${hana.userId}&minutes=30`, { token: minji.token });
      expect(res.status).toBe(200);
      const seoul = res.json.items.map((s: { startsAt: string }) => {
        const d = DateTime.fromISO(s.startsAt, { zone: 'Asia/Seoul' });
        return `${d.toFormat('ccc')} ${d.toFormat('HH:mm')}`;
      });
      expect(seoul.length).toBeGreaterThanOrEqual(3);
      for (const slot of seoul) expect(['Mon 20:00', 'Mon 20:30', 'Sat 10:00']).toContain(slot);
      // Book the first; it is no longer suggested.
      const first = Date.parse(res.json.items[0].startsAt);
      const booked = await propose(minji, hana, first);
      await api(t, 'POST', `/api/v1/sessions/${booked.json.sessionId}/accept`, { token: hana.token });
      const again = await api(t, 'GET', `/api/v1/sessions/suggestions?mateId=${hana.userId}`, { token: minji.token });
      expect(again.json.items.map((s: { startsAt: string }) => s.startsAt)).not.toContain(res.json.items[0].startsAt);
      // Only for a mate.
      const other = await givenUser(t);
      expect((await api(t, 'GET', `/api/v1/sessions/suggestions?mateId=${other.userId}`, { token: minji.token })).status).toBe(404);
    });

    it('downloads one session as .ics and serves a private feed by its token alone, which can be revoked', async () => {
      const { minji, alex } = await givenPair();
      const at = daysAhead(4, 13);
      const s = await propose(minji, alex, at, { repeat: { every: 'two-weeks', count: 3 } });
      await api(t, 'POST', `/api/v1/sessions/${s.json.sessionId}/accept`, { token: alex.token });
      const file = await api(t, 'GET', `/api/v1/sessions/${s.json.sessionId}/ics`, { token: alex.token });
      expect(file.status).toBe(200);
      expect(file.response.headers.get('content-type')).toMatch(/^text\/calendar/);
      expect(file.response.headers.get('content-disposition')).toMatch(/attachment; filename=".*\.ics"/);
      const event = new ICAL.Event(new ICAL.Component(ICAL.parse(file.text)).getFirstSubcomponent('vevent')!);
      expect(event.summary).toBe('STUDYMATE video session with Minji');
      expect(event.startDate.zone.tzid).toBe('Asia/Seoul');
      expect(event.startDate.toJSDate().getTime()).toBe(at);
      expect((event.component.getFirstPropertyValue('rrule') as ICAL.Recur).toString()).toBe('FREQ=WEEKLY;COUNT=3;INTERVAL=2');
      const stranger = await givenUser(t);
      expect((await api(t, 'GET', `/api/v1/sessions/${s.json.sessionId}/ics`, { token: stranger.token })).status).toBe(404);

      // The feed: off until made; its URL is shown once and works without any header.
      expect((await api(t, 'GET', '/api/v1/sessions/feed', { token: minji.token })).json).toEqual({ active: false, createdAt: null });
      const made = await api(t, 'POST', '/api/v1/sessions/feed', { token: minji.token });
      const url = new URL(made.json.url);
      expect(url.pathname).toBe('/api/v1/sessions/feed.ics');
      const feed = await fetch(`${t.url}${url.pathname}${url.search}`);
      expect(feed.status).toBe(200);
      const text = await feed.text();
      const uids = new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent').map((e) => e.getFirstPropertyValue('uid'));
      expect(uids).toEqual([`${s.json.sessionId}@studymate`]);
      // It shows nothing else: no names but the partner's, no e-mail, no ids of people.
      expect(text).not.toContain(minji.email);
      expect(text).not.toContain(alex.userId);
      expect((await api(t, 'GET', '/api/v1/sessions/feed', { token: minji.token })).json.active).toBe(true);
      // A new URL revokes the old; turning it off revokes it too; a made-up token is a plain 404.
      const remade = await api(t, 'POST', '/api/v1/sessions/feed', { token: minji.token });
      expect((await fetch(`${t.url}${url.pathname}${url.search}`)).status).toBe(404);
      const fresh = new URL(remade.json.url);
      expect((await fetch(`${t.url}${fresh.pathname}${fresh.search}`)).status).toBe(200);
      await api(t, 'DELETE', '/api/v1/sessions/feed', { token: minji.token });
      expect((await fetch(`${t.url}${fresh.pathname}${fresh.search}`)).status).toBe(404);
      expect((await fetch(`${t.url}/api/v1/sessions/feed.ics?token=${'x'.repeat(43)}`)).status).toBe(404);
    });

    it('refuses bad bookings with the field named', async () => {
      const { minji, alex } = await givenPair();
      const bad = async (extra: object) => (await propose(minji, alex, daysAhead(3), extra)).json.error;
      expect(await bad({ minutes: 10 })).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(await bad({ minutes: 121 })).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(await bad({ reminders: [20] })).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(await bad({ repeat: { every: 'week' } })).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: '/repeat' }] });
      expect((await propose(minji, alex, Date.now() - DAY)).json.error).toMatchObject({ details: [{ field: '/date' }] });
      expect((await propose(minji, minji, daysAhead(3))).json.error).toMatchObject({ details: [{ field: '/partnerId' }] });
      const range = await api(t, 'GET', `/api/v1/sessions?from=2027-01-01T00:00:00Z&to=2027-06-01T00:00:00Z`, { token: minji.token });
      expect([range.status, range.json.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    });
  });
}
