// A local stand-in for a Whisper speech-to-text server, speaking either of the two protocols the
// level test meets in production (transcriber.ts: openAiTranscriber):
// - 'whisper.cpp': the server of whisper.cpp (examples/server), started as the operator README says
//   (`--inference-path /v1/audio/transcriptions`). Like it, this stand-in reads only 16 kHz 16-bit
//   PCM WAV (mono or stereo) from the multipart field `file`, ignores `model` and
//   `timestamp_granularities[]`, works on one request at a time, answers errors with HTTP 200 and
//   `{"error": "..."}`, and in verbose_json lists each segment's *tokens* as its `words`: sub-word
//   pieces, a leading space where a word begins, punctuation as tokens of its own, each with
//   `start`/`end` in hundredths of a second, `t_dtw` and `probability`, and the segment's
//   `avg_logprob` (the mean log-probability of its tokens). Segments end at sentence ends or
//   before passing 60 characters (its default max_len with token timestamps), even inside a word;
//   silence is heard as "[BLANK_AUDIO]".
// - 'openai': OpenAI's `/v1/audio/transcriptions`: bearer key and `model` required (401/400 with
//   `{"error": {"message": ...}}`), any WAV accepted, top-level `words` (whole words, no
//   punctuation, no probability) only when `timestamp_granularities[]` asks for `word`, and
//   `segments` (with `avg_logprob`, `no_speech_prob`) when it asks for `segment` or names none.
// What it "hears" is the script registered for a recording of that length (resampling keeps the
// length), so a test knows the words a perfect recogniser would give.
import { createServer } from 'node:http';
import { parseWav, readWavHeader } from '../../src/platform/speech/wav.js';

export type WhisperDialect = 'whisper.cpp' | 'openai';

export interface WhisperRequest {
  path: string;
  fields: Record<string, string[]>;
  fileName: string | null;
  wav: { sampleRate: number; channels: number; bits: number } | null;
}

export interface WhisperServerOptions {
  dialect: WhisperDialect;
  /** whisper.cpp's `--inference-path`; OpenAI's is always /v1/audio/transcriptions. */
  inferencePath?: string;
  /** OpenAI only: the bearer key it wants. */
  apiKey?: string;
  /** Time the model takes per request (a GPU whisper.cpp or the OpenAI API: well under a second for a 20 s answer). */
  latencyMs?: number;
}

/** Sub-word pieces the way Whisper's byte-pair tokens fall, each with the word it belongs to. */
function piecesOf(script: string): { text: string; word: string }[] {
  const tokens: { text: string; word: string }[] = [];
  for (const raw of script.split(/\s+/).filter(Boolean)) {
    const [, word = '', punctuation = ''] = /^(.*?)([.,;:!?]*)$/.exec(raw) ?? [];
    const apostrophe = word.indexOf("'");
    const stem = apostrophe > 0 ? word.slice(0, apostrophe) : word;
    const pieces: string[] = [];
    for (let i = 0; i < stem.length; i += 6) pieces.push(stem.slice(i, i + 6));
    if (apostrophe > 0) pieces.push(word.slice(apostrophe));
    if (pieces.length) tokens.push(...[` ${pieces[0]}`, ...pieces.slice(1)].map((text) => ({ text, word: stem })));
    for (const mark of punctuation) tokens.push({ text: mark, word: '' });
  }
  return tokens;
}

/** Sub-word pieces the way Whisper's byte-pair tokens fall: a leading space starts a word. */
export const whisperTokens = (script: string) => piecesOf(script).map((t) => t.text);

/** The top of a verbose_json answer, as both servers write it. */
const verboseJson = (durationSec: number, text: string, rest: object) => ({
  type: 'application/json',
  body: JSON.stringify({ task: 'transcribe', language: 'english', duration: durationSec, text, ...rest }),
});
const round2 = (x: number) => Math.round(x * 100) / 100;
/** A stable stand-in for a token id of the model's vocabulary. */
const tokenId = (text: string) => [...text].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 50000, 7);

export async function startWhisperServer(options: WhisperServerOptions) {
  const inferencePath = options.dialect === 'openai' ? '/v1/audio/transcriptions' : (options.inferencePath ?? '/inference');
  const scripts: { durationSec: number; script: string }[] = [];
  const requests: WhisperRequest[] = [];
  let probability: (word: string) => number = () => 0.94;
  let latencyMs = options.latencyMs ?? 0;
  // whisper.cpp holds one model and a mutex around it: requests wait their turn.
  let queue: Promise<unknown> = Promise.resolve();

  const heard = (samples: Float32Array, durationSec: number): string | null => {
    let peak = 0;
    for (const s of samples) peak = Math.max(peak, Math.abs(s));
    if (peak < 0.01) return null;
    const match = scripts.find((s) => Math.abs(s.durationSec - durationSec) < 0.03);
    return match?.script ?? 'I am not sure what to say.';
  };

  /** Tokens with times (centisecond steps, as whisper.cpp reports them) spread over the recording. */
  function timedTokens(script: string, durationSec: number) {
    const tokens = piecesOf(script);
    const step = Math.max(0.02, (durationSec - 0.2) / tokens.length);
    return tokens.map(({ text, word }, i) => {
      const p = word ? probability(word) : 0.99;
      return { text, start: round2(0.1 + i * step), end: round2(0.1 + (i + 1) * step), p };
    });
  }

  function whisperCppAnswer(script: string | null, durationSec: number, format: string) {
    const tokens = script === null ? timedTokens('[BLANK_AUDIO]', durationSec) : timedTokens(script, durationSec);
    const segments: (typeof tokens)[] = [];
    let current: typeof tokens = [];
    for (const token of tokens) {
      const length = current.reduce((n, t) => n + t.text.length, 0);
      if (current.length && length + token.text.length > 60) {
        segments.push(current);
        current = [];
      }
      current.push(token);
      if (/^[.!?]$/.test(token.text)) {
        segments.push(current);
        current = [];
      }
    }
    if (current.length) segments.push(current);
    const text = segments.map((s) => `${s.map((t) => t.text).join('')}\n`).join('');
    if (format === 'text') return { type: 'text/html; charset=utf-8', body: text };
    if (format !== 'verbose_json') return { type: 'application/json', body: JSON.stringify({ text }) };
    return verboseJson(durationSec, text, {
      segments: segments.map((s, id) => ({
        id,
        text: s.map((t) => t.text).join(''),
        start: s[0]!.start,
        end: s.at(-1)!.end,
        tokens: s.map((t) => tokenId(t.text)),
        words: s.map((t) => ({ word: t.text, start: t.start, end: t.end, t_dtw: -1, probability: t.p })),
        temperature: 0,
        avg_logprob: s.reduce((a, t) => a + Math.log(t.p), 0) / s.length,
        no_speech_prob: script === null ? 0.9 : 0.01,
      })),
    });
  }

  function openAiAnswer(script: string | null, durationSec: number, format: string, granularities: string[]) {
    const said = script ?? '';
    if (format === 'text') return { type: 'text/plain; charset=utf-8', body: `${said}\n` };
    if (format !== 'verbose_json') return { type: 'application/json', body: JSON.stringify({ text: said }) };
    const words = said.split(/\s+/).filter(Boolean);
    const step = (durationSec - 0.2) / Math.max(1, words.length);
    const sentences = said.match(/[^.!?]+[.!?]*/g)?.map((s) => s.trim()) ?? [];
    let at = 0;
    const segments = sentences.map((sentence, id) => {
      const n = sentence.split(/\s+/).length;
      const logprobs = sentence.split(/\s+/).map((w) => Math.log(probability(w.replace(/[.,;:!?]+$/, '').replace(/'.*$/, ''))));
      const segment = {
        id,
        seek: 0,
        start: 0.1 + at * step,
        end: 0.1 + (at + n) * step,
        text: ` ${sentence}`,
        tokens: whisperTokens(sentence).map(tokenId),
        temperature: 0,
        avg_logprob: logprobs.reduce((a, b) => a + b, 0) / n,
        compression_ratio: 1.3,
        no_speech_prob: 0.01,
      };
      at += n;
      return segment;
    });
    const wanted = granularities.length ? granularities : ['segment'];
    return verboseJson(durationSec, said, {
      ...(wanted.includes('word')
        ? { words: words.map((w, i) => ({ word: w.replace(/[.,;:!?]+$/, ''), start: 0.1 + i * step, end: 0.1 + (i + 0.9) * step })) }
        : {}),
      ...(wanted.includes('segment') ? { segments } : {}),
    });
  }

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const send = (status: number, type: string, body: string) => void res.writeHead(status, { 'content-type': type }).end(body);
    const openAiError = (status: number, message: string) =>
      send(status, 'application/json', JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: null } }));
    if (req.method !== 'POST' || req.url !== inferencePath) return send(404, 'text/plain', `File Not Found (${req.url})`);
    if (options.dialect === 'openai' && options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`)
      return openAiError(401, 'Incorrect API key provided.');
    let form: FormData;
    try {
      form = await new Request('http://local/', {
        method: 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? '' },
        body: Buffer.concat(chunks),
      }).formData();
    } catch {
      return options.dialect === 'openai' ? openAiError(400, 'Could not parse multipart form') : send(400, 'text/plain', 'Invalid request');
    }
    const fields: Record<string, string[]> = {};
    for (const [k, v] of form.entries()) if (typeof v === 'string') (fields[k] ??= []).push(v);
    const file = form.get('file');
    const bytes = file instanceof Blob ? Buffer.from(await file.arrayBuffer()) : null;
    let layout: ReturnType<typeof readWavHeader> | null = null;
    try {
      layout = bytes ? readWavHeader(bytes) : null;
    } catch {
      layout = null;
    }
    requests.push({
      path: req.url,
      fields,
      fileName: file instanceof File ? file.name : null,
      wav: layout ? { sampleRate: layout.sampleRate, channels: layout.channels, bits: layout.bits } : null,
    });
    const format = fields.response_format?.[0] ?? 'json';

    if (options.dialect === 'openai') {
      if (!bytes) return openAiError(400, "you must provide a 'file'");
      if (!fields.model?.[0]) return openAiError(400, "you must provide a 'model'");
      if (!layout) return openAiError(400, 'Invalid file format.');
      if (latencyMs) await new Promise((r) => setTimeout(r, latencyMs));
      const pcm = parseWav(bytes);
      const answer = openAiAnswer(heard(pcm.samples, pcm.durationSec), pcm.durationSec, format, fields['timestamp_granularities[]'] ?? []);
      return send(200, answer.type, answer.body);
    }

    const turn = queue.then(async () => {
      if (!bytes) return { type: 'application/json', body: `{"error":"no 'file' field in the request"}` };
      // read_wav: mono or stereo, 16 kHz, 16-bit, or nothing.
      if (!layout || layout.tag !== 1 || layout.sampleRate !== 16000 || layout.bits !== 16 || layout.channels > 2)
        return { type: 'application/json', body: '{"error":"failed to read WAV file"}' };
      if (latencyMs) await new Promise((r) => setTimeout(r, latencyMs));
      const pcm = parseWav(bytes);
      return whisperCppAnswer(heard(pcm.samples, pcm.durationSec), pcm.durationSec, format);
    });
    queue = turn.catch(() => undefined);
    const answer = await turn;
    send(200, answer.type, answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    origin,
    /** What to set STT_API_URL to. */
    url: options.dialect === 'openai' ? `${origin}/v1` : origin,
    requests,
    /** The words it hears in a recording of this length. */
    register(durationSec: number, script: string) {
      const clash = scripts.find((s) => Math.abs(s.durationSec - durationSec) < 0.03 && s.script !== script);
      if (clash) throw new Error(`two scripts last ${durationSec.toFixed(2)} s; the stand-in could not tell them apart`);
      scripts.push({ durationSec, script });
    },
    /** How sure it is of each word (default 0.94). */
    setProbability(fn: (word: string) => number) {
      probability = fn;
    },
    setLatency(ms: number) {
      latencyMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
