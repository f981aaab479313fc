// Call signalling relay latency (issue 12, "Budgets"): 500 concurrent calls, 1,000 STOMP
// connections, exchanging offers, answers and ICE candidates through `/pub/calls/{id}` ->
// `/sub/calls/{id}`.
//
// This process is the load generator; STUDYMATE runs as its own process(es), started the
// production way by lib.mjs. Setup over HTTP: N*2 dev sign-ins, N direct rooms, N calls to the
// room's partner (`POST /api/v1/calls {roomId}`), each accepted by the callee. Then every caller
// and callee connects (caller to node 1, callee to node 2 with --nodes 2), subscribes to its call
// and joins. The exchange is open loop: for --seconds, each call renegotiates every --period ms
// (offer of about 3 KB, answer, then 8 candidates each way), each SEND due at a fixed instant; the
// latency of a message is from when it was due to when the other participant's MESSAGE arrived
// (one clock: this process), so a stall anywhere is counted, not hidden.
//
// Budgets (2 cores, shared with the generator): p99 < 20 ms on one node; < 40 ms on two nodes
// through Redis (MariaDB + Redis backend).
//
//   node bench/signalling.mjs                       # one node, embedded backend
//   node bench/signalling.mjs --nodes 2             # two nodes, MariaDB + Redis (BENCH_DATABASE_URL, BENCH_REDIS_URL)
//
// Knobs: --calls (500), --seconds (10), --period (2000 ms between renegotiations of one call),
// --candidates (8 each way), --nodes (1|2). Exit 0 within budget, 1 over it, 2 not measured.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { api, percentile, pool, round, startServer } from './lib.mjs';
import { encodeFrame, openStomp } from './stomp-client.mjs';

function option(flag, fallback) {
  const i = process.argv.indexOf(`--${flag}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}
const opts = {
  calls: Number(option('calls', 500)),
  seconds: Number(option('seconds', 10)),
  period: Number(option('period', 2000)),
  candidates: Number(option('candidates', 8)),
  nodes: Number(option('nodes', 1)),
};
const budget = opts.nodes === 2 ? 40 : 20;
const runId = randomBytes(4).toString('hex');
const now = () => performance.timeOrigin + performance.now();
const servers = [];

async function main() {
  const shared = {
    RATE_LIMIT_SIGN_IN: '100000',
    RATE_LIMIT_NEW_CONTACTS_PER_DAY: '100000',
    ACCESS_TOKEN_TTL: '3600',
    // Both nodes verify the other's tokens.
    JWT_SECRET: randomBytes(32).toString('base64url'),
    CALL_RING_SECONDS: '600',
  };
  if (opts.nodes === 2) {
    if (!process.env.BENCH_DATABASE_URL)
      execFileSync('mariadb', ['-uroot', '-h127.0.0.1', '-e', 'create database if not exists studymate_bench']);
    Object.assign(shared, {
      DATABASE_URL: process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/studymate_bench',
      REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: `bench${runId}:`,
      DEV_SIGN_IN: 'true',
    });
  }
  servers.push(await startServer(shared));
  if (opts.nodes === 2) servers.push(await startServer(shared));
  const [first, second = first] = servers;

  const t0 = performance.now();
  const users = await pool(opts.calls * 2, 32, async (i) => {
    const reply = await api(first.url, 'POST', '/api/v1/auth/dev', {
      email: `call-${runId}-${i}@example.test`,
      displayName: `Caller ${i}`,
    });
    return { id: reply.user.id, token: reply.accessToken };
  });
  const calls = await pool(opts.calls, 32, async (c) => {
    const [caller, callee] = [users[2 * c], users[2 * c + 1]];
    const room = await api(first.url, 'POST', '/api/v1/chat/rooms/direct', { partnerId: callee.id }, caller.token);
    const { id } = await api(first.url, 'POST', '/api/v1/calls', { roomId: room.id, kind: 'video' }, caller.token);
    await api(second.url, 'POST', `/api/v1/calls/${id}/accept`, undefined, callee.token);
    return { id, caller, callee };
  });
  const setupSeconds = (performance.now() - t0) / 1000;

  // ---- connect, subscribe, join ----
  const latencies = [];
  let sent = 0;
  let delivered = 0;
  let errors = 0;
  const sides = [];
  await pool(opts.calls * 2, 100, async (k) => {
    const call = calls[k >> 1];
    const user = k % 2 === 0 ? call.caller : call.callee;
    const node = k % 2 === 0 ? first : second;
    let joined = null;
    const joinedBoth = new Promise((resolve) => (joined = resolve));
    const conn = await openStomp({
      url: `${node.url.replace(/^http/, 'ws')}/ws`,
      connectHeaders: { Authorization: `Bearer ${user.token}` },
      destination: `/sub/calls/${call.id}`,
      handlers: {
        onMessage(_headers, buffer, start, end) {
          const event = JSON.parse(buffer.toString('utf8', start, end));
          if (event.type === 'presence') {
            if (event.present.length === 2) joined();
            return;
          }
          if (event.from === user.id) return;
          const due =
            event.type === 'description'
              ? Number(/^a=x-due:(\d+\.?\d*)/m.exec(event.description.sdp)[1])
              : Number(/due(\d+\.?\d*)/.exec(event.candidate.candidate)[1]);
          latencies.push(now() - due);
          delivered++;
        },
        onReceipt() {},
        onError: () => errors++,
        onClose: () => errors++,
      },
    });
    conn.send(
      encodeFrame('SEND', { destination: `/pub/calls/${call.id}`, 'content-type': 'application/json' }, JSON.stringify({ type: 'join' })),
    );
    sides[k] = { conn, call, joinedBoth };
  });
  await Promise.all(sides.map((s) => s.joinedBoth));

  // ---- the exchange ----
  const sdpFiller = 'a=candidate-filler:' + 'x'.repeat(60) + '\r\n';
  const send = (side, body) => {
    if (
      side.conn.send(
        encodeFrame('SEND', { destination: `/pub/calls/${side.call.id}`, 'content-type': 'application/json' }, JSON.stringify(body)),
      )
    )
      sent++;
  };
  const description = (type, due) => ({
    type: 'description',
    description: { type, sdp: `v=0\r\na=x-due:${due}\r\n${sdpFiller.repeat(40)}` },
  });
  const candidate = (due, n) => ({
    type: 'candidate',
    candidate: { candidate: `candidate:${n} 1 udp 2130706431 127.0.0.1 ${50000 + n} typ host due${due}`, sdpMid: '0', sdpMLineIndex: 0 },
  });
  const start = now() + 500;
  const end = start + opts.seconds * 1000;
  const timers = [];
  // Each call renegotiates every period, calls spread evenly over it; each step 20 ms apart.
  for (let c = 0; c < opts.calls; c++) {
    const [caller, callee] = [sides[2 * c], sides[2 * c + 1]];
    for (let round0 = start + (c * opts.period) / opts.calls; round0 < end; round0 += opts.period) {
      const steps = [
        [caller, (due) => description('offer', due)],
        [callee, (due) => description('answer', due)],
        ...Array.from({ length: opts.candidates }, (_, n) => [caller, (due) => candidate(due, n)]),
        ...Array.from({ length: opts.candidates }, (_, n) => [callee, (due) => candidate(due, n)]),
      ];
      steps.forEach(([side, make], i) => {
        const due = round0 + i * 20;
        // A timer may fire a fraction of a millisecond early; a late one (a stall) keeps its due time.
        timers.push(setTimeout(() => send(side, make(Math.max(due, now()))), Math.max(0, due - now())));
      });
    }
  }
  await new Promise((r) => setTimeout(r, end - now() + 3000));
  for (const t of timers) clearTimeout(t);

  latencies.sort((x, y) => x - y);
  const p99 = percentile(latencies, 99);
  const line = {
    bench: 'signalling',
    nodes: opts.nodes,
    backend: opts.nodes === 2 ? 'mysql+redis' : 'embedded',
    calls: opts.calls,
    connections: opts.calls * 2,
    seconds: opts.seconds,
    setup_s: round(setupSeconds, 1),
    sent,
    delivered,
    lost: sent - delivered,
    errors,
    rate_per_s: round(delivered / opts.seconds, 0),
    p50_ms: round(percentile(latencies, 50)),
    p99_ms: round(p99),
    max_ms: round(latencies[latencies.length - 1] ?? NaN),
    budget_p99_ms: budget,
    ok: p99 < budget && delivered === sent && errors === 0,
  };
  console.log(JSON.stringify(line));
  for (const s of sides) s.conn.close();
  return line.ok ? 0 : 1;
}

const watchdog = setTimeout(async () => {
  console.log(JSON.stringify({ bench: 'signalling', error: 'watchdog: the run took too long' }));
  await Promise.all(servers.map((s) => s.stop().catch(() => {})));
  process.exit(2);
}, 300_000);
main()
  .then(async (code) => {
    clearTimeout(watchdog);
    await Promise.all(servers.map((s) => s.stop()));
    process.exit(code);
  })
  .catch(async (error) => {
    console.log(JSON.stringify({ bench: 'signalling', error: String(error?.message ?? error) }));
    await Promise.all(servers.map((s) => s.stop().catch(() => {})));
    process.exit(2);
  });
