// Quick match under a full queue (issue #11): QUEUED people (default 1,000) wait for a partner, all
// Korean speakers learning English, so none of them suits another; then JOINERS English speakers
// learning Korean join one by one at RATE a second, and each join is timed from the request to
// the pair being made (the reply says "matched": the claim is taken and the room opened). Embedded
// by default, or `node bench/quick-match.mjs mysql+redis` (the queue in Redis). Everyone is
// onboarded through the API first. Budget: a compatible pair within 1 s of the second person
// joining, p99.
import os from 'node:os';
import mysql from 'mysql2/promise';
import { percentile, round, startServer } from './lib.mjs';

const backend = process.argv[2] ?? 'embedded';
const queued = Number(process.env.QUEUED ?? 1000);
const joiners = Number(process.env.JOINERS ?? 100);
const rate = Number(process.env.RATE ?? 10);
const mysqlUrl = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/studymate_bench_quick';
if (backend === 'mysql+redis') {
  // A database of its own, emptied, so no other bench's schema is in the way.
  const url = new URL(mysqlUrl);
  const admin = await mysql.createConnection({ host: url.hostname, port: Number(url.port || 3306), user: url.username });
  await admin.query(`drop database if exists \`${url.pathname.slice(1)}\``);
  await admin.query(`create database \`${url.pathname.slice(1)}\``);
  await admin.end();
}
const env =
  backend === 'mysql+redis'
    ? {
        DATABASE_URL: mysqlUrl,
        REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
        REDIS_PREFIX: `benchquick${Date.now()}:`,
        DEV_SIGN_IN: 'true',
        RATE_LIMIT_SIGN_IN: '100000',
      }
    : { RATE_LIMIT_SIGN_IN: '100000' };
const server = await startServer(env);
// A failed run must not leave its server behind.
process.on('uncaughtException', (error) => {
  console.error(error);
  void server.stop().then(() => process.exit(1));
});
const call = async (method, p, body, token) => {
  const res = await fetch(server.url + p, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${p}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
};
const stamp = Date.now();
// English names are letters only: 0 -> "a", 27 -> "bb".
const letters = (i) => [...i.toString(26)].map((c) => 'abcdefghijklmnopqrstuvwxyz'[parseInt(c, 26)]).join('');
async function onboarded(i, korean) {
  const { accessToken } = await call('POST', '/api/v1/auth/dev', { email: `quick${stamp}-${i}@bench.test`, displayName: `Person ${i}` });
  await call('POST', '/api/v1/me/terms', { ageOver14: true, termsOfService: true, privacyPolicy: true, marketing: false }, accessToken);
  const steps = {
    basic: { englishName: `Person ${letters(i)}`, cityId: korean ? 'seoul' : 'london', intro: 'Here for a quick chat.' },
    languages: { native: korean ? 'ko' : 'en', speaks: [], learns: [{ language: korean ? 'en' : 'ko', level: 'B1', partnerLevel: 'C1' }] },
    interests: { motivations: ['friends'], topics: ['food', 'travel'], learningStyle: 'both', expectation: 'practical' },
    partner: { partnerGender: 'any', partnerStyles: ['friendly'], ageMin: 18, ageMax: 60 },
    schedule: { communicationMethod: 'video', dailyMinutes: 20, availability: [{ day: 2, slot: 40 }] },
  };
  for (const [step, body] of Object.entries(steps)) await call('PUT', `/api/v1/onboarding/${step}`, body, accessToken);
  return accessToken;
}
// Ten at a time; on MariaDB one at a time (concurrent language steps deadlock in profile's writes).
const width = backend === 'mysql+redis' ? 1 : 10;
const inParallel = async (n, make) => {
  const out = [];
  for (let i = 0; i < n; i += width)
    out.push(...(await Promise.all(Array.from({ length: Math.min(width, n - i) }, (_, j) => make(i + j)))));
  return out;
};
const waiting = await inParallel(queued, (i) => onboarded(i, true));
const joining = await inParallel(joiners, (i) => onboarded(queued + i, false));
// Into the queue; the page checks in every 20 s, so the bench does too while it measures.
const queueStarted = performance.now();
await inParallel(queued, async (i) => {
  const reply = await call('POST', '/api/v1/matching/quick', undefined, waiting[i]);
  if (reply.state !== 'waiting') throw new Error('a queued person was paired with another queued person');
});
const queueSeconds = (performance.now() - queueStarted) / 1000;
const checkIn = setInterval(
  () => void Promise.all(waiting.map((t) => call('POST', '/api/v1/matching/quick', undefined, t).catch(() => null))),
  20_000,
);

const latencies = [];
let unmatched = 0;
const started = performance.now();
await Promise.all(
  joining.map(async (token, i) => {
    const due = started + (i / rate) * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    const reply = await call('POST', '/api/v1/matching/quick', undefined, token);
    latencies.push(performance.now() - due);
    if (reply.state !== 'matched') unmatched++;
  }),
);
clearInterval(checkIn);
await server.stop();
latencies.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    bench: 'matching-quick-match',
    backend,
    queued,
    joiners,
    rate_per_s: rate,
    queue_fill_s: round(queueSeconds, 1),
    unmatched,
    p50_ms: round(percentile(latencies, 50)),
    p99_ms: round(percentile(latencies, 99)),
    max_ms: round(latencies.at(-1) ?? 0),
    loadavg: os.loadavg().map((l) => round(l)),
    budget: { p99_ms: 1000 },
    ok: unmatched === 0 && percentile(latencies, 99) < 1000,
  }),
);
