import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { InProcessBus, RedisBus, type Bus } from '../../src/platform/bus/bus.js';
import { MemoryPresence, RedisPresence, type PresenceStore } from '../../src/platform/realtime/presence.js';
import { until } from '../helpers/wait.js';
import { connectFrame, connectStomp, metricValue, rawPeer, sleep, startNode, tokenFor, type Node } from './harness.js';

/** What one abusive client can no longer do to a node, each limit with the refusal it gets. */
describe('realtime abuse limits', () => {
  const connect = async (node: Node, userId: string) => connectStomp(node.url, { Authorization: `Bearer ${await tokenFor(node, userId)}` });

  it('closes an anonymous socket that sends more than its budget before CONNECT', async () => {
    const node = await startNode({ limits: { maxBytesBeforeConnect: 4096 } });
    try {
      const peer = await rawPeer(node.url);
      for (let i = 0; i < 8; i++) peer.sendBytes('\n'.repeat(1024));
      const error = await peer.waitFor((f) => f.command === 'ERROR');
      expect(error.headers).toContainEqual(['code', 'UNAUTHENTICATED']);
      expect(error.body.toString()).toMatch(/first 4096 bytes/);
      expect((await peer.closed).code).toBe(1008);
      expect(await metricValue(node, 'studymate_realtime_limited_total', { limit: 'maxBytesBeforeConnect' })).toBe(1);
    } finally {
      await node.close();
    }
  });

  it('counts a newline flood after CONNECT as one heart-beat per WebSocket message', async () => {
    const node = await startNode({ limits: { inboundBytesPerSecond: 1 << 30, inboundBurstBytes: 1 << 30 } });
    try {
      const peer = await rawPeer(node.url);
      peer.send(connectFrame(await tokenFor(node, 'flooder')));
      await peer.waitFor((f) => f.command === 'CONNECTED');
      const messages = 80;
      for (let i = 0; i < messages; i++) peer.sendBytes(Buffer.alloc(64 * 1024, '\n'));
      peer.send({ command: 'SEND', headers: { destination: '/pub/none', receipt: 'after-flood' } });
      // Still connected: heart-beats are allowed, just cheap. The SEND is refused (no such destination).
      const refusal = await peer.waitFor((f) => f.command === 'ERROR');
      expect(refusal.headers).toContainEqual(['receipt-id', 'after-flood']);
      expect(refusal.headers).toContainEqual(['code', 'NOT_FOUND']);
      const beats = await metricValue(node, 'studymate_realtime_frames_in_total', { command: 'HEARTBEAT' });
      expect(beats).toBeGreaterThan(0);
      expect(beats).toBeLessThanOrEqual(messages);
    } finally {
      await node.close();
    }
  });

  it('closes a connection that sends faster than its inbound byte rate, naming the limit', async () => {
    const node = await startNode({ limits: { inboundBytesPerSecond: 2048, inboundBurstBytes: 8192 } });
    try {
      const stomp = await connect(node, 'firehose');
      const queue = await stomp.subscribe('/user/queue/notifications');
      for (let i = 0; i < 12; i++)
        stomp.client.publish({ destination: '/pub/none', body: 'x'.repeat(1000), skipContentLengthHeader: true });
      await stomp.closed;
      expect(stomp.errors[0]?.headers.code).toBe('RATE_LIMITED');
      expect(stomp.errors[0]?.headers.message).toMatch(/2048 bytes a second/);
      expect(queue.received).toEqual([]);
      expect(await metricValue(node, 'studymate_realtime_limited_total', { limit: 'inboundBytesPerSecond' })).toBe(1);
    } finally {
      await node.close();
    }
  });

  it('counts many tiny WebSocket messages against the byte rate too', async () => {
    const node = await startNode({ limits: { inboundBytesPerSecond: 2048, inboundBurstBytes: 8192, inboundBytesPerMessage: 64 } });
    try {
      const peer = await rawPeer(node.url);
      peer.send(connectFrame(await tokenFor(node, 'ticker')));
      await peer.waitFor((f) => f.command === 'CONNECTED');
      for (let i = 0; i < 200; i++) peer.sendBytes('\n'); // 200 bytes, but 200 messages
      const error = await peer.waitFor((f) => f.command === 'ERROR');
      expect(error.headers).toContainEqual(['code', 'RATE_LIMITED']);
    } finally {
      await node.close();
    }
  });

  it('refuses a second subscription to one destination on one connection, so a message is delivered once', async () => {
    const node = await startNode();
    node.gateway.registerSubscription('/sub/test/rooms/{roomId}', async () => true);
    try {
      const stomp = await connect(node, 'doubler');
      await stomp.subscribe('/sub/test/rooms/r-1');
      await expect(stomp.subscribe('/sub/test/rooms/r-1')).rejects.toThrow(/closed while subscribing/);
      expect(stomp.errors[0]?.headers.code).toBe('CONFLICT');
      expect(stomp.errors[0]?.headers.message).toMatch(/Already subscribed to \/sub\/test\/rooms\/r-1/);
      expect(stomp.errors[0]?.headers['receipt-id']).toMatch(/^sub-/);
      expect(JSON.parse(stomp.errors[0]!.body).error.details).toEqual({
        destination: '/sub/test/rooms/r-1',
        subscription: expect.stringMatching(/^sub-/),
      });
      expect(await metricValue(node, 'studymate_realtime_limited_total', { limit: 'duplicateSubscription' })).toBe(1);

      // Another connection may subscribe to it, and to two different rooms, as before.
      const other = await connect(node, 'doubler');
      await other.subscribe('/sub/test/rooms/r-1');
      await other.subscribe('/sub/test/rooms/r-2');
      expect(other.errors).toEqual([]);
      await other.disconnect();
    } finally {
      await node.close();
    }
  });

  it('refuses a user who keeps reconnecting faster than the connect rate, and not someone else', async () => {
    const node = await startNode({ limits: { connectsPerSecond: 0.5, connectBurst: 4 } });
    try {
      const outcomes: string[] = [];
      for (let i = 0; i < 6; i++) {
        const attempt = await connect(node, 'reconnecting').then(
          async (stomp) => {
            await stomp.disconnect();
            return 'open';
          },
          (error: Error & { frame?: { headers: Record<string, string> } }) => error.frame?.headers.code ?? error.message,
        );
        outcomes.push(attempt);
      }
      expect(outcomes).toEqual(['open', 'open', 'open', 'open', 'RATE_LIMITED', 'RATE_LIMITED']);
      const other = await connect(node, 'calm');
      expect(other.errors).toEqual([]);
      await other.disconnect();
    } finally {
      await node.close();
    }
  });

  it('gives one user a shared per-minute budget for SENDs that declare one, over all their connections', async () => {
    const node = await startNode();
    const handled: string[] = [];
    node.gateway.registerHandler(
      '/pub/test/chat',
      async (principal, _params, frame) => void handled.push(`${principal.userId}:${frame.body.toString()}`),
      {
        perUserPerMinute: 3,
      },
    );
    try {
      const phone = await connect(node, 'chatty');
      const laptop = await connect(node, 'chatty');
      const send = (stomp: typeof phone, body: string) =>
        stomp.receipt((receipt) => stomp.client.publish({ destination: '/pub/test/chat', body, headers: { receipt } }));
      await send(phone, 'a');
      await send(laptop, 'b');
      await send(phone, 'c');
      laptop.client.publish({ destination: '/pub/test/chat', body: 'd', headers: { receipt: 'over' } });
      await laptop.closed;
      expect(laptop.errors[0]?.headers.code).toBe('RATE_LIMITED');
      expect(laptop.errors[0]?.headers['receipt-id']).toBe('over');
      expect(laptop.errors[0]?.headers.message).toMatch(/More than 3 a minute; try again in \d+ s/);
      // Someone else's budget is their own.
      const other = await connect(node, 'quiet');
      await send(other, 'e');
      expect(handled).toEqual(['chatty:a', 'chatty:b', 'chatty:c', 'quiet:e']);
      await phone.disconnect();
      await other.disconnect();
    } finally {
      await node.close();
    }
  });

  it('drops typing-like signals past the per-connection rate without ending the connection', async () => {
    const node = await startNode({ limits: { signalsPerSecond: 1, signalBurst: 3 } });
    let signals = 0;
    node.gateway.registerHandler('/pub/test/typing', async () => void signals++, { signal: true });
    try {
      const stomp = await connect(node, 'typist');
      for (let i = 0; i < 20; i++) stomp.client.publish({ destination: '/pub/test/typing', body: '{}' });
      await stomp.receipt((receipt) => stomp.client.publish({ destination: '/pub/test/typing', body: '{}', headers: { receipt } }));
      expect(signals).toBe(3);
      expect(stomp.errors).toEqual([]);
      expect(await metricValue(node, 'studymate_realtime_limited_total', { limit: 'signalsPerSecond' })).toBe(18);
      await sleep(1100); // a second later one more goes through
      await stomp.receipt((receipt) => stomp.client.publish({ destination: '/pub/test/typing', body: '{}', headers: { receipt } }));
      expect(signals).toBe(4);
      await stomp.disconnect();
    } finally {
      await node.close();
    }
  });
});

const redisUrl = process.env.TEST_REDIS_URL;
const stores: Array<[string, () => { bus: Bus; presence: () => PresenceStore; close(): Promise<void> }, string | null]> = [
  [
    'in-process presence',
    () => {
      const presence = new MemoryPresence();
      const bus = new InProcessBus();
      return { bus, presence: () => presence, close: () => bus.close() };
    },
    null,
  ],
  [
    'Redis presence',
    () => {
      const prefix = `abuse-test-${process.pid}-${Date.now()}:`;
      const redis = new Redis(redisUrl!);
      const bus = RedisBus.over(redis, prefix);
      return {
        bus,
        presence: () => new RedisPresence(redis, prefix),
        async close() {
          await bus.close();
          const keys = await redis.keys(`${prefix}*`);
          if (keys.length) await redis.del(...keys);
          redis.disconnect();
        },
      };
    },
    redisUrl ? null : 'TEST_REDIS_URL is not set',
  ],
];

for (const [name, make, skip] of stores) {
  describe.skipIf(skip)(`connections per user [${name}]${skip ? ` (skipped: ${skip})` : ''}`, () => {
    it('refuses a connection past the per-user limit, on this node and on another, and admits one again after a close', async () => {
      const shared = make();
      const limits = { maxConnectionsPerUser: 3 };
      const a = await startNode({ bus: shared.bus, presence: shared.presence(), limits });
      const b = await startNode({ bus: shared.bus, presence: shared.presence(), limits });
      try {
        const token = await tokenFor(a, 'many-tabs');
        // A burst of CONNECTs at once: exactly the limit gets in.
        const burst = await Promise.allSettled(Array.from({ length: 6 }, () => connectStomp(a.url, { Authorization: `Bearer ${token}` })));
        const open = burst.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        const refused = burst.flatMap((r) =>
          r.status === 'rejected' ? [r.reason as Error & { frame?: { headers: Record<string, string> } }] : [],
        );
        expect(open).toHaveLength(3);
        expect(refused.map((e) => e.frame?.headers.code)).toEqual(['TOO_MANY_CONNECTIONS', 'TOO_MANY_CONNECTIONS', 'TOO_MANY_CONNECTIONS']);
        expect(refused[0]!.message).toMatch(/At most 3 connections/);

        // Node B sees them through the presence store.
        await until('presence of three connections', async () => (await shared.presence().connections('many-tabs')) === 3);
        await expect(connectStomp(b.url, { Authorization: `Bearer ${token}` })).rejects.toThrow(/At most 3 connections/);

        // Someone else is unaffected; a closed tab frees its place.
        (await connectStomp(b.url, { Authorization: `Bearer ${await tokenFor(b, 'one-tab')}` })).client.forceDisconnect();
        await open[0]!.disconnect();
        await until('presence of two connections', async () => (await shared.presence().connections('many-tabs')) === 2);
        const again = await connectStomp(b.url, { Authorization: `Bearer ${token}` });
        expect(again.errors).toEqual([]);
        for (const stomp of [...open.slice(1), again]) await stomp.disconnect();
      } finally {
        await a.close();
        await b.close();
        await shared.close();
      }
    });
  });
}
