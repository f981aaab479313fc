import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../src/config.js';
import { BACKENDS } from './helpers/backends.js';
import { api, givenUser, startApp, type Client, type TestApp } from './helpers/app.js';
import { tinyPng } from './helpers/files.js';
import { until } from './helpers/wait.js';
import { connectStomp } from './realtime/harness.js';

/** A connection that speaks HTTP/1.1 by hand, for request targets and pacing fetch cannot produce. */
function rawConnection(t: TestApp) {
  const { port } = new URL(t.url);
  const socket: Socket = connect(Number(port), '127.0.0.1');
  let received = '';
  let closed = false;
  socket.on('data', (d) => (received += d.toString('latin1')));
  socket.on('error', () => {});
  socket.on('close', () => (closed = true));
  return {
    socket,
    write: (data: string | Buffer) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.write(data, () => resolve()))),
    /** Resolves with the status line's code once a response head has arrived, or null on timeout. */
    async status(timeoutMs: number): Promise<number | null> {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline && !received.includes('\r\n\r\n') && !closed) await new Promise((r) => setTimeout(r, 10));
      const match = /^HTTP\/1\.1 (\d{3})/.exec(received);
      return match ? Number(match[1]) : null;
    },
    text: () => received,
    isClosed: () => closed,
    close: () => socket.destroy(),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`HTTP edge [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    let t: TestApp;
    let user: Client;
    beforeAll(async () => {
      t = await startApp(backend, {
        RATE_LIMIT_UPLOAD: '1000',
        METRICS_TOKEN: 'scrape-token-for-tests-0123456789',
        HTTP_REQUEST_TIMEOUT_MS: '1500',
        HTTP_HEADERS_TIMEOUT_MS: '1000',
      });
      user = await givenUser(t);
    });
    afterAll(async () => t?.close());

    describe('the default-deny guard follows the route that matched, not the spelling of the URL', () => {
      const host = () => new URL(t.url).host;
      const targets = () => ['/%61pi/v1/me', '/api/v1/%6De', `http://${host()}/api/v1/me`, `http://evil.example/api/v1/me`];

      it('refuses a percent-encoded or absolute-form path to a protected route without a token (401, not the handler)', async () => {
        for (const target of targets()) {
          const c = rawConnection(t);
          await c.write(`GET ${target} HTTP/1.1\r\nHost: ${host()}\r\nConnection: close\r\n\r\n`);
          expect(await c.status(3000), target).toBe(401);
          expect(c.text()).toContain('UNAUTHENTICATED');
          c.close();
        }
      });

      it('serves the same spellings to the signed-in owner (so the 401 above is the guard speaking)', async () => {
        for (const target of targets()) {
          const c = rawConnection(t);
          await c.write(`GET ${target} HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: Bearer ${user.token}\r\nConnection: close\r\n\r\n`);
          expect(await c.status(3000), target).toBe(200);
          expect(c.text()).toContain(user.userId);
          c.close();
        }
      });

      it('refuses an anonymous upload before reading its body', async () => {
        for (const target of ['/%61pi/v1/me/photo', `http://${host()}/api/v1/me/photo`]) {
          const c = rawConnection(t);
          const boundary = 'edgeboundary';
          const head = `--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`;
          // Announce 10 MB, send 64 KB of it: the answer must come without the rest.
          await c.write(
            `POST ${target} HTTP/1.1\r\nHost: ${host()}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\n` +
              `Content-Length: ${10 * 1024 * 1024}\r\n\r\n${head}`,
          );
          await c.write(Buffer.alloc(64 * 1024, 7));
          expect(await c.status(3000), target).toBe(401);
          c.close();
        }
      });
    });

    it('cuts a request whose body trickles in, with 408, within the configured limit', async () => {
      const c = rawConnection(t);
      const started = Date.now();
      await c.write(`POST /api/v1/auth/dev HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`);
      // One byte every 200 ms: never idle long, never done.
      while (!c.isClosed() && Date.now() - started < 6000) {
        await c.write('"');
        await sleep(200);
      }
      const status = await c.status(100);
      expect(c.isClosed()).toBe(true);
      expect(Date.now() - started).toBeLessThan(1500 + 1000);
      expect(status).toBe(408);
    });

    it('cuts a connection whose headers trickle in', async () => {
      const c = rawConnection(t);
      const started = Date.now();
      await c.write('GET /health/live HTTP/1.1\r\nHost: x\r\n');
      while (!c.isClosed() && Date.now() - started < 6000) {
        await c.write('X: y\r\n');
        await sleep(200);
      }
      expect(c.isClosed()).toBe(true);
      expect(Date.now() - started).toBeLessThan(1000 + 1000);
      expect(await c.status(100)).toBe(408);
    });

    it('keeps an idle keep-alive connection open past those limits (they time requests, not the pauses between them)', async () => {
      const c = rawConnection(t);
      await c.write('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n');
      expect(await c.status(3000)).toBe(200);
      await sleep(2500);
      expect(c.isClosed()).toBe(false);
      await c.write('GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      await until('the second answer', () => c.text().split('HTTP/1.1 200').length === 3, 3000);
      c.close();
    });

    it('keeps a client request id only when it is plainly an id', async () => {
      const echo = async (id: string) =>
        (await fetch(`${t.url}/health/live`, { headers: { 'x-request-id': id } })).headers.get('x-request-id');
      expect(await echo('trace-me_1.2')).toBe('trace-me_1.2');
      for (const forged of ['a"b', '<script>alert(1)</script>', 'x'.repeat(65), 'id with spaces', '{"level":60}']) {
        expect(await echo(forged), forged).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      }
    });

    it('answers /metrics only to the scrape token, not to anonymous callers or signed-in users', async () => {
      expect((await api(t, 'GET', '/metrics')).status).toBe(401);
      expect((await api(t, 'GET', '/metrics', { token: user.token })).status).toBe(401);
      expect((await api(t, 'GET', '/metrics', { token: 'scrape-token-for-tests-012345678X' })).status).toBe(401);
      const ok = await api(t, 'GET', '/metrics', { token: 'scrape-token-for-tests-0123456789' });
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('http_request_duration_seconds');
    });

    it('refuses integers that are not integers a database can take, on cursors and bodies', async () => {
      const partner = await givenUser(t);
      const room = (await api(t, 'POST', '/api/v1/chat/rooms/direct', { token: user.token, body: { partnerId: partner.userId } })).json.id;
      for (const query of ['before=1e309', 'after=1e309', 'before=-1e309', 'before=1e20', 'before=1.5', 'after=9007199254740993']) {
        const res = await api(t, 'GET', `/api/v1/chat/rooms/${room}/messages?${query}`, { token: user.token });
        expect(res.status, query).toBe(400);
        expect(res.json.error.code).toBe('VALIDATION_FAILED');
      }
      const read = await fetch(`${t.url}/api/v1/chat/rooms/${room}/read`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
        body: '{"seq":1e309}',
      });
      expect(read.status).toBe(400);
    });

    it('answers an address whose id is not an id with "not found", as for an id nobody has; bad query and body values stay 400', async () => {
      for (const route of [
        '/api/v1/matching/people/abc',
        '/api/v1/calls/abc',
        '/api/v1/chat/rooms/not-a-room',
        `/api/v1/matching/people/${crypto.randomUUID()}`,
      ]) {
        const res = await api(t, 'GET', route, { token: user.token });
        expect(res.status, route).toBe(404);
        expect(res.json.error.code, route).toBe('NOT_FOUND');
      }
      expect((await api(t, 'DELETE', '/api/v1/matching/mates/abc', { token: user.token })).status).toBe(404);
      const query = await api(t, 'GET', '/api/v1/progress/statistics?range=decade', { token: user.token });
      expect(query.status).toBe(400);
      expect(query.json.error.code).toBe('VALIDATION_FAILED');
    });

    it('reads upper-case ids as the same ids: a message sent to ROOM-ID is stored in the room and delivered live', async () => {
      const partner = await givenUser(t);
      // The partner id in upper case finds (or makes) the same room as in lower case.
      const room = (await api(t, 'POST', '/api/v1/chat/rooms/direct', { token: user.token, body: { partnerId: partner.userId } })).json.id;
      const again = await api(t, 'POST', '/api/v1/chat/rooms/direct', {
        token: user.token,
        body: { partnerId: partner.userId.toUpperCase() },
      });
      expect(again.json.id).toBe(room);
      const stomp = await connectStomp(`${t.url.replace('http', 'ws')}/ws`, { Authorization: `Bearer ${partner.token}` });
      try {
        const sub = await stomp.subscribe(`/sub/chat/rooms/${room}`);
        const sent = await api(t, 'POST', `/api/v1/chat/rooms/${room.toUpperCase()}/messages`, {
          token: user.token,
          body: { clientId: `upper${Date.now()}`, kind: 'text', body: 'hello in capitals' },
        });
        expect(sent.status).toBe(200);
        expect(sent.json.roomId).toBe(room);
        const event = JSON.parse((await sub.next()).body);
        expect(event).toMatchObject({ type: 'message', message: { body: 'hello in capitals', roomId: room } });
        const history = await api(t, 'GET', `/api/v1/chat/rooms/${room}/messages`, { token: partner.token });
        expect(history.json.items.map((m: { body: string }) => m.body)).toContain('hello in capitals');
      } finally {
        await stomp.disconnect();
      }
    });

    it('strips control and bidirectional characters from uploaded file names', async () => {
      const partner = await givenUser(t);
      const room = (await api(t, 'POST', '/api/v1/chat/rooms/direct', { token: user.token, body: { partnerId: partner.userId } })).json.id;
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(tinyPng())], { type: 'image/png' }), 'report\u202Efdp\u0000.\u2066png\u200F\u0085');
      const res = await fetch(`${t.url}/api/v1/chat/rooms/${room}/attachments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.token}` },
        body: form,
      });
      expect(res.status).toBe(200);
      const attachment = (await res.json()) as { id: string; fileName: string };
      expect(attachment.fileName).toBe('reportfdp.png');
      const download = await fetch(`${t.url}/api/v1/chat/attachments/${attachment.id}`, {
        headers: { authorization: `Bearer ${user.token}` },
      });
      expect(decodeURIComponent(download.headers.get('content-disposition') ?? '')).toContain("''reportfdp.png");
    });

    it('answers a broken multipart body with 400', async () => {
      const boundary = 'brokenboundary';
      const cases: [string, string][] = [
        [
          `multipart/form-data; boundary=${boundary}`,
          `--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="a.png"\r\n\r\nhalf a file, and no closing boundary`,
        ],
        [`multipart/form-data; boundary=${boundary}`, 'no boundary anywhere in here'],
        ['multipart/form-data', `--${boundary}\r\nContent-Disposition: form-data; name="photo"\r\n\r\nx\r\n--${boundary}--\r\n`],
      ];
      for (const [type, body] of cases) {
        const res = await fetch(`${t.url}/api/v1/me/photo`, {
          method: 'POST',
          headers: { authorization: `Bearer ${user.token}`, 'content-type': type },
          body,
        });
        expect(res.status, body).toBe(400);
        expect(((await res.json()) as { error: { code: string } }).error.code, body).toBe('BAD_REQUEST');
      }
    });
  });

  describe.skipIf(backend.skip)(`client address behind a proxy [${backend.name}]`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp(backend, { TRUST_PROXY: 'true', RATE_LIMIT_SIGN_IN: '3' });
    });
    afterAll(async () => t?.close());

    it('takes the address our proxy appended, not the left-most one the client wrote (login history and sign-in limit)', async () => {
      const signIn = (forged: string) =>
        api(t, 'POST', '/api/v1/auth/dev', {
          body: { email: 'proxied@example.test', displayName: 'Behind a proxy' },
          headers: { 'x-forwarded-for': `${forged}, 203.0.113.7` },
        });
      const first = await signIn('6.6.6.1');
      expect(first.status).toBe(200);
      const history = await api(t, 'GET', '/api/v1/me/login-history', { token: first.json.accessToken });
      expect(history.json.items.map((i: { ip: string }) => i.ip)).toEqual(['203.0.113.7']);
      // A new forged address per attempt no longer buys a fresh sign-in budget.
      const statuses = [(await signIn('6.6.6.2')).status, (await signIn('6.6.6.3')).status, (await signIn('6.6.6.4')).status];
      expect(statuses).toEqual([200, 200, 429]);
    });
  });
}

describe('security headers follow PUBLIC_URL', () => {
  const backend = BACKENDS[0]!;
  it('lets script connect only to its own origin, and upgrades requests only on https', async () => {
    const plain = await startApp(backend, { PUBLIC_URL: 'http://192.168.0.10:8080' });
    const secure = await startApp(backend, { PUBLIC_URL: 'https://studymate.example' });
    try {
      const policy = async (t: TestApp) => (await fetch(`${t.url}/health/live`)).headers.get('content-security-policy') ?? '';
      const [http, https] = [await policy(plain), await policy(secure)];
      const connectSrc = (p: string) => /connect-src ([^;]*)/.exec(p)?.[1]?.split(' ');
      expect(connectSrc(http)).toEqual(["'self'", 'ws://192.168.0.10:8080']);
      expect(connectSrc(https)).toEqual(["'self'", 'wss://studymate.example']);
      expect(http).not.toContain('upgrade-insecure-requests');
      expect(https).toContain('upgrade-insecure-requests');
    } finally {
      await plain.close();
      await secure.close();
    }
  });
});

describe('TRUST_PROXY', () => {
  const trust = (value: string) =>
    loadConfig({ NODE_ENV: 'test', DATA_DIR: '/tmp/studymate-config-test', TRUST_PROXY: value }).http.trustProxy;
  it('reads hops, addresses and CIDRs, treats true as one hop, and refuses nonsense', () => {
    expect(trust('false')).toBe(false);
    expect(trust('true')).toBe(1);
    expect(trust('2')).toBe(2);
    expect(trust('10.0.0.0/8, 127.0.0.1, ::1, loopback')).toEqual(['10.0.0.0/8', '127.0.0.1', '::1', 'loopback']);
    for (const bad of ['yes', '10.0.0.0/33', '300.1.1.1', '11']) expect(() => trust(bad), bad).toThrow(ConfigError);
  });
});
