// GET /api/v1/me at a fixed rate from this process against the built server in another process,
// on loopback. Open loop: latency counts from when a request was due, so a stall is not hidden.
// Budget: p99 under 10 ms at 1,000 req/s, embedded and MariaDB + Redis.
import http from 'node:http';
import os from 'node:os';
import { cpuSeconds, percentile, round, startServer } from './lib.mjs';

const rate = Number(process.env.RATE ?? 1000);
const seconds = Number(process.env.SECONDS ?? 20);
const warmup = Number(process.env.WARMUP_SECONDS ?? 3);
const backend = process.argv[2] ?? 'embedded';

const env =
  backend === 'mysql+redis'
    ? {
        DATABASE_URL: process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/studymate_bench',
        REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
        REDIS_PREFIX: `bench${Date.now()}:`,
        DEV_SIGN_IN: 'true',
        RATE_LIMIT_SIGN_IN: '1000',
      }
    : { RATE_LIMIT_SIGN_IN: '1000' };
const server = await startServer(env);

// A realistic profile: signed in, terms accepted, all five steps saved.
const post = async (path, body, token, method = 'POST') => {
  const res = await fetch(server.url + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
};
const { accessToken } = await post('/api/v1/auth/dev', { email: `bench-${Date.now()}@example.test`, displayName: 'Bench' });
await post('/api/v1/me/terms', { ageOver14: true, termsOfService: true, privacyPolicy: true, marketing: false }, accessToken);
const steps = {
  basic: { englishName: 'Bench User', cityId: 'seoul', intro: 'Measuring how fast my profile loads.' },
  languages: { native: 'ko', speaks: [{ language: 'ja', level: 'A2' }], learns: [{ language: 'en', level: 'B1', partnerLevel: 'C1' }] },
  interests: {
    motivations: ['travel-culture', 'friends'],
    topics: ['food', 'it', 'travel'],
    learningStyle: 'both',
    expectation: 'practical',
  },
  partner: { partnerGender: 'any', partnerStyles: ['friendly'], ageMin: 20, ageMax: 40 },
  schedule: {
    communicationMethod: 'video',
    dailyMinutes: 20,
    availability: Array.from({ length: 40 }, (_, i) => ({ day: 1 + (i % 7), slot: 36 + Math.floor(i / 7) })),
  },
};
for (const [step, body] of Object.entries(steps)) await post(`/api/v1/onboarding/${step}`, body, accessToken, 'PUT');

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const target = new URL(`${server.url}/api/v1/me`);
const latencies = [];
let errors = 0;
let inFlight = 0;
function fire(dueAt, record) {
  inFlight++;
  const req = http.request(
    { agent, hostname: target.hostname, port: target.port, path: target.pathname, headers: { authorization: `Bearer ${accessToken}` } },
    (res) => {
      res.resume();
      res.on('end', () => {
        inFlight--;
        if (res.statusCode !== 200) errors++;
        else if (record) latencies.push(performance.now() - dueAt);
      });
    },
  );
  req.on('error', () => {
    inFlight--;
    errors++;
  });
  req.end();
}

async function drive(durationS, record) {
  const start = performance.now();
  const total = Math.round(rate * durationS);
  let sent = 0;
  while (sent < total) {
    const now = performance.now();
    const due = Math.min(total, Math.floor(((now - start) / 1000) * rate) + 1);
    while (sent < due) fire(start + (sent++ / rate) * 1000, record);
    await new Promise((r) => setImmediate(r));
  }
  while (inFlight > 0) await new Promise((r) => setTimeout(r, 5));
  return (performance.now() - start) / 1000;
}

await drive(warmup, false);
const cpuBefore = cpuSeconds(server.pid);
const elapsed = await drive(seconds, true);
// Server CPU per request: unlike the tail, it hardly depends on what else the machine runs.
const serverCpuMs = ((cpuSeconds(server.pid) - cpuBefore) * 1000) / latencies.length;
latencies.sort((a, b) => a - b);
await server.stop();
agent.destroy();
console.log(
  JSON.stringify({
    bench: 'me-latency',
    backend,
    target_rps: rate,
    achieved_rps: round(latencies.length / elapsed, 1),
    requests: latencies.length,
    errors,
    p50_ms: round(percentile(latencies, 50)),
    p90_ms: round(percentile(latencies, 90)),
    p99_ms: round(percentile(latencies, 99)),
    max_ms: round(latencies.at(-1)),
    server_cpu_ms_per_request: round(serverCpuMs, 3),
    loadavg: os.loadavg().map((l) => round(l)),
    budget_p99_ms: 10,
    ok: percentile(latencies, 99) < 10 && errors === 0,
  }),
);
