import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type APIRequestContext, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { LevelTestAttempt, LevelTestResult, StepBodies, TokenReply } from '@studymate/contracts';
import ko from '../apps/web/src/i18n/ko.json';
import lt from '../apps/web/src/features/level-test/i18n/ko.json';
import ltEn from '../apps/web/src/features/level-test/i18n/en.json';
import { baseUrl, launchBrowser, newPage } from './support/browser';
import { horizontalOverflow, onPath, pathOf, until } from './support/flow';

const resultsDir = path.resolve('test-results');
mkdirSync(resultsDir, { recursive: true });

/** How long each answer is recorded: enough words for the recogniser, short enough to score quickly. */
const RECORD_MS = 6_000;
/** pocketsphinx on 2 cores is slow; scoring five short answers must still fit in this. */
const SCORING_BUDGET_MS = 240_000;

/**
 * The fake microphone's input: an espeak-ng voice answering in English, followed by a second of
 * silence (Chromium loops the file, so every recording hears speech with natural pauses).
 */
function speechWav(file: string): void {
  const raw = path.join(resultsDir, 'level-test-voice-raw.wav');
  execFileSync('espeak-ng', [
    '-v',
    'en-us+f2',
    '-s',
    '130',
    '-w',
    raw,
    'Hello, my name is Mina and I live in Seoul. I work as a designer at a small company. ' +
      'On weekends I usually cook dinner with my friends, because it helps me relax after a busy week.',
  ]);
  const wav = readFileSync(raw);
  // espeak-ng writes a canonical 44-byte header of 16-bit mono PCM; check rather than assume.
  expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
  expect(wav.toString('ascii', 36, 40)).toBe('data');
  const rate = wav.readUInt32LE(24);
  const pcm = wav.subarray(44);
  const silence = Buffer.alloc(rate * 2); // one second of 16-bit zeros
  const data = Buffer.concat([pcm, silence]);
  const header = Buffer.from(wav.subarray(0, 44));
  header.writeUInt32LE(36 + data.length, 4);
  header.writeUInt32LE(data.length, 40);
  writeFileSync(file, Buffer.concat([header, data]));
}

/** Chromium as support/browser.ts launches it, with the fake microphone playing our WAV. */
function launchWithVoice(wav: string): Promise<Browser> {
  // Headless has no speakers; audio contexts must still run.
  return launchBrowser([`--use-file-for-fake-audio-capture=${wav}`, '--autoplay-policy=no-user-gesture-required']);
}

// Sign-in, terms and onboarding are covered by onboarding.e2e.ts; here they go through the API so
// the spec spends its time on the level test. The request context shares the page's cookies, so
// the app restores this session from the refresh cookie.
const CSRF = { 'X-Requested-With': 'studymate' };
const PROFILE: StepBodies = {
  basic: { englishName: 'Mina Kim', cityId: 'seoul', intro: 'STUDYMATE 레벨 테스트 확인용 프로필입니다.' },
  languages: { native: 'ko', speaks: [], learns: [{ language: 'en', level: 'B1', partnerLevel: 'B2' }] },
  interests: { motivations: ['friends'], topics: ['food'], learningStyle: 'both', expectation: 'practical' },
  partner: { partnerGender: 'any', partnerStyles: ['friendly'], ageMin: 20, ageMax: 40 },
  schedule: { communicationMethod: 'voice', dailyMinutes: 30, availability: [{ day: 2, slot: 40 }] },
};

async function onboardedLearner(api: APIRequestContext): Promise<Record<string, string>> {
  const signIn = await api.post(`${baseUrl}/api/v1/auth/dev`, {
    data: { email: `level-${Date.now()}@studymate.test`, displayName: '민아' },
    headers: CSRF,
  });
  expect(signIn.status(), await signIn.text()).toBe(200);
  const headers = { Authorization: `Bearer ${((await signIn.json()) as TokenReply).accessToken}` };
  const terms = await api.post(`${baseUrl}/api/v1/me/terms`, {
    data: { ageOver14: true, termsOfService: true, privacyPolicy: true, marketing: false },
    headers,
  });
  expect(terms.ok(), await terms.text()).toBe(true);
  for (const [step, body] of Object.entries(PROFILE)) {
    const saved = await api.put(`${baseUrl}/api/v1/onboarding/${step}`, { data: body, headers });
    expect(saved.ok(), `${step}: ${await saved.text()}`).toBe(true);
  }
  return headers;
}

describe('STUDYMATE level test, taken with a microphone', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let auth: Record<string, string>;

  /** A 375×812 screenshot into test-results/ (the page is the phone-sized one). */
  const shot = (name: string, fullPage = false) => page.screenshot({ path: path.join(resultsDir, `level-test-${name}-375.png`), fullPage });

  beforeAll(async () => {
    const wav = path.join(resultsDir, 'level-test-voice.wav');
    speechWav(wav);
    browser = await launchWithVoice(wav);
    ({ context, page } = await newPage(browser, 'phone'));
    await context.grantPermissions(['microphone'], { origin: baseUrl });
    auth = await onboardedLearner(context.request);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('records every answer, waits for scoring, and shows a CEFR level that reaches the profile', { timeout: 480_000 }, async () => {
    const api = context.request;
    await page.goto('/level-test');
    await page.getByRole('heading', { name: lt.title }).waitFor();
    await page.getByRole('button', { name: lt.intro.start }).click();
    await until('the test page', async () => /^\/level-test\/[0-9a-f-]{36}$/.test(pathOf(page)));
    const attemptId = pathOf(page).split('/')[2]!;

    // Microphone check: the meter must actually move with the fake microphone's speech.
    await page.getByRole('button', { name: lt.mic.allow }).click();
    await page.getByText(lt.mic.heard).waitFor();
    await shot('mic-check');
    await page.getByRole('button', { name: lt.mic.ready }).click();

    const attempt = (await (
      await api.get(`${baseUrl}/api/v1/level-test/attempts/${attemptId}`, { headers: auth })
    ).json()) as LevelTestAttempt;
    const total = attempt.prompts.length;
    expect(total).toBeGreaterThanOrEqual(3);

    for (let n = 0; n < total; n++) {
      const prompt = attempt.prompts[n]!;
      await page
        .getByText(lt.prompt.counter.replace('{{n}}', String(n + 1)).replace('{{total}}', String(total)))
        .first()
        .waitFor();
      await page.getByRole('heading', { name: prompt.title.ko }).waitFor();
      // A read-aloud item shows the sentence to read; the learner's own answers show none.
      if (prompt.readAloudText) expect(await page.getByTestId('read-aloud-text').textContent()).toContain(prompt.readAloudText);
      else expect(await page.getByTestId('read-aloud-text').count()).toBe(0);
      // The countdown runs by itself; the user may start early.
      await page.getByTestId('phase-preparing').waitFor();
      await page.getByRole('button', { name: lt.prompt.startNow }).click();
      await page.getByTestId('phase-recording').waitFor();
      const timer = page.getByTestId('record-timer');
      expect(await timer.textContent()).toMatch(/^0:0[01] \//);
      await page.waitForTimeout(RECORD_MS);
      expect(await timer.textContent()).toMatch(/^0:0[5-9] \//);
      if (n === 0) await shot('recording');
      await page.getByRole('button', { name: lt.prompt.stop }).click();
      await page.getByTestId('phase-review').waitFor();
      if (n === 0) {
        // Re-recording before submitting replaces the take.
        await page.getByRole('button', { name: lt.prompt.rerecord }).click();
        await page.getByTestId('phase-recording').waitFor();
        await page.waitForTimeout(RECORD_MS);
        await page.getByRole('button', { name: lt.prompt.stop }).click();
        await page.getByTestId('phase-review').waitFor();
      }
      await page.getByRole('button', { name: lt.prompt.submit }).click();
      await page.getByTestId('phase-done').waitFor();
      if (n < total - 1) await page.getByRole('button', { name: lt.prompt.next }).click();
    }

    // What reached the server is the WAV the browser encoded: 16 kHz mono, about as long as recorded.
    const uploaded = (await (
      await api.get(`${baseUrl}/api/v1/level-test/attempts/${attemptId}`, { headers: auth })
    ).json()) as LevelTestAttempt;
    expect(uploaded.answers).toHaveLength(total);
    for (const a of uploaded.answers) {
      expect(a.contentType).toBe('audio/wav');
      expect(a.durationMs).toBeGreaterThan(RECORD_MS - 1_500);
      expect(a.durationMs).toBeLessThan(RECORD_MS + 3_000);
    }

    await page.getByRole('button', { name: lt.prompt.finish }).click();
    await onPath(page, `/level-test/${attemptId}/waiting`);
    await page.getByRole('heading', { name: lt.waiting.title }).waitFor();
    await page.getByRole('progressbar').waitFor();
    await shot('waiting');

    const scoringStarted = Date.now();
    await until('the result page', async () => pathOf(page) === `/level-test/${attemptId}/result`, SCORING_BUDGET_MS);
    const scoringMs = Date.now() - scoringStarted;
    console.log(`level-test e2e: scoring ${total} answers took ${(scoringMs / 1000).toFixed(1)} s`);

    const badge = page.getByTestId('cefr-badge');
    await badge.waitFor();
    const result = (await (
      await api.get(`${baseUrl}/api/v1/level-test/attempts/${attemptId}/result`, { headers: auth })
    ).json()) as LevelTestResult;
    expect(result.level).toMatch(/^(A1|A2|B1|B2|C1|C2)$/);
    // Five 6-second answers are too little speech to verify a level: the result is provisional,
    // shown as its range with advice for a retake, and leaves the profile's verified level alone.
    expect(result.verified).toBe(false);
    expect(result.reasons).toContain('little-speech');
    expect((await badge.textContent())?.startsWith(result.range.low)).toBe(true);
    await page.getByText(lt.result.provisionalTitle).waitFor();
    await page.getByText(lt.result.advice['little-speech']).waitFor();
    // An empty feedback list says why and what to do, never a bare "none".
    const kinds = new Set(result.feedback.map((f) => f.kind));
    const empty = await page.getByTestId('feedback-empty').allTextContents();
    expect(empty).toEqual([
      ...(kinds.has('strength') ? [] : [lt.result.noStrengthsProvisional]),
      ...(kinds.has('improve') ? [] : [lt.result.noImproveProvisional]),
    ]);
    expect(result.subScores.vocabularyRange).toBeNull();
    console.log(`level-test e2e: level ${result.level} (score ${result.score}), providers ${result.providers.join(', ')}`);
    // The server heard the espeak-ng speech: at least some recognised words per answer.
    for (const a of result.answers) expect(a.speechSec).toBeGreaterThan(1);
    expect(result.answers.some((a) => a.transcript.split(' ').length >= 3)).toBe(true);
    await page.getByRole('heading', { name: lt.result.subScores }).waitFor();
    await page.getByRole('heading', { name: lt.result.transcripts }).waitFor();
    expect(await page.getByTestId('answer-transcript').count()).toBe(total);
    // Technical detail (the tools used) only behind "how was this scored".
    expect(await page.getByText(`${lt.result.providers}: ${result.providers.join(', ')}`, { exact: false }).isVisible()).toBe(false);
    await page.getByText(lt.result.how.title).click();
    await page.getByText(`${lt.result.providers}: ${result.providers.join(', ')}`, { exact: false }).waitFor();
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await shot('result');
    await shot('result-full', true);

    // The same result in English, the retake advice included; then back to Korean for the rest.
    await page.getByRole('button', { name: 'English', exact: true }).click();
    await page.getByRole('heading', { name: ltEn.result.title }).waitFor();
    await page.getByText(ltEn.result.advice['little-speech']).waitFor();
    await shot('result-en-full', true);
    await page.getByRole('button', { name: '한국어', exact: true }).click();
    await page.getByRole('heading', { name: lt.result.title }).waitFor();

    // The profile says the truth: the self-rated level, and the last test as provisional.
    await page.goto('/profile');
    await page.getByTestId('profile-provisional').waitFor();
    // It does not also claim the test was never taken.
    expect(await page.getByText(ko.profile.noVerifiedLevel).count()).toBe(0);
    await page.getByText('영어 B1 · 자가 평가', { exact: true }).waitFor();
    const me = (await (await api.get(`${baseUrl}/api/v1/me`, { headers: auth })).json()) as { verifiedLevels: unknown[] };
    expect(me.verifiedLevels).toEqual([]);
    // Home's level chart marks the result as provisional and dates it on its own day, not years ahead.
    await page.goto('/');
    await page.getByTestId('provisional-legend').waitFor();
    await shot('home-level-chart', true);

    // History lists the attempt as provisional, and a provisional result may be retaken at once.
    await page.goto('/level-test/history');
    await page.getByRole('heading', { name: lt.history.title }).waitFor();
    await page.getByRole('img', { name: new RegExp(result.level) }).waitFor();
    await page.getByText(`${lt.history.status.scored} · ${lt.history.provisional}`).waitFor();
    await shot('history');
    await page.goto('/level-test');
    await page.getByText(lt.intro.lead).waitFor();
    expect(await page.getByRole('button', { name: lt.intro.start }).isDisabled()).toBe(false);
    await shot('intro-retake');
  });
});
