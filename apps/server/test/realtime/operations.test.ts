import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { RedisBus } from '../../src/platform/bus/bus.js';
import { headerValue } from '../../src/platform/realtime/codec.js';
import type { RealtimePrincipal } from '../../src/platform/realtime/gateway.js';
import { MemoryPresence, type PresenceStore } from '../../src/platform/realtime/presence.js';
import { until } from '../helpers/wait.js';
import { connectFrame, connectStomp, metricValue, rawPeer, sleep, startNode, tokenFor, type Node } from './harness.js';

describe('realtime presence, backpressure and metrics', () => {
  const nodes: Node[] = [];
  const start = async (...args: Parameters<typeof startNode>) => {
    const node = await startNode(...args);
    nodes.push(node);
    return node;
  };
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((n) => n.close()));
  });

  it('reports a user online while any connection is open, then offline with a last-seen time', async () => {
    const node = await start();
    const opened: RealtimePrincipal[] = [];
    const closed: Array<{ principal: RealtimePrincipal; online: boolean }> = [];
    node.gateway.onSessionOpened((p) => void opened.push(p));
    node.gateway.onSessionClosed(async (p) => void closed.push({ principal: p, online: await node.gateway.isOnline(p.userId) }));

    expect(await node.gateway.isOnline('minji')).toBe(false);
    expect((await node.gateway.presence('minji')).lastSeen).toBeNull();
    const phone = await connectStomp(node.url, { Authorization: `Bearer ${await tokenFor(node, 'minji')}` });
    const laptop = await connectStomp(node.url, { Authorization: `Bearer ${await tokenFor(node, 'minji')}` });
    await sleep(20);
    expect(await node.gateway.isOnline('minji')).toBe(true);
    expect(opened.map((p) => p.userId)).toEqual(['minji', 'minji']);
    expect(new Set(opened.map((p) => p.sessionId)).size).toBe(2);

    await phone.disconnect();
    await sleep(50);
    expect(await node.gateway.isOnline('minji')).toBe(true);
    await laptop.disconnect();
    await sleep(50);
    expect(await node.gateway.isOnline('minji')).toBe(false);
    // The close listener runs after presence is updated, so it sees the truth.
    expect(closed.map((c) => c.online)).toEqual([true, false]);
    const { lastSeen } = await node.gateway.presence('minji');
    expect(Date.now() - lastSeen!.getTime()).toBeLessThan(2000);
  });

  it('renews presence in slices, every connection each round, never two rounds at once', async () => {
    const memory = new MemoryPresence();
    const renewals: number[][] = [];
    let inFlight = 0;
    let overlapped = false;
    const presence: PresenceStore = {
      async keepAlive(entries, ttlMs) {
        // A connection's own first write has one entry; a renewal slice lists several.
        if (entries.length > 1 || renewals.length) renewals.push(entries.map((e) => Number(e.userId.slice(1))));
        overlapped ||= ++inFlight > 1 && entries.length > 1;
        await sleep(5);
        inFlight--;
        return memory.keepAlive(entries, ttlMs);
      },
      remove: (entry) => memory.remove(entry),
      status: (userId) => memory.status(userId),
      connections: (userId) => memory.connections(userId),
      sweepExpired: () => memory.sweepExpired(),
    };
    const node = await start({ presence, limits: { presenceTtlMs: 3000, presenceRenewSlice: 2 } });
    const clients = [];
    for (let i = 0; i < 5; i++) clients.push(await connectStomp(node.url, { Authorization: `Bearer ${await tokenFor(node, `u${i}`)}` }));
    await until('a renewal round', () => renewals.flat().length >= 5, 3000);
    const round = renewals.slice(0, 3);
    expect(round.map((slice) => slice.length)).toEqual([2, 2, 1]);
    expect(round.flat().sort()).toEqual([0, 1, 2, 3, 4]);
    expect(overlapped).toBe(false);
    await Promise.all(clients.map((c) => c.disconnect()));
  });

  it('drops a consumer that stops reading once its outbound buffer passes the limit', async () => {
    const node = await start({ limits: { maxBufferedBytes: 256 * 1024 } });
    const peer = await rawPeer(node.url);
    peer.send(connectFrame(await tokenFor(node, 'slow')));
    peer.send({ command: 'SUBSCRIBE', headers: { id: 'q', destination: '/user/queue/bulk', receipt: 'ready' } });
    await peer.waitFor((f) => f.command === 'RECEIPT');
    // Stop reading: the kernel buffers fill, then ws's own queue grows.
    (peer.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const blob = 'z'.repeat(32 * 1024);
    let sent = 0;
    while ((await metricValue(node, 'studymate_realtime_slow_consumers_dropped_total')) === 0 && sent < 4000) {
      await node.gateway.sendToUser('slow', 'bulk', { blob });
      if (++sent % 16 === 0) await sleep(1);
    }
    expect(await metricValue(node, 'studymate_realtime_slow_consumers_dropped_total')).toBe(1);
    expect(sent).toBeLessThan(4000);
    // Nothing is kept for the dropped connection.
    expect(node.gateway.localRoutes()).toEqual([]);
    await sleep(50); // the socket's close event is asynchronous
    expect(await metricValue(node, 'studymate_realtime_connections')).toBe(0);
    peer.ws.terminate();
  });

  it('exposes connections, frames, delivery latency on the registry it was given', async () => {
    const registry = new Registry();
    const node = await start({ registry });
    const stomp = await connectStomp(node.url, { Authorization: `Bearer ${await tokenFor(node, 'metrics')}` });
    const queue = await stomp.subscribe('/user/queue/notifications');
    expect(await metricValue(node, 'studymate_realtime_connections')).toBe(1);
    for (let i = 0; i < 3; i++) await node.gateway.sendToUser('metrics', 'notifications', { text: `n${i}` });
    for (let i = 0; i < 3; i++) await queue.next();
    const text = await registry.metrics();
    expect(text).toMatch(/studymate_realtime_frames_in_total\{command="CONNECT"\} 1/);
    expect(text).toMatch(/studymate_realtime_frames_in_total\{command="SUBSCRIBE"\} 1/);
    expect(text).toMatch(/studymate_realtime_frames_out_total\{command="MESSAGE"\} 3/);
    expect(text).toMatch(/studymate_realtime_delivery_seconds_count 3/);
    expect(text).toMatch(/studymate_realtime_slow_consumers_dropped_total 0/);
    await stomp.disconnect();
    await sleep(50);
    expect(await metricValue(node, 'studymate_realtime_connections')).toBe(0);
  });

  it('refuses a SUBSCRIBE with UNAVAILABLE when the bus cannot confirm it, instead of hanging', async () => {
    // Nothing listens on port 1: ioredis queues the SUBSCRIBE and keeps reconnecting.
    const unreachable = new Redis('redis://127.0.0.1:1', { retryStrategy: () => 200, maxRetriesPerRequest: null });
    const subscriber = unreachable.duplicate();
    for (const r of [unreachable, subscriber]) r.on('error', () => {});
    const bus = new RedisBus(unreachable, subscriber, 'outage:');
    const node = await start({ bus, limits: { busSubscribeTimeoutMs: 300 } });
    try {
      const peer = await rawPeer(node.url);
      peer.send(connectFrame(await tokenFor(node, 'cut-off')));
      peer.send({ command: 'SUBSCRIBE', headers: { id: '1', destination: '/user/queue/notifications', receipt: 'r' } });
      const error = await peer.waitFor((f) => f.command === 'ERROR');
      expect(headerValue(error, 'code')).toBe('UNAVAILABLE');
      expect(headerValue(error, 'receipt-id')).toBe('r');
      expect(node.gateway.localRoutes()).toEqual([]);
    } finally {
      unreachable.disconnect();
      subscriber.disconnect();
    }
  });

  it('stops reading while handlers lag, without dropping the client for silence, and receipts every SEND in order', async () => {
    const node = await start({ limits: { maxQueuedFrames: 4, heartbeatReceiveMs: 100 } });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const handled: number[] = [];
    node.gateway.registerHandler('/pub/test/slow', async (_principal, _params, frame) => {
      await gate;
      handled.push(JSON.parse(frame.body.toString()).n);
    });
    const peer = await rawPeer(node.url);
    peer.send(connectFrame(await tokenFor(node, 'patient'), { 'heart-beat': '50,0' }));
    await peer.waitFor((f) => f.command === 'CONNECTED');
    const beats = setInterval(() => peer.sendBytes('\n'), 50);
    try {
      for (let n = 0; n < 20; n++)
        peer.send({ command: 'SEND', headers: { destination: '/pub/test/slow', receipt: `s${n}` }, body: JSON.stringify({ n }) });
      await sleep(600); // well past twice the heart-beat interval, with the socket paused
      release();
      await peer.waitFor((f) => headerValue(f, 'receipt-id') === 's19');
      expect(handled).toEqual(Array.from({ length: 20 }, (_, n) => n));
      expect(peer.frames.filter((f) => f.command === 'RECEIPT').map((f) => headerValue(f, 'receipt-id'))).toEqual(
        Array.from({ length: 20 }, (_, n) => `s${n}`),
      );
      expect(await metricValue(node, 'studymate_realtime_heartbeat_timeouts_total')).toBe(0);
    } finally {
      clearInterval(beats);
      peer.ws.close();
    }
  });

  it('closes connections on shutdown with 1012 so clients reconnect elsewhere', async () => {
    const node = await startNode();
    const peer = await rawPeer(node.url);
    peer.send(connectFrame(await tokenFor(node, 'bye')));
    await peer.waitFor((f) => f.command === 'CONNECTED');
    await node.close();
    expect((await peer.closed).code).toBe(1012);
    expect(await node.gateway.isOnline('bye')).toBe(false);
  });
});
