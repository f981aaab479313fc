import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { BACKENDS } from './helpers/backends.js';
import { api, givenUser, startApp, type Client, type TestApp } from './helpers/app.js';
import { until } from './helpers/wait.js';
import { connectStomp, type StompSession } from './realtime/harness.js';

let n = 0;
const clientId = () => `rt${Date.now().toString(36)}${(++n).toString(36).padStart(4, '0')}`;

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`chat over STOMP [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    let t: TestApp;
    let minji: Client;
    let alex: Client;
    let stranger: Client;
    let roomId: string;
    const sessions: StompSession[] = [];
    const connect = async (user: Client) => {
      const s = await connectStomp(`${t.url.replace('http', 'ws')}/ws`, { Authorization: `Bearer ${user.token}` });
      sessions.push(s);
      return s;
    };

    beforeAll(async () => {
      t = await startApp(backend);
      [minji, alex, stranger] = await Promise.all([givenUser(t), givenUser(t), givenUser(t)]);
      roomId = (await api(t, 'POST', '/api/v1/chat/rooms/direct', { token: minji.token, body: { partnerId: alex.userId } })).json.id;
    });
    afterAll(async () => {
      await Promise.allSettled(sessions.map((s) => s.disconnect()));
      await t?.close();
    });

    it('delivers a message to both members in real time, and receipts it only once stored', async () => {
      const [a, b] = [await connect(minji), await connect(alex)];
      const [subA, subB] = [await a.subscribe(`/sub/chat/rooms/${roomId}`), await b.subscribe(`/sub/chat/rooms/${roomId}`)];
      const id = clientId();
      await a.receipt((receipt) =>
        a.client.publish({
          destination: `/pub/chat/rooms/${roomId}/messages`,
          headers: { receipt },
          body: JSON.stringify({ clientId: id, kind: 'text', body: '오늘 영화 볼래요?' }),
        }),
      );
      // The receipt came after the store: the message is already in history.
      const history = await api(t, 'GET', `/api/v1/chat/rooms/${roomId}/messages`, { token: alex.token });
      expect(history.json.items[0]).toMatchObject({ clientId: id, body: '오늘 영화 볼래요?' });
      for (const sub of [subA, subB]) {
        const event = JSON.parse((await sub.next()).body);
        expect(event).toMatchObject({ type: 'message', message: { clientId: id, senderId: minji.userId } });
      }
    });

    it('delivers to a subscription and accepts a SEND that spell the room id and the reply id in capitals', async () => {
      // MariaDB's collation matched the capitals, so such a subscription once passed and then heard nothing.
      const [a, b] = [await connect(minji), await connect(alex)];
      const shouting = await b.subscribe(`/sub/chat/rooms/${roomId.toUpperCase()}`);
      const first = clientId();
      await a.receipt((receipt) =>
        a.client.publish({
          destination: `/pub/chat/rooms/${roomId.toUpperCase()}/messages`,
          headers: { receipt },
          body: JSON.stringify({ clientId: first, kind: 'text', body: 'capital room id' }),
        }),
      );
      const heard = JSON.parse((await shouting.next()).body);
      expect(heard).toMatchObject({ type: 'message', message: { roomId, clientId: first } });
      const reply = clientId();
      await a.receipt((receipt) =>
        a.client.publish({
          destination: `/pub/chat/rooms/${roomId}/messages`,
          headers: { receipt },
          body: JSON.stringify({ clientId: reply, kind: 'text', body: 'a reply', replyToId: heard.message.id.toUpperCase() }),
        }),
      );
      expect(JSON.parse((await shouting.next()).body).message.replyTo).toMatchObject({ id: heard.message.id });
    });

    it('stores a resent message once, after a dropped connection', async () => {
      const a = await connect(minji);
      const id = clientId();
      const body = JSON.stringify({ clientId: id, kind: 'text', body: 'sent twice, stored once' });
      await a.receipt((receipt) => a.client.publish({ destination: `/pub/chat/rooms/${roomId}/messages`, headers: { receipt }, body }));
      await a.disconnect();
      const again = await connect(minji);
      await again.receipt((receipt) =>
        again.client.publish({ destination: `/pub/chat/rooms/${roomId}/messages`, headers: { receipt }, body }),
      );
      const history = await api(t, 'GET', `/api/v1/chat/rooms/${roomId}/messages?limit=100`, { token: alex.token });
      expect(history.json.items.filter((m: { clientId: string }) => m.clientId === id)).toHaveLength(1);
    });

    it('accepts a reply and a correction over STOMP (ids and formats checked like over HTTP)', async () => {
      const a = await connect(minji);
      const b = await connect(alex);
      const original = await api(t, 'POST', `/api/v1/chat/rooms/${roomId}/messages`, {
        token: alex.token,
        body: { clientId: clientId(), kind: 'text', body: 'I goed home' },
      });
      const sub = await b.subscribe(`/sub/chat/rooms/${roomId}`);
      await a.receipt((receipt) =>
        a.client.publish({
          destination: `/pub/chat/rooms/${roomId}/messages`,
          headers: { receipt },
          body: JSON.stringify({
            clientId: clientId(),
            kind: 'correction',
            replyToId: original.json.id,
            originalText: 'I goed home',
            body: 'I went home',
          }),
        }),
      );
      expect(JSON.parse((await sub.next()).body)).toMatchObject({
        type: 'message',
        message: { kind: 'correction', replyTo: { id: original.json.id } },
      });
    });

    it('shows typing and read receipts to the other member', async () => {
      const [a, b] = [await connect(minji), await connect(alex)];
      const subA = await a.subscribe(`/sub/chat/rooms/${roomId}`);
      await b.receipt((receipt) =>
        b.client.publish({ destination: `/pub/chat/rooms/${roomId}/typing`, headers: { receipt }, body: JSON.stringify({ typing: true }) }),
      );
      expect(JSON.parse((await subA.next()).body)).toEqual({ type: 'typing', roomId, userId: alex.userId, typing: true });
      await b.receipt((receipt) =>
        b.client.publish({ destination: `/pub/chat/rooms/${roomId}/read`, headers: { receipt }, body: JSON.stringify({ seq: 1 }) }),
      );
      expect(JSON.parse((await subA.next()).body)).toMatchObject({ type: 'read', userId: alex.userId, lastReadSeq: 1 });
    });

    it("refuses to subscribe a stranger to the pair's room, and delivers nothing to them", async () => {
      const s = await connect(stranger);
      const delivered: string[] = [];
      s.client.subscribe(`/sub/chat/rooms/${roomId}`, (m) => delivered.push(m.body));
      // A member talks while the stranger's SUBSCRIBE is being refused.
      const a = await connect(minji);
      await a.receipt((receipt) =>
        a.client.publish({
          destination: `/pub/chat/rooms/${roomId}/messages`,
          headers: { receipt },
          body: JSON.stringify({ clientId: clientId(), kind: 'text', body: 'private' }),
        }),
      );
      await s.closed;
      expect(s.errors[0]?.headers.message).toMatch(/No such destination/);
      expect(delivered).toEqual([]);
    });

    it('refuses a stranger sending to the room with an ERROR, and stores nothing', async () => {
      const s = await connect(stranger);
      const id = clientId();
      s.client.publish({
        destination: `/pub/chat/rooms/${roomId}/messages`,
        headers: { receipt: 'x-1' },
        body: JSON.stringify({ clientId: id, kind: 'text', body: 'intrusion' }),
      });
      await s.closed;
      expect(s.errors[0]?.headers['receipt-id']).toBe('x-1');
      const history = await api(t, 'GET', `/api/v1/chat/rooms/${roomId}/messages?limit=100`, { token: minji.token });
      expect(history.json.items.some((m: { clientId: string }) => m.clientId === id)).toBe(false);
    });

    it('publishes presence (online, away, offline with last seen) to room partners only, and the room list shows it', async () => {
      // Fresh people: the other tests leave connections of Minji and Alex open.
      const [yuna, sam, outsider] = await Promise.all([givenUser(t), givenUser(t), givenUser(t)]);
      const room = (await api(t, 'POST', '/api/v1/chat/rooms/direct', { token: yuna.token, body: { partnerId: sam.userId } })).json.id;
      const presenceOf = async () =>
        (await api(t, 'GET', `/api/v1/chat/rooms/${room}`, { token: yuna.token })).json.members.find(
          (m: { id: string }) => m.id === sam.userId,
        );
      expect(await presenceOf()).toMatchObject({ presence: 'offline', lastSeenAt: null });

      const watcher = await connect(yuna);
      const watch = await watcher.subscribe(`/sub/presence/${sam.userId}`);
      const next = async () => JSON.parse((await watch.next()).body);

      const samsSocket = await connect(sam);
      expect(await next()).toMatchObject({ userId: sam.userId, status: 'online' });
      expect(await presenceOf()).toMatchObject({ presence: 'online' });

      await samsSocket.receipt((receipt) =>
        samsSocket.client.publish({ destination: '/pub/presence', headers: { receipt }, body: JSON.stringify({ status: 'away' }) }),
      );
      expect(await next()).toMatchObject({ userId: sam.userId, status: 'away' });
      expect(await presenceOf()).toMatchObject({ presence: 'away' });
      // A second, active device makes Sam online again although the first is away.
      const samsPhone = await connect(sam);
      expect(await next()).toMatchObject({ status: 'online' });
      await samsPhone.disconnect();
      expect(await next()).toMatchObject({ status: 'away' });
      await samsSocket.receipt((receipt) =>
        samsSocket.client.publish({ destination: '/pub/presence', headers: { receipt }, body: JSON.stringify({ status: 'online' }) }),
      );
      expect(await next()).toMatchObject({ status: 'online' });

      const before = Date.now();
      await samsSocket.disconnect();
      const offline = await next();
      expect(offline).toMatchObject({ userId: sam.userId, status: 'offline' });
      expect(Date.parse(offline.lastSeenAt)).toBeGreaterThanOrEqual(before - 1000);
      const listed = await presenceOf();
      expect(listed.presence).toBe('offline');
      expect(Date.parse(listed.lastSeenAt)).toBeGreaterThanOrEqual(before - 1000);

      // Someone who shares no room with Sam may not watch him; an invalid status is refused.
      const nosy = await connect(outsider);
      await expect(nosy.subscribe(`/sub/presence/${sam.userId}`)).rejects.toThrow();
      expect(nosy.errors[0]?.headers.message).toMatch(/No such destination/);
      const bad = await connect(yuna);
      bad.client.publish({ destination: '/pub/presence', body: JSON.stringify({ status: 'invisible' }) });
      await bad.closed;
      expect(bad.errors[0]?.body).toContain('status');
    });

    it('tells people on their notification queue when they are added to a room, and nobody else', async () => {
      const [jun, sam] = await Promise.all([givenUser(t, { name: 'Jun' }), givenUser(t, { name: 'Sam' })]);
      const junQueue = await (await connect(jun)).subscribe('/user/queue/notifications');
      const samQueue = await (await connect(sam)).subscribe('/user/queue/notifications');
      const strangerQueue = await (await connect(stranger)).subscribe('/user/queue/notifications');
      const next = async (queue: typeof junQueue) => JSON.parse((await queue.next()).body);

      // A partner's first 1:1 room.
      const direct = (await api(t, 'POST', '/api/v1/chat/rooms/direct', { token: minji.token, body: { partnerId: jun.userId } })).json.id;
      expect(await next(junQueue)).toMatchObject({ kind: 'chat-room-added', link: `/chat/${direct}`, title: expect.any(String) });
      // A new group, to each member but its owner.
      const group = (
        await api(t, 'POST', '/api/v1/chat/rooms/group', { token: minji.token, body: { name: '주말 스터디', memberIds: [jun.userId] } })
      ).json.id;
      expect(await next(junQueue)).toMatchObject({ kind: 'chat-room-added', title: '주말 스터디', link: `/chat/${group}` });
      // An invitation.
      expect(
        (await api(t, 'POST', `/api/v1/chat/rooms/${group}/members`, { token: minji.token, body: { userId: sam.userId } })).status,
      ).toBe(200);
      expect(await next(samQueue)).toMatchObject({ kind: 'chat-room-added', title: '주말 스터디', link: `/chat/${group}` });
      // Opening an existing 1:1 again announces nothing, and the stranger heard nothing: the next
      // thing on each queue is a later group with all three.
      await api(t, 'POST', '/api/v1/chat/rooms/direct', { token: jun.token, body: { partnerId: minji.userId } });
      const later = (
        await api(t, 'POST', '/api/v1/chat/rooms/group', {
          token: minji.token,
          body: { name: 'later', memberIds: [jun.userId, sam.userId, stranger.userId] },
        })
      ).json.id;
      for (const queue of [junQueue, samQueue, strangerQueue]) expect(await next(queue)).toMatchObject({ link: `/chat/${later}` });
    });

    it('stops a member who left from sending at once, on this node and on another sharing the backends', async () => {
      // Embedded mode is one process, so only the production backends have a real second node.
      const other = backend.name === 'mysql+redis' ? await buildApp(t.config) : null;
      await other?.listen({ host: '127.0.0.1', port: 0 });
      const otherUrl = other ? `http://127.0.0.1:${(other.server.address() as { port: number }).port}` : t.url;
      try {
        const group = (
          await api(t, 'POST', '/api/v1/chat/rooms/group', { token: minji.token, body: { name: 'Leaving', memberIds: [alex.userId] } })
        ).json.id;
        const send = (url: string) =>
          api({ url }, 'POST', `/api/v1/chat/rooms/${group}/messages`, {
            token: alex.token,
            body: { clientId: clientId(), kind: 'text', body: 'still here?' },
          });
        // Both nodes have now seen Alex as a member (and may remember it).
        expect((await send(t.url)).status).toBe(200);
        expect((await send(otherUrl)).status).toBe(200);
        const s = await connect(alex);
        expect((await api(t, 'DELETE', `/api/v1/chat/rooms/${group}/members/me`, { token: alex.token })).status).toBe(204);
        expect((await send(t.url)).status).toBe(404);
        s.client.publish({
          destination: `/pub/chat/rooms/${group}/messages`,
          body: JSON.stringify({ clientId: clientId(), kind: 'text', body: 'over STOMP' }),
        });
        await s.closed;
        expect(s.errors[0]?.headers.code).toBe('NOT_FOUND');
        // The other node hears of it through the bus, long before a remembered membership would lapse.
        await until('the other node refuses the sender who left', async () => (await send(otherUrl)).status === 404, 5_000);
        const history = await api(t, 'GET', `/api/v1/chat/rooms/${group}/messages`, { token: minji.token });
        expect(history.json.items.map((m: { body: string }) => m.body)).toEqual(['still here?', 'still here?']);
      } finally {
        await other?.close();
      }
    });

    it('refuses an invalid message body with an ERROR naming the field', async () => {
      const s = await connect(minji);
      s.client.publish({
        destination: `/pub/chat/rooms/${roomId}/messages`,
        body: JSON.stringify({ clientId: 'short', kind: 'text', body: 'x' }),
      });
      await s.closed;
      expect(s.errors[0]?.body).toContain('clientId');
    });
  });
}
