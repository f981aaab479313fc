import type { IMessage } from '@stomp/stompjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwoNodes, type TwoNodes } from './helpers/two-nodes.js';
import { BACKENDS } from './helpers/backends.js';
import { api, givenUser, type Client, type TestApp } from './helpers/app.js';
import { until } from './helpers/wait.js';

let n = 0;
const clientId = () => `me${Date.now().toString(36)}${(++n).toString(36).padStart(4, '0')}`;
const bodies = (list: IMessage[]) => list.map((m) => JSON.parse(m.body) as Record<string, unknown>);
const settle = () => new Promise((r) => setTimeout(r, 400));

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(
    `a membership that ends ends its subscriptions [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`,
    () => {
      let nodes: TwoNodes;
      let t: TestApp;
      let otherUrl: string;
      const connect = (url: string, user: Client) => nodes.connect(url, user.token);
      const say = (user: Client, roomId: string, body: string) =>
        api(t, 'POST', `/api/v1/chat/rooms/${roomId}/messages`, { token: user.token, body: { clientId: clientId(), kind: 'text', body } });

      beforeAll(async () => {
        nodes = await startTwoNodes(backend);
        ({ t, otherUrl } = nodes);
      });
      afterAll(async () => nodes?.close());

      it("someone who leaves a group stops getting its messages and its members' presence at once, on every node, and is told", async () => {
        const [minji, alex, jun] = await Promise.all([givenUser(t), givenUser(t), givenUser(t)]);
        const group = (
          await api(t, 'POST', '/api/v1/chat/rooms/group', {
            token: minji.token,
            body: { name: 'Film club', memberIds: [alex.userId, jun.userId] },
          })
        ).json.id as string;
        const direct = (await api(t, 'POST', '/api/v1/chat/rooms/direct', { token: alex.token, body: { partnerId: minji.userId } })).json
          .id as string;

        // Alex on the other node, Jun and Minji on this one.
        const a = await connect(otherUrl, alex);
        const alexGroup = await a.subscribe(`/sub/chat/rooms/${group}`);
        const alexDirect = await a.subscribe(`/sub/chat/rooms/${direct}`);
        const alexSeesJun = await a.subscribe(`/sub/presence/${jun.userId}`);
        const alexQueue = await a.subscribe('/user/queue/notifications');
        const j = await connect(t.url, jun);
        const junSeesAlex = await j.subscribe(`/sub/presence/${alex.userId}`);
        const m = await connect(t.url, minji);
        const minjiGroup = await m.subscribe(`/sub/chat/rooms/${group}`);

        // Before leaving, Alex gets the group's messages.
        await say(minji, group, 'before');
        expect(bodies([await alexGroup.next()])[0]).toMatchObject({ type: 'message', message: { body: 'before' } });
        await minjiGroup.next();

        // Presence seen so far (Jun and Minji connecting) is fine: they shared a room then.
        await settle();
        const [seenOfJun, seenOfAlex] = [alexSeesJun.received.length, junSeesAlex.received.length];
        expect((await api(t, 'DELETE', `/api/v1/chat/rooms/${group}/members/me`, { token: alex.token })).status).toBe(204);

        await say(minji, group, 'after');
        await until('Minji to get her own message', () => minjiGroup.received.some((x) => JSON.parse(x.body).message?.body === 'after'));
        // Jun and Alex show themselves: presence events that nobody outside a shared room may see.
        const junAgain = await connect(otherUrl, jun);
        const alexAgain = await connect(t.url, alex);
        // The direct room still works on the same connection: only the group's subscription ended.
        await say(minji, direct, 'still friends');
        expect(bodies([await alexDirect.next()])[0]).toMatchObject({ type: 'message', message: { body: 'still friends' } });
        await settle();

        expect(bodies(alexGroup.received).filter((e) => e.type !== 'message' || (e.message as { body: string }).body !== 'before')).toEqual(
          [],
        );
        expect(bodies(alexSeesJun.received.slice(seenOfJun))).toEqual([]);
        expect(bodies(junSeesAlex.received.slice(seenOfAlex))).toEqual([]);
        // Told on the notification queue, which every STOMP client can read without losing its connection.
        const told = JSON.parse((await alexQueue.next()).body);
        expect(told).toMatchObject({ kind: 'chat-room-removed', title: 'Film club', link: `/chat/${group}` });
        expect(a.errors).toEqual([]);
        expect(a.client.connected).toBe(true);
        await Promise.all([junAgain.disconnect(), alexAgain.disconnect()]);
      });

      it('the owner removes a member: the member stops hearing the group at once on any node and is told; nobody else may remove', async () => {
        const [minji, alex, jun] = await Promise.all([givenUser(t), givenUser(t), givenUser(t)]);
        const group = (
          await api(t, 'POST', '/api/v1/chat/rooms/group', {
            token: minji.token,
            body: { name: 'Book club', memberIds: [alex.userId, jun.userId] },
          })
        ).json.id as string;
        const a = await connect(otherUrl, alex);
        const alexGroup = await a.subscribe(`/sub/chat/rooms/${group}`);
        const alexQueue = await a.subscribe('/user/queue/notifications');

        const remove = (by: Client, who: Client) =>
          api(t, 'DELETE', `/api/v1/chat/rooms/${group}/members/${who.userId}`, { token: by.token });
        expect((await remove(jun, alex)).status).toBe(403);
        expect((await remove(minji, minji)).status).toBe(409);
        const removed = await remove(minji, alex);
        expect(removed.status).toBe(200);
        expect(removed.json.members.map((m: { id: string }) => m.id).sort()).toEqual([minji.userId, jun.userId].sort());
        expect((await remove(minji, alex)).status).toBe(404);

        await say(minji, group, 'without Alex');
        await settle();
        expect(bodies(alexGroup.received).filter((e) => e.type === 'message')).toEqual([]);
        expect(JSON.parse((await alexQueue.next()).body)).toMatchObject({ kind: 'chat-room-removed', title: 'Book club' });
        expect((await api(t, 'GET', `/api/v1/chat/rooms/${group}/messages`, { token: alex.token })).status).toBe(404);
      });

      it('presence subscriptions between people who still share another room stay', async () => {
        const [minji, alex] = await Promise.all([givenUser(t), givenUser(t)]);
        const group = (
          await api(t, 'POST', '/api/v1/chat/rooms/group', { token: minji.token, body: { name: 'Two rooms', memberIds: [alex.userId] } })
        ).json.id as string;
        await api(t, 'POST', '/api/v1/chat/rooms/direct', { token: alex.token, body: { partnerId: minji.userId } });
        const a = await connect(otherUrl, alex);
        const alexSeesMinji = await a.subscribe(`/sub/presence/${minji.userId}`);
        expect((await api(t, 'DELETE', `/api/v1/chat/rooms/${group}/members/me`, { token: alex.token })).status).toBe(204);
        await settle();
        await connect(t.url, minji);
        expect(JSON.parse((await alexSeesMinji.next()).body)).toMatchObject({ userId: minji.userId, status: 'online' });
      });
    },
  );
}
