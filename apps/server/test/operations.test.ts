import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers/backends.js';
import { api, givenUser, startApp, type TestApp } from './helpers/app.js';

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`operations [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    let t: TestApp;
    let web: string;
    beforeAll(async () => {
      web = mkdtempSync(path.join(tmpdir(), 'studymate-web-'));
      writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>STUDYMATE</title><div id="root"></div>');
      writeFileSync(path.join(web, 'app.js'), 'console.log(1)');
      t = await startApp(backend, { WEB_DIST: web, METRICS_TOKEN: 'operations-scrape-token-0123' });
    });
    afterAll(async () => {
      await t?.close();
      rmSync(web, { recursive: true, force: true });
    });

    it('reports live and ready with the database (and Redis when used) checked', async () => {
      expect((await api(t, 'GET', '/health/live')).json).toEqual({ status: 'ok' });
      const ready = await api(t, 'GET', '/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.json.checks.database).toBe('up');
      expect(ready.json.checks.redis).toBe(backend.name === 'embedded' ? 'not-configured' : 'up');
      const actuator = await api(t, 'GET', '/actuator/health');
      expect(actuator.json.status).toBe('UP');
      expect(actuator.json.components.database).toEqual({ status: 'UP' });
    });

    it('exposes Prometheus metrics with request latency by route pattern and event-loop lag', async () => {
      const user = await givenUser(t);
      await api(t, 'GET', '/api/v1/me', { token: user.token });
      const metrics = await api(t, 'GET', '/metrics', { token: 'operations-scrape-token-0123' });
      expect(metrics.status).toBe(200);
      expect(metrics.text).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/api\/v1\/me"/);
      expect(metrics.text).toContain('studymate_event_loop_lag_p99_seconds');
      expect(metrics.text).toContain('nodejs_eventloop_lag_seconds');
      expect(metrics.text).not.toContain(user.userId);
    });

    it('serves the OpenAPI document and Swagger UI under /api/docs', async () => {
      const doc = await api(t, 'GET', '/api/docs/json');
      expect(doc.json.info.title).toBe('STUDYMATE API');
      expect(Object.keys(doc.json.paths)).toContain('/api/v1/onboarding/schedule');
      const ui = await fetch(`${t.url}/api/docs/`);
      expect(ui.status).toBe(200);
      expect(await ui.text()).toContain('swagger');
    });

    it('documents every realtime destination with its payload schema next to the OpenAPI document', async () => {
      const doc = (await api(t, 'GET', '/api/docs/realtime.json')).json;
      expect(doc.path).toBe('/ws');
      expect(Object.keys(doc.subscribe.topics)).toContain('/sub/chat/rooms/{roomId}');
      expect(Object.keys(doc.subscribe.userQueues)).toEqual(expect.arrayContaining(['/user/queue/notifications', '/user/queue/errors']));
      expect(doc.send['/pub/chat/rooms/{roomId}/messages'].properties.clientId).toBeTruthy();
    });

    it('serves the web app at / and falls back to it for client-side routes, not for API paths', async () => {
      const home = await fetch(`${t.url}/`);
      expect(await home.text()).toContain('<title>STUDYMATE</title>');
      const deep = await fetch(`${t.url}/onboarding/schedule`);
      expect(deep.status).toBe(200);
      expect(deep.headers.get('content-type')).toContain('text/html');
      expect((await fetch(`${t.url}/app.js`)).headers.get('content-type')).toContain('javascript');
      const missingAsset = await fetch(`${t.url}/missing.js`);
      expect(missingAsset.status).toBe(404);
      const unknownApi = await api(t, 'GET', '/api/v1/nothing-here', { token: (await givenUser(t)).token });
      expect(unknownApi.status).toBe(404);
      expect(unknownApi.json.error.code).toBe('NOT_FOUND');
    });

    it('gives every response a request id, and keeps one the client sent', async () => {
      const res = await fetch(`${t.url}/health/live`, { headers: { 'x-request-id': 'trace-me-123' } });
      expect(res.headers.get('x-request-id')).toBe('trace-me-123');
      expect((await fetch(`${t.url}/health/live`)).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('answers a body of the wrong shape with 400, not 500', async () => {
      const res = await fetch(`${t.url}/api/v1/auth/dev`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
      expect(res.status).toBe(400);
    });
  });
}
