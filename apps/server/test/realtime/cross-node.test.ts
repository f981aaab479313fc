import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBus, RedisBus, type Bus } from '../../src/platform/bus/bus.js';
import type { RealtimeLimits } from '../../src/platform/realtime/gateway.js';
import { MemoryPresence, RedisPresence, type PresenceStore } from '../../src/platform/realtime/presence.js';
import { until } from '../helpers/wait.js';
import { connectStomp, sleep, startNode, tokenFor, type Node } from './harness.js';

const redisUrl = process.env.TEST_REDIS_URL;
const redisSkip = redisUrl ? null : 'TEST_REDIS_URL is not set';
if (redisSkip) console.warn(`\n*** SKIPPING the Redis half of the realtime cross-node suite: ${redisSkip} ***\n`);

interface Cluster {
  a: Node;
  b: Node;
  /** The presence store the nodes share, for writing what a node that died left behind. */
  presence: PresenceStore;
  /** How many nodes listen on a bus channel right now, where the bus can tell. */
  listeners(channel: string): Promise<number | null>;
  close(): Promise<void>;
}

const clusters: Array<[string, (limits?: Partial<RealtimeLimits>) => Promise<Cluster>, string | null]> = [
  [
    'in-process bus, one process',
    async (limits) => {
      const bus = new InProcessBus();
      const presence = new MemoryPresence();
      const a = await startNode({ bus, presence, limits });
      const b = await startNode({ bus, presence, limits });
      return {
        a,
        b,
        presence,
        listeners: async () => null,
        async close() {
          await a.close();
          await b.close();
          await bus.close();
        },
      };
    },
    null,
  ],
  [
    'Redis bus and presence, two nodes',
    async (limits) => {
      const prefix = `realtime-test-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}:`;
      const connections: Redis[] = [];
      const node = async () => {
        const redis = new Redis(redisUrl!);
        connections.push(redis);
        const bus: Bus = RedisBus.over(redis, prefix); // closing the bus closes its subscriber connection
        const presence: PresenceStore = new RedisPresence(redis, prefix);
        return { node: await startNode({ bus, presence, limits }), bus, presence };
      };
      const first = await node();
      const second = await node();
      const probe = new Redis(redisUrl!);
      return {
        a: first.node,
        b: second.node,
        presence: first.presence,
        async listeners(channel) {
          const reply = (await probe.call('PUBSUB', 'NUMSUB', prefix + channel)) as [string, number];
          return Number(reply[1]);
        },
        async close() {
          await first.node.close();
          await second.node.close();
          await first.bus.close();
          await second.bus.close();
          const keys = await probe.keys(`${prefix}*`);
          if (keys.length) await probe.del(...keys);
          for (const c of [...connections, probe]) c.disconnect();
        },
      };
    },
    redisSkip,
  ],
];

for (const [name, make, skip] of clusters) {
  describe.skipIf(skip)(`realtime across nodes [${name}]${skip ? ` (skipped: ${skip})` : ''}`, () => {
    let cluster: Cluster;
    beforeAll(async () => {
      cluster = await make();
      for (const node of [cluster.a, cluster.b]) node.gateway.registerSubscription('/sub/test/rooms/{roomId}', async () => true);
    });
    afterAll(async () => cluster?.close());

    const on = async (node: Node, userId: string) => connectStomp(node.url, { Authorization: `Bearer ${await tokenFor(node, userId)}` });

    it('delivers a publish on node A to subscribers on node B and on A', async () => {
      const onB = await on(cluster.b, 'jisoo');
      const onA = await on(cluster.a, 'emma');
      const roomB = await onB.subscribe('/sub/test/rooms/r-42');
      const roomA = await onA.subscribe('/sub/test/rooms/r-42');
      await cluster.a.gateway.publish('/sub/test/rooms/{roomId}', { roomId: 'r-42' }, { text: 'from A' });
      expect(JSON.parse((await roomB.next()).body)).toEqual({ text: 'from A' });
      expect(JSON.parse((await roomA.next()).body)).toEqual({ text: 'from A' });
      await cluster.b.gateway.publish('/sub/test/rooms/{roomId}', { roomId: 'r-42' }, { text: 'from B' });
      expect(JSON.parse((await roomA.next()).body)).toEqual({ text: 'from B' });
      expect(JSON.parse((await roomB.next()).body)).toEqual({ text: 'from B' });
      expect(roomA.received).toHaveLength(2);
      await onA.disconnect();
      await onB.disconnect();
    });

    it("reaches a user's connections on both nodes with sendToUser, and no one else's", async () => {
      const phone = await on(cluster.a, 'minho');
      const laptop = await on(cluster.b, 'minho');
      const other = await on(cluster.b, 'sora');
      const phoneQ = await phone.subscribe('/user/queue/notifications');
      const laptopQ = await laptop.subscribe('/user/queue/notifications');
      const otherQ = await other.subscribe('/user/queue/notifications');
      await cluster.a.gateway.sendToUser('minho', 'notifications', { text: 'match accepted' });
      expect(JSON.parse((await phoneQ.next()).body)).toEqual({ text: 'match accepted' });
      expect(JSON.parse((await laptopQ.next()).body)).toEqual({ text: 'match accepted' });
      await cluster.b.gateway.sendToUser('sora', 'notifications', { text: 'barrier' });
      await otherQ.next();
      expect(otherQ.received).toHaveLength(1);
      for (const s of [phone, laptop, other]) await s.disconnect();
    });

    it('sees a user connected to the other node as online, and offline after they leave', async () => {
      expect(await cluster.a.gateway.isOnline('yuna')).toBe(false);
      const yuna = await on(cluster.b, 'yuna');
      await sleep(50);
      expect(await cluster.a.gateway.isOnline('yuna')).toBe(true);
      await yuna.disconnect();
      await sleep(100);
      expect(await cluster.a.gateway.isOnline('yuna')).toBe(false);
      expect((await cluster.a.gateway.presence('yuna')).lastSeen).toBeInstanceOf(Date);
    });

    it('tells the live node when the connections of a node that died lapse', async () => {
      const short = await make({ presenceTtlMs: 600 });
      try {
        const changes: Array<{ userId: string; state: string }> = [];
        // Whichever node sweeps tells its listeners (in the app, they publish to every node's watchers).
        for (const node of [short.a, short.b])
          node.gateway.onPresenceChanged((userId, status) => void changes.push({ userId, state: status.state }));
        // What a node leaves behind when it is killed: a connection nobody renews or removes.
        await short.presence.keepAlive([{ userId: 'jimin', connectionId: 'dead-node-1' }], 600);
        expect(await short.b.gateway.isOnline('jimin')).toBe(true);
        await until('the lapse to be noticed', () => changes.some((c) => c.userId === 'jimin'), 5000);
        expect(changes.filter((c) => c.userId === 'jimin')).toEqual([{ userId: 'jimin', state: 'offline' }]);
        expect(await short.a.gateway.isOnline('jimin')).toBe(false);
      } finally {
        await short.close();
      }
    });

    it('listens on a destination channel only while a local subscriber exists', async () => {
      const s = await on(cluster.b, 'hana');
      const room = await s.subscribe('/sub/test/rooms/only-b');
      expect(cluster.b.gateway.localRoutes()).toContain('t:/sub/test/rooms/only-b');
      expect(cluster.a.gateway.localRoutes()).not.toContain('t:/sub/test/rooms/only-b');
      expect(await cluster.listeners('realtime:t:/sub/test/rooms/only-b')).not.toBe(0);
      room.unsubscribe();
      // Frames are handled in order: once this SUBSCRIBE is receipted, the UNSUBSCRIBE was handled.
      await s.subscribe('/sub/test/rooms/elsewhere');
      await sleep(100); // the bus unsubscribe is fire-and-forget
      expect(cluster.b.gateway.localRoutes()).not.toContain('t:/sub/test/rooms/only-b');
      const count = await cluster.listeners('realtime:t:/sub/test/rooms/only-b');
      if (count !== null) expect(count).toBe(0);
      await s.disconnect();
    });
  });
}
