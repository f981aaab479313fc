import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { api } from './helpers/app.js';
import { BACKENDS } from './helpers/backends.js';
import { givenMates } from './helpers/mates.js';
import { killAll, provisionReplicas, startServerProcess, type ServerProcess } from './helpers/processes.js';
import { until } from './helpers/wait.js';
import { connectStomp, type StompSession } from './realtime/harness.js';

/**
 * A node dies (SIGKILL: no socket closes, no goodbye) while it holds a call's legs. The call must
 * still end, and count only the time both people were really there: until the dead node last
 * vouched for its legs, not until someone noticed. Real server processes from source (tsx): on
 * the embedded backend the one node is killed and started again on the same data; on MariaDB +
 * Redis a second node lives on and ends the call for the person still in it.
 */
const RECONNECT_SECONDS = 6;
const body = (m: { body: string }) => JSON.parse(m.body);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`calls when a node dies [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    const children: ChildProcess[] = [];
    const sessions: StompSession[] = [];
    let drop: (() => Promise<void>) | undefined;
    afterAll(async () => {
      await Promise.allSettled(sessions.map((s) => s.disconnect()));
      await killAll(children);
      await drop?.();
    });

    const inCall = async (node: ServerProcess, token: string, callId: string) => {
      const stomp = await connectStomp(node.ws, { Authorization: `Bearer ${token}` });
      sessions.push(stomp);
      const events = await stomp.subscribe(`/sub/calls/${callId}`);
      await stomp.receipt((receipt) =>
        stomp.client.publish({ destination: `/pub/calls/${callId}`, body: JSON.stringify({ type: 'join' }), headers: { receipt } }),
      );
      const next = async (type: string) => {
        for (;;) {
          const event = body(await events.next());
          if (event.type === type) return event;
        }
      };
      return { stomp, next };
    };

    it('ends the call of a participant whose node died, counting only the time both were there', { timeout: 150_000 }, async () => {
      const extra = { CALL_RECONNECT_SECONDS: String(RECONNECT_SECONDS), JOBS_POLL_MS: '100', LOG_LEVEL: 'warn', STUDYMATE_QUIET: '1' };
      let env: Record<string, string>;
      if (backend.name === 'mysql+redis') {
        const replicas = await provisionReplicas(extra);
        drop = replicas.drop;
        env = replicas.env;
      } else {
        const provisioned = await backend.provision();
        drop = provisioned.drop;
        env = { ...provisioned.env, WEB_DIST: '/nonexistent', RATE_LIMIT_SIGN_IN: '10000', ...extra };
      }
      const doomed = await startServerProcess(env, children);
      const survivor = backend.name === 'mysql+redis' ? await startServerProcess(env, children) : null;
      const { a, b } = await givenMates(doomed);
      const callId = (await api(doomed, 'POST', '/api/v1/calls', { token: a.token, body: { mateId: b.userId, kind: 'voice' } })).json.id;
      expect((await api(doomed, 'POST', `/api/v1/calls/${callId}/accept`, { token: b.token })).status).toBe(200);

      // A is on the node that lives (on the embedded backend there is only one), B on the one that dies.
      const aIn = await inCall(survivor ?? doomed, a.token, callId);
      await inCall(doomed, b.token, callId);
      await until('both are in', async () => (await aIn.next('presence')).present.length === 2);
      const together = Date.now();
      await sleep(2500);
      doomed.child.kill('SIGKILL');
      await doomed.exited;
      const died = Date.now();

      let view: { state: string; connectedSeconds: number | null };
      if (survivor) {
        // The living node notices B's leg went unvouched: B is shown reconnecting, then the call ends.
        const dropped = await aIn.next('presence');
        expect(dropped.present.map((p: { userId: string }) => p.userId)).toEqual([a.userId]);
        expect(dropped.reconnecting).toMatchObject([{ userId: b.userId }]);
        expect(await aIn.next('ended')).toMatchObject({ reason: 'dropped', by: b.userId });
        view = (await api(survivor, 'GET', `/api/v1/calls/${callId}`, { token: a.token })).json;
      } else {
        // Down for a while, then started again on the same data: the legs it held are ended then.
        await sleep(3000);
        const restarted = await startServerProcess(env, children);
        await until(
          'the call is over',
          async () => (await api(restarted, 'GET', `/api/v1/calls/${callId}`, { token: a.token })).json.state === 'ended',
          30_000,
        );
        view = (await api(restarted, 'GET', `/api/v1/calls/${callId}`, { token: a.token })).json;
      }
      expect(view.state).toBe('ended');
      // Time together ends when the dead node last vouched for B (within a heartbeat of its death).
      const expected = (died - together) / 1000;
      expect(view.connectedSeconds).toBeGreaterThanOrEqual(Math.floor(expected - 1.5));
      expect(view.connectedSeconds).toBeLessThanOrEqual(Math.ceil(expected));
    });
  });
}
