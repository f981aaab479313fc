import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers/backends.js';
import { api, givenUser, type Client } from './helpers/app.js';
import { givenMates } from './helpers/mates.js';
import { startTwoNodes, type TwoNodes } from './helpers/two-nodes.js';
import { nextNotification } from './realtime/harness.js';
import { until } from './helpers/wait.js';

const TURN_SECRET = `test-${Math.random().toString(36).slice(2)}-${Date.now()}`;
const body = (m: { body: string }) => JSON.parse(m.body);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`calls [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    let nodes: TwoNodes;
    const call = (from: Client, payload: object) => api(nodes.t, 'POST', '/api/v1/calls', { token: from.token, body: payload });
    /** A participant in the call page: subscribed to the call's topic, over a connection to one node. */
    async function inCall(user: Client, callId: string, url = nodes.t.url) {
      const stomp = await nodes.connect(url, user.token);
      const events = await stomp.subscribe(`/sub/calls/${callId}`);
      const send = (payload: object) =>
        stomp.receipt((receipt) =>
          stomp.client.publish({ destination: `/pub/calls/${callId}`, body: JSON.stringify(payload), headers: { receipt } }),
        );
      /** The next event of this type (earlier ones of other types are passed over). */
      const next = async (type: string) => {
        for (;;) {
          const event = body(await events.next());
          if (event.type === type) return event;
        }
      };
      return { stomp, events, send, next };
    }
    const ringingQueue = async (user: Client, url = nodes.t.url) => (await nodes.connect(url, user.token)).subscribe('/user/queue/calls');

    beforeAll(async () => {
      nodes = await startTwoNodes(backend, {
        TURN_URLS: 'turn:127.0.0.1:3478?transport=udp,turn:127.0.0.1:3478?transport=tcp',
        TURN_SECRET,
        TURN_TTL_SECONDS: '600',
        CALL_RING_SECONDS: '2',
        CALL_RECONNECT_SECONDS: '2',
      });
      nodes.t.app.events.on('call.completed', 'calls-test', async (event) => void completed.push(event));
    });
    afterAll(async () => {
      await nodes?.close();
    });
    const completed: {
      data: {
        callId: string;
        sessionId: string | null;
        kind: string;
        participants: string[];
        startedAt: string;
        endedAt: string;
        connectedSeconds: number;
      };
    }[] = [];

    it('gives STUN and TURN with a TURN REST credential for me that expires after the TTL', async () => {
      const me = await givenUser(nodes.t);
      const res = await api(nodes.t, 'GET', '/api/v1/calls/ice-servers', { token: me.token });
      expect(res.status).toBe(200);
      expect(res.json.turn).toBe(true);
      expect(res.json.iceServers[0]).toEqual({ urls: ['stun:127.0.0.1:3478'] });
      const turn = res.json.iceServers[1];
      expect(turn.urls).toEqual(['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp']);
      const [expiry, userId] = turn.username.split(':');
      expect(userId).toBe(me.userId);
      expect(Number(expiry) - Date.now() / 1000).toBeGreaterThan(590);
      expect(Number(expiry) - Date.now() / 1000).toBeLessThanOrEqual(601);
      expect(turn.credential).toBe(createHmac('sha1', TURN_SECRET).update(turn.username).digest('base64'));
      expect(new Date(res.json.expiresAt).getTime()).toBe(Number(expiry) * 1000);
      expect((await api(nodes.t, 'GET', '/api/v1/calls/ice-servers')).status).toBe(401);
    });

    it('rings a mate on every device, refuses strangers, and only the two may see, subscribe to or send to the call', async () => {
      const { a, b } = await givenMates(nodes.t);
      const stranger = await givenUser(nodes.t, { name: 'Stranger' });
      expect((await call(stranger, { mateId: a.userId, kind: 'video' })).status).toBe(404);
      expect((await call(a, { mateId: a.userId, kind: 'video' })).status).toBe(404);

      const [bPhone, bLaptop] = [await ringingQueue(b), await ringingQueue(b, nodes.otherUrl)];
      const aQueue = await ringingQueue(a, nodes.otherUrl);
      const created = await call(a, { mateId: b.userId, kind: 'video' });
      expect(created.status).toBe(200);
      const callId = created.json.id;
      for (const device of [bPhone, bLaptop]) {
        expect(body(await device.next())).toMatchObject({
          type: 'ringing',
          callId,
          kind: 'video',
          from: { userId: a.userId, name: 'Minji' },
        });
      }
      // Pressing "call" again finds the same ringing call rather than ringing twice.
      expect((await call(a, { mateId: b.userId, kind: 'video' })).json.id).toBe(callId);

      // Someone else learns nothing: 404 over HTTP, ERROR on SUBSCRIBE and on SEND.
      expect((await api(nodes.t, 'GET', `/api/v1/calls/${callId}`, { token: stranger.token })).status).toBe(404);
      expect((await api(nodes.t, 'POST', `/api/v1/calls/${callId}/accept`, { token: stranger.token })).status).toBe(404);
      const snoop = await nodes.connect(nodes.t.url, stranger.token);
      await expect(snoop.subscribe(`/sub/calls/${callId}`)).rejects.toThrow();
      expect(snoop.errors[0]?.headers.message).toMatch(/not|refused|denied/i);
      const sender = await nodes.connect(nodes.otherUrl, stranger.token);
      sender.client.publish({ destination: `/pub/calls/${callId}`, body: JSON.stringify({ type: 'join' }) });
      await sender.closed;
      expect(JSON.parse(sender.errors[0]!.body).error.code).toBe('NOT_FOUND');

      // The callee cannot join before answering; answering tells both people's devices.
      const bIn = await inCall(b, callId, nodes.otherUrl);
      expect((await api(nodes.t, 'GET', `/api/v1/calls/${callId}`, { token: b.token })).json).toMatchObject({
        state: 'ringing',
        role: 'callee',
        partner: { userId: a.userId, name: 'Minji' },
      });
      const accepted = await api(nodes.t, 'POST', `/api/v1/calls/${callId}/accept`, { token: b.token });
      expect(accepted.status).toBe(200);
      expect(accepted.json).toMatchObject({ state: 'accepted', kind: 'video' });
      expect(body(await aQueue.next())).toEqual({ type: 'accepted', callId });
      for (const device of [bPhone, bLaptop]) expect(body(await device.next())).toEqual({ type: 'accepted', callId });
      await bIn.send({ type: 'join' });
      expect((await bIn.next('presence')).present.map((p: { userId: string }) => p.userId)).toEqual([b.userId]);
    });

    it('relays offers, answers and candidates to the other participant on another node, and records the time both were there', async () => {
      const { a, b } = await givenMates(nodes.t);
      const callId = (await call(a, { mateId: b.userId, kind: 'voice' })).json.id;
      await api(nodes.t, 'POST', `/api/v1/calls/${callId}/accept`, { token: b.token });
      const aIn = await inCall(a, callId, nodes.t.url);
      const bIn = await inCall(b, callId, nodes.otherUrl);
      // Negotiating before joining is refused: a leg is what the other side builds its connection for.
      const early = await nodes.connect(nodes.t.url, a.token);
      early.client.publish({ destination: `/pub/calls/${callId}`, body: JSON.stringify({ type: 'candidate', candidate: null }) });
      await early.closed;
      expect(JSON.parse(early.errors[0]!.body).error.code).toBe('CONFLICT');

      await aIn.send({ type: 'join' });
      const joinedAt = Date.now();
      await bIn.send({ type: 'join' });
      const both = await aIn.next('presence').then(() => aIn.next('presence'));
      expect(both.present.map((p: { userId: string }) => p.userId).sort()).toEqual([a.userId, b.userId].sort());
      const aLeg = both.present.find((p: { userId: string }) => p.userId === a.userId).leg;
      const bLeg = both.present.find((p: { userId: string }) => p.userId === b.userId).leg;

      // Each message names the partner leg it was made for, so a page tells a stale one apart.
      const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
      await aIn.send({ type: 'description', description: offer, to: bLeg });
      expect(await bIn.next('description')).toEqual({ type: 'description', from: a.userId, leg: aLeg, to: bLeg, description: offer });
      const candidate = { candidate: 'candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 };
      await bIn.send({ type: 'candidate', candidate });
      expect(await aIn.next('candidate')).toMatchObject({ type: 'candidate', from: b.userId, candidate });

      await sleep(1500);
      await aIn.send({ type: 'hangup' });
      const hungUpAt = Date.now();
      const [endedA, endedB] = [await aIn.next('ended'), await bIn.next('ended')];
      expect(endedA).toEqual(endedB);
      expect(endedA).toMatchObject({ by: a.userId, reason: 'hangup' });
      const view = (await api(nodes.t, 'GET', `/api/v1/calls/${callId}`, { token: b.token })).json;
      expect(view.state).toBe('ended');
      expect(Math.abs(view.connectedSeconds - (hungUpAt - joinedAt) / 1000)).toBeLessThanOrEqual(1);
      // The completed call is stated once, as an event progress will count.
      await until('call.completed delivered', () => completed.some((e) => e.data.callId === callId));
      const event = completed.find((e) => e.data.callId === callId)!;
      expect(event.data).toMatchObject({
        sessionId: null,
        kind: 'voice',
        participants: [a.userId, b.userId],
        connectedSeconds: view.connectedSeconds,
      });
      expect(new Date(event.data.endedAt).getTime() - new Date(event.data.startedAt).getTime()).toBeGreaterThanOrEqual(
        view.connectedSeconds * 1000 - 1000,
      );
      expect(view.connectedSeconds).toBeGreaterThanOrEqual(1);

      // Each rates the other afterwards; the note is theirs alone.
      const rated = await api(nodes.t, 'PUT', `/api/v1/calls/${callId}/rating`, {
        token: b.token,
        body: { stars: 5, talkAgain: true, note: 'Great at explaining idioms' },
      });
      expect(rated.status).toBe(200);
      expect(rated.json.myRating).toEqual({ stars: 5, talkAgain: true, note: 'Great at explaining idioms' });
      expect((await api(nodes.t, 'GET', `/api/v1/calls/${callId}`, { token: a.token })).json.myRating).toBeNull();
      expect(
        (await api(nodes.t, 'PUT', `/api/v1/calls/${callId}/rating`, { token: a.token, body: { stars: 6, talkAgain: false } })).status,
      ).toBe(400);
      // A call that is over cannot be joined again.
      const again = await inCall(a, callId);
      again.stomp.client.publish({ destination: `/pub/calls/${callId}`, body: JSON.stringify({ type: 'join' }) });
      await again.stomp.closed;
      expect(JSON.parse(again.stomp.errors[0]!.body).error.code).toBe('CONFLICT');
    });

    it('a dropped participant shows as reconnecting and may come back; gone for good, the call ends and counts only the time together', async () => {
      const { a, b } = await givenMates(nodes.t);
      const callId = (await call(a, { mateId: b.userId, kind: 'video' })).json.id;
      await api(nodes.t, 'POST', `/api/v1/calls/${callId}/accept`, { token: b.token });
      const aIn = await inCall(a, callId);
      await aIn.send({ type: 'join' });
      let bIn = await inCall(b, callId, nodes.otherUrl);
      await bIn.send({ type: 'join' });
      await until('both are in', async () => (await aIn.next('presence')).present.length === 2);
      const together = Date.now();

      await bIn.stomp.disconnect();
      const dropped = await aIn.next('presence');
      expect(dropped.present.map((p: { userId: string }) => p.userId)).toEqual([a.userId]);
      expect(dropped.reconnecting).toMatchObject([{ userId: b.userId }]);
      const apart = Date.now();

      // Back within the window over a new connection: a new leg, the call goes on.
      bIn = await inCall(b, callId, nodes.t.url);
      await bIn.send({ type: 'join' });
      const back = await aIn.next('presence');
      expect(back.present).toHaveLength(2);
      const rejoined = Date.now();
      await sleep(500);
      await bIn.stomp.disconnect();
      const gone = Date.now();
      // Not back: the call ends on its own after CALL_RECONNECT_SECONDS.
      expect(await aIn.next('ended')).toMatchObject({ reason: 'dropped', by: b.userId });
      const view = (await api(nodes.t, 'GET', `/api/v1/calls/${callId}`, { token: a.token })).json;
      expect(view.state).toBe('ended');
      const expected = (apart - together + (gone - rejoined)) / 1000;
      expect(Math.abs(view.connectedSeconds - expected)).toBeLessThanOrEqual(1);
    });

    it('an unanswered call is missed: the callee stops ringing and gets a missed-call notification; a declined one ends for both', async () => {
      const { a, b } = await givenMates(nodes.t);
      const bStomp = await nodes.connect(nodes.otherUrl, b.token);
      const [bCalls, bNotes] = [await bStomp.subscribe('/user/queue/calls'), await bStomp.subscribe('/user/queue/notifications')];
      const missedId = (await call(a, { mateId: b.userId, kind: 'voice' })).json.id;
      expect(body(await bCalls.next())).toMatchObject({ type: 'ringing', callId: missedId });
      expect(body(await bCalls.next())).toEqual({ type: 'missed', callId: missedId });
      // Stored in the person's notifications (Korean unless their app says otherwise), with a way to call back.
      expect(await nextNotification(bNotes)).toMatchObject({
        kind: 'missed-call',
        title: 'Minji 님의 부재중 음성 통화',
        link: expect.stringMatching(/^\/chat\//),
      });
      const listed = await api(nodes.t, 'GET', '/api/v1/notifications', { token: b.token });
      expect(listed.json.items.filter((n: { kind: string }) => n.kind === 'missed-call')).toHaveLength(1);
      expect((await api(nodes.t, 'GET', `/api/v1/calls/${missedId}`, { token: a.token })).json.state).toBe('missed');
      expect((await api(nodes.t, 'POST', `/api/v1/calls/${missedId}/accept`, { token: b.token })).status).toBe(409);

      const declinedId = (await call(a, { mateId: b.userId, kind: 'video' })).json.id;
      expect(declinedId).not.toBe(missedId);
      const aIn = await inCall(a, declinedId);
      await aIn.send({ type: 'join' });
      expect((await api(nodes.t, 'POST', `/api/v1/calls/${declinedId}/decline`, { token: a.token })).status).toBe(409);
      expect((await api(nodes.t, 'POST', `/api/v1/calls/${declinedId}/decline`, { token: b.token })).status).toBe(204);
      expect(await aIn.next('ended')).toMatchObject({ reason: 'declined', connectedSeconds: 0 });
    });

    it('calls the partner of a 1:1 room (a quick match), and refuses a booked session while no sessions module answers', async () => {
      const { a, b, roomId } = await givenMates(nodes.t);
      const stranger = await givenUser(nodes.t);
      expect((await call(stranger, { roomId, kind: 'video' })).status).toBe(404);
      const bQueue = await ringingQueue(b);
      const created = await call(a, { roomId, kind: 'video' });
      expect(created.status).toBe(200);
      expect(body(await bQueue.next())).toMatchObject({ type: 'ringing', callId: created.json.id });
      expect((await api(nodes.t, 'GET', `/api/v1/calls/${created.json.id}`, { token: a.token })).json.roomId).toBe(roomId);
      expect((await call(a, { sessionId: 'no-such-session' })).status).toBe(404);
      expect((await call(a, { mateId: b.userId, kind: 'video', extra: 1 })).status).toBe(400);
    });
  });
}
