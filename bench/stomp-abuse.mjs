// One abusive client against ~200 people chatting (issue 9, STOMP abuse limits).
//
// The server starts as production does (lib.mjs). This process signs in N normal users in direct
// rooms of two, opens one STOMP connection each (subscribed to its room) and sends chat messages
// at a modest total rate, members alternating; each body names its message, and the latency is
// from the send to the MESSAGE at the partner. It also asks /health/live every 20 ms. After a
// quiet baseline, an abuser in its own process (this file with --role abuser) runs, all at once
// and for the whole flood phase:
//   - anonymous sockets flooding newlines before CONNECT (reconnecting when closed),
//   - a signed-in socket flooding newlines (heart-beats) after CONNECT,
//   - a signed-in socket flooding chat SENDs into its own room,
//   - a signed-in socket subscribing to its room again and again,
//   - bursts of 30 connections of one user.
// Each abuser loop reconnects whenever it is refused, so the flood lasts the whole phase.
// Prints one JSON line: the normal clients' delivery p50/p99 and /health/live p50/p99, for the
// baseline and during the flood, what the abuser was refused with, and the server's CPU.
// Budget: p99 delivery under 50 ms during the flood.
//
//   node bench/stomp-abuse.mjs                      (build first: npm run build -w apps/server)
// Knobs: --clients 200, --rate 200 (messages/s in total), --baseline 5, --flood 15 (seconds).
import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { cpuSeconds, percentile, round, startServer } from './lib.mjs';
import { encodeFrame, openStomp } from './stomp-client.mjs';

function option(flag, fallback) {
  const i = process.argv.indexOf(`--${flag}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

if (option('role', 'driver') === 'abuser') await abuse();
else await drive();

async function abuse() {
  const url = option('url');
  const [token, roomId, burstToken] = [option('token'), option('room'), option('burst-token')];
  const seconds = Number(option('seconds', 15));
  const until = performance.now() + seconds * 1000;
  const report = {};
  const counts = { bytes: 0, sends: 0, subscribes: 0 };
  const chunk = Buffer.alloc(64 * 1024, '\n');
  const connectFrame = (bearer) =>
    encodeFrame('CONNECT', { 'accept-version': '1.2', 'heart-beat': '0,0', Authorization: `Bearer ${bearer}` });

  /** One socket of the named attack: `work(ws)` after open (anonymous) or after CONNECTED; resolves when closed. */
  const socket = (attack, bearer, work) =>
    new Promise((resolve) => {
      const ws = new WebSocket(url, 'v12.stomp', { perMessageDeflate: false });
      const tally = (report[attack] ??= { connections: 0, refused: {} });
      tally.connections++;
      ws.on('message', (data) => {
        const text = data.toString('latin1');
        if (text.startsWith('CONNECTED')) work(ws);
        const code = /(?:^|\n)code:([A-Z_]+)/.exec(text)?.[1];
        if (text.startsWith('ERROR') && code) tally.refused[code] = (tally.refused[code] ?? 0) + 1;
      });
      ws.on('open', () => (bearer ? ws.send(connectFrame(bearer)) : work(ws)));
      ws.on('error', () => undefined);
      ws.on('close', () => resolve());
    });
  /** Sends from `next()` while the socket takes them (up to 1 MB unsent), until it closes. */
  const pump = (ws, next) => {
    const tick = () => {
      // A few per turn, so that this process still reads the ERRORs and CONNECTEDs of its other sockets.
      for (let i = 0; i < 8 && ws.readyState === WebSocket.OPEN && ws.bufferedAmount < 1 << 20 && performance.now() < until; i++) {
        const data = next();
        ws.send(data);
        counts.bytes += data.length;
      }
      if (ws.readyState === WebSocket.OPEN && performance.now() < until) setTimeout(tick, 1);
      else if (ws.readyState === WebSocket.OPEN) ws.terminate();
    };
    tick();
  };
  const loop = async (run) => {
    while (performance.now() < until) await run();
  };
  let k = 0;
  await Promise.all([
    ...Array.from({ length: 4 }, () => loop(() => socket('newlines_before_connect', null, (ws) => pump(ws, () => chunk)))),
    loop(() => socket('newlines_after_connect', token, (ws) => pump(ws, () => chunk))),
    loop(() =>
      socket('send_flood', token, (ws) =>
        pump(ws, () => {
          counts.sends++;
          const body = `{"clientId":"abuse${Date.now().toString(36)}${++k}","kind":"text","body":"spam ${k}"}`;
          return encodeFrame('SEND', { destination: `/pub/chat/rooms/${roomId}/messages`, 'content-type': 'application/json' }, body);
        }),
      ),
    ),
    loop(() =>
      socket('duplicate_subscriptions', token, (ws) =>
        pump(ws, () => {
          counts.subscribes++;
          return encodeFrame('SUBSCRIBE', { id: `s${++k}`, destination: `/sub/chat/rooms/${roomId}` });
        }),
      ),
    ),
    loop(async () => {
      const burst = [];
      // A second account of the abuser's, so that the bursts do not lock the other attacks out.
      for (let i = 0; i < 30; i++) burst.push(socket('connection_bursts', burstToken, (ws) => setTimeout(() => ws.close(), 1000)));
      await Promise.all(burst);
    }),
  ]);
  console.log(JSON.stringify({ ...report, ...counts }));
}

async function drive() {
  const clients = Number(option('clients', 200));
  const rate = Number(option('rate', 200));
  const baselineSeconds = Number(option('baseline', 5));
  const floodSeconds = Number(option('flood', 15));
  const runId = Date.now().toString(36);
  const server = await startServer({ RATE_LIMIT_SIGN_IN: '100000', ACCESS_TOKEN_TTL: '3600' });
  const watchdog = setTimeout(() => void server.stop().then(() => process.exit(2)), 110_000);
  try {
    const api = async (method, path, body, token) => {
      const res = await fetch(server.url + path, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const signIn = async (name) => {
      const reply = await api('POST', '/api/v1/auth/dev', { email: `${name}-${runId}@example.test`, displayName: name });
      return { id: reply.user.id, token: reply.accessToken };
    };
    const users = [];
    for (let i = 0; i < clients; i++) users.push(await signIn(`normal${i}`));
    const rooms = [];
    for (let r = 0; r < clients / 2; r++) {
      rooms.push((await api('POST', '/api/v1/chat/rooms/direct', { partnerId: users[2 * r + 1].id }, users[2 * r].token)).id);
    }
    const abuser = await signIn('abuser');
    const accomplice = await signIn('accomplice');
    const abuserRoom = (await api('POST', '/api/v1/chat/rooms/direct', { partnerId: accomplice.id }, abuser.token)).id;

    // The normal clients.
    const wsUrl = `${server.url.replace(/^http/, 'ws')}/ws`;
    const sentAt = new Map();
    const senderOf = new Map();
    let phase = null;
    const latencies = { baseline: [], flood: [] };
    const health = { baseline: [], flood: [] };
    const errors = {};
    const conns = [];
    for (let c = 0; c < clients; c++) {
      conns.push(
        await openStomp({
          url: wsUrl,
          connectHeaders: { Authorization: `Bearer ${users[c].token}` },
          destination: `/sub/chat/rooms/${rooms[c >> 1]}`,
          handlers: {
            onMessage: (_headers, buffer, start, end) => {
              const k = /"body":"n(\d+)"/.exec(buffer.toString('utf8', start, end))?.[1];
              if (k === undefined || senderOf.get(k) === c || !sentAt.has(k)) return;
              const at = sentAt.get(k);
              sentAt.delete(k);
              latencies[at.phase]?.push(performance.now() - at.t);
            },
            onReceipt: () => undefined,
            onError: (message) => (errors[message] = (errors[message] ?? 0) + 1),
            onClose: (code) => (errors[`closed ${code}`] = (errors[`closed ${code}`] ?? 0) + 1),
          },
        }),
      );
    }

    let k = 0;
    const sender = setInterval(() => {
      if (!phase) return;
      for (let i = 0; i < rate / 100; i++) {
        const n = k++;
        const r = n % rooms.length;
        const c = 2 * r + (Math.floor(n / rooms.length) & 1);
        const key = String(n);
        sentAt.set(key, { t: performance.now(), phase });
        senderOf.set(key, c);
        const body = `{"clientId":"n${runId}x${n}","kind":"text","body":"n${n}"}`;
        conns[c].send(
          encodeFrame('SEND', { destination: `/pub/chat/rooms/${rooms[r]}/messages`, 'content-type': 'application/json' }, body),
        );
      }
    }, 10);
    let probing = true;
    const prober = (async () => {
      while (probing) {
        const t = performance.now();
        const ok = (await fetch(`${server.url}/health/live`)).status === 200;
        if (phase) health[phase].push(ok ? performance.now() - t : Infinity);
        await sleep(20);
      }
    })();

    phase = 'baseline';
    await sleep(baselineSeconds * 1000);
    const cpu0 = cpuSeconds(server.pid);
    phase = 'flood';
    const abuserRun = new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          fileURLToPath(import.meta.url),
          ...['--role', 'abuser', '--url', wsUrl, '--token', abuser.token, '--burst-token', accomplice.token],
          ...['--room', abuserRoom, '--seconds', String(floodSeconds)],
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`abuser exited ${code}`))));
    });
    const abuserReport = await abuserRun;
    const serverCpuPct = round(((cpuSeconds(server.pid) - cpu0) / floodSeconds) * 100, 0);
    phase = null;
    await sleep(1000); // late deliveries of the flood phase still count
    clearInterval(sender);
    probing = false;
    await prober;
    for (const conn of conns) conn.close();

    const summary = (list) => {
      const sorted = list.sort((a, b) => a - b);
      return {
        n: sorted.length,
        p50_ms: round(percentile(sorted, 50)),
        p99_ms: round(percentile(sorted, 99)),
        max_ms: round(sorted.at(-1) ?? NaN),
      };
    };
    const flood = summary(latencies.flood);
    const line = {
      bench: 'stomp-abuse',
      clients,
      rate_per_s: rate,
      baseline_s: baselineSeconds,
      flood_s: floodSeconds,
      delivery_baseline: summary(latencies.baseline),
      delivery_flood: flood,
      undelivered: sentAt.size,
      health_live_baseline: summary(health.baseline),
      health_live_flood: summary(health.flood),
      normal_client_errors: errors,
      abuser: abuserReport,
      server_cpu_pct_during_flood: serverCpuPct,
      loadavg: os.loadavg().map((n) => round(n, 2)),
      budget_p99_ms: 50,
      ok: flood.p99_ms < 50 && sentAt.size === 0 && Object.keys(errors).length === 0,
    };
    console.log(JSON.stringify(line));
    process.exitCode = line.ok ? 0 : 1;
  } finally {
    clearTimeout(watchdog);
    await server.stop();
  }
}
