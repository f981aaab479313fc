import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreLevelTest } from '@studymate/cefr';
import {
  chooseTranscribers,
  clientTranscriber,
  openAiTranscriber,
  parsePocketsphinxTimes,
  pocketsphinxAvailable,
  pocketsphinxTranscriber,
  transcribeWithFallback,
  TranscriptionFailure,
} from '../../src/platform/speech/transcriber.js';
import { detectVoice } from '../../src/platform/speech/vad.js';
import { parseWav } from '../../src/platform/speech/wav.js';
import { ESPEAK, ESPEAK_MISSING, speak, startTranscriptionServer, synth } from './helpers.js';

describe('OpenAI-compatible transcription provider (against a local server speaking its API)', () => {
  let stt: Awaited<ReturnType<typeof startTranscriptionServer>>;
  const wav = synth([{ sec: 0.3 }, { sec: 2, hz: 200 }, { sec: 0.3 }]).wav;
  beforeAll(async () => {
    stt = await startTranscriptionServer();
    stt.register(wav, 'I usually cook dinner with my sister');
  });
  afterAll(() => stt.close());
  const provider = (timeoutMs = 1000, retries = 2) =>
    openAiTranscriber({ baseUrl: stt.url, apiKey: 'test-key-placeholder', model: 'whisper-1', timeoutMs, retries });

  it('returns timed words, a confidence and its own name, asking for verbose JSON with word timestamps', async () => {
    stt.setMode('ok');
    const result = await provider().transcribe(wav, { durationSec: 2.6 });
    expect(result.provider).toBe('openai-compatible');
    expect(result.lowConfidence).toBe(false);
    expect(result.words.map((w) => w.text).join(' ')).toBe('I usually cook dinner with my sister');
    expect(result.words.every((w) => typeof w.start === 'number' && w.end! >= w.start!)).toBe(true);
    expect(result.confidence).toBeCloseTo(Math.exp(-0.2), 2);
    expect(stt.requests.at(-1)).toEqual({ model: 'whisper-1', format: 'verbose_json', granularity: 'word' });
  });

  it('keeps the words without timing when the server ignores word granularity', async () => {
    stt.setMode('no-words');
    const result = await provider().transcribe(wav, { durationSec: 2.6 });
    expect(result.words).toHaveLength(7);
    expect(result.words[0]!.start).toBeUndefined();
  });

  it('gives up on a server that does not answer in time, retrying first', async () => {
    stt.setMode('slow');
    const started = Date.now();
    const error = await provider(300, 1)
      .transcribe(wav, { durationSec: 2.6 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(TranscriptionFailure);
    expect(error.message).toMatch(/no answer within 300 ms/);
    expect(stt.calls()).toBe(2);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('retries a 5xx with backoff and succeeds when the server recovers', async () => {
    stt.setMode('flaky');
    const result = await provider().transcribe(wav, { durationSec: 2.6 });
    expect(result.words.length).toBe(7);
    expect(stt.calls()).toBe(2);
  });

  it('fails after its retries when the server keeps answering 5xx', async () => {
    stt.setMode('error');
    await expect(provider(1000, 2).transcribe(wav, { durationSec: 2.6 })).rejects.toThrow(/HTTP 503/);
    expect(stt.calls()).toBe(3);
  });

  it('refuses a malformed answer at once (no retry can fix it)', async () => {
    stt.setMode('malformed');
    const error = await provider()
      .transcribe(wav, { durationSec: 2.6 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(TranscriptionFailure);
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/malformed/);
    expect(stt.calls()).toBe(1);
  });

  it('falls back to the transcript the browser sent, marked low-confidence, and says who failed', async () => {
    stt.setMode('error');
    const outcome = await transcribeWithFallback([provider(500, 0), clientTranscriber()], wav, {
      durationSec: 2.6,
      clientTranscript: 'I cook dinner',
    });
    expect(outcome.provider).toBe('client-transcript');
    expect(outcome.lowConfidence).toBe(true);
    expect(outcome.confidence).toBeLessThan(0.5);
    expect(outcome.failures).toEqual([{ provider: 'openai-compatible', error: 'openai-compatible: HTTP 503' }]);
    // Without a browser transcript there is nothing left to try.
    await expect(transcribeWithFallback([provider(500, 0), clientTranscriber()], wav, { durationSec: 2.6 })).rejects.toThrow(
      /no speech-to-text provider answered/,
    );
  });

  it('orders providers automatically: the API when configured, pocketsphinx when installed, the browser last', () => {
    const names = (c: Parameters<typeof chooseTranscribers>[0]) => chooseTranscribers(c).map((t) => t.name);
    const base = { timeoutMs: 1000, retries: 0 };
    expect(names({ ...base, providers: 'auto', openai: { baseUrl: stt.url, model: 'whisper-1' } })).toEqual([
      'openai-compatible',
      ...(pocketsphinxAvailable() ? ['pocketsphinx'] : []),
      'client-transcript',
    ]);
    expect(names({ ...base, providers: ['client'], openai: null })).toEqual(['client-transcript']);
  });
});

describe('pocketsphinx output', () => {
  it('keeps words with their times and drops silence, sentence and noise marks', () => {
    const words = parsePocketsphinxTimes(
      [
        'i like films',
        '<s> 0.000 0.180 0.999700',
        'i 0.190 0.410 0.91',
        '<sil> 0.42 0.57 0.99',
        'like(2) 0.58 0.9 0.8',
        '[NOISE] 0.9 1.0 0.5',
        'films 1.0 1.4 0.7',
        '</s> 1.4 1.6 1.0',
      ].join('\n'),
    );
    expect(words).toEqual([
      { text: 'i', start: 0.19, end: 0.41, confidence: 0.91 },
      { text: 'like', start: 0.58, end: 0.9, confidence: 0.8 },
      { text: 'films', start: 1.0, end: 1.4, confidence: 0.7 },
    ]);
  });
});

const POCKETSPHINX_SKIP = !pocketsphinxAvailable()
  ? 'pocketsphinx is not installed (apt-get install pocketsphinx pocketsphinx-en-us)'
  : !ESPEAK
    ? ESPEAK_MISSING
    : null;
if (POCKETSPHINX_SKIP) console.warn(`*** SKIPPING the offline pocketsphinx test: ${POCKETSPHINX_SKIP} ***`);

describe.skipIf(!!POCKETSPHINX_SKIP)(
  `pocketsphinx offline recognition${POCKETSPHINX_SKIP ? ` (skipped: ${POCKETSPHINX_SKIP})` : ''}`,
  () => {
    it('transcribes an espeak-ng sentence well enough to score', { timeout: 120_000 }, async () => {
      const script = 'I liked watching films with my friends on the weekend and we often went to the park';
      // A 22.05 kHz recording: the provider resamples it to the 16 kHz the model needs.
      const wav = speak(script, { voice: 'en-us+f2', rate: 130 });
      const result = await pocketsphinxTranscriber({ timeoutMs: 60_000 }).transcribe(wav, { durationSec: parseWav(wav).durationSec });
      const heard = result.words.map((w) => w.text.toLowerCase());
      const expected = new Set(script.toLowerCase().split(' '));
      const recall = heard.filter((w) => expected.has(w)).length / expected.size;
      console.log(`pocketsphinx heard: "${heard.join(' ')}" (recall of the script's words ${recall.toFixed(2)})`);
      expect(result.provider).toBe('pocketsphinx');
      expect(recall).toBeGreaterThanOrEqual(0.5);
      for (let i = 1; i < result.words.length; i++) expect(result.words[i]!.start!).toBeGreaterThanOrEqual(result.words[i - 1]!.end!);
      const pcm = parseWav(wav);
      const scored = scoreLevelTest({
        answers: [{ stage: 2, words: result.words, voiceSegments: detectVoice(pcm).segments, durationSec: pcm.durationSec }],
      });
      expect(scored.features.timingKnown).toBe(true);
      expect(scored.features.wordCount).toBeGreaterThanOrEqual(8);
      expect(['A1', 'A2', 'B1', 'B2', 'C1', 'C2']).toContain(scored.level);
    });

    it('stops when asked to (a node shutting down)', async () => {
      const wav = speak('This sentence is long enough to take the recogniser a while to finish reading it.');
      const controller = new AbortController();
      const pending = pocketsphinxTranscriber({ timeoutMs: 60_000 }).transcribe(wav, { durationSec: 5, signal: controller.signal });
      setTimeout(() => controller.abort(new Error('stopping')), 200);
      await expect(pending).rejects.toThrow('stopping');
    });
  },
);
