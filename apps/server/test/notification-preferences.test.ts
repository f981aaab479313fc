import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inQuietHours } from '../src/modules/notifications/preferences.js';
import { api, ENGLISH, givenOnboarded, KOREAN, type Client } from './helpers/app.js';
import { BACKENDS } from './helpers/backends.js';
import { startTwoNodes, type TwoNodes } from './helpers/two-nodes.js';

describe('quiet hours follow my own wall clock', () => {
  const nightInNewYork = { start: '22:00', end: '07:00', timeZone: 'America/New_York' };
  it('wrap past midnight, and move with New York’s clocks across daylight saving', () => {
    expect(inQuietHours(nightInNewYork, Date.parse('2026-03-07T23:30:00-05:00'))).toBe(true);
    expect(inQuietHours(nightInNewYork, Date.parse('2026-03-08T06:30:00-04:00'))).toBe(true);
    // 07:30 EDT is 11:30 UTC; with the winter offset it would still have been 06:30.
    expect(inQuietHours(nightInNewYork, Date.parse('2026-03-08T07:30:00-04:00'))).toBe(false);
    expect(inQuietHours(nightInNewYork, Date.parse('2026-11-01T21:59:00-05:00'))).toBe(false);
  });
  it('in Kathmandu (+05:45) and with a daytime window', () => {
    const lunch = { start: '12:00', end: '13:15', timeZone: 'Asia/Kathmandu' };
    expect(inQuietHours(lunch, Date.parse('2026-06-01T13:10:00+05:45'))).toBe(true);
    expect(inQuietHours(lunch, Date.parse('2026-06-01T13:15:00+05:45'))).toBe(false);
    expect(inQuietHours({ ...lunch, end: '12:00' }, Date.parse('2026-06-01T12:00:00+05:45'))).toBe(false);
  });
});

/** Quiet hours around this moment on a Seoul wall clock. */
function quietNowInSeoul() {
  const clock = (offsetMin: number) =>
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Seoul', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
      new Date(Date.now() + offsetMin * 60_000),
    );
  return { start: clock(-60), end: clock(60), timeZone: 'Asia/Seoul' };
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`notification preferences [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    let nodes: TwoNodes;
    const t = () => nodes.t;
    const ask = (from: Client, to: Client) =>
      api(t(), 'POST', '/api/v1/matching/requests', { token: from.token, body: { receiverId: to.userId, message: 'Hello!' } });
    const settings = (user: Client, body?: object) =>
      api(t(), body ? 'PUT' : 'GET', '/api/v1/notifications/settings', { token: user.token, ...(body ? { body } : {}) });

    beforeAll(async () => {
      nodes = await startTwoNodes(backend);
    });
    afterAll(async () => nodes?.close());

    it('starts with everything on; the app’s language switch keeps my other choices', async () => {
      const alex = await givenOnboarded(t(), 'Alex', ENGLISH);
      expect((await settings(alex)).json).toEqual({ locale: 'ko', muted: [], quietHours: null });
      await settings(alex, { muted: ['chat'] });
      expect((await settings(alex, { locale: 'en' })).json).toEqual({ locale: 'en', muted: ['chat'], quietHours: null });
      const bad = await settings(alex, { quietHours: { start: '25:00', end: '07:00', timeZone: 'Asia/Seoul' } });
      expect(bad.status).toBe(400);
    });

    it('a category I turned off is neither kept nor pushed: the server enforces it for every sender', async () => {
      const [minji, alex] = [await givenOnboarded(t(), 'Minji', KOREAN), await givenOnboarded(t(), 'Alex', ENGLISH)];
      await settings(alex, { muted: ['match'] });
      const phone = await nodes.connect(nodes.otherUrl, alex.token);
      const live = await phone.subscribe('/user/queue/notifications');
      expect((await ask(minji, alex)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 400));
      expect(live.received).toHaveLength(0);
      expect((await api(t(), 'GET', '/api/v1/notifications', { token: alex.token })).json).toMatchObject({ items: [], unread: 0 });
      // Turned on again, the next one arrives.
      await settings(alex, { muted: [] });
      const sora = await givenOnboarded(t(), 'Sora', KOREAN);
      expect((await ask(sora, alex)).status).toBe(200);
      expect(JSON.parse((await live.next()).body)).toMatchObject({ kind: 'match-request', unread: 1 });
    });

    it('in my quiet hours a notification is kept and counted, and pushed marked quiet (no toast, no sound)', async () => {
      const [minji, alex] = [await givenOnboarded(t(), 'Minji', KOREAN), await givenOnboarded(t(), 'Alex', ENGLISH)];
      await settings(alex, { quietHours: quietNowInSeoul() });
      const phone = await nodes.connect(nodes.otherUrl, alex.token);
      const live = await phone.subscribe('/user/queue/notifications');
      expect((await ask(minji, alex)).status).toBe(200);
      expect(JSON.parse((await live.next()).body)).toMatchObject({ kind: 'match-request', unread: 1, quiet: true });
      expect((await api(t(), 'GET', '/api/v1/notifications', { token: alex.token })).json.unread).toBe(1);
    });
  });
}
