import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { loadConfig } from '../../src/config.js';
import type { LevelTestTables } from '../../src/modules/level-test/repository.js';
import { openDatabase } from '../../src/platform/db/database.js';
import type { JobsTables } from '../../src/platform/jobs/jobs.js';
import { api, givenAdmin, givenUser, startApp, STEP_BODIES, type Client, type TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';
import { buildExport } from '../helpers/exports.js';
import { countFiles, tinyPng } from '../helpers/files.js';
import {
  ESPEAK,
  ESPEAK_MISSING,
  silentWav,
  speak,
  startAppOn,
  startTranscriptionServer,
  synth,
  uploadAnswer,
  waitForStatus,
} from './helpers.js';

/** What a B1-ish learner might say at each stage; espeak-ng speaks it, the local STT server "hears" it. */
const ANSWERS: Record<number, string> = {
  1: 'Hello, my name is Minji. I live in Seoul and I work at a small design company. In my free time I like reading and cooking.',
  2: 'Last weekend I went to the mountains with my friends. We walked for five hours and then we ate dinner in a small restaurant. It was tiring but fun.',
  3: 'I think online classes are useful because you can study at home, but I prefer classroom lessons because I can talk with other students and ask questions.',
  4: 'In twenty years many jobs might change because computers will do simple work. People would probably need new skills, and maybe they could work fewer hours.',
};

/**
 * Starts an attempt and uploads an espeak-ng answer to every prompt (registered with the STT
 * server). Each script is said twice: about 20 s an answer, enough speech for a verified result.
 */
async function recordWholeTest(
  t: TestApp,
  user: Client,
  stt: Awaited<ReturnType<typeof startTranscriptionServer>>,
  withTranscript = false,
  scriptOf: (stage: number) => string = (stage) => `${ANSWERS[stage]!} ${ANSWERS[stage]!}`,
) {
  const started = await api(t, 'POST', '/api/v1/level-test/attempts', { token: user.token });
  expect(started.status).toBe(201);
  const attempt = started.json;
  for (const prompt of attempt.prompts) {
    // The read-aloud item (stage 0) is read as printed.
    const script = prompt.readAloudText ?? scriptOf(prompt.stage);
    const wav = speak(script, { rate: 150 });
    stt.register(wav, script);
    const uploaded = await uploadAnswer(t, user, attempt.id, prompt.id, wav, withTranscript ? script : undefined);
    expect(uploaded.status).toBe(200);
    expect(uploaded.json.durationMs).toBeGreaterThan(1000);
  }
  return attempt;
}

/** Hands the test in and returns its result once scored. */
async function finishAndResult(t: TestApp, user: Client, attemptId: string) {
  expect((await api(t, 'POST', `/api/v1/level-test/attempts/${attemptId}/finish`, { token: user.token })).status).toBe(202);
  await waitForStatus(t, user, attemptId, (s) => s.status === 'scored' || s.status === 'failed');
  return (await api(t, 'GET', `/api/v1/level-test/attempts/${attemptId}/result`, { token: user.token })).json;
}

for (const backend of BACKENDS) {
  const skip = backend.skip ?? (ESPEAK ? null : ESPEAK_MISSING);
  describe.skipIf(!!skip)(`level test over HTTP [${backend.name}]${skip ? ` (skipped: ${skip})` : ''}`, () => {
    let t: TestApp;
    let stt: Awaited<ReturnType<typeof startTranscriptionServer>>;
    let minji: Client;
    let attemptId: string;

    beforeAll(async () => {
      stt = await startTranscriptionServer();
      t = await startApp(backend, {
        STT_PROVIDERS: 'openai,client',
        STT_API_URL: stt.url,
        STT_TIMEOUT_MS: '5000',
        STT_RETRIES: '0',
        JOBS_POLL_MS: '50',
        LEVEL_FEEDBACK_API_URL: stt.url,
        LEVEL_FEEDBACK_MODEL: 'coach-test',
        RATE_LIMIT_UPLOAD: '10000',
      });
      minji = await givenUser(t);
    });
    afterAll(async () => {
      await t?.close();
      await stt?.close();
    });

    it('a user takes the whole test and gets a CEFR level that becomes their verified English level', { timeout: 90_000 }, async () => {
      stt.setMode('ok');
      const attempt = await recordWholeTest(t, minji, stt);
      attemptId = attempt.id;
      expect(attempt.prompts.map((p: any) => p.stage)).toEqual([0, 1, 2, 3, 4]);
      // The read-aloud item shows its sentence; the others ask for the learner's own words.
      expect(attempt.prompts[0].readAloudText).toMatch(/^[A-Z][A-Za-z ,']+\.$/);
      expect(attempt.prompts[0].answerSec).toBe(15);
      for (const p of attempt.prompts.slice(1)) {
        expect(p.readAloudText).toBeUndefined();
        expect(p.answerSec).toBeGreaterThanOrEqual(30);
        expect(p.answerSec).toBeLessThanOrEqual(90);
        expect(p.instruction.ko).toMatch(/[가-힣]/);
      }
      const prompts = await api(t, 'GET', `/api/v1/level-test/attempts/${attemptId}/prompts`, { token: minji.token });
      expect(prompts.json.items).toEqual(attempt.prompts);
      const notYet = await api(t, 'GET', `/api/v1/level-test/attempts/${attemptId}/result`, { token: minji.token });
      expect(notYet.status).toBe(409);

      // Each answer is transcribed and measured as soon as it is uploaded, before the test is handed in.
      const early = await waitForStatus(t, minji, attemptId, (s) => s.progress.transcribed === 5);
      expect(early.status).toBe('draft');
      const finished = await api(t, 'POST', `/api/v1/level-test/attempts/${attemptId}/finish`, { token: minji.token });
      expect(finished.status).toBe(202);
      const status = await waitForStatus(t, minji, attemptId, (s) => s.status === 'scored' || s.status === 'failed');
      expect(status).toMatchObject({ status: 'scored', progress: { transcribed: 5, total: 5 }, error: null });

      const result = await api(t, 'GET', `/api/v1/level-test/attempts/${attemptId}/result`, { token: minji.token });
      expect(result.status).toBe(200);
      expect(result.json).toMatchObject({ verified: true, reasons: [] });
      expect(result.json.confidence).toBeGreaterThanOrEqual(0.55);
      expect(['A1', 'A2', 'B1', 'B2', 'C1', 'C2']).toContain(result.json.level);
      expect(result.json.score).toBeGreaterThanOrEqual(1);
      expect(result.json.providers).toEqual(['openai-compatible', 'openai-compatible-feedback']);
      const coached = result.json.feedback.filter((f: any) => f.source === 'openai-compatible-feedback');
      // Only well-formed items are kept.
      expect(coached).toEqual([expect.objectContaining({ kind: 'improve', en: expect.stringContaining('coach-test') })]);
      expect(Object.keys(result.json.subScores).sort()).toEqual([
        'coherence',
        'fluency',
        'grammaticalComplexity',
        'taskAchievement',
        'vocabularyRange',
      ]);
      expect(result.json.feedback.length).toBeGreaterThan(0);
      expect(result.json.feedback[0].ko).toMatch(/[가-힣]/);
      expect(result.json.answers).toHaveLength(5);
      for (const a of result.json.answers) {
        const read = attempt.prompts.find((p: any) => p.id === a.promptId).readAloudText;
        expect(a.transcript).toBe(read ?? `${ANSWERS[a.stage]} ${ANSWERS[a.stage]}`);
        expect(a.lowConfidence).toBe(false);
        // Measured from the audio itself: espeak-ng pauses at commas and full stops.
        expect(a.speechSec).toBeGreaterThan(a.stage === 0 ? 1 : 2);
        expect(a.speechSec).toBeLessThanOrEqual(a.durationSec);
      }

      const me = await api(t, 'GET', '/api/v1/me', { token: minji.token });
      expect(me.json.verifiedLevels).toEqual([
        { language: 'en', level: result.json.level, source: 'level-test', verifiedAt: expect.any(String) },
      ]);
      const history = await api(t, 'GET', '/api/v1/level-test/attempts', { token: minji.token });
      expect(history.json.items).toEqual([
        expect.objectContaining({ id: attemptId, status: 'scored', level: result.json.level, verified: true }),
      ]);
      expect(Date.parse(history.json.nextAttemptAt)).toBeGreaterThan(Date.now() + 23 * 3600_000);
    });

    it('refuses a new attempt during the cool-down after a scored one', async () => {
      const again = await api(t, 'POST', '/api/v1/level-test/attempts', { token: minji.token });
      expect(again.status).toBe(429);
      expect(again.json.error.code).toBe('LEVEL_TEST_COOLDOWN');
      expect(Date.parse(again.json.error.details.retryAt)).toBeGreaterThan(Date.now());
    });

    it("shows nobody else's attempt: 404 on every route", async () => {
      const stranger = await givenUser(t);
      for (const suffix of ['', '/prompts', '/status', '/result']) {
        const res = await api(t, 'GET', `/api/v1/level-test/attempts/${attemptId}${suffix}`, { token: stranger.token });
        expect(res.status, suffix).toBe(404);
      }
      expect((await api(t, 'POST', `/api/v1/level-test/attempts/${attemptId}/finish`, { token: stranger.token })).status).toBe(404);
      const upload = await uploadAnswer(t, stranger, attemptId, 's1-hometown', speak('hello'));
      expect(upload.status).toBe(404);
      expect((await api(t, 'GET', '/api/v1/level-test/attempts', { token: stranger.token })).json.items).toEqual([]);
    });

    it('refuses oversized and non-audio uploads and stores nothing for them', async () => {
      const alex = await givenUser(t);
      const attempt = (await api(t, 'POST', '/api/v1/level-test/attempts', { token: alex.token })).json;
      const promptId = attempt.prompts[0].id;
      const uploads = path.join(t.config.dataDir, 'uploads', 'level-test');
      const before = countFiles(uploads);

      const png = await uploadAnswer(t, alex, attempt.id, promptId, tinyPng());
      expect(png.status).toBe(415);
      expect(png.json.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      const broken = Buffer.from('RIFF\u0000\u0000\u0000\u0000WAVEjunkjunkjunk', 'latin1');
      expect((await uploadAnswer(t, alex, attempt.id, promptId, broken)).status).toBe(415);
      const huge = Buffer.concat([speak('hello'), Buffer.alloc(10 * 1024 * 1024)]);
      const big = await uploadAnswer(t, alex, attempt.id, promptId, huge);
      expect(big.status).toBe(413);
      // More than any allowed answer to this prompt could be: refused before the body is read.
      expect(big.json.error.code).toBe('LEVEL_TEST_ANSWER_TOO_LONG');
      expect(countFiles(uploads)).toBe(before);
      expect((await api(t, 'GET', `/api/v1/level-test/attempts/${attempt.id}`, { token: alex.token })).json.answers).toEqual([]);

      const unknownPrompt = await uploadAnswer(t, alex, attempt.id, 'no-such-prompt', speak('hello'));
      expect(unknownPrompt.status).toBe(404);
      const early = await api(t, 'POST', `/api/v1/level-test/attempts/${attempt.id}/finish`, { token: alex.token });
      expect(early.status).toBe(409);
      expect(early.json.error.details.missing).toHaveLength(5);
      // Starting again returns the attempt still being recorded, not a second one.
      const resumed = await api(t, 'POST', '/api/v1/level-test/attempts', { token: alex.token });
      expect(resumed.status).toBe(200);
      expect(resumed.json.id).toBe(attempt.id);
    });

    it('falls back to the browser transcript, marked low-confidence, when the recogniser is down', { timeout: 90_000 }, async () => {
      const jun = await givenUser(t);
      stt.setMode('error');
      stt.setFeedbackMode('error');
      try {
        const attempt = await recordWholeTest(t, jun, stt, true);
        await api(t, 'POST', `/api/v1/level-test/attempts/${attempt.id}/finish`, { token: jun.token });
        await waitForStatus(t, jun, attempt.id, (s) => s.status === 'scored' || s.status === 'failed');
        const result = (await api(t, 'GET', `/api/v1/level-test/attempts/${attempt.id}/result`, { token: jun.token })).json;
        // Neither the recogniser nor the feedback provider took part: the browser's words are too
        // unsure to carry vocabulary or grammar, so the result is provisional, with delivery only.
        expect(result.providers).toEqual(['client-transcript']);
        expect(result.feedback.every((f: any) => f.source === 'engine')).toBe(true);
        expect(['A1', 'A2', 'B1', 'B2', 'C1', 'C2']).toContain(result.level);
        expect(result.verified).toBe(false);
        expect(result.reasons).toContain('language-withheld');
        expect(result.subScores).toMatchObject({ vocabularyRange: null, grammaticalComplexity: null, coherence: null });
        expect(result.answers).toHaveLength(5);
        expect(result.answers.every((a: any) => a.lowConfidence && a.words.every((w: any) => w.start === null))).toBe(true);
        expect((await api(t, 'GET', '/api/v1/me', { token: jun.token })).json.verifiedLevels).toEqual([]);
      } finally {
        stt.setMode('ok');
      }
    });

    it('silence and noise never give a verified result, and a provisional one may be retaken at once', { timeout: 90_000 }, async () => {
      const quiet = await givenUser(t);
      const started = (await api(t, 'POST', '/api/v1/level-test/attempts', { token: quiet.token })).json;
      for (const [n, prompt] of started.prompts.entries()) {
        // Two answers of silence, two of a noisy room with nobody speaking.
        const wav = n < 2 ? silentWav(12) : synth([{ sec: 12 }], { noise: 0.05, seed: n }).wav;
        expect((await uploadAnswer(t, quiet, started.id, prompt.id, wav)).status).toBe(200);
      }
      const result = await finishAndResult(t, quiet, started.id);
      expect(result.verified).toBe(false);
      expect(result.reasons).toContain('little-speech');
      expect(result.subScores.vocabularyRange).toBeNull();
      expect(result.subScores.grammaticalComplexity).toBeNull();
      expect(result.feedback.every((f: any) => !/VOCABULARY|SENTENCES|CONNECT/.test(f.code))).toBe(true);
      expect((await api(t, 'GET', '/api/v1/me', { token: quiet.token })).json.verifiedLevels).toEqual([]);
      const history = (await api(t, 'GET', '/api/v1/level-test/attempts', { token: quiet.token })).json;
      expect(history.items[0]).toMatchObject({ id: started.id, verified: false });
      expect(history.nextAttemptAt).toBeNull();
      expect((await api(t, 'POST', '/api/v1/level-test/attempts', { token: quiet.token })).status).toBe(201);
    });

    it('is not offered to a native English speaker, who is told why', async () => {
      const offered = async (native: string, learns: string) => {
        const user = await givenUser(t);
        for (const step of ['basic', 'languages', 'interests', 'partner', 'schedule'] as const) {
          const body =
            step === 'languages'
              ? { native, speaks: [], learns: [{ language: learns, level: 'B1', partnerLevel: 'C2' }] }
              : STEP_BODIES[step];
          expect((await api(t, 'PUT', `/api/v1/onboarding/${step}`, { token: user.token, body })).status).toBe(200);
        }
        const me = (await api(t, 'GET', '/api/v1/me', { token: user.token })).json;
        return { user, offered: me.onboarding.levelTestOffered as boolean };
      };
      const sam = await offered('en', 'ko');
      expect(sam.offered).toBe(false);
      const refused = await api(t, 'POST', '/api/v1/level-test/attempts', { token: sam.user.token });
      expect(refused.status).toBe(403);
      expect(refused.json.error.code).toBe('LEVEL_TEST_NOT_OFFERED');
      expect(refused.json.error.message).toMatch(/English/);
      expect((await api(t, 'GET', '/api/v1/level-test/attempts', { token: sam.user.token })).json.items).toEqual([]);
      const jiho = await offered('ko', 'en');
      expect(jiho.offered).toBe(true);
      expect((await api(t, 'POST', '/api/v1/level-test/attempts', { token: jiho.user.token })).status).toBe(201);
    });

    it('lets an administrator, and only an administrator, score an attempt again', { timeout: 60_000 }, async () => {
      const refused = await api(t, 'POST', `/api/v1/level-test/admin/attempts/${attemptId}/rescore`, { token: minji.token });
      expect(refused.status).toBe(403);
      const admin = await givenAdmin(t);
      stt.setMode('ok');
      stt.setFeedbackMode('malformed');
      const callsBefore = stt.requests.length;
      const rescored = await api(t, 'POST', `/api/v1/level-test/admin/attempts/${attemptId}/rescore`, { token: admin.token });
      expect(rescored.status).toBe(202);
      await waitForStatus(t, minji, attemptId, (s) => s.status === 'scored');
      // Transcribed afresh from the stored recordings.
      expect(stt.requests.length - callsBefore).toBe(5);
      const result = await api(t, 'GET', `/api/v1/level-test/attempts/${attemptId}/result`, { token: minji.token });
      expect(result.json.answers).toHaveLength(5);
      // The feedback provider answered prose instead of JSON this time: ignored, not fatal.
      expect(result.json.providers).toEqual(['openai-compatible']);
    });
    it('exports the level tests with my data and erases their recordings with my account', async () => {
      const leaving = await givenUser(t);
      const attempt = (await api(t, 'POST', '/api/v1/level-test/attempts', { token: leaving.token })).json;
      expect((await uploadAnswer(t, leaving, attempt.id, attempt.prompts[0].id, speak('Hello, I am leaving.'))).status).toBe(200);
      const recordings = path.join(t.config.dataDir, 'uploads', 'level-test', attempt.id);
      expect(countFiles(recordings)).toBeGreaterThan(0);
      const exported = await buildExport(t, leaving);
      expect(JSON.stringify(exported.data)).toContain(attempt.id);
      expect((await api(t, 'DELETE', '/api/v1/me', { token: leaving.token })).status).toBe(204);
      expect(countFiles(recordings)).toBe(0);
    });
  });

  describe.skipIf(!!skip)(`level test retakes [${backend.name}]${skip ? ` (skipped: ${skip})` : ''}`, () => {
    it('makes one draft when a person starts the test twice at the same moment', async () => {
      const t = await startApp(backend, { LEVEL_TEST_COOLDOWN_SECONDS: '0' });
      try {
        for (let round = 0; round < 3; round++) {
          const user = await givenUser(t);
          const starts = await Promise.all(
            Array.from({ length: 4 }, () => api(t, 'POST', '/api/v1/level-test/attempts', { token: user.token })),
          );
          expect(starts.map((s) => s.status).sort()).toEqual([200, 200, 200, 201]);
          expect(new Set(starts.map((s) => s.json.id)).size).toBe(1);
          const history = await api(t, 'GET', '/api/v1/level-test/attempts', { token: user.token });
          expect(history.json.items).toHaveLength(1);
        }
      } finally {
        await t.close();
      }
    });

    it('keeps the verified level of the newest test when an older one is scored again', { timeout: 120_000 }, async () => {
      const stt = await startTranscriptionServer();
      const t = await startApp(backend, {
        STT_PROVIDERS: 'openai',
        STT_API_URL: stt.url,
        JOBS_POLL_MS: '50',
        RATE_LIMIT_UPLOAD: '10000',
        LEVEL_TEST_COOLDOWN_SECONDS: '0',
      });
      try {
        const user = await givenUser(t);
        const verified = async () => (await api(t, 'GET', '/api/v1/me', { token: user.token })).json.verifiedLevels;
        const takeTest = async () => {
          const attempt = await recordWholeTest(t, user, stt);
          await api(t, 'POST', `/api/v1/level-test/attempts/${attempt.id}/finish`, { token: user.token });
          await waitForStatus(t, user, attempt.id, (s) => s.status === 'scored');
          return attempt.id as string;
        };
        const older = await takeTest();
        const first = await verified();
        await takeTest();
        const newest = await verified();
        expect(newest).toHaveLength(1);
        expect(Date.parse(newest[0].verifiedAt)).toBeGreaterThan(Date.parse(first[0].verifiedAt));

        const admin = await givenAdmin(t);
        const rescored = await api(t, 'POST', `/api/v1/level-test/admin/attempts/${older}/rescore`, { token: admin.token });
        expect(rescored.status).toBe(202);
        await waitForStatus(t, user, older, (s) => s.status === 'scored');
        // The older test has its result again, and the profile still shows the newest one's.
        expect((await api(t, 'GET', `/api/v1/level-test/attempts/${older}/result`, { token: user.token })).status).toBe(200);
        expect(await verified()).toEqual(newest);

        // A short, thin test now: provisional, and the verified level stays what it was.
        const thin = await recordWholeTest(t, user, stt, false, () => 'Hello. I like cats.');
        const provisional = await finishAndResult(t, user, thin.id);
        expect(provisional.verified).toBe(false);
        expect(provisional.reasons).toContain('little-speech');
        expect(await verified()).toEqual(newest);
      } finally {
        await t.close();
        await stt.close();
      }
    });
  });

  describe.skipIf(!!skip)(`level test scoring survives a restart [${backend.name}]${skip ? ` (skipped: ${skip})` : ''}`, () => {
    it('stops the app mid-scoring; a new app on the same database finishes the job', { timeout: 120_000 }, async () => {
      const stt = await startTranscriptionServer();
      const provisioned = await backend.provision();
      const env = {
        ...provisioned.env,
        STT_PROVIDERS: 'openai',
        STT_API_URL: stt.url,
        STT_TIMEOUT_MS: '10000',
        JOBS_POLL_MS: '50',
        JOBS_LEASE_MS: '3000',
      };
      const jobsDb = await openDatabase<JobsTables>(loadConfig(env).database);
      try {
        const first = await startAppOn(env);
        const user = await givenUser(first);
        // A slow recogniser keeps the answers' analysis jobs running long enough to stop the app in the middle of them.
        stt.setDelay(1500);
        const attempt = await recordWholeTest(first, user, stt);
        expect((await api(first, 'POST', `/api/v1/level-test/attempts/${attempt.id}/finish`, { token: user.token })).status).toBe(202);
        const midway = await waitForStatus(first, user, attempt.id, (s) => s.progress.transcribed >= 1, 30_000);
        expect(midway.progress.transcribed).toBeLessThan(5);
        await first.close();

        const job = await jobsDb.selectFrom('jobs').selectAll().where('kind', '=', 'level-test.score').executeTakeFirstOrThrow();
        // Handed back on shutdown, not lost and not counted as a failure.
        expect(job.status).toBe('queued');
        expect(Number(job.attempts)).toBe(0);
        const requestsBefore = stt.requests.length;
        // Counted after the stop: an answer may have finished between the last poll and the stop.
        const kept = (
          await (jobsDb as unknown as Kysely<LevelTestTables>)
            .selectFrom('level_test_answers')
            .select('prompt_id')
            .where('attempt_id', '=', attempt.id)
            .where('analysed_at', 'is not', null)
            .execute()
        ).length;
        expect(kept).toBeGreaterThanOrEqual(1);
        expect(kept).toBeLessThan(5);

        stt.setDelay(0);
        const second = await startAppOn(env);
        try {
          const done = await waitForStatus(second, user, attempt.id, (s) => s.status === 'scored' || s.status === 'failed', 60_000);
          expect(done.status).toBe('scored');
          const result = (await api(second, 'GET', `/api/v1/level-test/attempts/${attempt.id}/result`, { token: user.token })).json;
          expect(result.answers).toHaveLength(5);
          // Answers transcribed before the stop were kept, not sent to the recogniser again, and none twice.
          expect(stt.requests.length - requestsBefore).toBe(5 - kept);
          const me = await api(second, 'GET', '/api/v1/me', { token: user.token });
          expect(me.json.verifiedLevels[0]).toMatchObject({ language: 'en', level: result.level });
          const finished = await jobsDb.selectFrom('jobs').selectAll().where('id', '=', job.id).executeTakeFirstOrThrow();
          expect(finished.status).toBe('done');
        } finally {
          await second.close();
        }
      } finally {
        await jobsDb.destroy();
        await provisioned.drop();
        await stt.close();
      }
    });
  });
}
