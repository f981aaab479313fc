import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { encodeWav, parseWav } from '../../src/platform/speech/wav.js';
import type { Backend } from '../helpers/backends.js';
import { api, type Client, type TestApp } from '../helpers/app.js';

const hasCommand = (bin: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
export const ESPEAK = hasCommand('espeak-ng');
export const ESPEAK_MISSING = 'espeak-ng is not installed (apt-get install espeak-ng)';

/**
 * Speech synthesised by espeak-ng as a WAV file (22.05 kHz mono, streamed header).
 * `rate` is words a minute; `gap` adds that many 10 ms units of silence between words.
 */
export function speak(text: string, options: { rate?: number; gap?: number; voice?: string } = {}): Buffer {
  const args = ['--stdout', '-v', options.voice ?? 'en-us', '-s', String(options.rate ?? 160), '-g', String(options.gap ?? 0), text];
  return execFileSync('espeak-ng', args, { maxBuffer: 64 * 1024 * 1024 });
}

/** A WAV of tones (speech stand-ins) and silences: `[{ sec, hz?, amp? }]`, with optional noise. */
export function synth(parts: { sec: number; hz?: number; amp?: number }[], options: { rate?: number; noise?: number; seed?: number } = {}) {
  const rate = options.rate ?? 16000;
  const total = Math.round(parts.reduce((s, p) => s + p.sec, 0) * rate);
  const samples = new Float32Array(total);
  let seed = options.seed ?? 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  let i = 0;
  for (const part of parts) {
    const n = Math.round(part.sec * rate);
    for (let k = 0; k < n && i < total; k++, i++) {
      const tone = part.hz ? (part.amp ?? 0.3) * Math.sin((2 * Math.PI * part.hz * k) / rate) : 0;
      samples[i] = tone + (options.noise ?? 0) * (random() * 2 - 1);
    }
  }
  return { samples, rate, wav: encodeWav(samples, rate) };
}

export type SttMode = 'ok' | 'slow' | 'error' | 'malformed' | 'flaky' | 'no-words';

/**
 * A local server speaking the OpenAI `/v1/audio/transcriptions` API (and `/v1/chat/completions`
 * for feedback), with failure modes. It answers with the script registered for a recording of the
 * uploaded one's length (the server sends its 16 kHz copy, which keeps the length), the words
 * spread evenly over the recording. whisper-server.ts speaks the two real protocols more closely.
 */
export async function startTranscriptionServer() {
  let mode: SttMode = 'ok';
  let delayMs = 0;
  let calls = 0;
  let feedbackMode: 'ok' | 'error' | 'malformed' = 'ok';
  let feedbackCalls = 0;
  const scripts: { durationSec: number; script: string }[] = [];
  const requests: { model: string; format: string; granularity: string }[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.url === '/v1/chat/completions' && req.method === 'POST') {
      feedbackCalls++;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (feedbackMode === 'error') return void res.writeHead(503).end('{"error":{"message":"overloaded"}}');
      const content =
        feedbackMode === 'malformed'
          ? 'Great job!'
          : JSON.stringify({
              items: [
                {
                  kind: 'improve',
                  en: `Say "I went", not "I go", for the past (${body.model}).`,
                  ko: '과거의 일은 "I go"가 아니라 "I went"로 말해 보세요.',
                },
                { kind: 'sideways', en: 'dropped: unknown kind', ko: '무시' },
              ],
            });
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content } }] }));
    }
    calls++;
    if (req.url !== '/v1/audio/transcriptions' || req.method !== 'POST') return void res.writeHead(404).end();
    const form = await new Request('http://local/', {
      method: 'POST',
      headers: { 'content-type': req.headers['content-type'] ?? '' },
      body: Buffer.concat(chunks),
    }).formData();
    const file = form.get('file') as Blob;
    requests.push({
      model: String(form.get('model')),
      format: String(form.get('response_format')),
      granularity: String(form.get('timestamp_granularities[]')),
    });
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    if (mode === 'slow') await new Promise((r) => setTimeout(r, 3000));
    if (mode === 'error' || (mode === 'flaky' && calls % 2 === 1))
      return void res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"message":"overloaded"}}');
    if (mode === 'malformed')
      return void res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"text":"hello","words":[{"word":"hello","start":"soon"}]}');
    const bytes = Buffer.from(await file.arrayBuffer());
    const duration = parseWav(bytes).durationSec;
    const script = scripts.find((s) => Math.abs(s.durationSec - duration) < 0.03)?.script ?? 'I am not sure what to say';
    const tokens = script.split(/\s+/);
    const step = (duration - 0.2) / tokens.length;
    const words = tokens.map((w, i) => ({ word: w, start: 0.1 + i * step, end: 0.1 + (i + 0.9) * step }));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        task: 'transcribe',
        language: 'english',
        duration,
        text: script,
        ...(mode === 'no-words' ? {} : { words }),
        segments: [{ id: 0, start: 0, end: duration, text: script, avg_logprob: -0.2 }],
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    register: (wav: Buffer, script: string) => void scripts.unshift({ durationSec: parseWav(wav).durationSec, script }),
    setMode: (m: SttMode) => {
      mode = m;
      calls = 0;
    },
    setDelay: (ms: number) => (delayMs = ms),
    /** The same server also speaks chat completions, for the optional feedback provider. */
    setFeedbackMode: (m: 'ok' | 'error' | 'malformed') => (feedbackMode = m),
    feedbackCalls: () => feedbackCalls,
    calls: () => calls,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A backend instance that outlives one app, so a second app can start on the same database. */
export async function provisionShared(backend: Backend) {
  return backend.provision();
}

/** Starts the real app on an already provisioned backend; closing it keeps the data. */
export async function startAppOn(
  env: Record<string, string>,
  extra: Record<string, string> = {},
): Promise<TestApp & { config: Config; app: FastifyInstance }> {
  const config = loadConfig({ ...env, PORT: '0', HOST: '127.0.0.1', WEB_DIST: '/nonexistent', RATE_LIMIT_SIGN_IN: '10000', ...extra });
  const app = await buildApp(config);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { app, config, url, close: () => app.close() };
}

/** PUTs one answer as the web app does: multipart "audio" and an optional "transcript". */
export async function uploadAnswer(
  t: Pick<TestApp, 'url'>,
  user: Client,
  attemptId: string,
  promptId: string,
  bytes: Buffer,
  transcript?: string,
) {
  const form = new FormData();
  if (transcript) form.append('transcript', transcript); // before the file: the reader takes either order
  form.append('audio', new Blob([new Uint8Array(bytes)]), 'answer.wav');
  const res = await fetch(`${t.url}/api/v1/level-test/attempts/${attemptId}/answers/${promptId}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${user.token}` },
    body: form,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

export async function waitForStatus(t: Pick<TestApp, 'url'>, user: Client, attemptId: string, want: (s: any) => boolean, ms = 60_000) {
  const end = Date.now() + ms;
  let last: any;
  while (Date.now() < end) {
    last = (await api(t, 'GET', `/api/v1/level-test/attempts/${attemptId}/status`, { token: user.token })).json;
    if (want(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`level test never reached the wanted status; last: ${JSON.stringify(last)}`);
}

/** A PCM WAV of `sec` seconds of silence in any layout: how long a file claims to be, cheaply. */
export function silentWav(sec: number, options: { rate?: number; bits?: 8 | 16; channels?: number } = {}) {
  const rate = options.rate ?? 16000;
  const bits = options.bits ?? 16;
  const channels = options.channels ?? 1;
  const block = (bits / 8) * channels;
  const data = Buffer.alloc(Math.round(sec * rate) * block, bits === 8 ? 128 : 0);
  const head = Buffer.alloc(44);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(36 + data.length, 4);
  head.write('WAVEfmt ', 8, 'latin1');
  head.writeUInt32LE(16, 16);
  head.writeUInt16LE(1, 20);
  head.writeUInt16LE(channels, 22);
  head.writeUInt32LE(rate, 24);
  head.writeUInt32LE(rate * block, 28);
  head.writeUInt16LE(block, 32);
  head.writeUInt16LE(bits, 34);
  head.write('data', 36, 'latin1');
  head.writeUInt32LE(data.length, 40);
  return Buffer.concat([head, data]);
}
