// STOMP fan-out, side by side with RabbitMQ Web-STOMP (issue 3, "Benchmark").
//
// This process is the load generator; the broker runs in its own process (STUDYMATE started by
// lib.mjs the production way, RabbitMQ as the local service). It opens N authenticated STOMP 1.2
// connections over WebSocket on loopback, in rooms of two, each member subscribed to its room, and
// sends at a fixed total rate to the rooms in turn, members alternating. Each message body carries
// the time it was due (open loop: a stall on either side is counted, not hidden); the latency is
// from then to the MESSAGE at the partner. Every SEND asks for a RECEIPT (for STUDYMATE: stored,
// broadcast, then receipted). RSS is VmRSS of the broker process from /proc.
//
// Phases per target: (0) STUDYMATE only: dev sign-in of N users and N/2 direct rooms over HTTP;
// (1) open N connections at a bounded rate, CONNECT (heart-beat 0,0), SUBSCRIBE with a receipt,
// then RSS; (2) warm-up, then one step per rate for --seconds each, draining after each step, and
// stopping at the first step at or above 2,000/s that misses the budget; (3) STUDYMATE only: once every receipt is in
// (or --final-drain passed), the stored count: rows with this run's client ids in chat_messages
// (SQLite file or MariaDB), distinct client ids (a duplicate would show), and with --verify api
// the sum of each room's last message seq read through the API (rooms are new, so seq = count).
//
// Budgets (issue 3, 2 cores): 10,000 connections on one node under 1 GiB RSS; at 2,000 messages/s
// delivered, p99 < 50 ms with every message stored; our rate meeting that p99 at least RabbitMQ's.
//
// Full run (machine quiet, about 3 to 4 minutes, one command):
//   bash -c 'ulimit -n 20000; node bench/stomp-fanout.mjs --connections 10000 --target both'
// The defaults below: rate steps 1000,2000,3000,4000 messages/s of 8 s each, embedded backend;
// add --backend mysql+redis for the production backends. The generator spends about 0.2 ms of CPU
// per message (send, receipt, two MESSAGEs parsed), so on 2 cores it tops out near 4,000/s itself.
// 20000 is this machine's hard open-files limit (root cannot raise it here). RabbitMQ needs as
// many: started through su, PAM resets it to 1024 (832 sockets), and at that limit it hits emfile,
// loses its memory monitor and stops declaring queues until restarted. Start it with:
//   rabbitmqctl stop; bash -c 'ulimit -n 20000; cd /var/lib/rabbitmq; HOME=/var/lib/rabbitmq \
//     setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups /usr/sbin/rabbitmq-server -detached'
// The bench refuses to run against a RabbitMQ whose limit is below the connection count.
//
// Knobs (flag, or environment variable, default):
//   --connections  STOMP_CONNECTIONS   10000        even; two per room
//   --rate         STOMP_RATE          1000,2000,3000,4000  messages/s sent in total, one step per value
//   --seconds      STOMP_SECONDS       8            per rate step
//   --warmup       STOMP_WARMUP        3            seconds at the first rate, not recorded (still stored and counted)
//   --backend      STOMP_BACKEND       embedded     embedded | mysql+redis (BENCH_DATABASE_URL, BENCH_REDIS_URL)
//   --target       STOMP_TARGET        both         studymate | rabbitmq | both
//   --connect-rate STOMP_CONNECT_RATE  1000         new connections per second
//   --handshakes   STOMP_HANDSHAKES    200          connection handshakes in flight at most
//   --http-concurrency STOMP_HTTP_CONCURRENCY 32    sign-ins / room creations / checks in flight
//   --drain        STOMP_DRAIN         5            seconds to wait for late receipts and deliveries after a step
//   --budget-p99   STOMP_BUDGET_P99    50           ms
//   --max-seconds  STOMP_MAX_SECONDS   360          watchdog for the whole run
//   --final-drain  STOMP_FINAL_DRAIN   20           seconds to wait for outstanding receipts before counting what was stored
//   --verify       STOMP_VERIFY        db           db | api | both: how the stored count is read
//   STOMP_SERVER_NODE_OPTIONS (unset)  NODE_OPTIONS for the STUDYMATE server only, e.g. --require ./profiler.cjs
//                                      (Node refuses --cpu-prof in NODE_OPTIONS)
//   RABBIT_URL (ws://127.0.0.1:15674/ws), RABBIT_USER / RABBIT_PASS (guest / guest), RABBIT_PID (found with rabbitmqctl)
// Exit status: 0 every STUDYMATE budget met, 1 measured but a budget missed, 2 a target could not
// be measured (its line carries "error").
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { api, cpuSeconds, percentile, pool, round, startServer } from './lib.mjs';
import { encodeFrame, openStomp } from './stomp-client.mjs';

// ---- options ----
function option(flag, envName, fallback) {
  const i = process.argv.indexOf(`--${flag}`);
  if (i > 0 && process.argv[i + 1] !== undefined) return process.argv[i + 1];
  return process.env[envName] ?? fallback;
}
const opts = {
  connections: Number(option('connections', 'STOMP_CONNECTIONS', 10000)),
  rates: String(option('rate', 'STOMP_RATE', '1000,2000,3000,4000'))
    .split(',')
    .map(Number)
    .filter((n) => n > 0),
  seconds: Number(option('seconds', 'STOMP_SECONDS', 8)),
  warmup: Number(option('warmup', 'STOMP_WARMUP', 3)),
  backend: option('backend', 'STOMP_BACKEND', 'embedded'),
  target: option('target', 'STOMP_TARGET', 'both'),
  connectRate: Number(option('connect-rate', 'STOMP_CONNECT_RATE', 1000)),
  handshakes: Number(option('handshakes', 'STOMP_HANDSHAKES', 200)),
  httpConcurrency: Number(option('http-concurrency', 'STOMP_HTTP_CONCURRENCY', 32)),
  drain: Number(option('drain', 'STOMP_DRAIN', 5)),
  budgetP99: Number(option('budget-p99', 'STOMP_BUDGET_P99', 50)),
  maxSeconds: Number(option('max-seconds', 'STOMP_MAX_SECONDS', 360)),
  finalDrain: Number(option('final-drain', 'STOMP_FINAL_DRAIN', 20)),
  verify: option('verify', 'STOMP_VERIFY', 'db'),
};
const budget = { connections: 10000, rss_mb: 1024, rate: 2000, p99_ms: opts.budgetP99 };
if (opts.connections < 2 || opts.connections % 2) throw new Error('--connections must be an even number of at least 2');
if (!['embedded', 'mysql+redis'].includes(opts.backend)) throw new Error('--backend is embedded or mysql+redis');
if (!['studymate', 'rabbitmq', 'both'].includes(opts.target)) throw new Error('--target is studymate, rabbitmq or both');
if (!opts.rates.length) throw new Error('--rate needs at least one positive number');
if (!['db', 'api', 'both'].includes(opts.verify)) throw new Error('--verify is db, api or both');

const runId = Date.now().toString(36);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const load = () => os.loadavg().map((n) => round(n, 2));
const machine = {
  cpu: os.cpus()[0]?.model.trim(),
  cores: os.cpus().length,
  mem_gib: round(os.totalmem() / 2 ** 30, 1),
  kernel: os.release(),
  node: process.version,
};

// ---- /proc readings ----
function procStatus(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    return { rssMb: round(kb('VmRSS') / 1024, 1), hwmMb: round(kb('VmHWM') / 1024, 1) };
  } catch {
    return { rssMb: NaN, hwmMb: NaN };
  }
}
function openFilesLimit(pid = 'self') {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const [soft, hard] = line.trim().split(/\s+/).slice(3, 5);
  return { soft: Number(soft), hard: Number(hard) };
}
const ownCpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

// ---- preflight: file descriptors and ephemeral ports on this side ----
const ownFiles = openFilesLimit();
if (ownFiles.soft < opts.connections + 256) {
  console.error(
    `stomp-fanout: open-files limit ${ownFiles.soft} is below ${opts.connections} connections + 256; ` +
      `run it as: bash -c 'ulimit -n ${Math.max(opts.connections + 256, Math.min(ownFiles.hard, 65536))}; node bench/stomp-fanout.mjs ...' (hard limit here: ${ownFiles.hard})`,
  );
  process.exit(1);
}
const [portLow, portHigh] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
if (opts.connections > portHigh - portLow) {
  console.error(`stomp-fanout: ${opts.connections} connections exceed the ${portHigh - portLow} ephemeral ports to one address`);
  process.exit(1);
}

// ---- a watchdog, so the run is bounded even when something hangs ----
let currentServer = null;
async function abort(reason) {
  console.log(JSON.stringify({ bench: 'stomp-fanout', error: reason, loadavg: load(), machine }));
  await Promise.race([currentServer?.stop(), sleep(12_000)]);
  process.exit(2);
}
setTimeout(() => void abort(`watchdog: the run passed --max-seconds ${opts.maxSeconds}`), opts.maxSeconds * 1000).unref();
process.once('SIGINT', () => void abort('interrupted'));

// ---- HTTP helpers (STUDYMATE setup and checks) ----
// ---- the targets ----
async function prepareStudymate() {
  if (opts.backend === 'mysql+redis' && !process.env.BENCH_DATABASE_URL) {
    execFileSync('mariadb', ['-uroot', '-e', 'create database if not exists studymate_bench']);
  }
  // Our own data folder, so that the stored count can be read from the SQLite file afterwards.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'studymate-stomp-'));
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/studymate_bench';
  const env = {
    DATA_DIR: dataDir,
    RATE_LIMIT_SIGN_IN: '100000',
    // The fan-out steps measure throughput, not abuse: at 4,000 msg/s over 1,000 rooms each member sends 120 a minute.
    RATE_LIMIT_MESSAGES: '100000',
    // The whole run fits well inside one token's life: no connection ends on expiry mid-run.
    ACCESS_TOKEN_TTL: '3600',
    ...(opts.backend === 'mysql+redis'
      ? {
          DATABASE_URL: databaseUrl,
          REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
          REDIS_PREFIX: `bench${runId}:`,
          DEV_SIGN_IN: 'true',
        }
      : {}),
  };
  // Only for looking into the server (e.g. --cpu-prof); it never reaches the generator.
  if (process.env.STOMP_SERVER_NODE_OPTIONS) env.NODE_OPTIONS = process.env.STOMP_SERVER_NODE_OPTIONS;
  const server = await startServer(env);
  currentServer = server;
  const cpuAtStart = cpuSeconds(server.pid);
  const t0 = performance.now();
  const users = await pool(opts.connections, opts.httpConcurrency, async (i) => {
    const reply = await api(server.url, 'POST', '/api/v1/auth/dev', {
      email: `bench-${runId}-${i}@example.test`,
      displayName: `Bench ${i}`,
    });
    return { id: reply.user.id, token: reply.accessToken };
  });
  const signInSeconds = (performance.now() - t0) / 1000;
  const cpuAfterSignIn = cpuSeconds(server.pid);
  const t1 = performance.now();
  const rooms = await pool(opts.connections / 2, opts.httpConcurrency, async (r) => {
    const room = await api(server.url, 'POST', '/api/v1/chat/rooms/direct', { partnerId: users[2 * r + 1].id }, users[2 * r].token);
    return room.id;
  });
  const roomSeconds = (performance.now() - t1) / 1000;
  const wsUrl = `${server.url.replace(/^http/, 'ws')}/ws`;
  return {
    name: 'studymate',
    pid: server.pid,
    setup: {
      sign_in_s: round(signInSeconds, 1),
      server_cpu_ms_per_sign_in: round(((cpuAfterSignIn - cpuAtStart) * 1000) / opts.connections),
      rooms_s: round(roomSeconds, 1),
      server_cpu_ms_per_room: round(((cpuSeconds(server.pid) - cpuAfterSignIn) * 1000) / (opts.connections / 2)),
      load_after_setup: load(),
    },
    spec: (c) => ({
      url: wsUrl,
      connectHeaders: { host: '127.0.0.1', Authorization: `Bearer ${users[c].token}` },
      destination: `/sub/chat/rooms/${rooms[c >> 1]}`,
    }),
    sendDestination: (r) => `/pub/chat/rooms/${rooms[r]}/messages`,
    /** Rows this run stored, and how many distinct client ids among them (a duplicate would show). */
    async storedInDatabase() {
      const like = `b${runId}x%`;
      const query = 'select count(*) as n, count(distinct client_id) as d from chat_messages where client_id like ?';
      if (opts.backend === 'embedded') {
        const db = new SQLite(path.join(dataDir, 'studymate.db'), { readonly: true, fileMustExist: true });
        try {
          const row = db.prepare(query).get(like);
          return { rows: row.n, distinct: row.d };
        } finally {
          db.close();
        }
      }
      const u = new URL(databaseUrl);
      const args = ['-N', '-B', `-h${u.hostname}`, `-P${u.port || 3306}`, `-u${decodeURIComponent(u.username)}`];
      if (u.password) args.push(`-p${decodeURIComponent(u.password)}`);
      args.push(u.pathname.slice(1), '-e', query.replace('?', `'${like}'`));
      const [n, d] = execFileSync('mariadb', args, { encoding: 'utf8' }).trim().split(/\s+/).map(Number);
      return { rows: n, distinct: d };
    },
    /** Through the API: each used room's last seq (rooms are new, so seq = messages stored). */
    async storedViaApi(activeRooms) {
      const seqs = await pool(activeRooms.length, opts.httpConcurrency, async (i) => {
        const r = activeRooms[i];
        const room = await api(server.url, 'GET', `/api/v1/chat/rooms/${rooms[r]}`, undefined, users[2 * r].token);
        return room.lastMessage?.seq ?? 0;
      });
      return seqs.reduce((a, b) => a + b, 0);
    },
    stop: async () => {
      await server.stop();
      currentServer = null;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function rabbitPid() {
  if (process.env.RABBIT_PID) return Number(process.env.RABBIT_PID);
  try {
    return Number(/OS PID: (\d+)/.exec(execFileSync('rabbitmqctl', ['status'], { encoding: 'utf8', timeout: 30_000 }))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

async function prepareRabbit() {
  const pid = rabbitPid();
  const url = process.env.RABBIT_URL ?? 'ws://127.0.0.1:15674/ws';
  const login = process.env.RABBIT_USER ?? 'guest';
  const passcode = process.env.RABBIT_PASS ?? 'guest';
  // Past its open-files limit RabbitMQ does not just refuse connections: its memory monitor dies of
  // emfile and it stops declaring queues until restarted. Refuse to break a shared broker.
  const limit = Number.isFinite(pid) ? openFilesLimit(pid).soft : NaN;
  if (limit < opts.connections + 256) {
    throw new Error(
      `RabbitMQ (pid ${pid}) may open ${limit} files, fewer than ${opts.connections} connections + 256; ` +
        'restart it with a higher limit (see the head of bench/stomp-fanout.mjs)',
    );
  }
  return {
    name: 'rabbitmq',
    pid,
    setup: {
      url,
      note: 'guest login for every connection; SEND to /topic/room.<id>, both members subscribed; RabbitMQ does not persist these (transient topic messages)',
    },
    spec: (c) => ({ url, connectHeaders: { host: '/', login, passcode }, destination: `/topic/room.${runId}-${c >> 1}` }),
    sendDestination: (r) => `/topic/room.${runId}-${r}`,
    storedInDatabase: null,
    storedViaApi: null,
    stop: async () => {},
  };
}

const generatorLoop = monitorEventLoopDelay({ resolution: 5 });
generatorLoop.enable();
const generatorGc = { maxMs: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) generatorGc.maxMs = Math.max(generatorGc.maxMs, entry.duration);
}).observe({ entryTypes: ['gc'] });

// ---- one target, same generator ----
async function measure(target) {
  const N = opts.connections;
  const capacity = Math.ceil(opts.rates[0] * opts.warmup + opts.rates.reduce((a, r) => a + r * opts.seconds, 0)) + 16;
  const dueAt = new Float64Array(capacity);
  const receiptAt = new Float64Array(capacity);
  const deliveredAt = new Float64Array(capacity);
  const senderOf = new Int32Array(capacity);
  const stepOf = new Uint8Array(capacity); // 0 = warm-up, i + 1 = step i
  const steps = Array.from({ length: opts.rates.length + 1 }, () => ({
    latencies: [],
    /** Due time of each delivery, alongside `latencies`, for the per-second view. */
    dues: [],
    receiptLatencies: [],
    lags: [],
    sent: 0,
    sendFailed: 0,
    pendingReceipts: 0,
    pendingDeliveries: 0,
    duplicates: 0,
    selfEchoes: 0,
    lastDelivery: 0,
  }));
  let misrouted = 0;
  let unparsed = 0;
  let phaseErrors = {};
  const countError = (reason) => (phaseErrors[reason] = (phaseErrors[reason] ?? 0) + 1);
  const BODY = /"body":"k(\d+)t([\d.]+)"/;

  const handlersFor = (c) => ({
    onMessage(_headers, buffer, start, end) {
      const now = performance.now();
      const m = BODY.exec(buffer.toString('latin1', start, end));
      if (!m) return void unparsed++;
      const k = Number(m[1]);
      const step = steps[stepOf[k]];
      if (senderOf[k] === c) return void step.selfEchoes++;
      if ((senderOf[k] ^ 1) !== c) return void misrouted++;
      if (deliveredAt[k]) return void step.duplicates++;
      deliveredAt[k] = now;
      step.pendingDeliveries--;
      step.lastDelivery = now;
      step.latencies.push(now - Number(m[2]));
      step.dues.push(Number(m[2]));
    },
    onReceipt(id) {
      const k = Number(id.slice(1));
      if (id[0] !== 'm' || receiptAt[k]) return;
      const now = performance.now();
      receiptAt[k] = now;
      const step = steps[stepOf[k]];
      step.pendingReceipts--;
      step.receiptLatencies.push(now - dueAt[k]);
    },
    onError: (message) => countError(`ERROR ${message}`),
    onClose: (code) => countError(`closed ${code}`),
  });

  // A broker still tearing down an earlier run's connections (RabbitMQ deletes one queue per
  // subscription) skews both the RSS and the handshakes: wait, bounded, until it is nearly idle.
  const settleStart = performance.now();
  for (let i = 0; i < 60 && Number.isFinite(target.pid); i++) {
    const c0 = cpuSeconds(target.pid);
    await sleep(500);
    if (cpuSeconds(target.pid) - c0 < 0.05) break; // under 10% of a core
  }
  const settleSeconds = (performance.now() - settleStart) / 1000;

  // Phase 1: connections.
  const before = procStatus(target.pid);
  const files = Number.isFinite(target.pid) ? openFilesLimit(target.pid) : null;
  const conns = new Array(N).fill(null);
  const connectErrors = {};
  let inFlight = 0;
  const tasks = [];
  // Heart-beats are 0,0, but RabbitMQ's Web-STOMP (cowboy) closes a WebSocket that received nothing
  // for 60 s (code 1000; seen in a 10,000-connection run while the ramp was still going). A bare
  // EOL, which STOMP 1.2 allows between frames, goes to any connection silent for 40 s, on both
  // targets alike; while a rate step runs every connection sends far more often than that.
  let keepAlives = 0;
  const keepAlive = setInterval(() => {
    const stale = Date.now() - 40_000;
    for (const conn of conns) if (conn?.open && conn.lastSent < stale && conn.send('\n')) keepAlives++;
  }, 5000);
  const cpuBeforeConnect = cpuSeconds(target.pid);
  const t0 = performance.now();
  for (let c = 0; c < N; c++) {
    const wait = t0 + (c / opts.connectRate) * 1000 - performance.now();
    if (wait > 0) await sleep(wait);
    while (inFlight >= opts.handshakes) await sleep(1);
    inFlight++;
    tasks.push(
      openStomp({ ...target.spec(c), handlers: handlersFor(c) })
        .then(
          (conn) => void (conns[c] = conn),
          (error) => void (connectErrors[error.message] = (connectErrors[error.message] ?? 0) + 1),
        )
        .finally(() => inFlight--),
    );
  }
  await Promise.all(tasks);
  const connectSeconds = (performance.now() - t0) / 1000;
  const open = conns.filter(Boolean).length;
  const connectCpuMs = ((cpuSeconds(target.pid) - cpuBeforeConnect) * 1000) / Math.max(1, open);
  const cpuBeforeSettle = cpuSeconds(target.pid);
  await sleep(2000); // let the broker settle before reading RSS
  const idleConnectedCpuPct = ((cpuSeconds(target.pid) - cpuBeforeSettle) / 2) * 100;
  const connected = procStatus(target.pid);
  const connectedOpen = conns.filter((c) => c?.open).length;
  const connectPhase = {
    connections_requested: N,
    connections_open: open,
    connections_open_after_settle: connectedOpen,
    connect_errors: connectErrors,
    errors_while_idle: phaseErrors,
    connect_s: round(connectSeconds, 1),
    broker_cpu_ms_per_connection: round(connectCpuMs),
    broker_cpu_pct_idle_connected: round(idleConnectedCpuPct, 0),
    rss_idle_mb: before.rssMb,
    rss_connected_mb: connected.rssMb,
    broker_settle_s: round(settleSeconds, 1),
    broker_open_files_limit: files?.soft ?? null,
    load_at_connected: load(),
  };
  phaseErrors = {};

  // Phase 2: the rate steps over every room whose two members are both connected.
  const activeRooms = [];
  for (let r = 0; r < N / 2; r++) if (conns[2 * r]?.open && conns[2 * r + 1]?.open) activeRooms.push(r);
  const A = activeRooms.length;
  let nextK = 0;
  const prefix = `b${runId}x`;
  const send = (due, stepIndex) => {
    const k = nextK++;
    const r = activeRooms[k % A];
    const c = 2 * r + (Math.floor(k / A) & 1);
    const step = steps[stepIndex];
    dueAt[k] = due;
    senderOf[k] = c;
    stepOf[k] = stepIndex;
    step.sent++;
    const body = `{"clientId":"${prefix}${k}","kind":"text","body":"k${k}t${due.toFixed(3)}"}`;
    const frame = encodeFrame(
      'SEND',
      { destination: target.sendDestination(r), 'content-type': 'application/json', receipt: `m${k}` },
      body,
    );
    if (!conns[c].send(frame)) {
      step.sendFailed++;
      return;
    }
    step.pendingReceipts++;
    step.pendingDeliveries++;
    step.lags.push(performance.now() - due);
  };
  /** Open loop on a 1 ms timer (not setImmediate, which would spin a core the broker needs). */
  async function drive(rate, seconds, stepIndex) {
    const start = performance.now();
    const total = Math.round(rate * seconds);
    let sent = 0;
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
      while (sent < due) send(start + (sent++ / rate) * 1000, stepIndex);
      await sleep(1);
    }
    return { start, sendSeconds: (performance.now() - start) / 1000 };
  }
  async function drain(step) {
    const until = performance.now() + opts.drain * 1000;
    while ((step.pendingReceipts > 0 || step.pendingDeliveries > 0) && performance.now() < until) await sleep(10);
  }

  const results = [];
  let peakRss = connected.rssMb;
  if (A > 0) {
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, procStatus(target.pid).rssMb)), 250);
    if (opts.warmup > 0) {
      await drive(opts.rates[0], opts.warmup, 0);
      await drain(steps[0]);
    }
    for (let i = 0; i < opts.rates.length; i++) {
      phaseErrors = {};
      const step = steps[i + 1];
      const cpu0 = { broker: cpuSeconds(target.pid), generator: ownCpuSeconds(), at: performance.now() };
      generatorLoop.reset();
      generatorGc.maxMs = 0;
      const { start, sendSeconds } = await drive(opts.rates[i], opts.seconds, i + 1);
      const cpuWindow = (performance.now() - cpu0.at) / 1000;
      const cpu = {
        broker: cpuSeconds(target.pid) - cpu0.broker,
        generator: ownCpuSeconds() - cpu0.generator,
      };
      const loadAtStepEnd = load();
      await drain(step);
      // p99 of each second of the step, by due time: shows whether the tail is one stall or spread out.
      const bySecond = [];
      step.latencies.forEach((latency, j) => {
        const second = Math.floor((step.dues[j] - start) / 1000);
        if (second >= 0) (bySecond[second] ??= []).push(latency);
      });
      const p99BySecond = Array.from(bySecond, (l) =>
        l
          ? round(
              percentile(
                l.sort((a, b) => a - b),
                99,
              ),
              1,
            )
          : null,
      );
      const lat = step.latencies.sort((a, b) => a - b);
      const rlat = step.receiptLatencies.sort((a, b) => a - b);
      const lags = step.lags.sort((a, b) => a - b);
      const delivered = lat.length;
      const errorCount = Object.values(phaseErrors).reduce((a, b) => a + b, 0) + step.sendFailed + misrouted;
      const result = {
        target_rate: opts.rates[i],
        achieved_send_rate: round(step.sent / sendSeconds, 1),
        delivered_rate: delivered ? round(delivered / ((step.lastDelivery - start) / 1000), 1) : 0,
        sent: step.sent,
        delivered,
        receipts: rlat.length,
        undelivered_after_drain: step.pendingDeliveries,
        unreceipted_after_drain: step.pendingReceipts,
        duplicates: step.duplicates,
        self_echoes: step.selfEchoes, // the sender's own copy (both members subscribe); expected = delivered
        p50_ms: round(percentile(lat, 50)),
        p90_ms: round(percentile(lat, 90)),
        p99_ms: round(percentile(lat, 99)),
        max_ms: round(lat.at(-1) ?? NaN),
        receipt_p50_ms: round(percentile(rlat, 50)),
        receipt_p99_ms: round(percentile(rlat, 99)),
        generator_lag_p99_ms: round(percentile(lags, 99)),
        // This process's own longest stall and GC pause in the step: a tail the generator caused.
        generator_stall_max_ms: round(generatorLoop.max / 1e6, 1),
        generator_gc_max_ms: round(generatorGc.maxMs, 1),
        p99_by_second_ms: p99BySecond,
        started_at_epoch_ms: Math.round(performance.timeOrigin + start),
        errors: errorCount,
        error_kinds: phaseErrors,
        broker_cpu_pct: round((100 * cpu.broker) / cpuWindow, 0),
        broker_cpu_ms_per_message: round((1000 * cpu.broker) / Math.max(1, step.sent), 3),
        generator_cpu_pct: round((100 * cpu.generator) / cpuWindow, 0),
        rss_mb: procStatus(target.pid).rssMb,
        loadavg: loadAtStepEnd,
      };
      result.meets_budget =
        result.p99_ms < opts.budgetP99 &&
        errorCount === 0 &&
        step.pendingDeliveries === 0 &&
        step.pendingReceipts === 0 &&
        result.achieved_send_rate >= 0.97 * opts.rates[i];
      results.push(result);
      // Higher rates would only miss it by more; but the budget's own rate (2,000/s) is always run.
      if (!result.meets_budget && opts.rates[i] >= budget.rate) break;
    }
    clearInterval(sampler);
  }
  const hwm = procStatus(target.pid).hwmMb;

  // Phase 3: what was stored, read back through the API.
  let persisted = null;
  if (target.storedInDatabase) {
    // An overloaded server is still working through its backlog: wait (bounded) for the receipts,
    // so that "not stored yet" is not reported as "lost".
    const pending = () => steps.reduce((a, s) => a + s.pendingReceipts, 0);
    const waitUntil = performance.now() + opts.finalDrain * 1000;
    while (pending() > 0 && performance.now() < waitUntil) await sleep(50);
    const expected = steps.reduce((a, s) => a + s.sent - s.sendFailed, 0);
    const receipted = steps.reduce((a, s) => a + s.receiptLatencies.length, 0);
    const t = performance.now();
    persisted = { expected, receipted, unreceipted_at_check: pending() };
    if (opts.verify !== 'api') {
      const db = await target.storedInDatabase();
      persisted.stored_rows = db.rows;
      persisted.stored_distinct_client_ids = db.distinct;
    }
    if (opts.verify !== 'db') persisted.stored_via_api = A > 0 ? await target.storedViaApi(activeRooms) : 0;
    persisted.ok =
      (persisted.stored_rows ?? expected) === expected &&
      (persisted.stored_distinct_client_ids ?? expected) === expected &&
      (persisted.stored_via_api ?? expected) === expected &&
      receipted === expected;
    persisted.check_s = round((performance.now() - t) / 1000, 1);
  }

  clearInterval(keepAlive);
  for (const conn of conns) conn?.close();
  const passing = results.filter((r) => r.meets_budget);
  const at = results.find((r) => r.target_rate === budget.rate) ?? results[0] ?? null;
  const line = {
    bench: 'stomp-fanout',
    target: target.name,
    ...(target.name === 'studymate' ? { backend: opts.backend } : {}),
    client: 'ws 8 + minimal STOMP 1.2 frames (bench/stomp-client.mjs), heart-beat 0,0, one subscription per connection',
    ...target.setup,
    ...connectPhase,
    rooms_driven: A,
    warmup_s: opts.warmup,
    step_s: opts.seconds,
    steps: results,
    // The step's rate: a passing step delivered every message it sent, and its measured rate
    // differs from the step's only by timing (1999.4 against 1999.5 msg/s is not a loss).
    max_rate_meeting_p99: passing.length ? Math.max(...passing.map((r) => r.target_rate)) : 0,
    max_delivered_rate_meeting_p99: passing.length ? Math.max(...passing.map((r) => r.delivered_rate)) : 0,
    rss_peak_mb: round(Math.max(peakRss, connected.rssMb), 1),
    rss_hwm_mb: hwm, // VmHWM: since the broker process started (for RabbitMQ, possibly earlier runs)
    misrouted,
    unparsed_messages: unparsed,
    eol_keepalives_sent: keepAlives,
    persisted,
    budget_checks: {
      connections_at_least_10000_all_open: open === N && N >= budget.connections,
      rss_under_1gib: Math.max(peakRss, connected.rssMb) < budget.rss_mb,
      p99_under_budget_at_2000_delivered: !!at?.meets_budget && at.target_rate >= budget.rate && at.delivered_rate >= 0.97 * budget.rate,
      every_message_stored: target.storedInDatabase ? !!persisted?.ok : 'not persisted by this target',
    },
    at_budget_rate: at ? { rate: at.target_rate, p99_ms: at.p99_ms, meets: at.meets_budget, loadavg: at.loadavg } : null,
    machine,
  };
  line.ok = Object.values(line.budget_checks).every((v) => v !== false);
  return line;
}

// ---- the run ----
const runStarted = performance.now();
const lines = {};
for (const name of opts.target === 'both' ? ['studymate', 'rabbitmq'] : [opts.target]) {
  let target;
  try {
    target = name === 'studymate' ? await prepareStudymate() : await prepareRabbit();
    lines[name] = await measure(target);
  } catch (error) {
    lines[name] = { bench: 'stomp-fanout', target: name, error: String(error?.message ?? error), loadavg: load(), machine };
  }
  await target?.stop().catch(() => undefined);
  console.log(JSON.stringify(lines[name]));
  await sleep(1000); // let the closed sockets go before the next target
}
if (opts.target === 'both') {
  const ours = lines.studymate?.max_rate_meeting_p99 ?? 0;
  const theirs = lines.rabbitmq?.max_rate_meeting_p99 ?? 0;
  console.log(
    JSON.stringify({
      bench: 'stomp-fanout',
      comparison: 'studymate vs rabbitmq web-stomp, same generator, same run',
      connections: opts.connections,
      rates: opts.rates,
      budget_p99_ms: opts.budgetP99,
      studymate_max_rate_meeting_p99: ours,
      rabbitmq_max_rate_meeting_p99: theirs,
      ratio: theirs ? round(ours / theirs, 2) : null,
      ratio_note: 'rates are the highest step each met; a target passing every step is capped by the last step',
      // Side by side at every step both ran, so a loaded run that meets no budget still compares.
      by_step: opts.rates
        .map((rate) => {
          const a = lines.studymate?.steps?.find((x) => x.target_rate === rate);
          const b = lines.rabbitmq?.steps?.find((x) => x.target_rate === rate);
          return a && b
            ? {
                rate,
                delivered_rate: [a.delivered_rate, b.delivered_rate],
                p99_ms: [a.p99_ms, b.p99_ms],
                delivered_ratio: b.delivered_rate ? round(a.delivered_rate / b.delivered_rate, 2) : null,
                loadavg: [a.loadavg, b.loadavg],
              }
            : null;
        })
        .filter(Boolean),
      by_step_order: '[studymate, rabbitmq]',
      studymate_rss_connected_mb: lines.studymate?.rss_connected_mb,
      rabbitmq_rss_connected_mb: lines.rabbitmq?.rss_connected_mb,
      studymate_ok: lines.studymate?.ok ?? false,
      ok: !!lines.studymate?.ok && theirs > 0 && ours >= theirs,
      run_s: round((performance.now() - runStarted) / 1000, 1),
      loadavg: load(),
      machine,
    }),
  );
}
// 2: a target could not be measured; 1: measured, budget missed; 0: every budget met.
const measured = Object.values(lines).every((l) => !l.error);
const met = Object.values(lines).every((l) => l.target === 'rabbitmq' || l.ok);
process.exit(!measured ? 2 : met ? 0 : 1);
