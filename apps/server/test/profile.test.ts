import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ONBOARDING_STEPS } from '@studymate/contracts';
import { buildApp } from '../src/app.js';
import { BACKENDS } from './helpers/backends.js';
import { buildExport } from './helpers/exports.js';
import { api, givenUser, startApp, STEP_BODIES, type TestApp } from './helpers/app.js';
import { tinyPng } from './helpers/files.js';

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`profile and onboarding [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp(backend);
    });
    afterAll(async () => t?.close());

    it('sends a new user to the terms before onboarding', async () => {
      const user = await givenUser(t, { acceptTerms: false });
      const me = await api(t, 'GET', '/api/v1/me', { token: user.token });
      expect(me.json.termsAcceptedAt).toBeNull();
      const save = await api(t, 'PUT', '/api/v1/onboarding/basic', { token: user.token, body: STEP_BODIES.basic });
      expect(save.status).toBe(403);
      expect(save.json.error.code).toBe('TERMS_REQUIRED');
    });

    it('refuses terms without every required consent, naming the field', async () => {
      const user = await givenUser(t, { acceptTerms: false });
      const res = await api(t, 'POST', '/api/v1/me/terms', {
        token: user.token,
        body: { ageOver14: true, termsOfService: true, privacyPolicy: false, marketing: true },
      });
      expect(res.status).toBe(400);
      expect(res.json.error.details.map((d: { field: string }) => d.field)).toContain('/privacyPolicy');
    });

    it('saves each step on its own and resumes at the first unfinished one', async () => {
      const user = await givenUser(t);
      expect((await api(t, 'GET', '/api/v1/onboarding', { token: user.token })).json.nextStep).toBe('basic');
      await api(t, 'PUT', '/api/v1/onboarding/basic', { token: user.token, body: STEP_BODIES.basic });
      await api(t, 'PUT', '/api/v1/onboarding/interests', { token: user.token, body: STEP_BODIES.interests });
      const status = (await api(t, 'GET', '/api/v1/onboarding', { token: user.token })).json;
      expect(status.completedSteps).toEqual(['basic', 'interests']);
      expect(status.nextStep).toBe('languages');
      expect((await api(t, 'GET', '/api/v1/onboarding/partner', { token: user.token })).status).toBe(404);

      for (const step of ONBOARDING_STEPS) {
        const res = await api(t, 'PUT', `/api/v1/onboarding/${step}`, { token: user.token, body: STEP_BODIES[step] });
        expect(res.status, `${step}: ${res.text}`).toBe(200);
      }
      const me = (await api(t, 'GET', '/api/v1/me', { token: user.token })).json;
      expect(me.onboarding).toMatchObject({ completed: true, nextStep: null, levelTestOffered: true });
      expect(me.basic).toMatchObject(STEP_BODIES.basic);
      expect(me.timeZone).toBe('Asia/Seoul');
      expect(me.languages).toEqual(STEP_BODIES.languages);
      expect(new Set(me.interests.topics)).toEqual(new Set(STEP_BODIES.interests.topics));
      expect(me.partner).toMatchObject({ partnerGender: 'any', ageMin: 20, ageMax: 35 });
      expect(me.schedule.availability).toEqual(STEP_BODIES.schedule.availability);
      for (const step of ONBOARDING_STEPS) {
        const read = await api(t, 'GET', `/api/v1/onboarding/${step}`, { token: user.token });
        expect(read.status).toBe(200);
      }
    });

    it('re-saving a step replaces it rather than adding to it', async () => {
      const user = await givenUser(t);
      await api(t, 'PUT', '/api/v1/onboarding/interests', { token: user.token, body: STEP_BODIES.interests });
      await api(t, 'PUT', '/api/v1/onboarding/interests', { token: user.token, body: { ...STEP_BODIES.interests, topics: ['it'] } });
      const read = await api(t, 'GET', '/api/v1/onboarding/interests', { token: user.token });
      expect(read.json.topics).toEqual(['it']);
    });

    it('names the field for rules a schema cannot express', async () => {
      const user = await givenUser(t);
      const learnsNative = await api(t, 'PUT', '/api/v1/onboarding/languages', {
        token: user.token,
        body: { native: 'ko', speaks: [], learns: [{ language: 'ko', level: 'A1', partnerLevel: 'C2' }] },
      });
      expect(learnsNative.status).toBe(400);
      expect(learnsNative.json.error.details[0].field).toBe('/learns');
      const ages = await api(t, 'PUT', '/api/v1/onboarding/partner', {
        token: user.token,
        body: { ...STEP_BODIES.partner, ageMin: 40, ageMax: 20 },
      });
      expect(ages.json.error.details[0].field).toBe('/ageMin');
      const young = await api(t, 'PUT', '/api/v1/onboarding/basic', {
        token: user.token,
        body: { ...STEP_BODIES.basic, birthYear: new Date().getFullYear() - 10 },
      });
      expect(young.json.error.details[0].field).toBe('/birthYear');
      const name = await api(t, 'PUT', '/api/v1/onboarding/basic', {
        token: user.token,
        body: { ...STEP_BODIES.basic, englishName: 'Min-ji 2' },
      });
      expect(name.status).toBe(400);
      expect(name.json.error.details[0].field).toBe('/englishName');
      const city = await api(t, 'PUT', '/api/v1/onboarding/basic', {
        token: user.token,
        body: { ...STEP_BODIES.basic, cityId: 'atlantis' },
      });
      expect(city.json.error.details).toEqual([{ field: '/cityId', message: expect.stringContaining('allowed values') }]);
    });

    it('keeps a city that is not listed ("other") with the time zone the person picked, and refuses an unknown zone', async () => {
      const user = await givenUser(t);
      const unknown = await api(t, 'PUT', '/api/v1/onboarding/basic', {
        token: user.token,
        body: { ...STEP_BODIES.basic, cityId: 'other', timeZone: 'Mars/Olympus_Mons' },
      });
      expect(unknown.status).toBe(400);
      expect(unknown.json.error.details).toEqual([{ field: '/timeZone', message: 'is not a known time zone' }]);
      const saved = await api(t, 'PUT', '/api/v1/onboarding/basic', {
        token: user.token,
        body: { ...STEP_BODIES.basic, cityId: 'other', timeZone: 'Africa/Nairobi' },
      });
      expect(saved.status, JSON.stringify(saved.json)).toBe(200);
      const me = (await api(t, 'GET', '/api/v1/me', { token: user.token })).json;
      expect(me.basic.cityId).toBe('other');
      expect(me.timeZone).toBe('Africa/Nairobi');
      // Choosing a listed city without a zone takes the city's again.
      await api(t, 'PUT', '/api/v1/onboarding/basic', { token: user.token, body: { ...STEP_BODIES.basic, cityId: 'busan' } });
      expect((await api(t, 'GET', '/api/v1/me', { token: user.token })).json.timeZone).toBe('Asia/Seoul');
    });

    it('stores a profile photo and serves it back with its sniffed type', async () => {
      const user = await givenUser(t);
      const form = new FormData();
      form.append('photo', new Blob([new Uint8Array(tinyPng())], { type: 'text/plain' }), 'me.png');
      const upload = await fetch(`${t.url}/api/v1/me/photo`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.token}` },
        body: form,
      });
      expect(upload.status).toBe(200);
      const { photoUrl } = (await upload.json()) as { photoUrl: string };
      const photo = await fetch(t.url + photoUrl);
      expect(photo.status).toBe(200);
      expect(photo.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await photo.arrayBuffer()).equals(tinyPng())).toBe(true);
      expect((await api(t, 'GET', '/api/v1/me', { token: user.token })).json.photoUrl).toBe(photoUrl);
      expect((await api(t, 'DELETE', '/api/v1/me/photo', { token: user.token })).status).toBe(204);
      expect((await fetch(t.url + photoUrl)).status).toBe(404);
    });

    it('GET /me shows every change at once, on this node and on another one sharing the backends', async () => {
      // A second node on the same database and cache. Embedded mode is one process, so only the
      // production backends have a real second node.
      const other = backend.name === 'mysql+redis' ? await buildApp(t.config) : null;
      await other?.listen({ host: '127.0.0.1', port: 0 });
      const otherUrl = other ? `http://127.0.0.1:${(other.server.address() as { port: number }).port}` : t.url;
      try {
        const user = await givenUser(t, { acceptTerms: false });
        const me = async () => {
          const here = await api(t, 'GET', '/api/v1/me', { token: user.token });
          const there = await api({ url: otherUrl }, 'GET', '/api/v1/me', { token: user.token });
          expect(there.json).toEqual(here.json);
          return here;
        };
        expect((await me()).json.termsAcceptedAt).toBeNull();
        await api(t, 'POST', '/api/v1/me/terms', {
          token: user.token,
          body: { ageOver14: true, termsOfService: true, privacyPolicy: true, marketing: true },
        });
        expect((await me()).json).toMatchObject({ termsAcceptedAt: expect.any(String), marketingConsent: true });
        await api({ url: otherUrl }, 'PUT', '/api/v1/onboarding/basic', { token: user.token, body: STEP_BODIES.basic });
        expect((await me()).json.basic.englishName).toBe('Minji Kim');
        await api(t, 'PUT', '/api/v1/onboarding/basic', { token: user.token, body: { ...STEP_BODIES.basic, englishName: 'Minji Lee' } });
        expect((await me()).json.basic.englishName).toBe('Minji Lee');
        const form = new FormData();
        form.append('photo', new Blob([new Uint8Array(tinyPng())]), 'me.png');
        await fetch(`${otherUrl}/api/v1/me/photo`, { method: 'POST', headers: { authorization: `Bearer ${user.token}` }, body: form });
        expect((await me()).json.photoUrl).toMatch(/^\/api\/v1\/photos\//);
        await api(t, 'DELETE', '/api/v1/me/photo', { token: user.token });
        expect((await me()).json.photoUrl).toBeNull();
        await api({ url: otherUrl }, 'DELETE', '/api/v1/me', { token: user.token });
        // The deleted account's token ends with it, on every node.
        expect((await api(t, 'GET', '/api/v1/me', { token: user.token })).json.error.code).toBe('SESSION_ENDED');
      } finally {
        await other?.close();
      }
    });

    it('records sign-ins in the login history with device and address', async () => {
      const user = await givenUser(t);
      const history = await api(t, 'GET', '/api/v1/me/login-history', { token: user.token });
      expect(history.json.items).toHaveLength(1);
      expect(history.json.items[0]).toMatchObject({ method: 'dev', ip: '127.0.0.1' });
      expect(Date.parse(history.json.items[0].at)).toBeGreaterThan(Date.now() - 60_000);
    });

    it('exports my account, profile and sign-ins in my data export', async () => {
      const user = await givenUser(t, { email: `export-${Date.now()}@example.test` });
      await api(t, 'PUT', '/api/v1/onboarding/basic', { token: user.token, body: STEP_BODIES.basic });
      const { data } = await buildExport(t, user);
      expect(data.account.email).toMatch(/^export-/);
      expect(data.profile.basic.englishName).toBe('Minji Kim');
      expect(data.signIns.length).toBeGreaterThan(0);
    });

    it('deletes an account: personal data erased, sessions ended, photo gone', async () => {
      const user = await givenUser(t, { email: `gone-${Date.now()}@example.test` });
      for (const step of ONBOARDING_STEPS)
        await api(t, 'PUT', `/api/v1/onboarding/${step}`, { token: user.token, body: STEP_BODIES[step] });
      const form = new FormData();
      form.append('photo', new Blob([new Uint8Array(tinyPng())]), 'me.png');
      const { photoUrl } = (await (
        await fetch(`${t.url}/api/v1/me/photo`, { method: 'POST', headers: { authorization: `Bearer ${user.token}` }, body: form })
      ).json()) as { photoUrl: string };

      expect((await api(t, 'DELETE', '/api/v1/me', { token: user.token })).status).toBe(204);
      expect((await api(t, 'GET', '/api/v1/me', { token: user.token })).json.error.code).toBe('SESSION_ENDED');
      expect((await fetch(t.url + photoUrl)).status).toBe(404);
      const refresh = await api(t, 'POST', '/api/v1/auth/refresh', { headers: { cookie: user.cookie, 'x-requested-with': 'studymate' } });
      expect(refresh.status).toBe(401);
      // The provider identity was erased: the same person signing in again is a new account.
      const again = await api(t, 'POST', '/api/v1/auth/dev', { body: { email: user.email, displayName: 'Back' } });
      expect(again.json.user.id).not.toBe(user.userId);
      expect(again.json.user.termsAccepted).toBe(false);
    });

    it('serves the catalog in Korean and English with at least 40 cities, Seoul first', async () => {
      const res = await api(t, 'GET', '/api/v1/catalog');
      expect(res.status).toBe(200);
      expect(res.json.cities.length).toBeGreaterThanOrEqual(40);
      expect(res.json.cities[0]).toMatchObject({ id: 'seoul', ko: '서울', timeZone: 'Asia/Seoul' });
      expect(res.json.languages.map((l: { id: string }) => l.id)).toEqual([
        'ko',
        'en',
        'ja',
        'zh',
        'fr',
        'de',
        'es',
        'ru',
        'vi',
        'th',
        'ar',
        'pt',
      ]);
      for (const city of res.json.cities) expect(() => new Intl.DateTimeFormat('en', { timeZone: city.timeZone })).not.toThrow();
    });
  });
}
