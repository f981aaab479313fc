import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { buildApp, createPlatform } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { migrations } from './migrations/index.js';
import { migrateToLatest } from './platform/db/migrate.js';

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

  // Finish requests in flight, then close the database; give up after 10 s.
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(1), 10_000).unref();
    app.close().then(
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
