// GET /api/v1/matching/recommendations among USERS synthetic people (default 100,000), on the
// embedded backend (SQLite) or MariaDB + Redis (`node bench/recommendations.mjs mysql+redis`), at
// RATE req/s (default 50) from this process against the built server in another.
// The people are written straight into the database while the server is stopped: a realistic mix
// of languages (Korean and English speakers learning each other's language most, the rest spread
// over the catalogue) and of cities (so zones from -08:00 to +09:00, with +05:45). The server then
// starts as after an upgrade: matching builds its pool (its copy of the profiles) before it is
// ready, and the time that takes is reported. Viewers are onboarded through the API and ask round
// robin, so the first request of each is a cache miss (candidates in SQL, scoring in memory) and
// later ones are served from the per-viewer cache until it expires (60 s); both kinds are
// reported. Budget (issue #11): p95 < 50 ms, p99 < 100 ms.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { cpuSeconds, percentile, round, startServer } from './lib.mjs';

const backend = process.argv[2] ?? 'embedded';
const users = Number(process.env.USERS ?? 100_000);
const rate = Number(process.env.RATE ?? 50);
const seconds = Number(process.env.SECONDS ?? 20);
const viewers = Number(process.env.VIEWERS ?? 50);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'studymate-bench-matching-'));
const mysqlUrl = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/studymate_bench_matching';
const env =
  backend === 'mysql+redis'
    ? {
        DATA_DIR: dataDir,
        DATABASE_URL: mysqlUrl,
        REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
        REDIS_PREFIX: `benchmatching${Date.now()}:`,
        DEV_SIGN_IN: 'true',
        RATE_LIMIT_SIGN_IN: '1000',
      }
    : { DATA_DIR: dataDir, RATE_LIMIT_SIGN_IN: '1000' };

if (backend === 'mysql+redis') {
  // A database of its own, emptied: the seed below assumes no one else is in it.
  const url = new URL(mysqlUrl);
  const admin = await mysql.createConnection({ host: url.hostname, port: Number(url.port || 3306), user: url.username });
  await admin.query(`drop database if exists \`${url.pathname.slice(1)}\``);
  await admin.query(`create database \`${url.pathname.slice(1)}\``);
  await admin.end();
}

// Migrate once, then stop and seed.
let // Building the pool of 100,000 takes a while on a busy 2-core machine: allow it 5 minutes.
  server = await startServer(env, { readyTimeoutMs: 300_000 });
await server.stop();

const CITIES = [
  ['seoul', 'Asia/Seoul'],
  ['busan', 'Asia/Seoul'],
  ['tokyo', 'Asia/Tokyo'],
  ['new-york', 'America/New_York'],
  ['los-angeles', 'America/Los_Angeles'],
  ['london', 'Europe/London'],
  ['paris', 'Europe/Paris'],
  ['kathmandu', 'Asia/Kathmandu'],
  ['sydney', 'Australia/Sydney'],
];
const TOPICS = ['travel', 'current-affairs', 'food', 'business', 'drama-film', 'culture-lifestyle', 'sport', 'economy', 'it'];
const MOTIVATIONS = [
  'jobs-study',
  'self-improvement',
  'hobby',
  'travel-culture',
  'confidence',
  'exam',
  'friends',
  'study-abroad',
  'emigration',
];
const LEVELS = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'];
const OTHER = ['ja', 'zh', 'fr', 'de', 'es', 'ru', 'vi', 'th', 'ar', 'pt'];
let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = (list) => list[Math.floor(rand() * list.length)];
const some = (list, n) => [...new Set(Array.from({ length: n }, () => pick(list)))];

const COLUMNS = {
  users: ['id', 'email', 'display_name', 'role', 'status', 'created_at', 'terms_accepted_at', 'marketing_consent'],
  profiles: [
    'user_id',
    'english_name',
    'city_id',
    'time_zone',
    'intro',
    'gender',
    'birth_year',
    'native_language',
    'learning_style',
    'expectation',
    'partner_gender',
    'partner_age_min',
    'partner_age_max',
    'communication_method',
    'daily_minutes',
    'basic_saved_at',
    'languages_saved_at',
    'interests_saved_at',
    'partner_saved_at',
    'schedule_saved_at',
  ],
  profile_languages: ['user_id', 'role', 'language', 'level', 'partner_level'],
  profile_tags: ['user_id', 'kind', 'value'],
  availability_slots: ['user_id', 'day', 'slot'],
};
const rows = Object.fromEntries(Object.keys(COLUMNS).map((t) => [t, []]));
const seedStarted = performance.now();
const now = Date.now();
for (let i = 0; i < users; i++) {
  const id = randomUUID();
  const r = rand();
  // 40 % Korean learning English, 30 % English learning Korean, the rest elsewhere.
  const [native, learns] = r < 0.4 ? ['ko', 'en'] : r < 0.7 ? ['en', 'ko'] : [pick(OTHER), pick(['en', 'ko'])];
  const [city, zone] = pick(CITIES);
  rows.users.push([id, `p${i}@bench.test`, `Person ${i}`, 'user', 'active', now, now, 0]);
  const gender = pick(['male', 'female', null]);
  const year = 1970 + Math.floor(rand() * 35);
  const method = pick(['text', 'voice', 'video', 'hybrid']);
  rows.profiles.push([
    id,
    `Person ${i}`,
    city,
    zone,
    'A synthetic person for the benchmark.',
    gender,
    year,
    native,
    'both',
    'practical',
    'any',
    18,
    60,
    method,
    20,
    now,
    now,
    now,
    now,
    now,
  ]);
  rows.profile_languages.push([id, 'native', native, null, null]);
  rows.profile_languages.push([id, 'learns', learns, pick(LEVELS.slice(0, 4)), pick(LEVELS.slice(2))]);
  if (rand() < 0.3) rows.profile_languages.push([id, 'speaks', pick(OTHER.filter((l) => l !== native)), pick(LEVELS), null]);
  for (const t of some(TOPICS, 3)) rows.profile_tags.push([id, 'topic', t]);
  for (const m of some(MOTIVATIONS, 2)) rows.profile_tags.push([id, 'motivation', m]);
  rows.profile_tags.push([id, 'partner_style', 'friendly']);
  const day = 1 + Math.floor(rand() * 7);
  const start = 12 + Math.floor(rand() * 30);
  const slots = new Set();
  for (let s = 0; s < 8; s++) slots.add(`${1 + ((day + Math.floor(s / 4)) % 7)}:${start + (s % 4)}`);
  for (const s of slots) rows.availability_slots.push([id, ...s.split(':').map(Number)]);
}
if (backend === 'mysql+redis') {
  const url = new URL(mysqlUrl);
  const db = await mysql.createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: url.username,
    database: url.pathname.slice(1),
  });
  for (const [table, columns] of Object.entries(COLUMNS)) {
    for (let i = 0; i < rows[table].length; i += 5000) {
      await db.query(`insert into ${table} (${columns.join(', ')}) values ?`, [rows[table].slice(i, i + 5000)]);
    }
  }
  await db.end();
} else {
  const db = new Database(path.join(dataDir, 'studymate.db'));
  db.pragma('journal_mode = WAL');
  db.transaction(() => {
    for (const [table, columns] of Object.entries(COLUMNS)) {
      const insert = db.prepare(`insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`);
      for (const row of rows[table]) insert.run(row);
    }
  })();
  db.close();
}
const seedMs = performance.now() - seedStarted;

const restartedAt = Date.now();
// Matching builds its pool (its copy of the profiles) after the upgrade that adds it, and the node
// reports ready only once it has (about a minute for 100,000 people): allow it 10 minutes.
server = await startServer(env, { readyTimeoutMs: 600_000 });
// The measurement starts once the pool is done (matching_pool_state written), so that is timed too.
const poolStarted = performance.now();
const poolDone = async () => {
  if (backend === 'mysql+redis') {
    const url = new URL(mysqlUrl);
    const c = await mysql.createConnection({
      host: url.hostname,
      port: Number(url.port || 3306),
      user: url.username,
      database: url.pathname.slice(1),
    });
    const [found] = await c.query('select synced_until from matching_pool_state');
    await c.end();
    return found.length > 0 && Number(found[0].synced_until) >= restartedAt;
  }
  const c = new Database(path.join(dataDir, 'studymate.db'), { readonly: true });
  const found = c.prepare('select synced_until from matching_pool_state').all();
  c.close();
  return found.length > 0 && Number(found[0].synced_until) >= restartedAt;
};
while (!(await poolDone())) {
  if (performance.now() - poolStarted > 600_000) throw new Error('the matching pool was not built within 10 minutes');
  await new Promise((r) => setTimeout(r, 250));
}
const poolMs = performance.now() - poolStarted;
const call = async (method, p, body, token) => {
  const res = await fetch(server.url + p, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${p}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
};
const tokens = [];
for (let v = 0; v < viewers; v++) {
  const { accessToken } = await call('POST', '/api/v1/auth/dev', { email: `viewer${v}@bench.test`, displayName: 'Viewer' });
  await call('POST', '/api/v1/me/terms', { ageOver14: true, termsOfService: true, privacyPolicy: true, marketing: false }, accessToken);
  const korean = v % 2 === 0;
  const steps = {
    basic: { englishName: 'Viewer', cityId: korean ? 'seoul' : 'london', intro: 'Looking for a partner, quickly.' },
    languages: { native: korean ? 'ko' : 'en', speaks: [], learns: [{ language: korean ? 'en' : 'ko', level: 'B1', partnerLevel: 'C1' }] },
    interests: {
      motivations: ['friends', 'travel-culture'],
      topics: ['food', 'travel', 'it'],
      learningStyle: 'both',
      expectation: 'practical',
    },
    partner: { partnerGender: 'any', partnerStyles: ['friendly'], ageMin: 18, ageMax: 60 },
    schedule: {
      communicationMethod: 'video',
      dailyMinutes: 20,
      availability: Array.from({ length: 12 }, (_, i) => ({ day: 1 + (i % 7), slot: 36 + Math.floor(i / 7) })),
    },
  };
  for (const [step, body] of Object.entries(steps)) await call('PUT', `/api/v1/onboarding/${step}`, body, accessToken);
  tokens.push(accessToken);
}

const misses = [];
const hits = [];
let errors = 0;
let inFlight = 0;
let items = 0;
const seen = new Set();
const cpuBefore = cpuSeconds(server.pid);
const started = performance.now();
const total = Math.round(rate * seconds);
for (let sent = 0; sent < total;) {
  const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
  while (sent < due) {
    const dueAt = started + (sent / rate) * 1000;
    const viewer = sent++ % tokens.length;
    const first = !seen.has(viewer);
    seen.add(viewer);
    inFlight++;
    fetch(`${server.url}/api/v1/matching/recommendations`, { headers: { authorization: `Bearer ${tokens[viewer]}` } })
      .then(async (res) => {
        const body = await res.json();
        if (res.status !== 200) errors++;
        else {
          items += body.items.length;
          (first ? misses : hits).push(performance.now() - dueAt);
        }
      })
      .catch(() => errors++)
      .finally(() => inFlight--);
  }
  await new Promise((r) => setTimeout(r, 2));
}
while (inFlight > 0) await new Promise((r) => setTimeout(r, 5));
const cpuMs = (cpuSeconds(server.pid) - cpuBefore) * 1000;
await server.stop();
const all = [...misses, ...hits].sort((a, b) => a - b);
misses.sort((a, b) => a - b);
hits.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    bench: 'matching-recommendations',
    backend,
    pool_build_s: round(poolMs / 1000, 1),
    users,
    viewers,
    target_rps: rate,
    requests: all.length,
    errors,
    mean_items: round(items / Math.max(1, all.length), 1),
    seed_s: round(seedMs / 1000, 1),
    p50_ms: round(percentile(all, 50)),
    p95_ms: round(percentile(all, 95)),
    p99_ms: round(percentile(all, 99)),
    miss_p50_ms: round(percentile(misses, 50)),
    miss_p95_ms: round(percentile(misses, 95)),
    miss_max_ms: round(misses.at(-1) ?? 0),
    hit_p95_ms: round(percentile(hits, 95)),
    // Server CPU (all its threads) per request over the measured phase: what the load average cannot bend.
    server_cpu_ms_per_request: round(cpuMs / Math.max(1, all.length)),
    loadavg: os.loadavg().map((l) => round(l)),
    budget: { p95_ms: 50, p99_ms: 100 },
    ok: percentile(all, 95) < 50 && percentile(all, 99) < 100 && errors === 0,
  }),
);
