// The month calendar of a busy person: GET /api/v1/sessions for a 28-day range holding 200 of
// their session occurrences (30 weekly series of 4 and 80 single sessions with 20 mates, each
// proposed and accepted through the API), against the built server in another process, on
// loopback. Closed loop, one request at a time after a warm-up: the time one person waits.
// Budget: p99 under 20 ms. `node bench/calendar.mjs [embedded|mysql+redis]`.
import os from 'node:os';
import { cpuSeconds, percentile, round, startServer } from './lib.mjs';

const backend = process.argv[2] ?? 'embedded';
const requests = Number(process.env.REQUESTS ?? 2000);
const warmup = Number(process.env.WARMUP ?? 200);
const MATES = 20;

let database = null;
let env = { RATE_LIMIT_SIGN_IN: '10000' };
if (backend === 'mysql+redis') {
  // A database of its own, dropped at the end.
  const { createConnection } = await import('mysql2/promise');
  const server = new URL(process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/');
  const name = `studymate_bench_cal_${Date.now()}`;
  const admin = await createConnection({
    host: server.hostname,
    port: Number(server.port || 3306),
    user: server.username || 'root',
    password: server.password,
  });
  await admin.query(`create database ${name} character set utf8mb4 collate utf8mb4_unicode_ci`);
  database = { admin, name };
  server.pathname = `/${name}`;
  env = {
    ...env,
    DATABASE_URL: server.toString(),
    REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `${name}:`,
    DEV_SIGN_IN: 'true',
  };
}
const server = await startServer(env);
// A failed set-up must not leave the server running.
process.on('uncaughtException', async (error) => {
  console.error(error);
  await server.stop();
  process.exit(1);
});

const call = async (method, path, token, body) => {
  const res = await fetch(server.url + path, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
};
let people = 0;
async function person(native) {
  const { accessToken, user } = await call('POST', '/api/v1/auth/dev', undefined, {
    email: `cal-${Date.now()}-${++people}@example.test`,
    displayName: `Person ${people}`,
  });
  await call('POST', '/api/v1/me/terms', accessToken, { ageOver14: true, termsOfService: true, privacyPolicy: true, marketing: false });
  const learns = native === 'ko' ? 'en' : 'ko';
  const steps = {
    basic: {
      englishName: `Person ${'abcdefghijklmnopqrstuvwxyz'[people % 26]}${'abcdefghijklmnopqrstuvwxyz'[Math.floor(people / 26) % 26]}`,
      cityId: 'seoul',
      intro: 'Booking a lot of sessions.',
    },
    languages: { native, speaks: [], learns: [{ language: learns, level: 'B1', partnerLevel: 'C1' }] },
    interests: { motivations: ['friends'], topics: ['food'], learningStyle: 'both', expectation: 'practical' },
    partner: { partnerGender: 'any', partnerStyles: ['friendly'], ageMin: 18, ageMax: 80 },
    schedule: { communicationMethod: 'video', dailyMinutes: 30, availability: [{ day: 1, slot: 40 }] },
  };
  for (const [step, body] of Object.entries(steps)) await call('PUT', `/api/v1/onboarding/${step}`, accessToken, body);
  return { token: accessToken, id: user.id };
}

// The busy person, and 20 mates (each asks once, so no one meets the daily request allowance).
const me = await person('ko');
const mates = [];
for (let i = 0; i < MATES; i++) {
  const mate = await person('en');
  const request = await call('POST', '/api/v1/matching/requests', mate.token, { receiverId: me.id, message: 'Hi!' });
  await call('POST', `/api/v1/matching/requests/${request.id}/accept`, me.token);
  mates.push(mate);
}

// Day 1 of the range is tomorrow in Seoul (UTC+9, no daylight saving): local = UTC + 9 h.
const DAY = 86_400_000;
const seoulMidnight = (() => {
  const now = new Date(Date.now() + 9 * 3600_000);
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - 9 * 3600_000;
})();
const local = (at) => {
  const iso = new Date(at + 9 * 3600_000).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
};
let booked = 0;
async function book(k, at, repeat) {
  const mate = mates[k % MATES];
  const s = await call('POST', '/api/v1/sessions', me.token, {
    partnerId: mate.id,
    kind: k % 2 ? 'voice' : 'video',
    ...local(at),
    minutes: 30,
    reminders: [15, 1440],
    topic: `Session ${k}`,
    ...(repeat ? { repeat } : {}),
  });
  await call('POST', `/api/v1/sessions/${s.sessionId}/accept`, mate.token);
  booked += repeat ? repeat.count : 1;
}
// 30 weekly series (4 each) on hours 06-10, and 80 singles on hours 12-14: none overlaps.
for (let i = 0; i < 30; i++) await book(i, seoulMidnight + (i % 7) * DAY + (6 + Math.floor(i / 7)) * 3600_000, { every: 'week', count: 4 });
for (let j = 0; j < 80; j++) await book(30 + j, seoulMidnight + (j % 28) * DAY + (12 + Math.floor(j / 28)) * 3600_000);

const path = `/api/v1/sessions?from=${new Date(seoulMidnight).toISOString()}&to=${new Date(seoulMidnight + 28 * DAY).toISOString()}`;
const first = await call('GET', path, me.token);
if (first.items.length !== booked) throw new Error(`expected ${booked} occurrences, got ${first.items.length}`);

const latencies = [];
let errors = 0;
const cpuBefore = { at: 0 };
for (let n = 0; n < warmup + requests; n++) {
  if (n === warmup) cpuBefore.at = cpuSeconds(server.pid);
  const started = performance.now();
  const res = await fetch(server.url + path, { headers: { authorization: `Bearer ${me.token}` } });
  await res.arrayBuffer();
  if (res.status !== 200) errors++;
  else if (n >= warmup) latencies.push(performance.now() - started);
}
const serverCpuMs = ((cpuSeconds(server.pid) - cpuBefore.at) * 1000) / latencies.length;
latencies.sort((a, b) => a - b);
await server.stop();
if (database) {
  await database.admin.query(`drop database if exists ${database.name}`);
  await database.admin.end();
}
console.log(
  JSON.stringify({
    bench: 'calendar',
    backend,
    occurrences: first.items.length,
    reply_bytes: JSON.stringify(first).length,
    requests: latencies.length,
    errors,
    p50_ms: round(percentile(latencies, 50)),
    p90_ms: round(percentile(latencies, 90)),
    p99_ms: round(percentile(latencies, 99)),
    max_ms: round(latencies.at(-1)),
    server_cpu_ms_per_request: round(serverCpuMs, 3),
    loadavg: os.loadavg().map((l) => round(l)),
    budget_p99_ms: 20,
    ok: percentile(latencies, 99) < 20 && errors === 0,
  }),
);
