// Time from handing in a level test (the sentence read aloud, then four answers) to its result, with
// the built-in recogniser (pocketsphinx), against the built server in its own process. The reading
// is espeak-ng reading the printed sentence; each answer is espeak-ng speech of about 20 s, uploaded as the web app does; between uploads the bench waits as long as the answer
// lasts, as a learner recording the next answer would (RECORDING_PAUSE=0 uploads them back to back,
// the worst case). Budget: result within 10 s of finishing. Needs espeak-ng, pocketsphinx and
// pocketsphinx-en-us, and `npm run build`.
// With an OpenAI-compatible Whisper endpoint instead (budget 3 s), the recogniser is the tests' local
// stand-in speaking whisper.cpp's or OpenAI's protocol, answering each request in 0.5 s (about what
// a GPU whisper.cpp server or OpenAI's API takes for a 20 s answer); it is TypeScript, hence tsx:
//   node --import tsx bench/level-test-finish.mjs [pocketsphinx|whisper.cpp|openai]
import { execFileSync } from 'node:child_process';
import { round, startServer } from './lib.mjs';

const recogniser = process.argv[2] ?? 'pocketsphinx';
const budgetMs = recogniser === 'pocketsphinx' ? 10_000 : 3_000;
const pauseBetween = process.env.RECORDING_PAUSE !== '0';
const ANSWERS = {
  1: 'Hello, my name is Minji. I live in Seoul and I work at a small design company. In my free time I like reading and cooking.',
  2: 'Last weekend I went to the mountains with my friends. We walked for five hours and then we ate dinner in a small restaurant.',
  3: 'I think online classes are useful because you can study at home, but I prefer classroom lessons because I can ask questions.',
  4: 'In twenty years many jobs might change because computers will do simple work. People would probably need new skills.',
};

const KEY = 'bench-key-placeholder';
let whisper = null;
let parseWav = null;
if (recogniser !== 'pocketsphinx') {
  ({ parseWav } = await import('../apps/server/src/platform/speech/wav.ts'));
  const { startWhisperServer } = await import('../apps/server/test/level-test/whisper-server.ts');
  whisper = await startWhisperServer({ dialect: recogniser, inferencePath: '/v1/audio/transcriptions', apiKey: KEY, latencyMs: 500 });
  whisper.setProbability(() => 0.94);
}
const recogniserEnv = whisper
  ? {
      STT_PROVIDERS: 'openai',
      STT_API_URL: whisper.url,
      ...(recogniser === 'openai' ? { STT_API_KEY: KEY, STT_MODEL: 'whisper-1' } : { STT_MODEL: 'base.en' }),
    }
  : { STT_PROVIDERS: 'pocketsphinx' };
const server = await startServer({ ...recogniserEnv, RATE_LIMIT_SIGN_IN: '1000', RATE_LIMIT_UPLOAD: '1000' });
try {
  const call = async (method, path, token, body) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  const { accessToken: token } = await call('POST', '/api/v1/auth/dev', null, {
    email: `bench-${Date.now()}@example.test`,
    displayName: 'Bench',
  });
  await call('POST', '/api/v1/me/terms', token, { ageOver14: true, termsOfService: true, privacyPolicy: true, marketing: false });
  const attempt = await call('POST', '/api/v1/level-test/attempts', token);
  let spokenSec = 0;
  for (const [n, prompt] of attempt.prompts.entries()) {
    const script = prompt.readAloudText ?? `${ANSWERS[prompt.stage]} ${ANSWERS[prompt.stage]}`;
    // With the stand-in, each answer at a slightly different pace, so no two last the same time.
    const wordsPerMinute = String(whisper ? 144 + 4 * n : 150);
    const wav = execFileSync('espeak-ng', ['--stdout', '-v', 'en-us', '-s', wordsPerMinute, script], { maxBuffer: 64 << 20 });
    // The stand-in hears the words said in a recording of this length.
    whisper?.register(parseWav(wav).durationSec, script);
    const form = new FormData();
    form.append('audio', new Blob([new Uint8Array(wav)]), 'answer.wav');
    const res = await fetch(`${server.url}/api/v1/level-test/attempts/${attempt.id}/answers/${prompt.id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    if (res.status !== 200) throw new Error(`upload: ${res.status} ${await res.text()}`);
    const { durationMs } = await res.json();
    spokenSec += durationMs / 1000;
    // The learner records the next answer meanwhile.
    if (pauseBetween && n < attempt.prompts.length - 1) await new Promise((r) => setTimeout(r, durationMs));
  }
  const finishedAt = performance.now();
  await call('POST', `/api/v1/level-test/attempts/${attempt.id}/finish`, token);
  let status;
  for (;;) {
    status = await call('GET', `/api/v1/level-test/attempts/${attempt.id}/status`, token);
    if (status.status === 'scored' || status.status === 'failed') break;
    if (performance.now() - finishedAt > 300_000) throw new Error('no result within 300 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  const finishToResultMs = performance.now() - finishedAt;
  const result = status.status === 'scored' ? await call('GET', `/api/v1/level-test/attempts/${attempt.id}/result`, token) : null;
  console.log(
    JSON.stringify({
      bench: 'level-test-finish',
      recogniser,
      answers: attempt.prompts.length,
      spoken_s: round(spokenSec, 1),
      recording_pause: pauseBetween,
      status: status.status,
      finish_to_result_ms: Math.round(finishToResultMs),
      level: result?.level ?? null,
      verified: result?.verified ?? null,
      budget_ms: budgetMs,
      ok: status.status === 'scored' && finishToResultMs < budgetMs,
    }),
  );
} finally {
  await server.stop();
  await whisper?.close();
}
