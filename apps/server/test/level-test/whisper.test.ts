import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAiTranscriber, TranscriptionFailure } from '../../src/platform/speech/transcriber.js';
import { encodeWav, parseWav, resample } from '../../src/platform/speech/wav.js';
import { api, givenUser, startApp, type Client, type TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';
import { ESPEAK, ESPEAK_MISSING, silentWav, speak, uploadAnswer, waitForStatus } from './helpers.js';
import { startWhisperServer, whisperTokens, type WhisperDialect } from './whisper-server.js';

// The level test with a Whisper server, through the real server path: vocabulary and grammar are
// read from its words when it is sure of them (the time from finishing to the result, 3 s at most,
// is bench/level-test-finish.mjs's). Both protocols such endpoints
// speak are covered by the stand-in (whisper-server.ts).

/** A B1-B2 learner's four answers, each said once at 150 words a minute (about 18 s). */
const SCRIPTS: Record<number, string> = {
  1: "Hi, I'm Jiwoo. I'm a nurse at a children's hospital in Busan, so my schedule changes every week. When I'm not working, I usually go swimming or try new recipes, and recently I've started learning photography with a friend.",
  2: "Last summer I travelled to Vietnam with my sister. We stayed in a small village near the mountains, and the family who owned the guesthouse cooked breakfast for us every morning. One day it rained so heavily that we couldn't leave, but we played cards with the children.",
  3: "I think working from home is convenient, but it isn't good for everyone. Some people concentrate better at home because the office is noisy. However, young employees probably learn faster when they can watch experienced colleagues, so I'd prefer a mix of both.",
  4: "If I could live anywhere, I would probably choose a city by the sea, maybe Lisbon. I imagine I'd walk to work and spend weekends at the beach. It might be difficult to find a job there, though, because I would need to learn Portuguese first.",
};

const DIALECTS: WhisperDialect[] = ['whisper.cpp', 'openai'];
const KEY = 'test-key-placeholder';

/** What the server uploads to the recogniser: the analysed 16 kHz mono copy. */
const at16k = (wav: Buffer) => encodeWav(resample(parseWav(wav), 16000), 16000);

async function startStandIn(dialect: WhisperDialect, latencyMs = 0) {
  return startWhisperServer({ dialect, inferencePath: '/v1/audio/transcriptions', apiKey: KEY, latencyMs });
}

/** Runs `check` against a fresh stand-in, closed afterwards whatever happens. */
async function withStandIn(dialect: WhisperDialect, check: (whisper: Awaited<ReturnType<typeof startStandIn>>) => Promise<void>) {
  const whisper = await startStandIn(dialect);
  try {
    await check(whisper);
  } finally {
    await whisper.close();
  }
}

describe.skipIf(!ESPEAK)(`Whisper servers' answers become the learner's words${ESPEAK ? '' : ` (skipped: ${ESPEAK_MISSING})`}`, () => {
  const script = SCRIPTS[2]!;
  let wav: Buffer;
  beforeAll(() => {
    wav = speak(script, { rate: 150 });
  });

  for (const dialect of DIALECTS) {
    it(`${dialect}: the words as said, with their punctuation, times and the recogniser's confidence`, () =>
      withStandIn(dialect, async (whisper) => {
        whisper.register(parseWav(wav).durationSec, script);
        whisper.setProbability((w) => (w === 'guesthouse' ? 0.3 : 0.94));
        const transcriber = openAiTranscriber({ baseUrl: whisper.url, apiKey: KEY, model: 'whisper-1', timeoutMs: 5000, retries: 0 });
        const result = await transcriber.transcribe(at16k(wav), { durationSec: 18 });
        // whisper.cpp's pieces (" guest" "house", " couldn" "'t", ",") are joined into words again.
        expect(result.words.map((w) => w.text).join(' ')).toBe(script);
        expect(result.words.every((w) => w.end! >= w.start!)).toBe(true);
        expect(result.confidence).toBeGreaterThan(0.8);
        expect(result.confidence).toBeLessThan(0.97);
        if (dialect === 'whisper.cpp') {
          expect(whisperTokens(script)).toEqual(expect.arrayContaining([' guesth', 'ouse', ' couldn', "'t", ',']));
          // A word's confidence is its own: the unsure one can be left out of the language evidence.
          expect(result.words.find((w) => w.text === 'guesthouse')!.confidence).toBeCloseTo(0.3, 2);
          expect(result.words.find((w) => w.text === 'village')!.confidence).toBeCloseTo(0.94, 2);
        }
        const asked = whisper.requests.at(-1)!;
        expect(asked.fields.response_format).toEqual(['verbose_json']);
        expect(asked.fields['timestamp_granularities[]']).toEqual(['word', 'segment']);
        expect(asked.wav).toEqual({ sampleRate: 16000, channels: 1, bits: 16 });
      }));
  }

  it("whisper.cpp: silence is heard as [BLANK_AUDIO], which is nobody's word", () =>
    withStandIn('whisper.cpp', async (whisper) => {
      const transcriber = openAiTranscriber({ baseUrl: whisper.url, model: 'base.en', timeoutMs: 5000, retries: 0 });
      const result = await transcriber.transcribe(silentWav(5), { durationSec: 5 });
      expect(result.words).toEqual([]);
    }));

  it("whisper.cpp: a recording it cannot read is refused with the server's own words, and not retried", () =>
    withStandIn('whisper.cpp', async (whisper) => {
      const transcriber = openAiTranscriber({ baseUrl: whisper.url, model: 'base.en', timeoutMs: 5000, retries: 2 });
      // espeak-ng writes 22.05 kHz, which whisper.cpp's server does not read.
      const error = await transcriber.transcribe(wav, { durationSec: 18 }).catch((e) => e);
      expect(error).toBeInstanceOf(TranscriptionFailure);
      expect(error.message).toMatch(/failed to read WAV file/);
      expect(error.retryable).toBe(false);
      expect(whisper.requests).toHaveLength(1);
    }));
});

/** Records the five answers (a reading, then four of the learner's own) as a learner does: each earlier answer is analysed while the next is recorded. */
async function takeTest(t: TestApp, user: Client, whisper: Awaited<ReturnType<typeof startStandIn>>) {
  const started = await api(t, 'POST', '/api/v1/level-test/attempts', { token: user.token });
  expect(started.status).toBe(201);
  const attempt = started.json;
  for (const [i, prompt] of (attempt.prompts as { id: string; stage: number; readAloudText?: string }[]).entries()) {
    const script = prompt.readAloudText ?? SCRIPTS[prompt.stage]!;
    // The stand-in knows a recording by its length, and two printed sentences of one length can
    // last the same at one pace: a reading that would clash is read a little slower.
    let wav = speak(script, { rate: 150 });
    for (let rate = 150; ;) {
      try {
        whisper.register(parseWav(wav).durationSec, script);
        break;
      } catch (error) {
        if ((rate -= 7) < 100) throw error;
        wav = speak(script, { rate });
      }
    }
    expect((await uploadAnswer(t, user, attempt.id, prompt.id, wav)).status).toBe(200);
    if (i < attempt.prompts.length - 1) await waitForStatus(t, user, attempt.id, (s) => s.progress.transcribed === i + 1, 30_000);
  }
  // Handed in right after the last upload: finishing waits for that answer's analysis.
  const finishedAt = performance.now();
  expect((await api(t, 'POST', `/api/v1/level-test/attempts/${attempt.id}/finish`, { token: user.token })).status).toBe(202);
  await waitForStatus(t, user, attempt.id, (s) => s.status === 'scored' || s.status === 'failed', 30_000);
  const result = await api(t, 'GET', `/api/v1/level-test/attempts/${attempt.id}/result`, { token: user.token });
  return { result, elapsedMs: performance.now() - finishedAt };
}

for (const backend of BACKENDS) {
  const skip = backend.skip ?? (ESPEAK ? null : ESPEAK_MISSING);
  for (const dialect of DIALECTS) {
    describe.skipIf(!!skip)(`level test with a ${dialect} Whisper server [${backend.name}]${skip ? ` (skipped: ${skip})` : ''}`, () => {
      let t: TestApp;
      let whisper: Awaited<ReturnType<typeof startStandIn>>;
      beforeAll(async () => {
        // About what a GPU whisper.cpp server or OpenAI's API takes for an 18 s answer.
        whisper = await startStandIn(dialect, 500);
        // Production's job polling and retries: only the recogniser is a stand-in.
        t = await startApp(backend, {
          STT_PROVIDERS: 'openai',
          STT_API_URL: whisper.url,
          ...(dialect === 'openai' ? { STT_API_KEY: KEY, STT_MODEL: 'whisper-1' } : { STT_MODEL: 'base.en' }),
          RATE_LIMIT_UPLOAD: '10000',
        });
      });
      afterAll(async () => {
        await t?.close();
        await whisper?.close();
      });

      it('gives a verified result, with vocabulary and grammar read from the words', { timeout: 120_000 }, async () => {
        whisper.setProbability(() => 0.94);
        const user = await givenUser(t);
        const { result, elapsedMs } = await takeTest(t, user, whisper);
        console.log(
          `[${backend.name}] ${dialect}: finish to result ${Math.round(elapsedMs)} ms, level ${result.json.level} (${result.json.score}), sub-scores ${JSON.stringify(result.json.subScores)}`,
        );
        expect(result.status).toBe(200);
        // The 3 s budget itself is measured by bench/level-test-finish.mjs (whisper.cpp | openai):
        // budgets live in benchmarks, not in timed tests.
        expect(result.json).toMatchObject({ verified: true, reasons: [], providers: ['openai-compatible'] });
        const { vocabularyRange, grammaticalComplexity, coherence, fluency } = result.json.subScores;
        for (const sub of [vocabularyRange, grammaticalComplexity, coherence, fluency]) expect(sub).toEqual(expect.any(Number));
        // A B1-B2 learner's words: the language sub-scores agree with each other and sit mid-scale.
        expect(Math.abs(vocabularyRange - grammaticalComplexity)).toBeLessThanOrEqual(1.25);
        for (const sub of [vocabularyRange, grammaticalComplexity]) {
          expect(sub).toBeGreaterThanOrEqual(2.5);
          expect(sub).toBeLessThan(5.5);
        }
        // The level is made of the sub-scores shown (issue #15: these answers came out A2 overall
        // while vocabulary and grammar said B1-B2): a B1-B2 learner is placed B1-B2, among them.
        expect(['B1', 'B2']).toContain(result.json.level);
        const shown = [fluency, vocabularyRange, grammaticalComplexity];
        expect(result.json.score).toBeGreaterThanOrEqual(Math.min(...shown));
        expect(result.json.score).toBeLessThanOrEqual(Math.max(...shown));
        for (const a of result.json.answers) {
          if (a.stage !== 0) expect(a.transcript).toBe(SCRIPTS[a.stage]);
          expect(a.provider).toBe('openai-compatible');
          // exp(avg_logprob): about the words' 0.94, punctuation (surer) included or not.
          expect(a.transcriptConfidence).toBeGreaterThan(0.9);
          expect(a.transcriptConfidence).toBeLessThan(0.97);
        }
        expect(whisper.requests.every((r) => r.path === '/v1/audio/transcriptions')).toBe(true);
        expect(whisper.requests.every((r) => r.wav?.sampleRate === 16000 && r.wav.channels === 1 && r.wav.bits === 16)).toBe(true);
        const me = await api(t, 'GET', '/api/v1/me', { token: user.token });
        expect(me.json.verifiedLevels).toEqual([
          expect.objectContaining({ language: 'en', level: result.json.level, source: 'level-test' }),
        ]);
      });

      it('keeps the result provisional, without vocabulary and grammar, when the recogniser is unsure', { timeout: 120_000 }, async () => {
        whisper.setProbability(() => 0.35);
        const user = await givenUser(t);
        const { result } = await takeTest(t, user, whisper);
        expect(result.status).toBe(200);
        expect(result.json.verified).toBe(false);
        expect(result.json.reasons).toContain('unclear-recording');
        expect(result.json.subScores).toMatchObject({ vocabularyRange: null, grammaticalComplexity: null });
        expect(result.json.subScores.fluency).toEqual(expect.any(Number));
        const me = await api(t, 'GET', '/api/v1/me', { token: user.token });
        expect(me.json.verifiedLevels).toEqual([]);
      });
    });
  }
}
