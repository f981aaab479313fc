import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers/backends.js';
import { buildExport } from './helpers/exports.js';
import { api, ENGLISH, givenAdmin, givenOnboarded, KOREAN, type Client } from './helpers/app.js';
import { startTwoNodes, type TwoNodes } from './helpers/two-nodes.js';
import { nextNotification } from './realtime/harness.js';
import { until } from './helpers/wait.js';

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`notifications [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    let nodes: TwoNodes;
    let minji: Client;
    let alex: Client;
    const t = () => nodes.t;
    const list = (user: Client, query = '') => api(t(), 'GET', `/api/v1/notifications${query}`, { token: user.token });
    const ask = (from: Client, to: Client, message: string) =>
      api(t(), 'POST', '/api/v1/matching/requests', { token: from.token, body: { receiverId: to.userId, message } });

    beforeAll(async () => {
      nodes = await startTwoNodes(backend);
      minji = await givenOnboarded(t(), 'Minji', KOREAN);
      alex = await givenOnboarded(t(), 'Alex', ENGLISH);
    });
    afterAll(async () => nodes?.close());

    it('keeps a match request as an unread notification in the language my app speaks, and tells my device on the other node at once', async () => {
      const saved = await api(t(), 'PUT', '/api/v1/notifications/settings', { token: alex.token, body: { locale: 'en' } });
      expect(saved.status).toBe(200);
      const phone = await nodes.connect(nodes.otherUrl, alex.token);
      const live = await phone.subscribe('/user/queue/notifications');

      expect((await ask(minji, alex, 'Hi Alex! Shall we practise?')).status).toBe(200);
      const pushed = JSON.parse((await live.next()).body);
      expect(pushed).toMatchObject({
        kind: 'match-request',
        category: 'match',
        title: 'Minji',
        body: 'Hi Alex! Shall we practise?',
        unread: 1,
      });
      expect(pushed.link).toBe('/matching/requests');

      const page = await list(alex);
      expect(page.status).toBe(200);
      expect(page.json).toMatchObject({ unread: 1, items: [{ id: pushed.id, kind: 'match-request', read: false, title: 'Minji' }] });
      expect((await api(t(), 'GET', '/api/v1/notifications/unread-count', { token: alex.token })).json).toEqual({ unread: 1 });
      // The sender was told nothing.
      expect((await list(minji)).json).toMatchObject({ unread: 0, items: [] });
    });

    it('writes an accepted request in Korean for a person whose app speaks Korean, the default', async () => {
      const received = await api(t(), 'GET', '/api/v1/matching/requests/received', { token: alex.token });
      const accepted = await api(t(), 'POST', `/api/v1/matching/requests/${received.json.items[0].id}/accept`, { token: alex.token });
      expect(accepted.status).toBe(200);
      let items: { kind: string; body?: string }[] = [];
      for (let i = 0; i < 100 && !items.some((n) => n.kind === 'match-accepted'); i++) {
        items = (await list(minji)).json.items;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(items.find((n) => n.kind === 'match-accepted')).toMatchObject({
        title: 'Alex님이 요청을 수락했어요',
        body: '이제 대화를 시작해 보세요.',
      });
    });

    it('marks all read and tells my other devices the new count, so a second tab clears its bell', async () => {
      // Becoming mates earned Minji an achievement, told on progress's own time: let it land first.
      await until('the first-mate achievement', async () =>
        (await list(minji)).json.items.some((n: { kind: string }) => n.kind === 'achievement'),
      );
      const tab = await nodes.connect(nodes.otherUrl, minji.token);
      const live = await tab.subscribe('/user/queue/notifications');
      const before = (await list(minji)).json.unread;
      expect(before).toBeGreaterThan(0);

      const marked = await api(t(), 'POST', '/api/v1/notifications/read', { token: minji.token, body: {} });
      expect(marked.json).toEqual({ unread: 0 });
      expect(await nextNotification(live)).toMatchObject({ kind: 'notifications-read', unread: 0 });
      expect((await list(minji, '?unreadOnly=true')).json).toMatchObject({ unread: 0, items: [] });
    });

    it('pages newest first with a cursor, deletes only my own, and refuses a made-up cursor', async () => {
      for (let i = 0; i < 3; i++) {
        const other = await givenOnboarded(t(), `Fan ${'ABC'[i]}`, ENGLISH);
        expect((await ask(other, minji, `Hello ${i}`)).status).toBe(200);
      }
      const first = await list(minji, '?limit=2');
      expect(first.json.items.map((n: { body: string }) => n.body)).toEqual(['Hello 2', 'Hello 1']);
      const second = await list(minji, `?limit=2&before=${first.json.nextBefore}`);
      expect(second.json.items[0].body).toBe('Hello 0');

      const id = first.json.items[0].id;
      expect((await api(t(), 'DELETE', `/api/v1/notifications/${id}`, { token: alex.token })).status).toBe(404);
      expect((await api(t(), 'DELETE', `/api/v1/notifications/${id}`, { token: minji.token })).status).toBe(204);
      expect((await list(minji)).json.items.map((n: { id: string }) => n.id)).not.toContain(id);
      expect((await list(minji, '?before=yesterday')).status).toBe(400);
    });

    it('puts my notifications and language in my data export', async () => {
      const exported = (await buildExport(t(), alex)).data;
      expect(exported.notifications).toMatchObject({ locale: 'en', notifications: [{ kind: 'match-request', title: 'Minji' }, {}] });
      // Becoming mates also earned an achievement (progress), told through the same module.
      expect(exported.notifications.notifications).toHaveLength(2);
      expect(exported.notifications.notifications[1]).toMatchObject({
        kind: 'achievement',
        category: 'achievement',
        title: 'First mate',
      });
    });
    it('tells the people an administrator lists about a system notice, live and in the language each app speaks, and once only when the request is retried', async () => {
      const admin = await givenAdmin(t());
      const seoyeon = await givenOnboarded(t(), 'Seoyeon', KOREAN);
      const sam = await givenOnboarded(t(), 'Sam', ENGLISH);
      await api(t(), 'PUT', '/api/v1/notifications/settings', { token: sam.token, body: { locale: 'en' } });
      const phone = await nodes.connect(nodes.otherUrl, sam.token);
      const live = await phone.subscribe('/user/queue/notifications');
      const notice = {
        id: randomUUID(),
        // An id that is nobody's account is skipped.
        recipients: [seoyeon.userId, sam.userId, randomUUID()],
        title: { ko: '점검 안내', en: 'Maintenance' },
        body: { ko: '오늘 밤 10시에 점검합니다.', en: 'We will be down at 10 pm.' },
        link: '/notifications',
      };
      const sent = await api(t(), 'POST', '/api/v1/admin/announcements', { token: admin.token, body: notice });
      expect(sent.status).toBe(200);
      expect(sent.json).toEqual({ id: notice.id, recipients: 2, stored: 2 });
      expect(await nextNotification(live)).toMatchObject({
        kind: 'announcement',
        category: 'system',
        title: 'Maintenance',
        body: 'We will be down at 10 pm.',
        link: '/notifications',
        unread: 1,
      });
      expect((await list(seoyeon)).json).toMatchObject({
        unread: 1,
        items: [{ kind: 'announcement', category: 'system', title: '점검 안내', body: '오늘 밤 10시에 점검합니다.', read: false }],
      });

      const retried = await api(t(), 'POST', '/api/v1/admin/announcements', { token: admin.token, body: notice });
      expect(retried.json).toEqual({ id: notice.id, recipients: 2, stored: 0 });
      expect((await list(sam)).json.unread).toBe(1);
      expect((await list(seoyeon)).json.items).toHaveLength(1);
    });

    it('tells everyone active about a system notice, each once, in the language each app speaks', async () => {
      const admin = await givenAdmin(t());
      const [jisoo, noah] = [await givenOnboarded(t(), 'Jisoo', KOREAN), await givenOnboarded(t(), 'Noah', ENGLISH)];
      await api(t(), 'PUT', '/api/v1/notifications/settings', { token: noah.token, body: { locale: 'en' } });
      const notice = { id: randomUUID(), recipients: 'everyone', title: { ko: '새 기능', en: 'New feature' } };
      const sent = await api(t(), 'POST', '/api/v1/admin/announcements', { token: admin.token, body: notice });
      expect(sent.status).toBe(200);
      expect(sent.json.recipients).toBeGreaterThanOrEqual(3);
      expect(sent.json.stored).toBe(sent.json.recipients);
      expect((await list(jisoo)).json.items).toMatchObject([{ kind: 'announcement', title: '새 기능' }]);
      expect((await list(noah)).json.items).toMatchObject([{ kind: 'announcement', title: 'New feature' }]);
      const retried = await api(t(), 'POST', '/api/v1/admin/announcements', { token: admin.token, body: notice });
      expect(retried.json).toEqual({ id: notice.id, recipients: sent.json.recipients, stored: 0 });
      expect((await list(jisoo)).json.unread).toBe(1);
    });

    it('honours system notices turned off on one node for an announcement sent through the other, right after', async () => {
      const admin = await givenAdmin(t());
      const hana = await givenOnboarded(t(), 'Hana', KOREAN);
      const announceThroughOther = async (title: string) => {
        const reply = await fetch(`${nodes.otherUrl}/api/v1/admin/announcements`, {
          method: 'POST',
          headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ recipients: [hana.userId], title: { ko: title, en: title } }),
        });
        expect(reply.status).toBe(200);
        return (await reply.json()) as { stored: number };
      };
      // The other node has now read (and keeps) Hana's settings.
      expect((await announceThroughOther('첫 공지')).stored).toBe(1);
      const saved = await api(t(), 'PUT', '/api/v1/notifications/settings', { token: hana.token, body: { muted: ['system'] } });
      expect(saved.status).toBe(200);
      // The change reaches the other node over the bus (Redis pub/sub): give it a moment, far below the copy's minute.
      await new Promise((r) => setTimeout(r, 100));
      expect((await announceThroughOther('두 번째 공지')).stored).toBe(0);
      expect((await list(hana)).json).toMatchObject({ unread: 1, items: [{ title: '첫 공지' }] });
    });

    it('refuses an announcement from someone who is not an administrator, and one whose link leaves the app', async () => {
      const mallory = await givenOnboarded(t(), 'Mallory', ENGLISH);
      const target = await givenOnboarded(t(), 'Target', KOREAN);
      const notice = { recipients: [target.userId], title: { ko: '당첨!', en: 'You won!' }, link: '/notifications' };
      const refused = await api(t(), 'POST', '/api/v1/admin/announcements', { token: mallory.token, body: notice });
      expect(refused.status).toBe(403);
      const admin = await givenAdmin(t());
      const outside = await api(t(), 'POST', '/api/v1/admin/announcements', {
        token: admin.token,
        body: { ...notice, link: '//evil.example/prize' },
      });
      expect(outside.status).toBe(400);
      expect((await list(target)).json).toMatchObject({ unread: 0, items: [] });
    });
  });
}
