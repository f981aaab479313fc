// GET /api/v1/progress/dashboard and /statistics (week, month, year in turn) at a fixed rate, for a
// person with two years of activity: 20,000 ledger events (chat tallies, calls with 8 partners,
// level tests, mates, bookings), roll-ups recomputed by `progress:rebuild` as an operator would.
// Open loop from this process against the built server in another, on loopback.
// Budget: p99 under 20 ms at 200 req/s, embedded and MariaDB + Redis.
//   node bench/dashboard.mjs [embedded|mysql+redis]      (after npm run build)
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { cpuSeconds, freshMysqlDatabase, p99BySecond, percentile, round, serverEntry, serverNodeFlags, startServer } from './lib.mjs';

const rate = Number(process.env.RATE ?? 200);
const seconds = Number(process.env.SECONDS ?? 20);
const warmup = Number(process.env.WARMUP_SECONDS ?? 3);
const EVENTS = Number(process.env.EVENTS ?? 20_000);
const backend = process.argv[2] ?? 'embedded';

const dir = mkdtempSync(path.join(os.tmpdir(), 'studymate-bench-dashboard-'));
let env;
let dropDatabase = async () => {};
if (backend === 'mysql+redis') {
  const database = await freshMysqlDatabase(`studymate_bench_dash_${Date.now()}`);
  env = {
    DATABASE_URL: database.url,
    REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `benchdash${Date.now()}:`,
    DEV_SIGN_IN: 'true',
    RATE_LIMIT_SIGN_IN: '1000',
  };
  dropDatabase = database.drop;
} else env = { DATABASE_URL: path.join(dir, 'studymate.db'), RATE_LIMIT_SIGN_IN: '1000' };

const server = await startServer(env);
const call = async (url, body, token, method = 'POST') => {
  const res = await fetch(server.url + url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
};
/** A signed-in, onboarded person in Seoul. */
async function person(name, native) {
  const reply = await call('/api/v1/auth/dev', {
    email: `${name.replace(/\W/g, '')}-${Date.now()}@example.test`.toLowerCase(),
    displayName: name,
  });
  const token = reply.accessToken;
  await call('/api/v1/me/terms', { ageOver14: true, termsOfService: true, privacyPolicy: true, marketing: false }, token);
  const steps = {
    basic: { englishName: name, cityId: 'seoul', intro: 'Two years of practice.' },
    languages:
      native === 'ko'
        ? { native: 'ko', speaks: [], learns: [{ language: 'en', level: 'B1', partnerLevel: 'C1' }] }
        : { native: 'en', speaks: [], learns: [{ language: 'ko', level: 'A2', partnerLevel: 'C1' }] },
    interests: { motivations: ['friends'], topics: ['food'], learningStyle: 'both', expectation: 'practical' },
    partner: { partnerGender: 'any', partnerStyles: ['friendly'], ageMin: 20, ageMax: 40 },
    schedule: { communicationMethod: 'video', dailyMinutes: 20, availability: [{ day: 1, slot: 40 }] },
  };
  for (const [step, body] of Object.entries(steps)) await call(`/api/v1/onboarding/${step}`, body, token, 'PUT');
  return { id: reply.user.id, token };
}
const me = await person('Minji', 'ko');
const partners = [];
for (let i = 0; i < 8; i++) partners.push(await person(`Partner ${'ABCDEFGH'[i]}`, 'en'));

// ---- two years of ledger rows, written straight into the ledger, then roll-ups by the rebuild command ----
const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul', year: 'numeric', month: '2-digit', day: '2-digit' });
const now = Date.now();
const span = 730 * 86_400_000;
const levels = ['A1', 'A2', 'B1', 'B2', 'C1'];
const rows = [];
for (let i = 0; i < EVENTS; i++) {
  const at = now - span + Math.floor((i / EVENTS) * span);
  const r = i % 10;
  const partner = partners[i % partners.length].id;
  const base = { event_id: randomUUID(), user_id: me.id, at, day: day.format(new Date(at)), time_zone: 'Asia/Seoul', language: 'en' };
  if (r < 6) rows.push({ ...base, kind: 'chat', amount: 5 + (i % 40), partner_id: null, detail: null });
  else if (r < 9)
    rows.push({
      ...base,
      kind: 'call',
      amount: 600 + (i % 30) * 60,
      partner_id: partner,
      detail: JSON.stringify({ kind: i % 2 ? 'video' : 'voice', sessionId: null }),
    });
  else if (i % 500 === 9)
    rows.push({
      ...base,
      kind: 'level-test',
      amount: 1,
      partner_id: null,
      detail: JSON.stringify({ level: levels[Math.min(4, Math.floor(i / 4000))], verified: true, testId: randomUUID() }),
    });
  else if (i % 1000 === 19) rows.push({ ...base, kind: 'mate', amount: 1, partner_id: partner, detail: null });
  else
    rows.push({
      ...base,
      kind: 'booking',
      amount: 1,
      partner_id: partner,
      detail: JSON.stringify({ sessionId: randomUUID(), kind: 'video', startsAt: new Date(at + 86_400_000).toISOString(), minutes: 30 }),
    });
}
const columns = ['event_id', 'user_id', 'kind', 'at', 'day', 'time_zone', 'language', 'amount', 'partner_id', 'detail'];
if (backend === 'mysql+redis') {
  const { createConnection } = await import('mysql2/promise');
  const db = await createConnection(env.DATABASE_URL);
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    await db.query(`insert into progress_activity (${columns.join(',')}) values ?`, [chunk.map((r) => columns.map((c) => r[c]))]);
  }
  await db.end();
} else {
  const { default: Sqlite } = await import('better-sqlite3');
  const db = new Sqlite(env.DATABASE_URL);
  db.pragma('busy_timeout = 5000');
  const insert = db.prepare(`insert into progress_activity (${columns.join(',')}) values (${columns.map((c) => `@${c}`).join(',')})`);
  db.transaction(() => rows.forEach((r) => insert.run(r)))();
  db.close();
}
const rebuildStarted = performance.now();
const rebuilt = execFileSync(process.execPath, [...serverNodeFlags, serverEntry, 'progress:rebuild'], {
  env: { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'warn', ...env },
  encoding: 'utf8',
}).trim();
const rebuildMs = performance.now() - rebuildStarted;

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const paths = [
  '/api/v1/progress/dashboard',
  '/api/v1/progress/statistics?range=week',
  '/api/v1/progress/dashboard',
  '/api/v1/progress/statistics?range=month',
  '/api/v1/progress/dashboard',
  '/api/v1/progress/statistics?range=year',
];
const check = await call(paths[0], undefined, me.token, 'GET');
if (check.totalMinutes < 1000) throw new Error(`seeded history not visible: ${JSON.stringify(check).slice(0, 200)}`);
const target = new URL(server.url);
const latencies = { dashboard: [], statistics: [] };
/** Due time and latency of every recorded request, for the p99 of each second. */
const timeline = [];
let errors = 0;
let inFlight = 0;
let n = 0;
function fire(dueAt, record) {
  inFlight++;
  const url = paths[n++ % paths.length];
  const bucket = url.includes('dashboard') ? 'dashboard' : 'statistics';
  const req = http.request(
    { agent, hostname: target.hostname, port: target.port, path: url, headers: { authorization: `Bearer ${me.token}` } },
    (res) => {
      res.resume();
      res.on('end', () => {
        inFlight--;
        if (res.statusCode !== 200) errors++;
        else if (record) {
          latencies[bucket].push(performance.now() - dueAt);
          timeline.push([dueAt, performance.now() - dueAt]);
        }
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
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    while (sent < due) fire(start + (sent++ / rate) * 1000, record);
    await new Promise((r) => setTimeout(r, 1));
  }
  while (inFlight > 0) await new Promise((r) => setTimeout(r, 5));
  return (performance.now() - start) / 1000;
}

await drive(warmup, false);
const cpuBefore = cpuSeconds(server.pid);
const measuredFrom = performance.now();
const elapsed = await drive(seconds, true);
const count = latencies.dashboard.length + latencies.statistics.length;
const serverCpuMs = ((cpuSeconds(server.pid) - cpuBefore) * 1000) / count;
for (const list of Object.values(latencies)) list.sort((a, b) => a - b);
const all = [...latencies.dashboard, ...latencies.statistics].sort((a, b) => a - b);
await server.stop();
agent.destroy();
await dropDatabase();
rmSync(dir, { recursive: true, force: true });
const p99 = percentile(all, 99);
console.log(
  JSON.stringify({
    bench: 'dashboard',
    backend,
    events: EVENTS,
    rebuild: rebuilt,
    rebuild_ms: round(rebuildMs, 0),
    target_rps: rate,
    achieved_rps: round(count / elapsed, 1),
    requests: count,
    errors,
    dashboard_p50_ms: round(percentile(latencies.dashboard, 50)),
    dashboard_p99_ms: round(percentile(latencies.dashboard, 99)),
    statistics_p50_ms: round(percentile(latencies.statistics, 50)),
    statistics_p99_ms: round(percentile(latencies.statistics, 99)),
    p99_ms: round(p99),
    max_ms: round(all.at(-1)),
    p99_by_second_ms: p99BySecond(timeline, measuredFrom),
    started_at_epoch_ms: Math.round(performance.timeOrigin + measuredFrom),
    server_cpu_ms_per_request: round(serverCpuMs, 3),
    loadavg: os.loadavg().map((l) => round(l)),
    budget_p99_ms: 20,
    ok: p99 < 20 && errors === 0,
  }),
);
