import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { buildApp, createPlatform } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { migrations } from './migrations/index.js';
import { migrateToLatest } from './platform/db/migrate.js';
import { ownTables } from './modules/module-context.js';
import type { ProgressTables } from './modules/progress/repository.js';
import { rebuildRollups } from './modules/progress/service.js';

/** How long a stopping node may take to drain; deploy/ gives it more (compose 15 s, Kubernetes 25 s). */
const SHUTDOWN_GRACE_MS = 10_000;

async function main() {
  const startedAt = performance.now();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }

  if (process.argv[2] === 'migrate') {
    const platform = await createPlatform(config);
    const applied = await migrateToLatest(platform.db, migrations);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    await platform.db.destroy();
    platform.redis?.disconnect();
    return;
  }

  if (process.argv[2] === 'progress:rebuild') {
    const platform = await createPlatform(config);
    await migrateToLatest(platform.db, migrations);
    const rebuilt = await rebuildRollups(ownTables<ProgressTables>(platform.db));
    console.log(`progress: ${rebuilt.days} daily roll-ups recomputed from ${rebuilt.entries} ledger entries`);
    // The bus's subscriber connection too, or the process would stay up.
    await platform.bus.close();
    await platform.cache.close();
    await platform.db.destroy();
    platform.redis?.disconnect();
    return;
  }

  const app = await buildApp(config);
  await app.listen({ host: config.host, port: config.port });
  app.log.info(
    {
      url: config.publicUrl,
      database: config.database.kind,
      redis: !!config.redis,
      storage: config.storage.kind,
      readyMs: Math.round(performance.now() - startedAt),
    },
    'STUDYMATE is ready',
  );
  if (!process.env.STUDYMATE_QUIET) {
    const [first, ...others] = reachableUrls(config, app.server.address());
    console.log(`STUDYMATE is running at ${first}`);
    for (const url of others) console.log(`  also at ${url} (Naver and Google sign-in return to ${config.publicUrl})`);
  }

  // Requests in flight, so a shutdown can wait for them before it closes anything.
  let inFlight = 0;
  let drained: (() => void) | null = null;
  app.server.on('request', (_request, response) => {
    inFlight++;
    response.once('close', () => {
      if (--inFlight === 0) drained?.();
    });
  });

  // A rolling restart must lose nothing: first stop accepting connections (the load balancer's
  // next connect is refused and goes to another node, where Fastify's own close would answer 503),
  // let the requests in flight finish, and only then close: STOMP clients get 1012 and reconnect
  // elsewhere, running jobs are handed back, the database closes. Give up after SHUTDOWN_GRACE_MS;
  // the stop grace in deploy/ (compose, Kubernetes) is longer.
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal, inFlight }, 'shutting down');
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
    app.server.close();
    const requestsDone = inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (drained = resolve));
    requestsDone
      .then(() => app.close())
      .then(
        () => process.exit(0),
        (error) => {
          app.log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/**
 * The addresses that load the web app. With an http PUBLIC_URL and a wildcard HOST, the machine's
 * LAN addresses work too (phones on the same network); with an https PUBLIC_URL only that one does,
 * because the pages ask the browser to upgrade every request to https.
 */
function reachableUrls(config: Config, address: AddressInfo | string | null): string[] {
  const urls = [config.publicUrl];
  const port = typeof address === 'object' && address ? address.port : config.port;
  if (config.publicUrl.startsWith('https://') || !['0.0.0.0', '::'].includes(config.host)) return urls;
  const lan = Object.values(networkInterfaces())
    .flat()
    .filter((i) => i && i.family === 'IPv4' && !i.internal)
    .map((i) => `http://${i!.address}:${port}`);
  return [...new Set([...urls, ...lan])];
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
