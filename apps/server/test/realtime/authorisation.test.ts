import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import { AccessTokens } from '../../src/platform/auth/tokens.js';
import { AppError } from '../../src/platform/http/errors.js';
import { headerValue } from '../../src/platform/realtime/codec.js';
import { connectFrame, connectStomp, rawPeer, sleep, startNode, TEST_SECRET, tokenFor, type Node } from './harness.js';

const expiredToken = (sub: string) =>
  new SignJWT({ role: 'user', typ: 'access' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuer('studymate')
    .setIssuedAt(Math.floor(Date.now() / 1000) - 120)
    .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
    .sign(new TextEncoder().encode(TEST_SECRET));

describe('realtime authentication', () => {
  let node: Node;
  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(async () => node?.close());

  const refusedWith = async (headers: Record<string, string>) => {
    const failure = await connectStomp(node.url, headers).then(
      () => null,
      (error: Error & { frame?: { headers: Record<string, string>; body: string } }) => error,
    );
    expect(failure?.frame, 'an ERROR frame, not just a dropped socket').toBeDefined();
    return failure!.frame!;
  };

  it('refuses a CONNECT without a token', async () => {
    const frame = await refusedWith({});
    expect(JSON.parse(frame.body).error.code).toBe('UNAUTHENTICATED');
    expect(frame.headers.message).toMatch(/Bearer/);
  });

  it('refuses a token signed with another secret', async () => {
    const forged = await new AccessTokens('another-secret-entirely-another-secret-0000', 900).sign({ sub: 'u-1', role: 'admin' });
    expect(JSON.parse((await refusedWith({ Authorization: `Bearer ${forged}` })).body).error.code).toBe('UNAUTHENTICATED');
  });

  it('refuses an expired token with TOKEN_EXPIRED', async () => {
    const frame = await refusedWith({ Authorization: `Bearer ${await expiredToken('u-1')}` });
    expect(JSON.parse(frame.body).error.code).toBe('TOKEN_EXPIRED');
  });

  it('refuses a token passed as passcode instead of Authorization', async () => {
    const token = await tokenFor(node, 'u-1');
    expect(JSON.parse((await refusedWith({ login: 'u-1', passcode: token })).body).error.code).toBe('UNAUTHENTICATED');
  });

  it('accepts the header name in any case', async () => {
    const token = await tokenFor(node, 'u-1');
    const stomp = await connectStomp(node.url, { authorization: `bearer ${token}` });
    expect(stomp.connected.headers['user-name']).toBe('u-1');
    await stomp.disconnect();
  });

  it('closes the connection when its token expires', async () => {
    const shortLived = await new AccessTokens(TEST_SECRET, 1).sign({ sub: 'u-short', role: 'user' });
    const stomp = await connectStomp(node.url, { Authorization: `Bearer ${shortLived}` });
    const started = Date.now();
    await stomp.closed;
    expect(Date.now() - started).toBeLessThan(2500);
    expect(JSON.parse(stomp.errors[0]!.body).error.code).toBe('TOKEN_EXPIRED');
    // A fresh token opens a fresh connection.
    const again = await connectStomp(node.url, { Authorization: `Bearer ${await tokenFor(node, 'u-short')}` });
    expect(again.client.connected).toBe(true);
    await again.disconnect();
  });

  it('closes a socket that never sends CONNECT', async () => {
    const quick = await startNode({ limits: { connectTimeoutMs: 200 } });
    try {
      const peer = await rawPeer(quick.url);
      await peer.closed;
      expect(peer.frames.map((f) => f.command)).toEqual(['ERROR']);
    } finally {
      await quick.close();
    }
  });
});

describe('realtime authorisation', () => {
  let node: Node;
  const authorised: Array<{ userId: string; roomId: string }> = [];
  const sent: Array<{ userId: string; roomId: string }> = [];
  const members: Record<string, string[]> = { 'room-ab': ['alice', 'bob'], 'room-cd': ['carol', 'dave'] };

  beforeAll(async () => {
    node = await startNode();
    node.gateway.registerSubscription('/sub/test/rooms/{roomId}', async (principal, { roomId }) => {
      authorised.push({ userId: principal.userId, roomId });
      return members[roomId]?.includes(principal.userId) ?? false;
    });
    node.gateway.registerHandler(
      '/pub/test/rooms/{roomId}/messages',
      async (principal, { roomId }, frame) => {
        if (!members[roomId]?.includes(principal.userId)) {
          return { error: new AppError('NOT_FOUND', 'No such room, or not yours.') };
        }
        sent.push({ userId: principal.userId, roomId });
        await node.gateway.publish('/sub/test/rooms/{roomId}', { roomId }, { text: frame.payload.text });
      },
      { body: Type.Object({ text: Type.String({ maxLength: 100 }) }, { additionalProperties: false }) },
    );
  });
  afterAll(async () => node?.close());

  const as = async (userId: string) => connectStomp(node.url, { Authorization: `Bearer ${await tokenFor(node, userId)}` });

  it('lets members subscribe to their room and hands the hook the principal and params', async () => {
    const alice = await as('alice');
    const room = await alice.subscribe('/sub/test/rooms/room-ab');
    expect(authorised.at(-1)).toEqual({ userId: 'alice', roomId: 'room-ab' });
    await node.gateway.publish('/sub/test/rooms/{roomId}', { roomId: 'room-ab' }, { text: 'hello bob' });
    expect(JSON.parse((await room.next()).body)).toEqual({ text: 'hello bob' });
    await alice.disconnect();
  });

  it("refuses subscribing to another pair's room: ERROR, close, nothing routed", async () => {
    const alice = await as('alice');
    alice.client.subscribe('/sub/test/rooms/room-cd', () => {}, { receipt: 'peek' });
    await alice.closed;
    expect(JSON.parse(alice.errors[0]!.body).error.code).toBe('NOT_FOUND');
    expect(alice.errors[0]!.headers['receipt-id']).toBe('peek');
    await node.gateway.publish('/sub/test/rooms/{roomId}', { roomId: 'room-cd' }, { text: 'private' });
    expect(alice.messages('/sub/test/rooms/room-cd')).toEqual([]);
    expect(node.gateway.localRoutes()).not.toContain('t:/sub/test/rooms/room-cd');
  });

  it("refuses sending to another pair's room, and nothing is handled or delivered", async () => {
    const carol = await as('carol');
    const room = await carol.subscribe('/sub/test/rooms/room-cd');
    const alice = await as('alice');
    alice.client.publish({ destination: '/pub/test/rooms/room-cd/messages', body: '{"text":"intrusion"}', headers: { receipt: 'x' } });
    await alice.closed;
    expect(JSON.parse(alice.errors[0]!.body).error.code).toBe('NOT_FOUND');
    expect(sent.filter((s) => s.roomId === 'room-cd')).toEqual([]);
    // Carol's own message arrives and is the only one.
    await carol.receipt((receipt) =>
      carol.client.publish({ destination: '/pub/test/rooms/room-cd/messages', body: '{"text":"mine"}', headers: { receipt } }),
    );
    expect(JSON.parse((await room.next()).body)).toEqual({ text: 'mine' });
    expect(room.received).toHaveLength(1);
    await carol.disconnect();
  });

  it('tells a connection that follows /user/queue/errors of a refused SUBSCRIBE and SEND there, and keeps it open', async () => {
    const alice = await as('alice');
    const errors = await alice.subscribe('/user/queue/errors');
    const room = await alice.subscribe('/sub/test/rooms/room-ab');
    alice.client.subscribe('/sub/test/rooms/room-cd', () => {}, { receipt: 'peek' });
    const refusedWatch = await errors.next();
    expect(JSON.parse(refusedWatch.body).error.code).toBe('NOT_FOUND');
    expect(refusedWatch.headers['receipt-id']).toBe('peek');
    alice.client.publish({ destination: '/pub/test/rooms/room-cd/messages', body: '{"text":"intrusion"}', headers: { receipt: 'x' } });
    const refusedSend = await errors.next();
    expect(JSON.parse(refusedSend.body).error.code).toBe('NOT_FOUND');
    expect(refusedSend.headers['receipt-id']).toBe('x');
    expect(sent.filter((s) => s.roomId === 'room-cd' && s.userId === 'alice')).toEqual([]);
    await node.gateway.publish('/sub/test/rooms/{roomId}', { roomId: 'room-cd' }, { text: 'private' });
    expect(node.gateway.localRoutes()).not.toContain('t:/sub/test/rooms/room-cd');
    // Still connected, with its other subscriptions: its own room's next message arrives.
    await alice.receipt((receipt) =>
      alice.client.publish({ destination: '/pub/test/rooms/room-ab/messages', body: '{"text":"still here"}', headers: { receipt } }),
    );
    expect(JSON.parse((await room.next()).body)).toEqual({ text: 'still here' });
    expect(alice.errors).toEqual([]);
    expect(alice.messages('/sub/test/rooms/room-cd')).toEqual([]);
    await alice.disconnect();
  });

  it('validates a SEND body against the handler schema before the handler runs', async () => {
    const bob = await as('bob');
    bob.client.publish({ destination: '/pub/test/rooms/room-ab/messages', body: '{"text":42}', headers: { receipt: 'bad' } });
    await bob.closed;
    const error = JSON.parse(bob.errors[0]!.body).error;
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details[0].field).toBe('/text');
  });

  it("makes another user's queue unreachable: /user/queue always means your own", async () => {
    const alice = await as('alice');
    const bob = await as('bob');
    const bobs = await bob.subscribe('/user/queue/notifications');
    await node.gateway.sendToUser('alice', 'notifications', { text: 'for alice only' });
    await node.gateway.sendToUser('bob', 'notifications', { text: 'for bob' });
    expect(JSON.parse((await bobs.next()).body)).toEqual({ text: 'for bob' });
    expect(bobs.received).toHaveLength(1);

    // Naming alice's queue explicitly is not a destination at all.
    for (const destination of ['/user/alice/queue/notifications', '/user/queue/../alice/queue/notifications', '/user/queue/']) {
      const peer = await rawPeer(node.url);
      peer.send(connectFrame(await tokenFor(node, 'bob')));
      peer.send({ command: 'SUBSCRIBE', headers: { id: '1', destination, receipt: 'r' } });
      const error = await peer.waitFor((f) => f.command === 'ERROR');
      expect(headerValue(error, 'code')).toBe('NOT_FOUND');
      await peer.closed;
    }
    await node.gateway.sendToUser('alice', 'notifications', { text: 'still alice only' });
    await sleep(50);
    expect(bobs.received).toHaveLength(1);
    await alice.disconnect();
    await bob.disconnect();
  });

  it('refuses registrations that would make a destination ambiguous or leave /sub and /pub', () => {
    expect(() => node.gateway.registerSubscription('/sub/test/rooms/{id}', async () => true)).toThrow(/overlaps/);
    expect(() => node.gateway.registerSubscription('/user/queue/{x}', async () => true)).toThrow(/\/sub\//);
    expect(() => node.gateway.registerHandler('/sub/test/x', async () => {})).toThrow(/\/pub\//);
  });
});
