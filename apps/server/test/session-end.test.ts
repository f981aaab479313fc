import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwoNodes, type TwoNodes } from './helpers/two-nodes.js';
import { BACKENDS } from './helpers/backends.js';
import { api, givenUser, refreshCookie, type Client, type TestApp } from './helpers/app.js';
import { tinyPng } from './helpers/files.js';

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`ending sessions everywhere [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    let nodes: TwoNodes;
    let t: TestApp;
    let otherUrl: string;
    const connect = (url: string, token: string) => nodes.connect(url, token);
    const me = (url: string, token: string) => api({ url }, 'GET', '/api/v1/me', { token });
    /** A second device of the same person: another sign-in, another session family. */
    const secondDevice = async (user: Client): Promise<Client> => givenUser(t, { email: user.email, acceptTerms: false });

    beforeAll(async () => {
      nodes = await startTwoNodes(backend, { REFRESH_REUSE_GRACE_SECONDS: '0' });
      ({ t, otherUrl } = nodes);
    });
    afterAll(async () => nodes?.close());

    it('signing out one device ends that device only: its token, its connections, on every node', async () => {
      const phone = await givenUser(t);
      const laptop = await secondDevice(phone);
      // Both nodes have seen the phone's token as good (and may remember it).
      expect((await me(t.url, phone.token)).status).toBe(200);
      expect((await me(otherUrl, phone.token)).status).toBe(200);
      const [here, there, laptopLive] = [
        await connect(t.url, phone.token),
        await connect(otherUrl, phone.token),
        await connect(otherUrl, laptop.token),
      ];

      const out = await api(t, 'POST', '/api/v1/auth/logout', { headers: { cookie: phone.cookie, 'x-requested-with': 'studymate' } });
      expect(out.status).toBe(204);

      for (const url of [t.url, otherUrl]) {
        const refused = await me(url, phone.token);
        expect(refused.status).toBe(401);
        expect(refused.json.error.code).toBe('SESSION_ENDED');
      }
      await Promise.all([here.closed, there.closed]);
      expect(here.errors[0]?.headers.code).toBe('SESSION_ENDED');
      expect(there.errors[0]?.headers.code).toBe('SESSION_ENDED');
      await expect(connect(otherUrl, phone.token)).rejects.toThrow(/ended/);
      // The laptop is another family: untouched.
      expect((await me(otherUrl, laptop.token)).status).toBe(200);
      expect(laptopLive.errors).toEqual([]);
      expect(laptopLive.client.connected).toBe(true);
    });

    it('"sign out everywhere" ends every token and connection of mine at once, and a new sign-in works right away', async () => {
      const phone = await givenUser(t);
      const laptop = await secondDevice(phone);
      const stranger = await givenUser(t);
      const strangerLive = await connect(otherUrl, stranger.token);
      const live = [await connect(t.url, phone.token), await connect(otherUrl, laptop.token)];
      expect((await me(otherUrl, laptop.token)).status).toBe(200);

      expect((await api(t, 'POST', '/api/v1/auth/logout-all', { token: phone.token })).status).toBe(204);

      for (const token of [phone.token, laptop.token])
        for (const url of [t.url, otherUrl]) expect((await me(url, token)).json.error.code).toBe('SESSION_ENDED');
      await Promise.all(live.map((s) => s.closed));
      expect(live.map((s) => s.errors[0]?.headers.code)).toEqual(['SESSION_ENDED', 'SESSION_ENDED']);
      // Refresh tokens ended too.
      const refresh = await api(t, 'POST', '/api/v1/auth/refresh', { headers: { cookie: laptop.cookie, 'x-requested-with': 'studymate' } });
      expect(refresh.status).toBe(401);
      // Signing in again gives a session that works at once, on both nodes.
      const again = await secondDevice(phone);
      expect((await me(t.url, again.token)).status).toBe(200);
      expect((await me(otherUrl, again.token)).status).toBe(200);
      await connect(otherUrl, again.token);
      // Someone else is not affected.
      expect(strangerLive.client.connected).toBe(true);
      expect((await me(t.url, stranger.token)).status).toBe(200);
    });

    it('a replayed refresh token ends its family: the access token of that family stops working too', async () => {
      const user = await givenUser(t);
      const first = await api(t, 'POST', '/api/v1/auth/refresh', { headers: { cookie: user.cookie, 'x-requested-with': 'studymate' } });
      expect(first.status).toBe(200);
      const fresh = first.json.accessToken as string;
      const live = await connect(otherUrl, fresh);
      // A replay of the rotated token (no grace window in this suite) ends the family.
      const replay = await fetch(`${t.url}/api/v1/auth/refresh`, {
        method: 'POST',
        headers: { cookie: user.cookie, 'x-requested-with': 'studymate' },
      });
      expect(refreshCookie(replay)).toBeNull();
      expect(replay.status).toBe(401);
      expect((await me(otherUrl, fresh)).json.error.code).toBe('SESSION_ENDED');
      await live.closed;
      expect(live.errors[0]?.headers.code).toBe('SESSION_ENDED');
    });

    it('deleting an account ends its tokens and connections everywhere: nothing more can be created with them', async () => {
      const gone = await givenUser(t);
      const partner = await givenUser(t);
      const room = await api(t, 'POST', '/api/v1/chat/rooms/direct', { token: gone.token, body: { partnerId: partner.userId } });
      expect(room.status).toBe(200);
      expect((await me(otherUrl, gone.token)).status).toBe(200);
      const live = await connect(otherUrl, gone.token);

      expect((await api(t, 'DELETE', '/api/v1/me', { token: gone.token })).status).toBe(204);

      await live.closed;
      expect(live.errors[0]?.headers.code).toBe('SESSION_ENDED');
      for (const url of [t.url, otherUrl]) {
        const attempts = [
          await api({ url }, 'POST', '/api/v1/chat/rooms/direct', { token: gone.token, body: { partnerId: partner.userId } }),
          await api({ url }, 'POST', `/api/v1/chat/rooms/${room.json.id}/messages`, {
            token: gone.token,
            body: { clientId: `gone${Date.now().toString(36)}0001`, kind: 'text', body: 'after deletion' },
          }),
          await api({ url }, 'POST', '/api/v1/level-test/attempts', { token: gone.token }),
        ];
        expect(attempts.map((a) => a.json?.error?.code)).toEqual(['SESSION_ENDED', 'SESSION_ENDED', 'SESSION_ENDED']);
        const form = new FormData();
        form.append('file', new Blob([new Uint8Array(tinyPng())], { type: 'image/png' }), 'x.png');
        const upload = await fetch(`${url}/api/v1/chat/rooms/${room.json.id}/attachments`, {
          method: 'POST',
          headers: { authorization: `Bearer ${gone.token}` },
          body: form,
        });
        expect(upload.status).toBe(401);
      }
      await expect(connect(t.url, gone.token)).rejects.toThrow(/ended/);
      const history = await api(t, 'GET', `/api/v1/chat/rooms/${room.json.id}/messages`, { token: partner.token });
      expect(history.json.items).toEqual([]);
    });
  });
}
