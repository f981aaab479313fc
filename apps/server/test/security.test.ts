import path from 'node:path';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers/backends.js';
import { api, givenAdmin, givenUser, refreshCookie, startApp, type Client, type TestApp } from './helpers/app.js';
import { countFiles, tinyPng } from './helpers/files.js';

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`security [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    let t: TestApp;
    let user: Client;
    beforeAll(async () => {
      t = await startApp(backend, { RATE_LIMIT_SIGN_IN: '30', RATE_LIMIT_UPLOAD: '1000', REFRESH_REUSE_GRACE_SECONDS: '0' });
      user = await givenUser(t);
    });
    afterAll(async () => t?.close());

    const secret = () => new TextEncoder().encode(t.config.auth.jwtSecret);
    const badTokens = async (): Promise<Record<string, string | undefined>> => {
      const [header, payload, signature] = user.token.split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
      return {
        missing: undefined,
        expired: await new SignJWT({ role: 'user', typ: 'access' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(user.userId)
          .setIssuer('studymate')
          .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
          .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
          .sign(secret()),
        tampered: `${header}.${Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url')}.${signature}`,
        'refresh token used as access': user.cookie.replace('sm_refresh=', ''),
        'wrong token type': await new SignJWT({ role: 'user', typ: 'refresh' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(user.userId)
          .setIssuer('studymate')
          .setExpirationTime('5m')
          .sign(secret()),
        'alg none': new UnsecuredJWT({ role: 'admin', typ: 'access' })
          .setSubject(user.userId)
          .setIssuer('studymate')
          .setExpirationTime('5m')
          .encode(),
        'other signing key': await new SignJWT({ role: 'user', typ: 'access' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(user.userId)
          .setIssuer('studymate')
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode('x'.repeat(48))),
      };
    };

    it('answers 401 on every protected route in the OpenAPI document to every bad token', async () => {
      const doc = (await api(t, 'GET', '/api/docs/json')).json;
      expect(doc.openapi).toMatch(/^3\./);
      const protectedOps: [string, string][] = [];
      for (const [route, ops] of Object.entries<Record<string, { security?: unknown[] }>>(doc.paths)) {
        for (const [method, op] of Object.entries(ops)) {
          if (Array.isArray(op.security) && op.security.length === 0) continue; // declared public
          protectedOps.push([method.toUpperCase(), route.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000')]);
        }
      }
      expect(protectedOps.length).toBeGreaterThan(10);
      const tokens = await badTokens();
      // A throwaway account for the valid-token probe: the list includes DELETE /api/v1/me.
      const probe = await givenUser(t);
      for (const [method, route] of protectedOps) {
        for (const [kind, token] of Object.entries(tokens)) {
          const res = await api(t, method, route, { token, body: ['POST', 'PUT', 'PATCH'].includes(method) ? {} : undefined });
          expect(res.status, `${method} ${route} with ${kind} token`).toBe(401);
          expect(res.json.error.code).toMatch(/^(UNAUTHENTICATED|TOKEN_EXPIRED)$/);
        }
        // The real token passes the guard (whatever the route then says about the body). Deleting
        // the account and signing out everywhere end the probe's session, so they get their own.
        const endsSession = (method === 'DELETE' && route === '/api/v1/me') || route === '/api/v1/auth/logout-all';
        const token = endsSession ? (await givenUser(t)).token : probe.token;
        const ok = await api(t, method, route, { token, body: ['POST', 'PUT', 'PATCH'].includes(method) ? {} : undefined });
        expect(ok.status, `${method} ${route} with a valid token`).not.toBe(401);
      }
    });

    it('refuses every administrators’ route in the OpenAPI document to a signed-in person who is not one, before reading the body', async () => {
      const doc = (await api(t, 'GET', '/api/docs/json')).json;
      const adminOps = Object.entries<Record<string, unknown>>(doc.paths)
        .filter(([route]) => route.startsWith('/api/v1/admin/'))
        .flatMap(([route, ops]) =>
          Object.keys(ops).map((m) => [m.toUpperCase(), route.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000')] as const),
        );
      expect(adminOps.length).toBeGreaterThan(8);
      const person = await givenUser(t);
      const admin = await givenAdmin(t);
      for (const [method, route] of adminOps) {
        const body = ['POST', 'PUT', 'PATCH'].includes(method) ? {} : undefined;
        const refused = await api(t, method, route, { token: person.token, body });
        expect([refused.status, refused.json.error.code], `${method} ${route} as a person`).toEqual([403, 'FORBIDDEN']);
        const allowed = await api(t, method, route, { token: admin.token, body });
        expect(allowed.status, `${method} ${route} as an administrator`).not.toBe(403);
      }
    });

    it('keeps the public list short and deliberate', async () => {
      const doc = (await api(t, 'GET', '/api/docs/json')).json;
      const publicOps = Object.entries<Record<string, { security?: unknown[] }>>(doc.paths).flatMap(([route, ops]) =>
        Object.entries(ops)
          .filter(([, op]) => Array.isArray(op.security) && op.security.length === 0)
          .map(([m]) => `${m.toUpperCase()} ${route}`),
      );
      expect(publicOps.sort()).toEqual(
        [
          'GET /actuator/health',
          'GET /api/v1/auth/google/callback',
          'GET /api/v1/auth/google/start',
          'GET /api/v1/auth/naver/callback',
          'GET /api/v1/auth/naver/start',
          'GET /api/v1/catalog',
          'GET /api/v1/chat/attachments/{attachmentId}/link',
          'GET /api/v1/config',
          'GET /api/v1/level-test/attempts/{attemptId}/answers/{promptId}/recording/link',
          'GET /api/v1/photos/{id}',
          'GET /api/v1/sessions/feed.ics',
          'GET /health/live',
          'GET /health/ready',
          'POST /api/v1/auth/dev',
          'POST /api/v1/auth/logout',
          'POST /api/v1/auth/refresh',
        ].sort(),
      );
    });

    it('rotates the refresh token, and reuse of a rotated one ends the whole family', async () => {
      const me = await givenUser(t);
      const headers = (cookie: string) => ({ cookie, 'x-requested-with': 'studymate' });
      const first = await api(t, 'POST', '/api/v1/auth/refresh', { headers: headers(me.cookie) });
      expect(first.status).toBe(200);
      const second = refreshCookie(first.response)!;
      expect(second).not.toBe(me.cookie);
      // An attacker replays the old token: refused, and the legitimate newer token dies too.
      const replay = await api(t, 'POST', '/api/v1/auth/refresh', { headers: headers(me.cookie) });
      expect(replay.status).toBe(401);
      expect(replay.json.error.code).toBe('REFRESH_TOKEN_REUSED');
      const after = await api(t, 'POST', '/api/v1/auth/refresh', { headers: headers(second) });
      expect(after.status).toBe(401);
    });

    it('refuses a cookie refresh without the same-origin header', async () => {
      const me = await givenUser(t);
      const res = await api(t, 'POST', '/api/v1/auth/refresh', { headers: { cookie: me.cookie } });
      expect(res.status).toBe(403);
    });

    it('logs out here, and everywhere', async () => {
      const a = await givenUser(t, { email: `multi-${Date.now()}@example.test` });
      const b = await api(t, 'POST', '/api/v1/auth/dev', { body: { email: a.email, displayName: 'Same person, other phone' } });
      const otherDevice = refreshCookie(b.response)!;
      const h = (cookie: string) => ({ cookie, 'x-requested-with': 'studymate' });
      expect((await api(t, 'POST', '/api/v1/auth/logout', { headers: h(a.cookie) })).status).toBe(204);
      expect((await api(t, 'POST', '/api/v1/auth/refresh', { headers: h(a.cookie) })).status).toBe(401);
      expect((await api(t, 'POST', '/api/v1/auth/refresh', { headers: h(otherDevice) })).status).toBe(200);
      const c = await givenUser(t, { email: `multi2-${Date.now()}@example.test` });
      const d = refreshCookie((await api(t, 'POST', '/api/v1/auth/dev', { body: { email: c.email, displayName: 'x' } })).response)!;
      expect((await api(t, 'POST', '/api/v1/auth/logout-all', { token: c.token })).status).toBe(204);
      expect((await api(t, 'POST', '/api/v1/auth/refresh', { headers: h(c.cookie) })).status).toBe(401);
      expect((await api(t, 'POST', '/api/v1/auth/refresh', { headers: h(d) })).status).toBe(401);
    });

    it('refuses an upload over 10 MB with 413 and stores nothing', async () => {
      const uploads = path.join(t.config.dataDir, 'uploads');
      const before = countFiles(uploads);
      const big = Buffer.concat([tinyPng(), Buffer.alloc(10 * 1024 * 1024 + 10)]);
      const form = new FormData();
      form.append('photo', new Blob([new Uint8Array(big)]), 'big.png');
      const res = await fetch(`${t.url}/api/v1/me/photo`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.token}` },
        body: form,
      });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
      expect(countFiles(uploads)).toBe(before);
    });

    it('refuses a file that is not an image with 415 whatever it claims, and stores nothing', async () => {
      const uploads = path.join(t.config.dataDir, 'uploads');
      const before = countFiles(uploads);
      const form = new FormData();
      form.append('photo', new Blob(['<html><script>alert(1)</script></html>'], { type: 'image/png' }), 'evil.png');
      const res = await fetch(`${t.url}/api/v1/me/photo`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.token}` },
        body: form,
      });
      expect(res.status).toBe(415);
      expect(countFiles(uploads)).toBe(before);
    });

    it('answers 400 naming the field for invalid bodies, never 500', async () => {
      const cases: [string, string, unknown, string][] = [
        ['POST', '/api/v1/auth/dev', { email: 'not-an-email', displayName: 'x' }, '/email'],
        ['POST', '/api/v1/auth/dev', { displayName: 'x' }, '/email'],
        ['PUT', '/api/v1/onboarding/basic', { englishName: 'Ann', cityId: 'seoul', intro: 'too short' }, '/intro'],
        [
          'PUT',
          '/api/v1/onboarding/schedule',
          { communicationMethod: 'video', dailyMinutes: 17, availability: [{ day: 1, slot: 1 }] },
          '/dailyMinutes',
        ],
        [
          'PUT',
          '/api/v1/onboarding/schedule',
          { communicationMethod: 'video', dailyMinutes: 10, availability: [{ day: 8, slot: 1 }] },
          '/availability/0/day',
        ],
        ['PUT', '/api/v1/onboarding/partner', { partnerGender: 'any', partnerStyles: [], ageMin: 20, ageMax: 30 }, '/partnerStyles'],
        [
          'PUT',
          '/api/v1/onboarding/interests',
          { motivations: ['travel-culture'], topics: ['food'], learningStyle: 'both', expectation: 'practical', extra: 1 },
          '/extra',
        ],
      ];
      for (const [method, route, body, field] of cases) {
        const res = await api(t, method, route, { token: user.token, body });
        expect(res.status, `${route} ${JSON.stringify(body)}`).toBe(400);
        expect(res.json.error.code).toBe('VALIDATION_FAILED');
        expect(res.json.error.details.map((d: { field: string }) => d.field)).toContain(field);
      }
      const malformed = await fetch(`${t.url}/api/v1/auth/dev`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"email":',
      });
      expect(malformed.status).toBe(400);
    });

    it('sets security headers with a content security policy', async () => {
      const res = await fetch(`${t.url}/api/v1/config`);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('strict-transport-security')).toBeTruthy();
    });

    it('allows CORS only for the configured origins', async () => {
      const allowed = await fetch(`${t.url}/api/v1/config`, { headers: { origin: t.config.publicUrl } });
      expect(allowed.headers.get('access-control-allow-origin')).toBe(t.config.publicUrl);
      const other = await fetch(`${t.url}/api/v1/config`, { headers: { origin: 'https://evil.example' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe.skipIf(backend.skip)(`refresh reuse grace [${backend.name}]`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp(backend, { REFRESH_REUSE_GRACE_SECONDS: '1' });
    });
    afterAll(async () => t?.close());

    it('lets a token whose answer was lost rotate again within the grace window, and ends the family after it', async () => {
      const me = await givenUser(t);
      const h = (cookie: string) => ({ cookie, 'x-requested-with': 'studymate' });
      const first = await api(t, 'POST', '/api/v1/auth/refresh', { headers: h(me.cookie) });
      expect(first.status).toBe(200);
      // The answer to `first` never reached the phone; it retries with the old token at once.
      const retry = await api(t, 'POST', '/api/v1/auth/refresh', { headers: h(me.cookie) });
      expect(retry.status).toBe(200);
      const current = refreshCookie(retry.response)!;
      await new Promise((r) => setTimeout(r, 1300));
      const late = await api(t, 'POST', '/api/v1/auth/refresh', { headers: h(me.cookie) });
      expect(late.status).toBe(401);
      expect(late.json.error.code).toBe('REFRESH_TOKEN_REUSED');
      expect((await api(t, 'POST', '/api/v1/auth/refresh', { headers: h(current) })).status).toBe(401);
    });
  });

  describe.skipIf(backend.skip)(`rate limits [${backend.name}]`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp(backend, { RATE_LIMIT_SIGN_IN: '3', RATE_LIMIT_UPLOAD: '2', RATE_LIMIT_REFRESH: '8' });
    });
    afterAll(async () => t?.close());

    it('answers 429 once sign-in attempts pass the limit', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await api(t, 'POST', '/api/v1/auth/dev', { body: { email: `rl${i}@example.test`, displayName: 'x' } })).status);
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      expect(statuses.slice(3)).toEqual([429, 429]);
      const res = await api(t, 'POST', '/api/v1/auth/dev', { body: { email: 'rl9@example.test', displayName: 'x' } });
      expect(res.json.error.code).toBe('RATE_LIMITED');
    });

    it('gives token refresh a budget of its own, so reloading pages does not lock anyone out', async () => {
      // With the sign-in budget (3) spent, refreshes still get answers, up to their own 8.
      for (let i = 0; i < 3; i++) await api(t, 'POST', '/api/v1/auth/dev', { body: { email: `spent${i}@example.test`, displayName: 'x' } });
      expect((await api(t, 'POST', '/api/v1/auth/dev', { body: { email: 'spent@example.test', displayName: 'x' } })).status).toBe(429);
      const statuses: number[] = [];
      for (let i = 0; i < 9; i++)
        statuses.push((await api(t, 'POST', '/api/v1/auth/refresh', { headers: { 'x-requested-with': 'studymate' } })).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 429]);
    });
  });
}
