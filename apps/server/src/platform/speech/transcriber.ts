import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openAiUrl } from '../http/openai-url.js';
import { scratchFile } from './scratch.js';
import { runSupervised, SupervisedFailure } from './supervised.js';
import { encodeWav, parseWav, readWavHeader, resample } from './wav.js';

export interface TranscriptWord {
  text: string;
  /** Seconds from the start of the recording, when the provider knows them. */
  start?: number;
  end?: number;
  confidence?: number;
}

export interface Transcript {
  words: TranscriptWord[];
  /** 0..1: how far the words can be trusted. */
  confidence: number;
  /** The provider that produced these words. */
  provider: string;
  /** True when no recogniser heard the audio (the browser's own transcript). */
  lowConfidence: boolean;
}

export interface TranscribeOptions {
  durationSec: number;
  /** What the browser's own recogniser heard, if it sent anything. */
  clientTranscript?: string | null;
  signal?: AbortSignal;
  /** The recording as 16 kHz mono 16-bit WAV, when the caller has it already (spares decoding it again). */
  speech?: Buffer;
}

/** One speech-to-text provider. `wav` is a PCM WAV file of any rate and channel count. */
export interface Transcriber {
  readonly name: string;
  transcribe(wav: Buffer, options: TranscribeOptions): Promise<Transcript>;
}

/** A provider could not produce a transcript; `retryable` says whether trying again may help. */
export class TranscriptionFailure extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

/** Retries retryable failures with exponential backoff (base, 4x base, ...). */
async function withRetries<T>(retries: number, signal: AbortSignal | undefined, attempt: () => Promise<T>, baseMs = 250): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (!(error instanceof TranscriptionFailure) || !error.retryable || n >= retries) throw error;
      await sleep(baseMs * 4 ** n, signal);
    }
  }
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** One entry of a Whisper server's word list: a word (OpenAI, faster-whisper) or a sub-word token (whisper.cpp). */
export interface WhisperPiece {
  text: string;
  start: number;
  end: number;
  probability?: number;
}

const HAS_WORD_CHAR = /[\p{L}\p{N}]/u;

/**
 * Whisper's marks for what is not speech ("[BLANK_AUDIO]", "[MUSIC]", "(laughs)") are not the
 * learner's words, nor is a stray dash; a mark may span several words.
 */
export function dropNonSpeech(words: TranscriptWord[]): TranscriptWord[] {
  const kept: TranscriptWord[] = [];
  let inMark = false;
  for (const w of words) {
    if (!inMark && /^[[(]/.test(w.text)) inMark = true;
    if (inMark) {
      if (/[\])][.,;:!?]*$/.test(w.text)) inMark = false;
      continue;
    }
    if (HAS_WORD_CHAR.test(w.text)) kept.push(w);
  }
  return kept;
}

/**
 * The words of a Whisper answer, whichever server sent it. whisper.cpp lists tokens: a piece that
 * begins with a space begins a word, the others (" neighb" "ours" ",", " I" "'m") continue it, even
 * across segments; its probability is the mean of its pieces' (as openai-whisper computes a word's),
 * punctuation aside. OpenAI lists whole words without punctuation: the punctuation is put back from
 * the text, since sentence ends mark the units that grammar is measured in (features.ts).
 */
export function whisperWords(pieces: WhisperPiece[], text: string): TranscriptWord[] {
  const tokens = pieces.some((p) => /^\s/.test(p.text));
  const merged: { text: string; start: number; end: number; probabilities: number[] }[] = [];
  for (const p of pieces) {
    const last = merged.at(-1);
    const spoken = HAS_WORD_CHAR.test(p.text) && p.probability !== undefined ? [p.probability] : [];
    if (tokens && last && !/^\s/.test(p.text)) {
      last.text += p.text;
      last.end = Math.max(last.end, p.end);
      last.probabilities.push(...spoken);
    } else merged.push({ text: p.text.trim(), start: p.start, end: p.end, probabilities: spoken });
  }
  let words: TranscriptWord[] = merged.map((m) => ({
    text: m.text.trim(),
    start: m.start,
    end: m.end,
    ...(m.probabilities.length ? { confidence: m.probabilities.reduce((a, b) => a + b, 0) / m.probabilities.length } : {}),
  }));
  words = dropNonSpeech(words);
  if (!words.some((w) => /[.,;:!?]$/.test(w.text)) && /[.,;:!?]/.test(text)) words = punctuateFrom(text, words);
  return words;
}

/** Gives each word the punctuation that follows it in the text, matching the words in order. */
function punctuateFrom(text: string, words: TranscriptWord[]): TranscriptWord[] {
  const lower = text.toLowerCase();
  let cursor = 0;
  return words.map((w) => {
    const at = lower.indexOf(w.text.toLowerCase(), cursor);
    if (at < 0) return w;
    cursor = at + w.text.length;
    const marks = /^[.,;:!?]+/.exec(text.slice(cursor))?.[0] ?? '';
    cursor += marks.length;
    return marks ? { ...w, text: w.text + marks } : w;
  });
}

/**
 * Any OpenAI-compatible `/v1/audio/transcriptions` (OpenAI, whisper.cpp server,
 * faster-whisper-server, LocalAI), asked for verbose JSON with word timestamps.
 */
export function openAiTranscriber(config: {
  baseUrl: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
  retries: number;
}): Transcriber {
  const url = openAiUrl(config.baseUrl, 'audio/transcriptions');
  const name = 'openai-compatible';
  async function once(wav: Buffer, signal?: AbortSignal): Promise<Transcript> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(wav)], { type: 'audio/wav' }), 'answer.wav');
    form.append('model', config.model);
    form.append('language', 'en');
    form.append('response_format', 'verbose_json');
    // Both: OpenAI leaves out the segments (and their avg_logprob, our confidence) when only words are asked for.
    form.append('timestamp_granularities[]', 'word');
    form.append('timestamp_granularities[]', 'segment');
    const timeout = AbortSignal.timeout(config.timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {},
        body: form,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) throw new TranscriptionFailure(`${name}: no answer within ${config.timeoutMs} ms`, true);
      throw new TranscriptionFailure(`${name}: ${(error as Error).message}`, true);
    }
    let text: string;
    try {
      text = await response.text();
    } catch {
      if (signal?.aborted) throw signal.reason;
      throw new TranscriptionFailure(`${name}: the answer was cut off`, true);
    }
    if (response.status >= 500 || response.status === 429) throw new TranscriptionFailure(`${name}: HTTP ${response.status}`, true);
    if (!response.ok) throw new TranscriptionFailure(`${name}: HTTP ${response.status}: ${text.slice(0, 200)}`, false);
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      throw new TranscriptionFailure(`${name}: the answer is not JSON`, false);
    }
    // whisper.cpp's server answers its errors with HTTP 200 and {"error": "..."}.
    if (body && typeof body === 'object' && typeof body.error === 'string')
      throw new TranscriptionFailure(`${name}: the server said: ${body.error.slice(0, 200)}`, false);
    if (!body || typeof body !== 'object' || typeof body.text !== 'string')
      throw new TranscriptionFailure(`${name}: the answer has no text`, false);
    // Timed words are at the top level (OpenAI) or inside segments (whisper.cpp, faster-whisper).
    const rawWords: unknown[] = Array.isArray(body.words)
      ? body.words
      : Array.isArray(body.segments)
        ? body.segments.flatMap((s: any) => (Array.isArray(s?.words) ? s.words : []))
        : [];
    const pieces: WhisperPiece[] = [];
    for (const w of rawWords as any[]) {
      const word = typeof w?.word === 'string' ? w.word : typeof w?.text === 'string' ? w.text : null;
      const start = num(w?.start);
      const end = num(w?.end);
      if (word === null || start === undefined || end === undefined || end < start)
        throw new TranscriptionFailure(`${name}: a word timestamp is malformed`, false);
      pieces.push({ text: word, start, end, probability: num(w?.probability) });
    }
    let words = whisperWords(pieces, body.text);
    if (!pieces.length && body.text.trim()) {
      // The server ignored the word granularity: keep the words, without timing.
      words = dropNonSpeech(
        body.text
          .trim()
          .split(/\s+/)
          .map((t: string) => ({ text: t })),
      );
    }
    // Whisper reports each segment's mean log-probability; its exponent is a usable confidence.
    const logprobs = Array.isArray(body.segments)
      ? body.segments.map((s: any) => num(s?.avg_logprob)).filter((x: any) => x !== undefined)
      : [];
    const confidence = logprobs.length
      ? Math.min(1, Math.max(0, Math.exp(logprobs.reduce((a: number, b: number) => a + b, 0) / logprobs.length)))
      : 0.9;
    // OpenAI gives words no probability of their own: each takes its segment's, so an unsure
    // stretch still carries no vocabulary or grammar evidence (features.ts: MIN_WORD_CONFIDENCE).
    const segments = Array.isArray(body.segments) ? (body.segments as any[]) : [];
    const segmentConfidence = (w: TranscriptWord) => {
      const mid = ((w.start ?? 0) + (w.end ?? 0)) / 2;
      const s = segments.find((g) => num(g?.avg_logprob) !== undefined && num(g?.start)! <= mid && mid <= num(g?.end)!);
      return s ? Math.min(1, Math.exp(s.avg_logprob)) : confidence;
    };
    if (logprobs.length) words = words.map((w) => (w.confidence === undefined ? { ...w, confidence: segmentConfidence(w) } : w));
    return { words, confidence: Math.round(confidence * 1000) / 1000, provider: name, lowConfidence: false };
  }
  return { name, transcribe: (wav, options) => withRetries(config.retries, options.signal, () => once(wav, options.signal)) };
}

const POCKETSPHINX_BIN = 'pocketsphinx_continuous';
const POCKETSPHINX_MODEL = '/usr/share/pocketsphinx/model/en-us/en-us';

function onPath(bin: string) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && existsSync(path.join(dir, bin)));
}

/** True when Debian's `pocketsphinx` and `pocketsphinx-en-us` are installed. */
export function pocketsphinxAvailable() {
  return onPath(POCKETSPHINX_BIN) && existsSync(POCKETSPHINX_MODEL);
}

/** Reads `word start end posterior` lines of `pocketsphinx_continuous -time yes`. */
export function parsePocketsphinxTimes(output: string): TranscriptWord[] {
  const words: TranscriptWord[] = [];
  for (const line of output.split('\n')) {
    const m = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/.exec(line.trim());
    if (!m) continue;
    const token = m[1]!;
    // Sentence marks, silence and noise fillers are not words; "(2)" marks an alternate pronunciation.
    if (/^(<s>|<\/s>|<sil>|\[.*\]|\+\+.*\+\+)$/.test(token)) continue;
    words.push({ text: token.replace(/\(\d+\)$/, ''), start: Number(m[2]), end: Number(m[3]), confidence: Math.min(1, Number(m[4])) });
  }
  return words;
}

/** Recordings longer than this are cut at their quietest moment near the middle and recognised in two processes at once. */
const SPLIT_OVER_SEC = 10;

/** The sample index of the quietest 100 ms between 35% and 65% of the recording: a pause to cut at. */
export function quietestMiddle(samples: Float32Array, rate: number): number {
  const win = Math.round(rate * 0.1);
  const from = Math.floor(samples.length * 0.35);
  const to = Math.floor(samples.length * 0.65) - win;
  let best = Math.floor(samples.length / 2);
  let bestEnergy = Infinity;
  for (let start = from; start <= to; start += Math.round(win / 2)) {
    let e = 0;
    for (let i = start; i < start + win; i++) e += samples[i]! * samples[i]!;
    if (e < bestEnergy) {
      bestEnergy = e;
      best = start + Math.round(win / 2);
    }
  }
  return best;
}

/**
 * Offline recognition with CMU PocketSphinx (the 0.8 CLI Debian ships). It reads 16 kHz mono
 * from a scratch file (see scratch.ts), in a supervised process group that dies with this server
 * (supervised.ts). It runs at roughly real time on one core, so its time limit grows with the
 * recording, which the level test bounds (prompts.ts: answerLimitSec); a recording over
 * SPLIT_OVER_SEC is cut at a quiet moment near its middle and its halves recognised at once, so
 * the last answer of a test is ready about twice as soon on two cores.
 */
export function pocketsphinxTranscriber(config: { timeoutMs: number; scratchDir?: string }): Transcriber {
  const name = 'pocketsphinx';
  const dir = config.scratchDir ?? path.join(tmpdir(), 'studymate-speech');

  async function recognise(speech: Buffer, signal: AbortSignal | undefined): Promise<TranscriptWord[]> {
    const limitMs = Math.max(config.timeoutMs, Math.ceil(readWavHeader(speech).durationSec * 3000) + 10_000);
    const file = await scratchFile(dir, '.wav');
    try {
      await writeFile(file, speech);
      const run = runSupervised(POCKETSPHINX_BIN, ['-infile', file, '-time', 'yes', '-logfn', '/dev/null'], { limitMs, signal });
      run.stdin.end();
      let out = '';
      run.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
      const { code, stderr } = await run.done.catch((error) => {
        if (error instanceof SupervisedFailure) throw new TranscriptionFailure(`${name}: ${error.message}`, error.timedOut);
        throw error;
      });
      if (code !== 0) throw new TranscriptionFailure(`${name}: exited with ${code}: ${stderr.trim().slice(-300)}`, false);
      return parsePocketsphinxTimes(out);
    } finally {
      await rm(file, { force: true });
    }
  }

  return {
    name,
    async transcribe(wav, options) {
      const speech = options.speech ?? encodeWav(resample(parseWav(wav), 16000), 16000);
      let words: TranscriptWord[];
      if (readWavHeader(speech).durationSec > SPLIT_OVER_SEC) {
        const pcm = parseWav(speech);
        const cut = quietestMiddle(pcm.samples, pcm.sampleRate);
        const offset = cut / pcm.sampleRate;
        const [first, second] = await Promise.all([
          recognise(encodeWav(pcm.samples.subarray(0, cut), pcm.sampleRate), options.signal),
          recognise(encodeWav(pcm.samples.subarray(cut), pcm.sampleRate), options.signal),
        ]);
        words = [...first, ...second.map((w) => ({ ...w, start: w.start! + offset, end: w.end! + offset }))];
      } else words = await recognise(speech, options.signal);
      const confidence = words.length ? words.reduce((s, w) => s + (w.confidence ?? 0), 0) / words.length : 0;
      return { words, confidence: Math.round(confidence * 1000) / 1000, provider: name, lowConfidence: false };
    },
  };
}

/** Confidence given to words no recogniser on our side heard. */
export const CLIENT_TRANSCRIPT_CONFIDENCE = 0.4;

/** The transcript the browser sent, used when no recogniser is available; it has no timing. */
export function clientTranscriber(): Transcriber {
  const name = 'client-transcript';
  return {
    name,
    async transcribe(_wav, options) {
      const text = options.clientTranscript?.trim();
      if (!text) throw new TranscriptionFailure(`${name}: the browser sent no transcript`, false);
      const words = text.split(/\s+/).map((t) => ({ text: t, confidence: CLIENT_TRANSCRIPT_CONFIDENCE }));
      return { words, confidence: CLIENT_TRANSCRIPT_CONFIDENCE, provider: name, lowConfidence: true };
    },
  };
}

export type ProviderName = 'openai' | 'pocketsphinx' | 'client';

export interface SpeechConfig {
  providers: ProviderName[] | 'auto';
  openai: { baseUrl: string; apiKey?: string; model: string } | null;
  timeoutMs: number;
  retries: number;
  /** Where pocketsphinx's scratch files go (DATA_DIR/tmp/speech); swept at start-up. */
  scratchDir?: string;
}

/** The providers in the order they are tried; `auto` takes every one that can work here. */
export function chooseTranscribers(config: SpeechConfig): Transcriber[] {
  const order: ProviderName[] =
    config.providers === 'auto'
      ? [...(config.openai ? (['openai'] as const) : []), ...(pocketsphinxAvailable() ? (['pocketsphinx'] as const) : []), 'client']
      : config.providers;
  return order.map((p) => {
    if (p === 'openai') {
      if (!config.openai) throw new Error('the openai speech provider needs STT_API_URL');
      return openAiTranscriber({ ...config.openai, timeoutMs: config.timeoutMs, retries: config.retries });
    }
    if (p === 'pocketsphinx') return pocketsphinxTranscriber({ timeoutMs: config.timeoutMs, scratchDir: config.scratchDir });
    return clientTranscriber();
  });
}

export interface TranscriptOutcome extends Transcript {
  /** Providers tried before the one that answered, with why they did not. */
  failures: { provider: string; error: string }[];
}

/** Tries each provider in turn; fails only when none of them produced a transcript. */
export async function transcribeWithFallback(
  transcribers: Transcriber[],
  wav: Buffer,
  options: TranscribeOptions,
): Promise<TranscriptOutcome> {
  const failures: { provider: string; error: string }[] = [];
  for (const t of transcribers) {
    try {
      return { ...(await t.transcribe(wav, options)), failures };
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      failures.push({ provider: t.name, error: error instanceof Error ? error.message : String(error) });
    }
  }
  throw new TranscriptionFailure(`no speech-to-text provider answered: ${failures.map((f) => f.error).join('; ')}`, true);
}
