import { Value } from '@sinclair/typebox/value';
import { Inbound } from '@studymate/contracts/realtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers/backends.js';
import { api, givenAdmin, givenUser, startApp, type Client, type TestApp } from './helpers/app.js';
import { connectStomp, type StompSession } from './realtime/harness.js';

/**
 * The realtime counterpart of the OpenAPI sweep in security.test.ts: every destination the
 * realtime document lists is probed by a stranger, so a destination added without its
 * authorisation fails here. A parameter this file does not know how to fill fails too, so the
 * sweep grows with the protocol instead of silently skipping what it cannot name.
 */
interface RealtimeDocument {
  subscribe: { topics: Record<string, unknown>; userQueues: Record<string, unknown> };
  send: Record<string, unknown>;
}

/** Destinations without parameters act on the sender alone (their presence), never on others. */
const SELF_SCOPED_SENDS = new Set(['/pub/presence']);

/** A valid body per SEND destination, so a refusal can only be about who sends, not what. */
const VALID_BODIES: Record<string, unknown> = {
  '/pub/chat/rooms/{roomId}/messages': { clientId: 'sweep-0001', kind: 'text', body: 'hello' },
  '/pub/chat/rooms/{roomId}/typing': { typing: true },
  '/pub/chat/rooms/{roomId}/read': { seq: 1 },
  '/pub/calls/{callId}': { type: 'join' },
};

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(
    `realtime authorisation sweep [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`,
    () => {
      let t: TestApp;
      let minji: Client;
      let alex: Client;
      let stranger: Client;
      let admin: Client;
      let doc: RealtimeDocument;
      const values: Record<string, string> = {};
      const sessions: StompSession[] = [];
      const connect = async (user: Client) => {
        const s = await connectStomp(`${t.url.replace('http', 'ws')}/ws`, { Authorization: `Bearer ${user.token}` });
        sessions.push(s);
        return s;
      };
      /** The destination with each `{param}` set to a resource of Minji and Alex's that the stranger has no part in. */
      const fill = (pattern: string) =>
        pattern.replace(/\{(\w+)\}/g, (_, name: string) => {
          const value = values[name];
          if (!value) throw new Error(`the sweep does not know a resource for {${name}} in ${pattern}: add one to values`);
          return value;
        });

      beforeAll(async () => {
        t = await startApp(backend);
        [minji, alex, stranger, admin] = await Promise.all([givenUser(t), givenUser(t), givenUser(t), givenAdmin(t)]);
        values.roomId = (
          await api(t, 'POST', '/api/v1/chat/rooms/direct', { token: minji.token, body: { partnerId: alex.userId } })
        ).json.id;
        values.userId = minji.userId;
        // A voice call between the pair of that 1:1 room (calls work for any 1:1 room's two people).
        const call = await api(t, 'POST', '/api/v1/calls', { token: minji.token, body: { roomId: values.roomId, kind: 'voice' } });
        if (call.status !== 200) throw new Error(`call: ${call.status} ${call.text}`);
        values.callId = call.json.id;
        doc = (await api(t, 'GET', '/api/docs/realtime.json')).json;
      });
      afterAll(async () => {
        await Promise.allSettled(sessions.map((s) => s.disconnect()));
        await t?.close();
      });

      it('refuses a stranger every topic of other people, with an ERROR and nothing delivered', async () => {
        const topics = Object.keys(doc.subscribe.topics);
        expect(topics.length).toBeGreaterThan(1);
        for (const pattern of topics) {
          const destination = fill(pattern);
          const s = await connect(stranger);
          const delivered: string[] = [];
          s.client.subscribe(destination, (m) => delivered.push(m.body));
          await s.closed;
          expect(s.errors[0]?.headers.message, `SUBSCRIBE ${destination}`).toMatch(/No such destination/);
          expect(delivered, `SUBSCRIBE ${destination}`).toEqual([]);
        }
      });

      it('lets the people the destination belongs to subscribe to it (the refusal above is about who, not what)', async () => {
        for (const pattern of Object.keys(doc.subscribe.topics)) {
          // Administrators' topics belong to administrators; the stranger above was refused them too.
          const s = await connect(pattern.startsWith('/sub/admin/') ? admin : alex);
          await expect(s.subscribe(fill(pattern)), `SUBSCRIBE ${pattern} as a member`).resolves.toBeDefined();
          await s.disconnect();
        }
      });

      it("never routes another person's user queue to a stranger", async () => {
        for (const queue of Object.keys(doc.subscribe.userQueues)) {
          const name = queue.replace('/user/queue/', '');
          const s = await connect(stranger);
          // Only `/user/queue/{name}` exists, and it always means the subscriber's own queue.
          s.client.subscribe(`/user/${minji.userId}/queue/${name}`, () => {});
          await s.closed;
          expect(s.errors[0]?.headers.message, `SUBSCRIBE /user/<other>/queue/${name}`).toMatch(/No such destination/);
        }
      });

      it('refuses a stranger every SEND that names other people’s resources, with an ERROR for its receipt', async () => {
        const sends = Object.keys(doc.send);
        expect(sends.length).toBeGreaterThan(1);
        for (const pattern of sends) {
          if (!/\{\w+\}/.test(pattern)) {
            expect(SELF_SCOPED_SENDS.has(pattern), `${pattern} has no parameter: is it really about the sender only?`).toBe(true);
            continue;
          }
          const body = VALID_BODIES[pattern];
          const schema = (Inbound as Record<string, Parameters<typeof Value.Check>[0]>)[pattern];
          expect(schema && Value.Check(schema, body), `the sweep needs a valid example body for ${pattern}`).toBe(true);
          const destination = fill(pattern);
          const s = await connect(stranger);
          s.client.publish({ destination, headers: { receipt: 'sweep-1' }, body: JSON.stringify(body) });
          await s.closed;
          expect(s.errors[0]?.headers['receipt-id'], `SEND ${destination}`).toBe('sweep-1');
          expect(JSON.parse(s.errors[0]!.body).error.code, `SEND ${destination}`).toMatch(/^(NOT_FOUND|FORBIDDEN)$/);
        }
      });
    },
  );
}
