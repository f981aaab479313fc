// A rolling restart under chat load, the production topology on loopback: Debian nginx with
// deploy/nginx.conf in front of two built server processes on MariaDB + Redis. 20 clients (10
// rooms) send 200 messages a second over STOMP through nginx with the web app's outbox and
// back-off, and REST reads run beside them; node 1 gets SIGTERM, drains, exits and comes back,
// then node 2. Budget: 0 lost, 0 duplicated, 0 HTTP 5xx, p99 delivery under 1 s during the restart.
//   TEST_DATABASE_URL=mysql://root@127.0.0.1:3306/studymate_test TEST_REDIS_URL=redis://127.0.0.1:6379 \
//     node --import tsx bench/rolling-restart.mjs
// Shares its parts with apps/server/test/deploy/rolling-restart.test.ts (which runs it smaller).
import { killAll, provisionReplicas } from '../apps/server/test/helpers/processes.ts';
import { until } from '../apps/server/test/helpers/wait.ts';
import { ChatLoad } from '../apps/server/test/deploy/chat-load.ts';
import { buildServer, startCluster } from '../apps/server/test/deploy/cluster.ts';
import { percentile, round } from './lib.mjs';

const PAIRS = Number(process.env.PAIRS ?? 10);
const PER_CLIENT = Number(process.env.PER_CLIENT ?? 10); // 20 clients x 10/s = 200 msg/s
const STEADY_MS = Number(process.env.STEADY_MS ?? 5000);

if (!process.env.TEST_DATABASE_URL || !process.env.TEST_REDIS_URL) {
  console.error('set TEST_DATABASE_URL and TEST_REDIS_URL (MariaDB/MySQL and Redis)');
  process.exit(2);
}
buildServer();
const children = [];
const replicas = await provisionReplicas({ TRUST_PROXY: 'true', RATE_LIMIT_MESSAGES: '100000' });
const cluster = await startCluster(replicas.env, children);
const load = new ChatLoad(cluster.nginx.url, cluster.nginx.ws);
let exitCode = 0;
try {
  await load.open(PAIRS);
  load.start(PER_CLIENT, 50, 16);
  await new Promise((r) => setTimeout(r, STEADY_MS));
  const windowStart = performance.now();
  const restarts = [];
  for (const i of [0, 1]) {
    restarts.push(await cluster.restart(i));
    await new Promise((r) => setTimeout(r, STEADY_MS));
  }
  const windowEnd = performance.now();
  load.stop();
  await until('every receipt', () => load.inFlight() === 0, 60_000);
  const seconds = (windowEnd - windowStart) / 1000;
  const f = await load.figures(windowStart, windowEnd);
  const sentInWindow = [...load.sent.values()].filter((s) => s.sentAt >= windowStart && s.sentAt <= windowEnd).length;
  const result = {
    bench: 'rolling-restart',
    clients: PAIRS * 2,
    offeredPerSecond: PAIRS * 2 * PER_CLIENT,
    sentPerSecondDuringRestart: round(sentInWindow / seconds, 1),
    sent: f.sent,
    receipted: f.acked,
    lost: f.lost,
    duplicated: f.duplicated,
    http: f.http,
    http5xx: f.http5xx,
    httpFailed: f.httpErrors,
    deliveryP50Ms: round(percentile(f.deliveryMs, 50), 1),
    deliveryP99Ms: round(percentile(f.deliveryMs, 99), 1),
    deliveryMaxMs: round(f.deliveryMs.at(-1) ?? NaN, 1),
    reconnects: f.reconnects,
    slowestReconnectMs: f.maxReconnectMs,
    restarts: restarts.map((r) => ({ exitCode: r.exitCode, drainMs: Math.round(r.stopMs), startMs: Math.round(r.startMs) })),
    errors: f.errors.slice(0, 5),
  };
  console.log(JSON.stringify(result));
  if (f.lost || f.duplicated || f.http5xx || f.httpErrors || !(result.deliveryP99Ms < 1000)) exitCode = 1;
} finally {
  await load.close();
  await cluster.close();
  await killAll(children);
  await replicas.drop();
}
process.exit(exitCode);
