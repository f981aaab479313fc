import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeGateway } from '../../src/platform/realtime/gateway.js';
import { BACKENDS } from '../helpers/backends.js';
import { givenUser, startApp, type TestApp } from '../helpers/app.js';
import { connectStomp, rawPeer, connectFrame } from './harness.js';

/**
 * The gateway as app.ts wires it onto the real app's HTTP server, on each backend: same port as
 * the API, tokens from a real sign-in, sockets closed before the bus.
 */
for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(
    `realtime gateway on the app's server [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`,
    () => {
      let t: TestApp;
      let realtime: RealtimeGateway;
      let wsUrl: string;

      beforeAll(async () => {
        t = await startApp(backend);
        realtime = t.app.realtime;
        wsUrl = `${t.url.replace('http', 'ws')}/ws`;
      });
      afterAll(async () => t?.close());

      it('serves STOMP at /ws next to the HTTP API, for a signed-in user', async () => {
        const user = await givenUser(t);
        const stomp = await connectStomp(wsUrl, { Authorization: `Bearer ${user.token}` });
        const queue = await stomp.subscribe('/user/queue/notifications');
        await realtime.sendToUser(user.userId, 'notifications', {
          id: 'n-1',
          kind: 'match-request',
          title: '새 파트너 요청',
          createdAt: new Date().toISOString(),
        });
        expect(JSON.parse((await queue.next()).body)).toMatchObject({ id: 'n-1', title: '새 파트너 요청' });
        expect(await realtime.isOnline(user.userId)).toBe(true);
        expect((await fetch(`${t.url}/health/live`)).status).toBe(200);
        await stomp.disconnect();
      });

      it('answers 404 to an upgrade on any other path', async () => {
        const other = wsUrl.replace('/ws', '/api/v1/ws');
        await expect(rawPeer(other)).rejects.toThrow(/404/);
      });

      it('closes live sockets with 1012 when the app shuts down, without hanging', async () => {
        const user = await givenUser(t);
        const peer = await rawPeer(wsUrl);
        peer.send(connectFrame(user.token));
        await peer.waitFor((f) => f.command === 'CONNECTED');
        const started = Date.now();
        await t.close();
        expect((await peer.closed).code).toBe(1012);
        expect(Date.now() - started).toBeLessThan(5000);
        t = undefined as unknown as TestApp;
      });
    },
  );
}
