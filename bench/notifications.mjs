// Notifications to 10,000 connected people (issue 13's budget): "10,000 connected users, one
// notification each per second for 10 s: every one delivered, p99 under 100 ms."
//
// The built server runs in its own process (lib.mjs, as production starts it). This process signs
// in N people (dev sign-in), sets one in ten to read English (the rest keep Korean, the default),
// opens N STOMP 1.2 connections over WebSocket (bench/stomp-client.mjs), each subscribed to its own
// `/user/queue/notifications`, and then causes the notifications through a real production path:
// POST /api/v1/admin/announcements, an administrator's system notice to a list of people (a
// product feature: routes.ts in modules/notifications, administrators only, tested in
// notifications.test.ts). There is no public route that notifies an arbitrary person, and a
// bench-only switch in the server would measure a path no user takes; an announcement goes
// through the same `send()` as every module's notifications (stored, unread count, pushed on the
// bus to every device). The administrator's token is signed with the JWT_SECRET this bench gives
// the server, as an operator holding the key could (dev sign-in never grants admin).
//
// Load: --rate notifications a second in total as announcements of --recipients people each, sent
// open loop at even intervals (10,000/s as 100 announcements of 100), walking through the people
// so each gets one a second. Latency (the budget's): from the notification's `createdAt` to its
// arrival here, both on this machine's clock, ms precision. An announcement's notifications are
// created when its request arrives at the server (before it is checked or parsed), so this counts
// every stage inside the server; before 2026-12-06 22:30 the clock started after the recipients
// were looked up. Also reported: from the moment the announcement was due to be sent (includes the
// HTTP request). Every notification is counted: delivered once, to the right person, in their
// language, with an unread count that matches what that person received.
//
//   bash -c 'ulimit -n 20000; node bench/notifications.mjs [embedded|mysql+redis]'   (after npm run build)
// Knobs: --users (10000), --rate (10000), --recipients (100), --seconds (10), --warmup (2),
//        --drain (20) seconds to wait for late replies and deliveries (a server that fell behind shows as
//        announcements unanswered, then it is stopped). BENCH_DATABASE_URL, BENCH_REDIS_URL as the other benches.
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { api, cpuSeconds, freshMysqlDatabase, p99BySecond, percentile, pool, round, startServer } from './lib.mjs';
import { openStomp } from './stomp-client.mjs';

function option(flag, fallback) {
  const i = process.argv.indexOf(`--${flag}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}
const backend = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'embedded';
const N = Number(option('users', 10000));
const rate = Number(option('rate', 10000));
const perAnnouncement = Number(option('recipients', 100));
const seconds = Number(option('seconds', 10));
const warmup = Number(option('warmup', 2));
const drainSeconds = Number(option('drain', 20));
const budgetP99 = 100;
if (!['embedded', 'mysql+redis'].includes(backend)) throw new Error('backend is embedded or mysql+redis');

const limit = Number(/Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? 0);
if (limit < N + 256) {
  console.error(
    `notifications: open-files limit ${limit} is below ${N} connections; run: bash -c 'ulimit -n 20000; node bench/notifications.mjs ...'`,
  );
  process.exit(1);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const load = () => os.loadavg().map((n) => round(n));
const runId = Date.now().toString(36);
const jwtSecret = randomBytes(32).toString('base64url');
let env = { JWT_SECRET: jwtSecret, RATE_LIMIT_SIGN_IN: '100000', ACCESS_TOKEN_TTL: '3600' };
let dropDatabase = async () => {};
if (backend === 'mysql+redis') {
  const database = await freshMysqlDatabase(`studymate_bench_notify_${runId}`);
  env = {
    ...env,
    DATABASE_URL: database.url,
    REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `benchnotify${runId}:`,
    DEV_SIGN_IN: 'true',
  };
  dropDatabase = database.drop;
}

const server = await startServer(env, { readyTimeoutMs: 60_000 });
const watchdog = setTimeout(async () => {
  console.log(JSON.stringify({ bench: 'notifications', backend, error: 'watchdog: run took over 10 minutes', loadavg: load() }));
  await server.stop();
  await dropDatabase();
  process.exit(2);
}, 600_000).unref();

/** An access token for the administrator, signed as the server signs them (platform/auth/tokens.ts). */
function adminToken(userId) {
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const payload = { role: 'admin', typ: 'access', sub: userId, iat: now, iss: 'studymate', exp: now + 3600 };
  const signed = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${signed}.${createHmac('sha256', jwtSecret).update(signed).digest('base64url')}`;
}

// ---- people ----
const t0 = performance.now();
const people = await pool(N, 32, async (i) => {
  const reply = await api(server.url, 'POST', '/api/v1/auth/dev', {
    email: `notify-${runId}-${i}@example.test`,
    displayName: `Person ${i}`,
  });
  const english = i % 10 === 0;
  if (english) await api(server.url, 'PUT', '/api/v1/notifications/settings', { locale: 'en' }, reply.accessToken);
  return { id: reply.user.id, token: reply.accessToken, english };
});
const adminUser = await api(server.url, 'POST', '/api/v1/auth/dev', { email: `notify-${runId}-admin@example.test`, displayName: 'Admin' });
const admin = adminToken(adminUser.user.id);
const signInSeconds = (performance.now() - t0) / 1000;

// ---- what arrives ----
const capacity = Math.ceil(((warmup + seconds) * rate) / perAnnouncement) + 2;
const dueAt = new Float64Array(capacity); // performance.now() when announcement j was due
const measured = new Uint8Array(capacity); // 1: in the measured window
const received = new Int32Array(N); // notifications each person received
const lastUnread = new Int32Array(N);
const seen = new Set(); // `${person} ${j}`: a second arrival is a duplicate
const fromCreated = [];
const fromDue = [];
const byDue = []; // due time of each measured arrival, for p99 per second
let delivered = 0;
let duplicates = 0;
let wrongLanguage = 0;
let unparsed = 0;
let lastArrival = 0;
const TITLE = /"title":"(?:Notice|공지) (\d+)"/;

function onNotification(person, buffer, start, end) {
  const arrived = Date.now();
  const now = performance.now();
  const text = buffer.toString('utf8', start, end);
  const match = TITLE.exec(text);
  if (!match) return void unparsed++;
  const j = Number(match[1]);
  const key = `${person} ${j}`;
  if (seen.has(key)) return void duplicates++;
  seen.add(key);
  const message = JSON.parse(text);
  if (message.title.startsWith('Notice') !== people[person].english) wrongLanguage++;
  received[person]++;
  lastUnread[person] = Math.max(lastUnread[person], message.unread ?? 0);
  delivered++;
  lastArrival = now;
  if (!measured[j]) return;
  fromCreated.push(arrived - Date.parse(message.createdAt));
  fromDue.push(now - dueAt[j]);
  byDue.push(dueAt[j]);
}

// ---- connections ----
const wsUrl = `${server.url.replace(/^http/, 'ws')}/ws`;
const connections = new Array(N).fill(null);
const connectErrors = {};
const closed = {};
const t1 = performance.now();
await pool(N, 200, async (i) => {
  try {
    connections[i] = await openStomp({
      url: wsUrl,
      connectHeaders: { host: '127.0.0.1', Authorization: `Bearer ${people[i].token}` },
      destination: '/user/queue/notifications',
      handlers: {
        onMessage: (_headers, buffer, start, end) => onNotification(i, buffer, start, end),
        onReceipt: () => {},
        onError: (message) => (closed[`ERROR ${message}`] = (closed[`ERROR ${message}`] ?? 0) + 1),
        onClose: (code) => (closed[`closed ${code}`] = (closed[`closed ${code}`] ?? 0) + 1),
      },
    });
  } catch (error) {
    connectErrors[error.message] = (connectErrors[error.message] ?? 0) + 1;
  }
});
const connectSeconds = (performance.now() - t1) / 1000;
const open = connections.filter(Boolean).length;
await sleep(1000);

// ---- announcements, open loop ----
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const target = new URL(server.url);
let sent = 0; // announcements sent
let expected = 0; // notifications the accepted announcements promise
let httpErrors = 0;
let inFlight = 0;
const httpLatencies = [];
const errorKinds = {};
function announce(j, record) {
  const recipients = [];
  for (let k = 0; k < perAnnouncement; k++) recipients.push(people[(j * perAnnouncement + k) % N].id);
  const body = JSON.stringify({
    id: randomUUID(),
    recipients,
    title: { ko: `공지 ${j}`, en: `Notice ${j}` },
    body: { ko: '시스템 점검 안내입니다.', en: 'A note about maintenance.' },
    link: '/notifications',
  });
  measured[j] = record ? 1 : 0;
  inFlight++;
  const req = http.request(
    {
      agent,
      method: 'POST',
      hostname: target.hostname,
      port: target.port,
      path: '/api/v1/admin/announcements',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    },
    (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        inFlight--;
        if (record) httpLatencies.push(performance.now() - dueAt[j]);
        if (res.statusCode !== 200) {
          httpErrors++;
          errorKinds[`${res.statusCode} ${text.slice(0, 120)}`] = (errorKinds[`${res.statusCode} ${text.slice(0, 120)}`] ?? 0) + 1;
        } else expected += JSON.parse(text).stored;
      });
    },
  );
  req.on('error', (error) => {
    inFlight--;
    httpErrors++;
    errorKinds[error.message] = (errorKinds[error.message] ?? 0) + 1;
  });
  req.end(body);
}
let nextJ = 0;
async function drive(durationS, record) {
  const perSecond = rate / perAnnouncement;
  const total = Math.round(perSecond * durationS);
  const start = performance.now();
  let count = 0;
  while (count < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * perSecond) + 1);
    while (count < due) {
      const j = nextJ++;
      dueAt[j] = start + (count++ / perSecond) * 1000;
      announce(j, record);
      sent++;
    }
    await sleep(1);
  }
  return { start, sendSeconds: (performance.now() - start) / 1000 };
}

const ownCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const cpuAtLoad = cpuSeconds(server.pid);
// MariaDB's and Redis's own CPU in the same window (they share the machine's cores with the server).
const pidOf = (names) => {
  try {
    return Number(execFileSync('pidof', ['-s', ...names], { encoding: 'utf8' }).trim()) || null;
  } catch {
    return null;
  }
};
const peers = backend === 'mysql+redis' ? { database: pidOf(['mariadbd', 'mysqld']), redis: pidOf(['redis-server']) } : {};
const peerCpu = () => Object.fromEntries(Object.entries(peers).map(([name, pid]) => [name, pid ? cpuSeconds(pid) : NaN]));
await drive(warmup, false);
const deliveredBefore = delivered;
const cpu0 = { server: cpuSeconds(server.pid), generator: ownCpu(), peers: peerCpu(), at: performance.now() };
// This process's own stalls, second by second: a notification that arrives while this event loop
// is held back is timed late, so a slow second here with no slow second in the server is ours.
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
const loopDelayBySecond = [];
const loopTimer = setInterval(() => {
  loopDelayBySecond.push(round(loopDelay.max / 1e6, 0));
  loopDelay.reset();
}, 1000);
const { start, sendSeconds } = await drive(seconds, true);
clearInterval(loopTimer);
loopDelay.disable();
const window = (performance.now() - cpu0.at) / 1000;
const cpu = { server: cpuSeconds(server.pid) - cpu0.server, generator: ownCpu() - cpu0.generator };
const peersPct = Object.fromEntries(
  Object.entries(peerCpu()).map(([name, s]) => [`${name}_cpu_pct`, round((100 * (s - cpu0.peers[name])) / window, 0)]),
);
const loadAtEnd = load();
const measuredSent = Math.round((rate / perAnnouncement) * seconds) * perAnnouncement;
// Every notification the server accepted must arrive: wait for the replies, then for the stragglers.
const drainUntil = performance.now() + drainSeconds * 1000;
while ((inFlight > 0 || delivered < expected) && performance.now() < drainUntil) await sleep(20);
// CPU from the first announcement to the last delivery, over every notification delivered: a
// server that fell behind still did the work for each, so this holds on a busy machine too.
const cpuPerDelivered = ((cpuSeconds(server.pid) - cpuAtLoad) * 1000) / Math.max(1, delivered);

const bySecond = [];
fromCreated.forEach((latency, i) => (bySecond[Math.floor((byDue[i] - start) / 1000)] ??= []).push(latency));
const sortedFromCreated = [...fromCreated].sort((a, b) => a - b);
const sortedFromDue = [...fromDue].sort((a, b) => a - b);
httpLatencies.sort((a, b) => a - b);
let unreadMismatches = 0;
for (let i = 0; i < N; i++) if (connections[i] && lastUnread[i] !== received[i]) unreadMismatches++;

// What stood when the bench stopped waiting: the server is stopped next, and what it had not
// answered by then is reported as unanswered (not as errors made by the stop).
const unanswered = inFlight;
const httpErrorsAtEnd = httpErrors;
const errorKindsAtEnd = { ...errorKinds };
for (const c of connections) c?.close();
agent.destroy();
await server.stop();
await dropDatabase();
clearTimeout(watchdog);

const p99 = percentile(sortedFromCreated, 99);
const line = {
  bench: 'notifications',
  backend,
  driver: 'POST /api/v1/admin/announcements (administrator, system category)',
  users: N,
  connections_open: open,
  connect_errors: connectErrors,
  sign_in_s: round(signInSeconds, 1),
  connect_s: round(connectSeconds, 1),
  target_rate: rate,
  recipients_per_announcement: perAnnouncement,
  warmup_s: warmup,
  seconds,
  achieved_rate: round(measuredSent / sendSeconds, 0),
  announcements_sent: sent,
  http_errors: httpErrorsAtEnd,
  http_error_kinds: errorKindsAtEnd,
  announcements_unanswered_after_drain: unanswered,
  notifications_accepted: expected,
  notifications_delivered: delivered,
  undelivered: expected - delivered,
  duplicates,
  wrong_language: wrongLanguage,
  unparsed,
  unread_count_mismatches: unreadMismatches,
  connection_errors: closed,
  measured_deliveries: fromCreated.length,
  measured_expected: measuredSent,
  created_to_received_p50_ms: round(percentile(sortedFromCreated, 50)),
  created_to_received_p90_ms: round(percentile(sortedFromCreated, 90)),
  created_to_received_p99_ms: round(p99),
  created_to_received_max_ms: round(sortedFromCreated.at(-1) ?? NaN),
  due_to_received_p50_ms: round(percentile(sortedFromDue, 50)),
  due_to_received_p99_ms: round(percentile(sortedFromDue, 99)),
  announcement_http_p50_ms: round(percentile(httpLatencies, 50)),
  announcement_http_p99_ms: round(percentile(httpLatencies, 99)),
  p99_by_second_ms: p99BySecond(
    fromCreated.map((latency, i) => [byDue[i], latency]),
    start,
  ),
  generator_loop_delay_max_by_second_ms: loopDelayBySecond,
  warmup_delivered: deliveredBefore,
  drain_s: round(lastArrival ? Math.max(0, (lastArrival - (start + seconds * 1000)) / 1000) : NaN, 2),
  server_cpu_pct: round((100 * cpu.server) / window, 0),
  server_cpu_ms_per_notification: round(cpuPerDelivered, 4),
  generator_cpu_pct: round((100 * cpu.generator) / window, 0),
  ...peersPct,
  loadavg: loadAtEnd,
  budget_p99_ms: budgetP99,
};
line.ok =
  open === N &&
  httpErrorsAtEnd === 0 &&
  unanswered === 0 &&
  expected === delivered &&
  expected === sent * perAnnouncement &&
  duplicates === 0 &&
  wrongLanguage === 0 &&
  unreadMismatches === 0 &&
  fromCreated.length === measuredSent &&
  p99 < budgetP99;
console.log(JSON.stringify(line));
process.exit(line.ok ? 0 : 1);
