import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers/backends.js';
import { api, givenUser, type Client, type TestApp } from './helpers/app.js';
import { tinyPng } from './helpers/files.js';
import { startTwoNodes, type TwoNodes } from './helpers/two-nodes.js';

let n = 0;
const clientId = () => `ar${Date.now().toString(36)}${(++n).toString(36).padStart(4, '0')}`;
const ADMIN = 'boss@example.test';

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`chat and account rules [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    let nodes: TwoNodes;
    let t: TestApp;
    let otherUrl: string;

    beforeAll(async () => {
      nodes = await startTwoNodes(backend, { RATE_LIMIT_GROUPS_PER_DAY: '2', RATE_LIMIT_NEW_CONTACTS_PER_DAY: '3', ADMIN_EMAILS: ADMIN });
      ({ t, otherUrl } = nodes);
    });
    afterAll(async () => nodes?.close());

    const upload = async (user: Client, roomId: string, name: string) => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(tinyPng())]), name);
      const res = await fetch(`${t.url}/api/v1/chat/rooms/${roomId}/attachments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.token}` },
        body: form,
      });
      return (await res.json()) as { id: string; fileName: string };
    };
    const send = (user: Client, roomId: string, body: Record<string, unknown>) =>
      api(t, 'POST', `/api/v1/chat/rooms/${roomId}/messages`, {
        token: user.token,
        body: { clientId: clientId(), kind: 'text', body: '', ...body },
      });
    const fileNames = async (user: Client) =>
      (await api(t, 'GET', '/api/v1/chat/files', { token: user.token })).json.items.map((f: { fileName: string }) => f.fileName);
    /** A pair who already share a room, so they do not use the stranger allowance. */
    const givenPair = async () => {
      const [a, b] = await Promise.all([givenUser(t), givenUser(t)]);
      const room = (await api(t, 'POST', '/api/v1/chat/rooms/direct', { token: a.token, body: { partnerId: b.userId } })).json.id as string;
      return { a, b, room };
    };

    it('deleting an image message deletes the file: the download answers 404 and shared files no longer list it', async () => {
      const { a, b, room } = await givenPair();
      const image = await upload(a, room, 'holiday.png');
      const message = await send(a, room, { kind: 'image', attachmentId: image.id });
      expect(message.status).toBe(200);
      expect((await api(t, 'GET', `/api/v1/chat/attachments/${image.id}`, { token: b.token })).status).toBe(200);
      expect(await fileNames(b)).toContain('holiday.png');

      expect((await api(t, 'DELETE', `/api/v1/chat/messages/${message.json.id}`, { token: a.token })).status).toBe(200);

      expect((await api(t, 'GET', `/api/v1/chat/attachments/${image.id}`, { token: b.token })).status).toBe(404);
      expect((await api(t, 'GET', `/api/v1/chat/attachments/${image.id}`, { token: a.token })).status).toBe(404);
      expect(await fileNames(b)).not.toContain('holiday.png');
    });

    it("deleting an account erases its files' names and hands its groups to the longest-standing member", async () => {
      const { a: gone, b: first, room } = await givenPair();
      const second = await givenUser(t);
      await api(t, 'POST', '/api/v1/chat/rooms/direct', { token: gone.token, body: { partnerId: second.userId } });
      const group = (
        await api(t, 'POST', '/api/v1/chat/rooms/group', { token: gone.token, body: { name: 'Heirs', memberIds: [first.userId] } })
      ).json.id as string;
      expect(
        (await api(t, 'POST', `/api/v1/chat/rooms/${group}/members`, { token: gone.token, body: { userId: second.userId } })).status,
      ).toBe(200);
      const scan = await upload(gone, room, 'passport-scan-kim.png');
      await send(gone, room, { kind: 'image', attachmentId: scan.id });
      await send(gone, room, { body: 'bye for now' });

      expect((await api(t, 'DELETE', '/api/v1/me', { token: gone.token })).status).toBe(204);

      const summary = (await api(t, 'GET', `/api/v1/chat/rooms/${group}`, { token: second.token })).json;
      expect(summary.members.map((m: { id: string; role: string }) => [m.id, m.role])).toEqual(
        expect.arrayContaining([
          [first.userId, 'owner'],
          [second.userId, 'member'],
        ]),
      );
      // The new owner can manage the group.
      const third = await givenUser(t);
      await api(t, 'POST', '/api/v1/chat/rooms/direct', { token: first.token, body: { partnerId: third.userId } });
      expect(
        (await api(t, 'POST', `/api/v1/chat/rooms/${group}/members`, { token: first.token, body: { userId: third.userId } })).status,
      ).toBe(200);
      expect(await fileNames(first)).not.toContain('passport-scan-kim.png');
      expect((await api(t, 'GET', `/api/v1/chat/attachments/${scan.id}`, { token: first.token })).status).toBe(404);
      const history = (await api(t, 'GET', `/api/v1/chat/rooms/${room}/messages`, { token: first.token })).json.items;
      expect(JSON.stringify(history)).not.toContain('passport-scan-kim');
      expect(history.map((m: { kind: string; body: string; deletedAt: string | null }) => [m.kind, m.body, m.deletedAt !== null])).toEqual([
        ['text', 'bye for now', false],
        ['image', '', true],
      ]);
    });

    it('a partner who deleted their account stays in the 1:1 as a deleted user, and the 1:1 is closed for new messages on every node', async () => {
      const { a: gone, b: partner, room } = await givenPair();
      expect((await send(gone, room, { body: 'see you' })).status).toBe(200);
      // The other node has already let the partner write here, so it believes the account active.
      expect(
        (
          await api({ url: otherUrl }, 'POST', `/api/v1/chat/rooms/${room}/messages`, {
            token: partner.token,
            body: { clientId: clientId(), kind: 'text', body: 'bye' },
          })
        ).status,
      ).toBe(200);

      expect((await api(t, 'DELETE', '/api/v1/me', { token: gone.token })).status).toBe(204);

      const rooms = (await api(t, 'GET', '/api/v1/chat/rooms', { token: partner.token })).json.items as {
        id: string;
        members: { id: string; displayName: string; deleted: boolean }[];
      }[];
      const kept = rooms.find((r) => r.id === room)!;
      expect(kept.members.find((m) => m.id === gone.userId)).toMatchObject({ displayName: '', deleted: true });
      const history = (await api(t, 'GET', `/api/v1/chat/rooms/${room}/messages`, { token: partner.token })).json.items;
      expect(history.map((m: { senderId: string; body: string }) => [m.senderId, m.body])).toEqual([
        [partner.userId, 'bye'],
        [gone.userId, 'see you'],
      ]);
      for (const url of [t.url, otherUrl]) {
        const refused = await api({ url }, 'POST', `/api/v1/chat/rooms/${room}/messages`, {
          token: partner.token,
          body: { clientId: clientId(), kind: 'text', body: 'are you there?' },
        });
        expect(refused.status).toBe(403);
        expect(refused.json.error.code).toBe('CONTACT_CLOSED');
      }
      // Nor can the 1:1 be reopened with the deleted account.
      expect(
        (await api(t, 'POST', '/api/v1/chat/rooms/direct', { token: partner.token, body: { partnerId: gone.userId } })).status,
      ).not.toBe(200);
    });

    it('limits new groups per day, across nodes, with a refusal that says when it resets', async () => {
      const { a, b } = await givenPair();
      const group = (url: string, name: string) =>
        api({ url }, 'POST', '/api/v1/chat/rooms/group', { token: a.token, body: { name, memberIds: [b.userId] } });
      expect((await group(t.url, 'one')).status).toBe(200);
      expect((await group(otherUrl, 'two')).status).toBe(200);
      const refused = await group(otherUrl, 'three');
      expect(refused.status).toBe(429);
      expect(refused.json.error.code).toBe('RATE_LIMITED');
      // One reading of the clock: two could straddle a millisecond and name 23:59:59.999.
      const now = Date.now();
      const tomorrow = new Date(now - (now % 86_400_000) + 86_400_000).toISOString();
      expect(refused.json.error.message).toContain(tomorrow);
      expect(refused.json.error.details).toEqual({ resetsAt: tomorrow });
      expect((await group(t.url, 'four')).status).toBe(429);
    });

    it('limits rooms with strangers per day, across nodes; people one already shares a room with do not count', async () => {
      const me = await givenUser(t);
      const strangers = await Promise.all([1, 2, 3, 4, 5].map(() => givenUser(t)));
      const direct = (url: string, partner: Client) =>
        api({ url }, 'POST', '/api/v1/chat/rooms/direct', { token: me.token, body: { partnerId: partner.userId } });
      expect((await direct(t.url, strangers[0]!)).status).toBe(200);
      expect((await direct(otherUrl, strangers[1]!)).status).toBe(200);
      // A group with people I already talk to uses no stranger allowance.
      const group = await api(t, 'POST', '/api/v1/chat/rooms/group', {
        token: me.token,
        body: { name: 'friends', memberIds: [strangers[0]!.userId, strangers[1]!.userId] },
      });
      expect(group.status).toBe(200);
      expect((await direct(otherUrl, strangers[2]!)).status).toBe(200);
      const refused = await direct(otherUrl, strangers[3]!);
      expect(refused.status).toBe(429);
      expect(refused.json.error.code).toBe('RATE_LIMITED');
      expect(refused.json.error.message).toMatch(/resets at \d{4}-\d\d-\d\dT00:00:00\.000Z/);
      const invite = await api(t, 'POST', `/api/v1/chat/rooms/${group.json.id}/members`, {
        token: me.token,
        body: { userId: strangers[4]!.userId },
      });
      expect(invite.status).toBe(429);
      // Reopening a room I already have is not new, and the stranger may still open it with me.
      expect((await direct(t.url, strangers[0]!)).status).toBe(200);
      const theirs = await api(t, 'POST', '/api/v1/chat/rooms/direct', { token: strangers[3]!.token, body: { partnerId: me.userId } });
      expect(theirs.status).toBe(200);
    });

    it('never grants admin through dev sign-in, even with an address listed in ADMIN_EMAILS', async () => {
      const res = await api(t, 'POST', '/api/v1/auth/dev', { body: { email: ADMIN, displayName: 'Not the boss' } });
      expect(res.status).toBe(200);
      expect(res.json.user.role).toBe('user');
      const me = await api(t, 'GET', '/api/v1/me', { token: res.json.accessToken });
      expect(me.json.role).toBe('user');
    });

    it('refuses a display name of only spaces, naming the field', async () => {
      const res = await api(t, 'POST', '/api/v1/auth/dev', { body: { email: `blank${Date.now()}@example.test`, displayName: '   ' } });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('VALIDATION_FAILED');
      expect(res.json.error.details.map((d: { field: string }) => d.field)).toContain('/displayName');
    });

    it('refuses to hand a group over to its own owner', async () => {
      const { a, b } = await givenPair();
      const group = (await api(t, 'POST', '/api/v1/chat/rooms/group', { token: a.token, body: { name: 'Mine', memberIds: [b.userId] } }))
        .json.id as string;
      const res = await api(t, 'PUT', `/api/v1/chat/rooms/${group}/owner`, { token: a.token, body: { userId: a.userId } });
      expect(res.status).toBe(400);
      expect(res.json.error.details[0].field).toBe('/userId');
      const summary = (await api(t, 'GET', `/api/v1/chat/rooms/${group}`, { token: a.token })).json;
      expect(summary.members.filter((m: { role: string }) => m.role === 'owner').map((m: { id: string }) => m.id)).toEqual([a.userId]);
    });
  });
}
