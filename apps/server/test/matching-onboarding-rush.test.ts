import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, ENGLISH, givenUser, KOREAN, startApp, STEP_BODIES, type Client, type TestApp } from './helpers/app.js';
import { BACKENDS } from './helpers/backends.js';

/** People this many onboarding at the same moment deadlocked on MariaDB (issue 11). */
const PEOPLE = 12;
const STEPS = ['basic', 'languages', 'interests', 'partner', 'schedule'] as const;

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(
    `matching: many people onboarding at once [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`,
    () => {
      let t: TestApp;
      beforeAll(async () => {
        t = await startApp(backend);
      });
      afterAll(async () => {
        await t?.close();
      });

      /** Every person saves the same step at the same moment; each answer is what that person sees. */
      const allAtOnce = (people: Client[], path: string, body: (i: number) => object) =>
        Promise.all(people.map((p, i) => api(t, 'PUT', path, { token: p.token, body: body(i) })));

      it('twelve people finish every onboarding step at the same moment, keep their own answers, and find each other', async () => {
        const people = await Promise.all(Array.from({ length: PEOPLE }, (_, i) => givenUser(t, { name: `Rush ${i}` })));
        const korean = (i: number) => i % 2 === 0;
        const bodies = (i: number) => ({
          ...STEP_BODIES,
          basic: { ...STEP_BODIES.basic, englishName: `Rush ${'abcdefghijkl'[i]}` },
          languages: korean(i) ? KOREAN : ENGLISH,
        });
        for (const step of STEPS) {
          const saved = await allAtOnce(people, `/api/v1/onboarding/${step}`, (i) => bodies(i)[step]);
          expect(
            saved.map((s) => s.status),
            `${step}: ${saved.find((s) => s.status !== 200)?.text ?? ''}`,
          ).toEqual(people.map(() => 200));
        }

        // Everyone changes their languages again at once: rows dropped, kept, changed and added.
        const changed = (i: number) =>
          korean(i)
            ? { native: 'ko', speaks: [{ language: 'zh', level: 'B1' }], learns: [{ language: 'en', level: 'B2', partnerLevel: 'C1' }] }
            : { native: 'en', speaks: [{ language: 'fr', level: 'C1' }], learns: [{ language: 'ko', level: 'A2', partnerLevel: 'B2' }] };
        const again = await allAtOnce(people, '/api/v1/onboarding/languages', changed);
        expect(
          again.map((s) => s.status),
          again.find((s) => s.status !== 200)?.text,
        ).toEqual(people.map(() => 200));
        for (const [i, person] of people.entries()) {
          const step = await api(t, 'GET', '/api/v1/onboarding/languages', { token: person.token });
          expect(step.json).toEqual(changed(i));
        }

        // Matching's copy of each profile is rewritten after every change, before the save answers:
        // each Korean speaker is offered every English speaker who onboarded with them.
        const english = people.filter((_, i) => !korean(i)).map((p) => p.userId);
        for (const viewer of people.filter((_, i) => korean(i))) {
          const page = await api(t, 'GET', '/api/v1/matching/recommendations?locale=en', { token: viewer.token });
          const shown = (page.json.items as { userId: string }[]).map((c) => c.userId);
          expect(shown).toEqual(expect.arrayContaining(english));
        }
      });
    },
  );
}
