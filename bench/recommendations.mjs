// GET /api/v1/matching/recommendations among USERS synthetic people (default 100,000), embedded
// (SQLite), at RATE req/s (default 50) from this process against the built server in another.
// The people are written straight into the database while the server is stopped: a realistic mix
// of languages (Korean and English speakers learning each other's language most, the rest spread
// over the catalogue) and of cities (so zones from -08:00 to +09:00, with +05:45). Viewers are
// onboarded through the API and ask round robin, so the first request of each is a cache miss
// (candidates in SQL, scoring in memory) and later ones are served from the per-viewer cache
// until it expires (60 s); both kinds are reported. Budget (issue #11): p95 < 50 ms, p99 < 100 ms.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { percentile, round, startServer } from './lib.mjs';

const users = Number(process.env.USERS ?? 100_000);
const rate = Number(process.env.RATE ?? 50);
const seconds = Number(process.env.SECONDS ?? 20);
const viewers = Number(process.env.VIEWERS ?? 50);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'studymate-bench-matching-'));

// Migrate once, then stop and seed.
let server = await startServer({ DATA_DIR: dataDir });
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

const db = new Database(path.join(dataDir, 'studymate.db'));
db.pragma('journal_mode = WAL');
const insert = {
  user: db.prepare(
    "insert into users (id, email, display_name, role, status, created_at, terms_accepted_at, marketing_consent) values (?, ?, ?, 'user', 'active', ?, ?, 0)",
  ),
  profile: db.prepare(`insert into profiles (user_id, english_name, city_id, time_zone, intro, gender, birth_year, native_language,
    learning_style, expectation, partner_gender, partner_age_min, partner_age_max, communication_method, daily_minutes,
    basic_saved_at, languages_saved_at, interests_saved_at, partner_saved_at, schedule_saved_at)
    values (?, ?, ?, ?, 'A synthetic person for the benchmark.', ?, ?, ?, 'both', 'practical', 'any', 18, 60, ?, 20, ?, ?, ?, ?, ?)`),
  language: db.prepare('insert into profile_languages (user_id, role, language, level, partner_level) values (?, ?, ?, ?, ?)'),
  tag: db.prepare('insert into profile_tags (user_id, kind, value) values (?, ?, ?)'),
  slot: db.prepare('insert or ignore into availability_slots (user_id, day, slot) values (?, ?, ?)'),
};
const seedStarted = performance.now();
db.transaction(() => {
  const now = Date.now();
  for (let i = 0; i < users; i++) {
    const id = randomUUID();
    const r = rand();
    // 40 % Korean learning English, 30 % English learning Korean, the rest elsewhere.
    const [native, learns] = r < 0.4 ? ['ko', 'en'] : r < 0.7 ? ['en', 'ko'] : [pick(OTHER), pick(['en', 'ko'])];
    const [city, zone] = pick(CITIES);
    insert.user.run(id, `p${i}@bench.test`, `Person ${i}`, now, now);
    insert.profile.run(
      id,
      `Person ${i}`,
      city,
      zone,
      pick(['male', 'female', null]),
      1970 + Math.floor(rand() * 35),
      native,
      pick(['text', 'voice', 'video', 'hybrid']),
      now,
      now,
      now,
      now,
      now,
    );
    insert.language.run(id, 'native', native, null, null);
    insert.language.run(id, 'learns', learns, pick(LEVELS.slice(0, 4)), pick(LEVELS.slice(2)));
    if (rand() < 0.3) insert.language.run(id, 'speaks', pick(OTHER.filter((l) => l !== native)), pick(LEVELS), null);
    for (const t of some(TOPICS, 3)) insert.tag.run(id, 'topic', t);
    for (const m of some(MOTIVATIONS, 2)) insert.tag.run(id, 'motivation', m);
    insert.tag.run(id, 'partner_style', 'friendly');
    const day = 1 + Math.floor(rand() * 7);
    const start = 12 + Math.floor(rand() * 30);
    for (let s = 0; s < 8; s++) insert.slot.run(id, 1 + ((day + Math.floor(s / 4)) % 7), start + (s % 4));
  }
})();
db.close();
const seedMs = performance.now() - seedStarted;

server = await startServer({ DATA_DIR: dataDir, RATE_LIMIT_SIGN_IN: '1000' });
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
await server.stop();
const all = [...misses, ...hits].sort((a, b) => a - b);
misses.sort((a, b) => a - b);
hits.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    bench: 'matching-recommendations',
    backend: 'embedded',
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
    loadavg: os.loadavg().map((l) => round(l)),
    budget: { p95_ms: 50, p99_ms: 100 },
    ok: percentile(all, 95) < 50 && percentile(all, 99) < 100 && errors === 0,
  }),
);
