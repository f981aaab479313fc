import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/platform/http/errors.js';
import { encodeFrame, headerValue } from '../../src/platform/realtime/codec.js';
import { embedded } from '../helpers/backends.js';
import { givenUser, startApp, type TestApp } from '../helpers/app.js';
import { connectFrame, connectStomp, metricValue, rawPeer, sleep, startNode, type Node } from './harness.js';

/**
 * @stomp/stompjs, unchanged, against our broker: the client the web app uses. Tokens come from a
 * real dev sign-in on the real app; the gateway verifies them with the app's own secret.
 */
describe('STOMP 1.2 conformance with @stomp/stompjs', () => {
  let app: TestApp;
  let node: Node;
  let token: string;
  let userId: string;
  const handled: Array<{ userId: string; params: Record<string, string>; body: string; note?: string }> = [];
  let release: (() => void) | null = null;

  beforeAll(async () => {
    app = await startApp(embedded);
    const user = await givenUser(app);
    token = user.token;
    userId = user.userId;
    // The app's own secret, not the harness's: a dev sign-in token must open the socket.
    node = await startNode({ secret: app.config.auth.jwtSecret });
    node.gateway.registerSubscription('/sub/test/rooms/{roomId}', async (_principal, { roomId }) => roomId !== 'closed');
    node.gateway.registerHandler('/pub/test/rooms/{roomId}/messages', async (principal, params, frame) => {
      // A handler that can be held open, to prove the RECEIPT waits for it.
      if (params.roomId === 'slow') await new Promise<void>((r) => (release = r));
      if (params.roomId === 'refuse') return { error: new AppError('FORBIDDEN', 'You are not a member of this room.') };
      handled.push({ userId: principal.userId, params, body: frame.body.toString('utf8'), note: frame.header('note') });
    });
  });
  afterAll(async () => {
    await node?.close();
    await app?.close();
  });

  it('connects with a dev sign-in token and negotiates STOMP 1.2 over v12.stomp', async () => {
    const stomp = await connectStomp(node.url, { Authorization: `Bearer ${token}` });
    expect(stomp.connected.headers.version).toBe('1.2');
    expect(stomp.connected.headers['heart-beat']).toMatch(/^\d+,\d+$/);
    expect(stomp.connected.headers.session).toBeTruthy();
    expect(stomp.connected.headers['user-name']).toBe(userId);
    await stomp.disconnect();
  });

  it('delivers what is published to subscribers, with the MESSAGE headers STOMP requires', async () => {
    const stomp = await connectStomp(node.url, { Authorization: `Bearer ${token}` });
    const room = await stomp.subscribe('/sub/test/rooms/r1');
    const queue = await stomp.subscribe('/user/queue/notifications');
    await node.gateway.publish('/sub/test/rooms/{roomId}', { roomId: 'r1' }, { text: '안녕하세요' });
    await node.gateway.sendToUser(userId, 'notifications', { text: 'new partner' });
    const message = await room.next();
    expect(JSON.parse(message.body)).toEqual({ text: '안녕하세요' });
    expect(message.headers.destination).toBe('/sub/test/rooms/r1');
    expect(message.headers['content-type']).toBe('application/json');
    expect(message.headers['message-id']).toBeTruthy();
    expect(Number(message.headers['content-length'])).toBe(Buffer.byteLength(message.body));
    expect(message.headers.subscription).toBeTruthy();
    const note = await queue.next();
    expect(JSON.parse(note.body)).toEqual({ text: 'new partner' });
    expect(note.headers.destination).toBe('/user/queue/notifications');
    await stomp.disconnect();
  });

  it('stops delivering after UNSUBSCRIBE', async () => {
    const stomp = await connectStomp(node.url, { Authorization: `Bearer ${token}` });
    const a = await stomp.subscribe('/sub/test/rooms/a');
    const b = await stomp.subscribe('/sub/test/rooms/b');
    a.unsubscribe();
    await stomp.receipt((receipt) => stomp.client.publish({ destination: '/pub/test/rooms/x/messages', body: '{}', headers: { receipt } }));
    await node.gateway.publish('/sub/test/rooms/{roomId}', { roomId: 'a' }, { text: 'not for you' });
    await node.gateway.publish('/sub/test/rooms/{roomId}', { roomId: 'b' }, { text: 'barrier' });
    await b.next();
    expect(a.received).toHaveLength(0);
    expect(node.gateway.localRoutes()).not.toContain('t:/sub/test/rooms/a');
    await stomp.disconnect();
  });

  it('answers a SEND with RECEIPT only after the handler has finished', async () => {
    const stomp = await connectStomp(node.url, { Authorization: `Bearer ${token}` });
    let receipted = false;
    const done = stomp
      .receipt((receipt) =>
        stomp.client.publish({ destination: '/pub/test/rooms/slow/messages', body: '{"text":"hi"}', headers: { receipt } }),
      )
      .then((frame) => {
        receipted = true;
        return frame;
      });
    await sleep(150);
    expect(release).not.toBeNull();
    expect(receipted).toBe(false);
    release!();
    const frame = await done;
    expect(frame.command).toBe('RECEIPT');
    expect(handled.at(-1)).toMatchObject({ userId, params: { roomId: 'slow' }, body: '{"text":"hi"}' });
    await stomp.disconnect();
  });

  it('turns a handler refusal into ERROR with message and receipt-id, then closes', async () => {
    const stomp = await connectStomp(node.url, { Authorization: `Bearer ${token}` });
    stomp.client.publish({ destination: '/pub/test/rooms/refuse/messages', body: '{}', headers: { receipt: 'refused-1' } });
    await stomp.closed;
    const [error] = stomp.errors;
    expect(error?.headers.message).toBe('You are not a member of this room.');
    expect(error?.headers['receipt-id']).toBe('refused-1');
    expect(JSON.parse(error!.body)).toEqual({ error: { code: 'FORBIDDEN', message: 'You are not a member of this room.' } });
  });

  it('answers ERROR and closes for an unknown destination, delivering nothing', async () => {
    const stomp = await connectStomp(node.url, { Authorization: `Bearer ${token}` });
    stomp.client.subscribe('/sub/nowhere/at-all', () => {}, { receipt: 'nowhere-1' });
    await stomp.closed;
    expect(stomp.errors[0]?.headers.message).toMatch(/No such destination/);
    expect(stomp.errors[0]?.headers['receipt-id']).toBe('nowhere-1');
    expect(node.gateway.localRoutes()).not.toContain('t:/sub/nowhere/at-all');
  });

  it('round-trips escaped header values (colon, newline, backslash) both ways', async () => {
    const stomp = await connectStomp(node.url, { Authorization: `Bearer ${token}` });
    const tricky = 'a:b\nc\\d\re';
    await stomp.receipt((receipt) =>
      stomp.client.publish({ destination: '/pub/test/rooms/esc/messages', body: '{}', headers: { receipt, note: tricky } }),
    );
    expect(handled.at(-1)?.note).toBe(tricky);
    const room = await stomp.subscribe('/sub/test/rooms/esc');
    await node.gateway.publish('/sub/test/rooms/{roomId}', { roomId: 'esc' }, { text: 'x' }, { note: tricky });
    expect((await room.next()).headers.note).toBe(tricky);
    await stomp.disconnect();
  });

  it('accepts a SEND body just under 64 KiB and answers ERROR for one just over', async () => {
    const stomp = await connectStomp(node.url, { Authorization: `Bearer ${token}` });
    const under = JSON.stringify({ text: 'x'.repeat(64 * 1024 - 20) });
    expect(Buffer.byteLength(under)).toBeLessThanOrEqual(64 * 1024);
    await stomp.receipt((receipt) =>
      stomp.client.publish({ destination: '/pub/test/rooms/big/messages', body: under, headers: { receipt } }),
    );
    expect(handled.at(-1)?.body.length).toBe(under.length);
    stomp.client.publish({ destination: '/pub/test/rooms/big/messages', body: 'y'.repeat(64 * 1024 + 1) });
    await stomp.closed;
    expect(JSON.parse(stomp.errors[0]!.body).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('keeps an idle connection alive with heart-beats both ways', async () => {
    const beats = await startNode({ secret: app.config.auth.jwtSecret, limits: { heartbeatSendMs: 100, heartbeatReceiveMs: 100 } });
    try {
      const stomp = await connectStomp(beats.url, { Authorization: `Bearer ${token}` }, { heartbeatIncoming: 100, heartbeatOutgoing: 100 });
      expect(stomp.connected.headers['heart-beat']).toBe('100,100');
      await sleep(1000);
      // stompjs drops a server silent for 2 intervals; the server drops a client silent for 2.
      expect(stomp.client.connected).toBe(true);
      expect(await metricValue(beats, 'studymate_realtime_frames_out_total', { command: 'HEARTBEAT' })).toBeGreaterThanOrEqual(5);
      expect(await metricValue(beats, 'studymate_realtime_frames_in_total', { command: 'HEARTBEAT' })).toBeGreaterThanOrEqual(5);
      await stomp.disconnect();
    } finally {
      await beats.close();
    }
  });

  it('drops a peer that promised heart-beats and went silent, after twice the interval', async () => {
    const beats = await startNode({ secret: app.config.auth.jwtSecret, limits: { heartbeatSendMs: 0, heartbeatReceiveMs: 100 } });
    try {
      const peer = await rawPeer(beats.url);
      // The CONNECT is the last thing this peer ever sends.
      const since = Date.now();
      peer.send(connectFrame(token, { 'heart-beat': '100,0' }));
      await peer.waitFor((f) => f.command === 'CONNECTED');
      await peer.closed;
      const silentFor = Date.now() - since;
      expect(silentFor).toBeGreaterThanOrEqual(200);
      expect(silentFor).toBeLessThan(1500);
      expect(await metricValue(beats, 'studymate_realtime_heartbeat_timeouts_total')).toBe(1);
    } finally {
      await beats.close();
    }
  });

  it('parses one frame split over several WebSocket messages', async () => {
    const peer = await rawPeer(node.url);
    const connect = encodeFrame(connectFrame(token));
    for (let i = 0; i < connect.length; i += 7) peer.sendBytes(connect.subarray(i, i + 7));
    await peer.waitFor((f) => f.command === 'CONNECTED');
    const send = encodeFrame({
      command: 'SEND',
      headers: { destination: '/pub/test/rooms/split/messages', receipt: 'split-1' },
      body: '{"text":"조각"}',
    });
    for (const byte of send) peer.sendBytes(Buffer.from([byte]));
    await peer.waitFor((f) => f.command === 'RECEIPT' && headerValue(f, 'receipt-id') === 'split-1');
    expect(handled.at(-1)).toMatchObject({ params: { roomId: 'split' }, body: '{"text":"조각"}' });
    peer.ws.close();
  });

  it('handles several frames in one WebSocket message, in order', async () => {
    const peer = await rawPeer(node.url);
    peer.sendBytes(
      Buffer.concat([
        encodeFrame(connectFrame(token)),
        Buffer.from('\n\n'),
        encodeFrame({ command: 'SUBSCRIBE', headers: { id: 's1', destination: '/sub/test/rooms/multi', receipt: 'm-1' } }),
        encodeFrame({ command: 'SEND', headers: { destination: '/pub/test/rooms/multi/messages', receipt: 'm-2' }, body: '{"n":1}' }),
        encodeFrame({ command: 'SEND', headers: { destination: '/pub/test/rooms/multi/messages', receipt: 'm-3' }, body: '{"n":2}' }),
      ]),
    );
    await peer.waitFor((f) => headerValue(f, 'receipt-id') === 'm-3');
    expect(peer.frames.map((f) => `${f.command}${headerValue(f, 'receipt-id') ?? ''}`)).toEqual([
      'CONNECTED',
      'RECEIPTm-1',
      'RECEIPTm-2',
      'RECEIPTm-3',
    ]);
    expect(handled.slice(-2).map((h) => h.body)).toEqual(['{"n":1}', '{"n":2}']);
    peer.ws.close();
  });

  it('sends the frames of one turn of the event loop together, in order, in one WebSocket message', async () => {
    const peer = await rawPeer(node.url);
    peer.send(connectFrame(token));
    peer.send({ command: 'SUBSCRIBE', headers: { id: 's1', destination: '/sub/test/rooms/burst', receipt: 'b-1' } });
    await peer.waitFor((f) => headerValue(f, 'receipt-id') === 'b-1');
    const messages: Buffer[] = [];
    peer.ws.on('message', (data: Buffer) => messages.push(data));
    const published = ['one', 'two', 'three'].map((text) =>
      node.gateway.publish('/sub/test/rooms/{roomId}', { roomId: 'burst' }, { text }),
    );
    await Promise.all(published);
    await peer.waitFor((f) => f.command === 'MESSAGE' && f.body.toString() === '{"text":"three"}');
    expect(messages).toHaveLength(1);
    expect(peer.frames.filter((f) => f.command === 'MESSAGE').map((f) => JSON.parse(f.body.toString()).text)).toEqual([
      'one',
      'two',
      'three',
    ]);
    peer.ws.close();
  });

  it('refuses a client that cannot speak 1.2, and a frame before CONNECT', async () => {
    const old = await rawPeer(node.url, ['v10.stomp']);
    expect(old.ws.protocol).toBe('v10.stomp');
    old.send(connectFrame(token, { 'accept-version': '1.0,1.1' }));
    const error = await old.waitFor((f) => f.command === 'ERROR');
    expect(headerValue(error, 'message')).toMatch(/1\.2/);
    await old.closed;

    const early = await rawPeer(node.url);
    early.send({ command: 'SUBSCRIBE', headers: { id: '1', destination: '/user/queue/notifications' } });
    await early.waitFor((f) => f.command === 'ERROR');
    await early.closed;
  });

  it('types publish by the destination map and refuses params that would change the destination', async () => {
    // Compile-time half: `npm run typecheck` fails if any of these start to compile.
    const _typed = () => {
      // @ts-expect-error a payload of the wrong shape
      void node.gateway.publish('/sub/test/rooms/{roomId}', { roomId: 'r' }, { body: 'x' });
      // @ts-expect-error a param the pattern does not have
      void node.gateway.publish('/sub/test/rooms/{roomId}', { room: 'r' }, { text: 'x' });
      // @ts-expect-error a queue that is not in the map
      void node.gateway.sendToUser('u', 'nowhere', { text: 'x' });
    };
    void _typed;
    expect(() => node.gateway.publish('/sub/test/rooms/{roomId}', { roomId: 'a/../b' }, { text: 'x' })).toThrow(/plain segment/);
    await expect(
      node.gateway.publish('/sub/test/rooms/{roomId}', { roomId: 'r' }, { text: 'x' }, { destination: '/elsewhere' }),
    ).rejects.toThrow(/set by the gateway/);
  });

  it('carries an ack id in client-ack mode and accepts the ACK; transactions get a clear ERROR', async () => {
    const stomp = await connectStomp(node.url, { Authorization: `Bearer ${token}` });
    const room = await stomp.subscribe('/sub/test/rooms/acked', { ack: 'client-individual' });
    await node.gateway.publish('/sub/test/rooms/{roomId}', { roomId: 'acked' }, { text: 'ack me' });
    const message = await room.next();
    expect(message.headers.ack).toBeTruthy();
    await stomp.receipt((receipt) => message.ack({ receipt }));
    expect(stomp.client.connected).toBe(true);
    stomp.client.begin('tx-1');
    await stomp.closed;
    expect(stomp.errors[0]?.headers.message).toMatch(/Transactions are not supported/);
  });

  it('answers DISCONNECT with its receipt and closes', async () => {
    const peer = await rawPeer(node.url);
    peer.send(connectFrame(token));
    await peer.waitFor((f) => f.command === 'CONNECTED');
    peer.send({ command: 'DISCONNECT', headers: { receipt: 'bye' } });
    await peer.waitFor((f) => f.command === 'RECEIPT' && headerValue(f, 'receipt-id') === 'bye');
    expect((await peer.closed).code).toBe(1000);
  });
});
