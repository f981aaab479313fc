import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers/backends.js';
import { buildExport } from './helpers/exports.js';
import { api, ENGLISH, givenOnboarded, KOREAN, startApp, STEP_BODIES, type Client, type TestApp } from './helpers/app.js';
import { tinyPng } from './helpers/files.js';
import { until } from './helpers/wait.js';
import { connectStomp, type StompSession } from './realtime/harness.js';

const ids = (res: { json: { items: { userId?: string; partner?: { userId: string } }[] } }) =>
  res.json.items.map((i) => i.userId ?? i.partner!.userId);

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`matching [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    let t: TestApp;
    const sessions: StompSession[] = [];
    const notifications = async (user: Client) => {
      const s = await connectStomp(`${t.url.replace('http', 'ws')}/ws`, { Authorization: `Bearer ${user.token}` });
      sessions.push(s);
      return s.subscribe('/user/queue/notifications');
    };
    const request = (from: Client, to: Client, message = 'Hi! Shall we practise together?') =>
      api(t, 'POST', '/api/v1/matching/requests', { token: from.token, body: { receiverId: to.userId, message } });
    const recommended = async (viewer: Client, locale = 'en') =>
      ids((await api(t, 'GET', `/api/v1/matching/recommendations?locale=${locale}`, { token: viewer.token })) as never);

    beforeAll(async () => {
      t = await startApp(backend);
    });
    afterAll(async () => {
      await Promise.allSettled(sessions.map((s) => s.disconnect()));
      await t?.close();
    });

    it('recommends a complementary partner with a percentage and reasons in my language, and not someone learning what I learn', async () => {
      const [minji, alex, sora] = [
        await givenOnboarded(t, 'Minji', KOREAN),
        await givenOnboarded(t, 'Alex', ENGLISH),
        await givenOnboarded(t, 'Sora', KOREAN),
      ];
      const page = await api(t, 'GET', '/api/v1/matching/recommendations?locale=en', { token: minji.token });
      expect(page.status).toBe(200);
      const card = page.json.items.find((c: { userId: string }) => c.userId === alex.userId);
      expect(card).toMatchObject({ name: 'Alex', speaks: [{ language: 'en', level: 'native' }], learns: [{ language: 'ko' }] });
      expect(card.percent).toBeGreaterThan(0);
      expect(card.reasons.join(' ')).toMatch(/both like|a week when you are both free/);
      expect(ids(page)).not.toContain(sora.userId);
      // Korean first: without a choice or an English browser, the reasons are in Korean.
      const korean = await api(t, 'GET', '/api/v1/matching/recommendations', { token: alex.token });
      expect(korean.json.items.find((c: { userId: string }) => c.userId === minji.userId).reasons.join(' ')).toMatch(/[가-힣]/);
      // Search narrows by shared hours a week (both chose the same 1.5 h in Seoul).
      const oneHour = await api(t, 'GET', '/api/v1/matching/search?language=en&minOverlapHours=1', { token: minji.token });
      expect(ids(oneHour)).toContain(alex.userId);
      const twoHours = await api(t, 'GET', '/api/v1/matching/search?language=en&minOverlapHours=2', { token: minji.token });
      expect(ids(twoHours)).not.toContain(alex.userId);
    });

    it('explains the people on a later page when that page is asked for, as their own card does', async () => {
      const viewer = await givenOnboarded(t, 'Jiwoo', KOREAN);
      for (let i = 0; i < 21; i++) await givenOnboarded(t, `Partner ${String.fromCharCode(65 + i)}`, ENGLISH);
      const first = await api(t, 'GET', '/api/v1/matching/recommendations?locale=en', { token: viewer.token });
      expect(first.json.nextPage).toBe(2);
      const second = await api(t, 'GET', '/api/v1/matching/recommendations?locale=en&page=2', { token: viewer.token });
      expect(second.status).toBe(200);
      expect(second.json.items.length).toBeGreaterThan(0);
      for (const card of second.json.items.slice(0, 3)) {
        expect(card.reasons.length).toBeGreaterThan(0);
        const alone = await api(t, 'GET', `/api/v1/matching/people/${card.userId}?locale=en`, { token: viewer.token });
        expect(card.reasons).toEqual(alone.json.reasons);
      }
      // In Korean too, from the same ranked list.
      const korean = await api(t, 'GET', '/api/v1/matching/recommendations?locale=ko&page=2', { token: viewer.token });
      expect(korean.json.items[0].reasons.join(' ')).toMatch(/[가-힣]/);
    });

    it('request, then accept: the two become mates, their room exists, and the sender is told at once', async () => {
      const [minji, alex] = [await givenOnboarded(t, 'Minji', KOREAN), await givenOnboarded(t, 'Alex', ENGLISH)];
      const [minjiQueue, alexQueue] = [await notifications(minji), await notifications(alex)];
      const sent = await request(minji, alex);
      expect(sent.status).toBe(200);
      expect(sent.json).toMatchObject({ state: 'pending', partner: { userId: alex.userId } });
      // The receiver hears of it live, and finds it in their list.
      expect(JSON.parse((await alexQueue.next()).body)).toMatchObject({
        kind: 'match-request',
        title: 'Minji',
        link: '/matching/requests',
      });
      const received = await api(t, 'GET', '/api/v1/matching/requests/received', { token: alex.token });
      expect(received.json.items).toMatchObject([{ id: sent.json.id, partner: { userId: minji.userId }, state: 'pending' }]);

      const accepted = await api(t, 'POST', `/api/v1/matching/requests/${sent.json.id}/accept`, { token: alex.token });
      expect(accepted.status).toBe(200);
      const roomId = accepted.json.roomId;
      await until('the sender is told the request was accepted', () =>
        minjiQueue.received.some((m) => JSON.parse(m.body).kind === 'match-accepted'),
      );
      const told = minjiQueue.received.map((m) => JSON.parse(m.body)).find((n) => n.kind === 'match-accepted');
      expect(told).toMatchObject({ title: 'Alex님이 요청을 수락했어요', link: `/chat/${roomId}` });
      // The room is there for both, and they are each other's mates.
      for (const user of [minji, alex])
        expect((await api(t, 'GET', `/api/v1/chat/rooms/${roomId}`, { token: user.token })).status).toBe(200);
      const minjiMates = await api(t, 'GET', '/api/v1/matching/mates', { token: minji.token });
      expect(minjiMates.json.items).toMatchObject([{ partner: { userId: alex.userId }, roomId }]);
      expect(ids((await api(t, 'GET', '/api/v1/matching/mates', { token: alex.token })) as never)).toEqual([minji.userId]);
      expect((await api(t, 'GET', '/api/v1/matching/requests/sent', { token: minji.token })).json.items[0].state).toBe('accepted');
      // Mates are no longer recommended to each other, and a retried accept lands in the same room.
      expect(await recommended(minji)).not.toContain(alex.userId);
      const again = await api(t, 'POST', `/api/v1/matching/requests/${sent.json.id}/accept`, { token: alex.token });
      expect(again.json.roomId).toBe(roomId);
      expect((await request(alex, minji)).json.error.code).toBe('ALREADY_MATES');
      // Nobody else may answer it.
      expect((await api(t, 'POST', `/api/v1/matching/requests/${sent.json.id}/accept`, { token: minji.token })).status).toBe(404);
    });

    it('calls a person by the English name they chose everywhere others meet them; their own account keeps the name from sign-in', async () => {
      // Signed in as 김미나 and Sam_t; onboarded as Mina Kim and Sam Taylor.
      const mina = await givenOnboarded(t, '김미나', KOREAN, undefined, { englishName: 'Mina Kim' });
      const sam = await givenOnboarded(t, 'Sam_t', ENGLISH, undefined, { englishName: 'Sam Taylor' });
      const samQueue = await notifications(sam);
      const minaQueue = await notifications(mina);
      const card = (await api(t, 'GET', '/api/v1/matching/recommendations?locale=en', { token: sam.token })).json.items.find(
        (c: { userId: string }) => c.userId === mina.userId,
      );
      expect(card.name).toBe('Mina Kim');
      const sent = await request(mina, sam);
      expect(JSON.parse((await samQueue.next()).body)).toMatchObject({ kind: 'match-request', title: 'Mina Kim' });
      const received = await api(t, 'GET', '/api/v1/matching/requests/received', { token: sam.token });
      expect(received.json.items[0].partner.name).toBe('Mina Kim');
      const { roomId } = (await api(t, 'POST', `/api/v1/matching/requests/${sent.json.id}/accept`, { token: sam.token })).json;
      await until('the sender is told the request was accepted', () =>
        minaQueue.received.some((m) => JSON.parse(m.body).kind === 'match-accepted'),
      );
      const accepted = minaQueue.received.map((m) => JSON.parse(m.body)).find((n) => n.kind === 'match-accepted');
      expect(accepted.title).toBe('Sam Taylor님이 요청을 수락했어요');
      const namesInRoom = async (viewer: Client) =>
        Object.fromEntries(
          (await api(t, 'GET', `/api/v1/chat/rooms/${roomId}`, { token: viewer.token })).json.members.map(
            (m: { id: string; displayName: string }) => [m.id, m.displayName],
          ),
        );
      expect(await namesInRoom(sam)).toEqual({ [mina.userId]: 'Mina Kim', [sam.userId]: 'Sam Taylor' });
      expect((await api(t, 'GET', '/api/v1/matching/mates', { token: sam.token })).json.items[0].partner.name).toBe('Mina Kim');
      // Her account is still 김미나 to herself.
      expect((await api(t, 'GET', '/api/v1/me', { token: mina.token })).json.displayName).toBe('김미나');

      // A new English name reaches every list at once.
      const renamed = await api(t, 'PUT', '/api/v1/onboarding/basic', {
        token: mina.token,
        body: { ...STEP_BODIES.basic, englishName: 'Mina Park' },
      });
      expect(renamed.status).toBe(200);
      expect((await namesInRoom(sam))[mina.userId]).toBe('Mina Park');
      expect((await api(t, 'GET', '/api/v1/matching/mates', { token: sam.token })).json.items[0].partner.name).toBe('Mina Park');
    });

    it('allows one waiting request per pair and five a day', async () => {
      const sender = await givenOnboarded(t, 'Sender', KOREAN);
      const receivers = [];
      for (let i = 0; i < 6; i++) receivers.push(await givenOnboarded(t, 'Receiver', ENGLISH));
      expect((await request(sender, receivers[0]!)).status).toBe(200);
      const twice = await request(sender, receivers[0]!);
      expect([twice.status, twice.json.error.code]).toEqual([409, 'MATCH_REQUEST_EXISTS']);
      expect((await request(receivers[0]!, sender)).json.error.code).toBe('MATCH_REQUEST_EXISTS');
      for (const r of receivers.slice(1, 5)) expect((await request(sender, r)).status).toBe(200);
      const sixth = await request(sender, receivers[5]!);
      expect([sixth.status, sixth.json.error.code]).toEqual([429, 'MATCH_REQUEST_LIMIT']);
    });

    it('one person accepting several requests at once makes every pair mates, each with its room', async () => {
      const receiver = await givenOnboarded(t, 'Popular', ENGLISH);
      const senders = [];
      for (let i = 0; i < 6; i++) senders.push(await givenOnboarded(t, `Asker ${String.fromCharCode(65 + i)}`, KOREAN));
      const sent = [];
      for (const s of senders) sent.push((await request(s, receiver)).json.id as string);
      // Before the mates link was one upsert, accepts at the same moment deadlocked on MariaDB (a 500).
      const answers = await Promise.all(
        sent.map((id) => api(t, 'POST', `/api/v1/matching/requests/${id}/accept`, { token: receiver.token })),
      );
      expect(answers.map((a) => a.status)).toEqual(sent.map(() => 200));
      expect(new Set(answers.map((a) => a.json.roomId)).size).toBe(senders.length);
      const mates = ids((await api(t, 'GET', '/api/v1/matching/mates', { token: receiver.token })) as never);
      expect(mates.sort()).toEqual(senders.map((s) => s.userId).sort());
    });

    it('declines silently: the sender still sees it pending and cannot ask again; cancelling frees the pair', async () => {
      const [minji, alex] = [await givenOnboarded(t, 'Minji', KOREAN), await givenOnboarded(t, 'Alex', ENGLISH)];
      const sent = await request(minji, alex);
      expect((await api(t, 'POST', `/api/v1/matching/requests/${sent.json.id}/decline`, { token: alex.token })).status).toBe(204);
      expect((await api(t, 'GET', '/api/v1/matching/requests/sent', { token: minji.token })).json.items[0].state).toBe('pending');
      expect((await api(t, 'GET', '/api/v1/matching/requests/received', { token: alex.token })).json.items).toEqual([]);
      expect((await request(minji, alex)).json.error.code).toBe('MATCH_REQUEST_EXISTS');
      expect((await api(t, 'POST', `/api/v1/matching/requests/${sent.json.id}/accept`, { token: alex.token })).json.error.code).toBe(
        'MATCH_REQUEST_CLOSED',
      );
      expect((await api(t, 'DELETE', `/api/v1/matching/requests/${sent.json.id}`, { token: minji.token })).status).toBe(204);
      expect((await api(t, 'GET', '/api/v1/matching/requests/sent', { token: minji.token })).json.items[0].state).toBe('cancelled');
      expect((await request(minji, alex)).status).toBe(200);
    });

    it('blocking hides the two from each other in every list, withdraws the request between them, and closes their chat', async () => {
      const [minji, alex] = [await givenOnboarded(t, 'Minji', KOREAN), await givenOnboarded(t, 'Alex', ENGLISH)];
      // Mates with a room, and a waiting request the other way would be impossible; so a second pair for requests.
      const first = await request(minji, alex);
      const roomId = (await api(t, 'POST', `/api/v1/matching/requests/${first.json.id}/accept`, { token: alex.token })).json.roomId;
      const [sora, ben] = [await givenOnboarded(t, 'Sora', KOREAN), await givenOnboarded(t, 'Ben', ENGLISH)];
      const waiting = await request(sora, ben);
      expect(await recommended(sora)).not.toContain(ben.userId); // a waiting request keeps them out too
      expect(await recommended(minji)).toContain(ben.userId);

      expect((await api(t, 'POST', '/api/v1/matching/blocks', { token: ben.token, body: { userId: sora.userId } })).status).toBe(204);
      expect((await api(t, 'POST', '/api/v1/matching/blocks', { token: alex.token, body: { userId: minji.userId } })).status).toBe(204);

      // The request is withdrawn from both lists, and cannot be answered.
      expect((await api(t, 'GET', '/api/v1/matching/requests/received', { token: ben.token })).json.items).toEqual([]);
      expect((await api(t, 'GET', '/api/v1/matching/requests/sent', { token: sora.token })).json.items).toEqual([]);
      expect((await api(t, 'POST', `/api/v1/matching/requests/${waiting.json.id}/accept`, { token: ben.token })).status).toBe(409);
      for (const [viewer, other] of [
        [sora, ben],
        [ben, sora],
        [minji, alex],
        [alex, minji],
      ] as const) {
        expect(await recommended(viewer)).not.toContain(other.userId);
        expect(ids((await api(t, 'GET', '/api/v1/matching/search', { token: viewer.token })) as never)).not.toContain(other.userId);
        expect((await api(t, 'GET', `/api/v1/matching/people/${other.userId}`, { token: viewer.token })).status).toBe(404);
        expect(ids((await api(t, 'GET', '/api/v1/matching/mates', { token: viewer.token })) as never)).not.toContain(other.userId);
        // A request reads as to nobody: it does not tell the sender they were blocked.
        expect((await request(viewer, other)).status).toBe(404);
      }
      // The chat page learns why it cannot write, either way.
      for (const [viewer, other] of [
        [minji, alex],
        [alex, minji],
      ] as const) {
        expect((await api(t, 'GET', `/api/v1/matching/contacts/${other.userId}`, { token: viewer.token })).json).toEqual({
          state: 'blocked',
        });
      }
      expect((await api(t, 'GET', `/api/v1/matching/contacts/${ben.userId}`, { token: minji.token })).json).toEqual({ state: 'open' });
      // No new 1:1 and no messages in the old one, either way.
      const open = await api(t, 'POST', '/api/v1/chat/rooms/direct', { token: sora.token, body: { partnerId: ben.userId } });
      expect([open.status, open.json.error.code]).toEqual([403, 'CONTACT_CLOSED']);
      for (const user of [minji, alex]) {
        const sent = await api(t, 'POST', `/api/v1/chat/rooms/${roomId}/messages`, {
          token: user.token,
          body: { clientId: `blocked-${user.userId.slice(0, 8)}`, kind: 'text', body: 'hello?' },
        });
        expect([sent.status, sent.json.error.code]).toEqual([403, 'CONTACT_CLOSED']);
      }

      // Nor each other's presence, though they still share the old room.
      const watcher = await connectStomp(`${t.url.replace('http', 'ws')}/ws`, { Authorization: `Bearer ${minji.token}` });
      sessions.push(watcher);
      watcher.client.subscribe(`/sub/presence/${alex.userId}`, () => undefined);
      await watcher.closed;
      expect(watcher.errors[0]?.headers.message).toMatch(/No such destination/);
      // The room list shows Alex, connected right now, to Minji as offline and never seen.
      const alexOnline = await connectStomp(`${t.url.replace('http', 'ws')}/ws`, { Authorization: `Bearer ${alex.token}` });
      sessions.push(alexOnline);
      const member = async (viewer: typeof minji, other: typeof alex) =>
        ((await api(t, 'GET', '/api/v1/chat/rooms', { token: viewer.token })).json.items as any[])
          .find((r) => r.id === roomId)
          ?.members.find((m: { id: string }) => m.id === other.userId);
      expect(await member(minji, alex)).toMatchObject({ presence: 'offline', lastSeenAt: null });
      const [carol, dan] = [await givenOnboarded(t, 'Carol', KOREAN), await givenOnboarded(t, 'Dan', ENGLISH)];
      const theirs = await api(t, 'POST', `/api/v1/matching/requests/${(await request(carol, dan)).json.id}/accept`, { token: dan.token });
      const danOnline = await connectStomp(`${t.url.replace('http', 'ws')}/ws`, { Authorization: `Bearer ${dan.token}` });
      sessions.push(danOnline);
      expect(
        ((await api(t, 'GET', '/api/v1/chat/rooms', { token: carol.token })).json.items as any[])
          .find((r) => r.id === theirs.json.roomId)
          ?.members.find((m: { id: string }) => m.id === dan.userId),
        'an unblocked partner still shows online',
      ).toMatchObject({ presence: 'online' });

      // The blocked list in settings, and unblocking.
      const blocked = await api(t, 'GET', '/api/v1/matching/blocks', { token: ben.token });
      expect(blocked.json.items).toMatchObject([{ userId: sora.userId }]);
      expect((await api(t, 'DELETE', `/api/v1/matching/blocks/${sora.userId}`, { token: ben.token })).status).toBe(204);
      expect((await api(t, 'GET', '/api/v1/matching/blocks', { token: ben.token })).json.items).toEqual([]);
      expect(await recommended(ben)).toContain(sora.userId);
    });

    it('exports my matching data, and deleting an account takes the person out of every list', async () => {
      const [minji, alex, sora] = [
        await givenOnboarded(t, 'Minji', KOREAN),
        await givenOnboarded(t, 'Alex', ENGLISH),
        await givenOnboarded(t, 'Sora', KOREAN),
      ];
      const sent = await request(minji, alex);
      await api(t, 'POST', `/api/v1/matching/requests/${sent.json.id}/accept`, { token: alex.token });
      await request(sora, alex);
      await api(t, 'POST', '/api/v1/matching/blocks', { token: minji.token, body: { userId: sora.userId } });
      const exported = await buildExport(t, minji);
      expect(JSON.stringify(exported.data)).toContain(sora.userId);

      // What Minji was told of Alex names him; it goes with his account, and her unread count with it.
      const minjisNotifications = async () => (await api(t, 'GET', '/api/v1/notifications?limit=50', { token: minji.token })).json;
      const naming = (page: { items: { title: string }[] }) => page.items.filter((n) => n.title.includes('Alex'));
      await until('Minji is told Alex accepted', async () => naming(await minjisNotifications()).length > 0);
      const before = await minjisNotifications();

      expect((await api(t, 'DELETE', '/api/v1/me', { token: alex.token })).status).toBe(204);
      const after = await minjisNotifications();
      expect(naming(after)).toEqual([]);
      expect(after.items).toHaveLength(before.items.length - naming(before).length);
      expect(after.unread).toBe(after.items.filter((n: { read: boolean }) => !n.read).length);
      expect((await api(t, 'GET', '/api/v1/matching/mates', { token: minji.token })).json.items).toEqual([]);
      expect((await api(t, 'GET', '/api/v1/matching/requests/sent', { token: sora.token })).json.items).toEqual([]);
      expect(await recommended(sora)).not.toContain(alex.userId);
    });

    it("a new or removed profile photo reaches the mates' cards at once (the old photo is deleted)", async () => {
      const [minji, alex] = [await givenOnboarded(t, 'Minji', KOREAN), await givenOnboarded(t, 'Alex', ENGLISH)];
      await api(t, 'POST', `/api/v1/matching/requests/${(await request(minji, alex)).json.id}/accept`, { token: alex.token });
      const photoOfMinji = async () =>
        (await api(t, 'GET', '/api/v1/matching/mates', { token: alex.token })).json.items[0].partner.photoUrl as string | null;
      expect(await photoOfMinji()).toBeNull();
      for (let i = 0; i < 2; i++) {
        const form = new FormData();
        form.append('photo', new Blob([new Uint8Array(tinyPng())], { type: 'image/png' }), 'me.png');
        const upload = await fetch(`${t.url}/api/v1/me/photo`, {
          method: 'POST',
          headers: { authorization: `Bearer ${minji.token}` },
          body: form,
        });
        const { photoUrl } = (await upload.json()) as { photoUrl: string };
        expect(await photoOfMinji()).toBe(photoUrl);
        expect((await fetch(t.url + photoUrl)).status).toBe(200);
      }
      expect((await api(t, 'DELETE', '/api/v1/me/photo', { token: minji.token })).status).toBe(204);
      expect(await photoOfMinji()).toBeNull();
    });

    it('unmatching keeps the chat readable and refuses new messages', async () => {
      const [minji, alex] = [await givenOnboarded(t, 'Minji', KOREAN), await givenOnboarded(t, 'Alex', ENGLISH)];
      const sent = await request(minji, alex);
      const roomId = (await api(t, 'POST', `/api/v1/matching/requests/${sent.json.id}/accept`, { token: alex.token })).json.roomId;
      const say = (user: Client, clientId: string) =>
        api(t, 'POST', `/api/v1/chat/rooms/${roomId}/messages`, {
          token: user.token,
          body: { clientId, kind: 'text', body: '안녕하세요' },
        });
      expect((await say(minji, `before-${Date.now()}`)).status).toBe(200);
      expect((await api(t, 'DELETE', `/api/v1/matching/mates/${minji.userId}`, { token: alex.token })).status).toBe(204);
      expect((await api(t, 'GET', '/api/v1/matching/mates', { token: minji.token })).json.items).toEqual([]);
      const history = await api(t, 'GET', `/api/v1/chat/rooms/${roomId}/messages`, { token: alex.token });
      expect(history.json.items.map((m: { body: string }) => m.body)).toEqual(['안녕하세요']);
      expect((await say(minji, `after-${Date.now()}`)).json.error.code).toBe('CONTACT_CLOSED');
      expect((await api(t, 'GET', `/api/v1/matching/contacts/${alex.userId}`, { token: minji.token })).json).toEqual({
        state: 'read-only',
      });
      // Neither is suggested to the other again; a search still finds them, to ask again.
      for (const [viewer, other] of [
        [minji, alex],
        [alex, minji],
      ] as const) {
        expect(await recommended(viewer)).not.toContain(other.userId);
        expect(ids((await api(t, 'GET', '/api/v1/matching/search', { token: viewer.token })) as never)).toContain(other.userId);
      }
    });
  });

  describe.skipIf(backend.skip)(`quick match [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    let t: TestApp;
    const sessions: StompSession[] = [];
    beforeAll(async () => {
      t = await startApp(backend);
    });
    afterAll(async () => {
      await Promise.allSettled(sessions.map((s) => s.disconnect()));
      await t?.close();
    });

    it('pairs people who join at once, each exactly once and with a compatible partner, and tells both where to meet', async () => {
      const korean: Client[] = [];
      const english: Client[] = [];
      for (let i = 0; i < 4; i++) {
        korean.push(await givenOnboarded(t, 'Korean', KOREAN));
        english.push(await givenOnboarded(t, 'English', ENGLISH));
      }
      const everyone = [...korean, ...english];
      const queues = await Promise.all(
        everyone.map(async (user) => {
          const s = await connectStomp(`${t.url.replace('http', 'ws')}/ws`, { Authorization: `Bearer ${user.token}` });
          sessions.push(s);
          return s.subscribe('/user/queue/notifications');
        }),
      );
      const replies = await Promise.all(everyone.map((user) => api(t, 'POST', '/api/v1/matching/quick', { token: user.token })));
      expect(replies.map((r) => r.status)).toEqual(everyone.map(() => 200));
      // One of each pair made the match; the other was waiting when it was made.
      expect(replies.filter((r) => r.json.state === 'matched')).toHaveLength(4);

      const partnerOf = new Map<string, string>();
      for (const [i, user] of everyone.entries()) {
        const rooms = (await api(t, 'GET', '/api/v1/chat/rooms', { token: user.token })).json.items;
        expect(rooms).toHaveLength(1);
        const partner = rooms[0].members.find((m: { id: string }) => m.id !== user.userId).id;
        partnerOf.set(user.userId, partner);
        // Korean speakers learning English meet English speakers learning Korean, never each other.
        expect((korean.includes(user) ? english : korean).map((u) => u.userId)).toContain(partner);
        await until('the quick-match notice', () => queues[i]!.received.some((m) => JSON.parse(m.body).kind === 'quick-match'));
        const notice = queues[i]!.received.map((m) => JSON.parse(m.body)).find((n) => n.kind === 'quick-match');
        expect(notice.link).toBe(`/chat/${rooms[0].id}`);
      }
      for (const [user, partner] of partnerOf) expect(partnerOf.get(partner)).toBe(user);

      // Nobody compatible is left: a newcomer waits, then leaves.
      const late = await givenOnboarded(t, 'Late', KOREAN);
      expect((await api(t, 'POST', '/api/v1/matching/quick', { token: late.token })).json).toEqual({
        state: 'waiting',
        roomId: null,
        partnerId: null,
      });
      expect((await api(t, 'DELETE', '/api/v1/matching/quick', { token: late.token })).status).toBe(204);
    });

    it("sets the joiner's own gender and age wishes aside only when the page asks after a long wait", async () => {
      const waiting = await givenOnboarded(t, 'Waiting', ENGLISH); // female, like every default profile
      const picky = await givenOnboarded(t, 'Picky', KOREAN, { ...STEP_BODIES.partner, partnerGender: 'male' });
      expect((await api(t, 'POST', '/api/v1/matching/quick', { token: waiting.token })).json.state).toBe('waiting');
      expect((await api(t, 'POST', '/api/v1/matching/quick', { token: picky.token })).json.state).toBe('waiting');
      const relaxed = await api(t, 'POST', '/api/v1/matching/quick?relaxed=true', { token: picky.token });
      expect(relaxed.json).toMatchObject({ state: 'matched', partnerId: waiting.userId });
    });
  });

  describe.skipIf(backend.skip)(`match request expiry [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp(backend, { MATCH_REQUEST_TTL_SECONDS: '2', JOBS_POLL_MS: '50' });
    });
    afterAll(async () => t?.close());

    it('expires an unanswered request as a durable job: the sender sees no answer, the receiver nothing, and the pair is free again', async () => {
      const [minji, alex] = [await givenOnboarded(t, 'Minji', KOREAN), await givenOnboarded(t, 'Alex', ENGLISH)];
      const sent = await api(t, 'POST', '/api/v1/matching/requests', {
        token: minji.token,
        body: { receiverId: alex.userId, message: 'Hello' },
      });
      expect(sent.status).toBe(200);
      await until('the request expires', async () => {
        const mine = await api(t, 'GET', '/api/v1/matching/requests/sent', { token: minji.token });
        return mine.json.items[0].state === 'no-answer';
      });
      expect((await api(t, 'GET', '/api/v1/matching/requests/received', { token: alex.token })).json.items).toEqual([]);
      expect((await api(t, 'POST', `/api/v1/matching/requests/${sent.json.id}/accept`, { token: alex.token })).json.error.code).toBe(
        'MATCH_REQUEST_CLOSED',
      );
      await until('the expiry job frees the pair', async () => {
        const again = await api(t, 'POST', '/api/v1/matching/requests', {
          token: minji.token,
          body: { receiverId: alex.userId, message: 'Hello again' },
        });
        return again.status === 200;
      });
    });
  });
}
