import { existsSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyCors from '@fastify/cors';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { ERROR_STATUS, type ErrorCode } from '@studymate/contracts';
import { publicConfig, type Config } from './config.js';
import type { Database } from './database.js';
import { migrations } from './migrations/index.js';
import { installGuard } from './platform/auth/guard.js';
import { endedCovers, SessionRevocations } from './platform/auth/revocation.js';
import { SignedLinks } from './platform/auth/signed-links.js';
import { AccessTokens } from './platform/auth/tokens.js';
import { InProcessBus, RedisBus, type Bus } from './platform/bus/bus.js';
import { MemoryCache, RedisCache, type Cache } from './platform/cache/cache.js';
import { openDatabase, pingDatabase } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrate.js';
import { AppError, installErrorHandler } from './platform/http/errors.js';
import { installRequestValues, requestValueKeywords } from './platform/http/request-values.js';
import { installSecurityHeaders, securityHeaders } from './platform/http/security-headers.js';
import { MAX_UPLOAD_BYTES } from './platform/http/sniff.js';
import { installHealth } from './platform/observability/health.js';
import { loggerOptions } from './platform/observability/logger.js';
import { installMetrics } from './platform/observability/metrics.js';
import { LocalStorage, S3Storage, type Storage } from './platform/storage/storage.js';
import { createRealtimeGateway, type RealtimeGateway } from './platform/realtime/gateway.js';
import { installRealtimeDocs } from './platform/realtime/docs.js';
import { MemoryPresence, RedisPresence } from './platform/realtime/presence.js';
import { DomainEvents as DomainEventBus } from './platform/events/domain-events.js';
import { JobRunner, type JobsTables } from './platform/jobs/jobs.js';
import { authModule } from './modules/auth/module.js';
import { callsModule } from './modules/calls/module.js';
import { chatModule } from './modules/chat/module.js';
import { levelTestModule } from './modules/level-test/module.js';
import { matchingModule } from './modules/matching/module.js';
import type { DomainEvents } from './modules/events.js';
import { ownTables, type ModuleContext } from './modules/module-context.js';
import { notificationsModule } from './modules/notifications/module.js';
import { progressModule } from './modules/progress/module.js';
import { profileModule } from './modules/profile/module.js';
import { sessionsModule } from './modules/sessions/module.js';
import { usersModule } from './modules/users/module.js';
import { safetyModule } from './modules/safety/module.js';
import { sweepScratch } from './platform/speech/scratch.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The STOMP gateway on this server, for modules wired later and for tests. */
    realtime: RealtimeGateway;
    /** The domain events, for subscribers wired later and for tests that check a fact was stated. */
    events: DomainEvents;
  }
}

export interface Platform {
  db: Kysely<Database>;
  redis: Redis | null;
  cache: Cache;
  bus: Bus;
  storage: Storage;
}

/** Chooses each adapter once, from the configuration: embedded or production. */
export async function createPlatform(config: Config): Promise<Platform> {
  const db = await openDatabase<Database>(config.database);
  // Drivers of production backends load only when configured: the embedded mode starts faster.
  const redis = config.redis
    ? new (await import('ioredis')).Redis(config.redis.url, { maxRetriesPerRequest: 2, lazyConnect: false })
    : null;
  // Without a listener ioredis reports every failed reconnect as an "Unhandled error event"; buildApp logs them.
  redis?.on('error', () => undefined);
  const cache = redis ? new RedisCache(redis, config.redis!.prefix) : new MemoryCache();
  const bus = redis ? RedisBus.over(redis, config.redis!.prefix) : new InProcessBus();
  const storage = config.storage.kind === 's3' ? new S3Storage(config.storage) : new LocalStorage(config.storage.dir);
  return { db, redis, cache, bus, storage };
}

export async function buildApp(config: Config, given?: Platform): Promise<FastifyInstance> {
  const platform = given ?? (await createPlatform(config));
  const app = Fastify({
    ...loggerOptions(config.logLevel),
    ...httpOptions(config.http),
    bodyLimit: 1024 * 1024,
    forceCloseConnections: true,
    ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: 'array' }, plugins: [requestValueKeywords] },
  });
  const { db, redis, cache, bus } = platform;
  // While Redis is away, requests that need it answer 503 and /health/ready says so; the log says why, at most every 10 s.
  let redisWarnedAt = 0;
  redis?.on('error', (error) => {
    if (Date.now() - redisWarnedAt < 10_000) return;
    redisWarnedAt = Date.now();
    app.log.warn({ err: error }, 'redis connection error');
  });
  app.addHook('onClose', async () => {
    await bus.close();
    await cache.close();
    await db.destroy();
    redis?.disconnect();
  });

  await migrateToLatest(db, migrations);
  // Echo the request id so a person reporting a problem can quote the line in our logs.
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // Platform plugins first, then modules.
  installErrorHandler(app);
  installRequestValues(app);
  installSecurityHeaders(app, securityHeaders(config.publicUrl));
  await app.register(fastifyCors, { origin: config.http.corsOrigins, credentials: true });
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    global: false,
    ...(redis ? { redis, nameSpace: `${config.redis!.prefix}ratelimit:` } : {}),
    errorResponseBuilder: (_request, context) =>
      new AppError('RATE_LIMITED', `Too many requests; try again in ${Math.ceil(context.ttl / 1000)} s.`),
  });
  await app.register(fastifyMultipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10 } });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'STUDYMATE API',
        version: publicConfig(config).version,
        description: 'Language exchange: sign-in, profile, onboarding.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearerAuth: [] }],
    },
  });
  // The documentation pages are public; everything else under /api/ is authenticated.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/docs')) route.config = { ...(route.config as object), public: true };
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', uiConfig: { deepLinking: true } });

  const tokens = new AccessTokens(config.auth.jwtSecret, config.auth.accessTokenTtl, config.auth.jwtSecretPrevious ?? undefined);
  // Signing out and deleting an account end access tokens at once, on HTTP and at CONNECT, on every node.
  const revocations = new SessionRevocations(tokens, cache, bus, app.log);
  // Not awaited: with Redis unreachable at start-up the subscription would hold the boot up; until it is live, every check reads the cache.
  void revocations.start();
  installGuard(app, revocations);
  const registry = installMetrics(app, { token: config.http.metricsToken });
  const readiness = installHealth(app, {
    database: () => pingDatabase(db),
    redis: redis ? async () => void (await redis.ping()) : null,
  });

  // STOMP over WebSocket at /ws, fanned out to every node through the bus.
  const realtime = createRealtimeGateway({
    tokens: revocations,
    bus,
    registry,
    logger: app.log,
    presence: redis ? new RedisPresence(redis, config.redis!.prefix) : new MemoryPresence(),
    // Per-user SEND budgets count over every node when there are several (Redis).
    ...(redis ? { counter: cache } : {}),
  });
  realtime.attach(app.server);
  revocations.onEnded((ended) =>
    realtime.endSessions(
      (principal) => endedCovers(ended, principal),
      ended.reason && ended.reason.code in ERROR_STATUS
        ? new AppError(ended.reason.code as ErrorCode, ended.reason.message, ended.reason.details)
        : new AppError('SESSION_ENDED', 'This session was ended (signed out or account deleted); sign in again.'),
    ),
  );
  app.decorate('realtime', realtime);
  installRealtimeDocs(app);
  // preClose runs before onClose closes the bus: sockets get 1012 and clients reconnect elsewhere.
  app.addHook('preClose', async () => realtime.close());
  // Scratch files a crashed node left mid-recognition go before any job can start another.
  const swept = await sweepScratch(config.speech.scratchDir);
  if (swept) app.log.info({ swept }, 'removed speech scratch files left by a stopped node');
  // Durable background jobs kept in the database (level-test scoring, later reminders).
  const jobs = new JobRunner(ownTables<JobsTables>(db), { ...config.jobs, log: app.log });

  // The modules, in dependency order; each wires its own service, routes, destinations and participant.
  const events: DomainEvents = new DomainEventBus(jobs);
  app.decorate('events', events);
  const links = new SignedLinks(config.auth.jwtSecret, config.auth.jwtSecretPrevious);
  const context: ModuleContext = { ...platform, app, config, tokens, revocations, links, realtime, jobs, events, readiness };
  const users = usersModule(context);
  const profile = profileModule(context, { users });
  const auth = authModule(context, { users, profile });
  const notifications = notificationsModule(context, { users });
  // Chat asks matching whether a pair may talk (blocks, unmatches) and safety whether the recipient
  // accepts them (privacy, sanctions); matching opens rooms through chat, and safety copies chat's
  // messages as evidence: the questions reach the modules wired below once they exist.
  const chat = chatModule(context, {
    users,
    profile,
    notifications,
    contacts: {
      async contact(a, b) {
        const state = await matching.contact(a, b);
        return state === 'open' && !(await safety.mayMessage(a, b)) ? 'read-only' : state;
      },
      blockedWith: (userId) => matching.blockedWith(userId),
    },
    screen: (senderId, roomId, text) => screening.screenMessage(senderId, roomId, text),
    roomName: {
      screen: async (ownerId, roomId, name) => void (await screening.screenText(ownerId, 'name', name, roomId)),
      shown: (name) => screening.mask(name),
    },
    presenceShown: (userId) => safety.presenceShown(userId),
  });
  const matching = matchingModule(context, {
    users,
    profile,
    chat,
    notifications,
    visibility: {
      hiddenFromDiscovery: (viewerId, ids) => safety.hiddenFromDiscovery(viewerId, ids),
      hiddenProfiles: (viewerId, ids, mates) => safety.hiddenProfiles(viewerId, ids, mates),
      citiesHidden: (ids) => safety.citiesHidden(ids),
      agesHidden: (ids) => safety.agesHidden(ids),
      masked: (text) => screening.maskedWhenShown(text),
      maskName: (name) => screening.mask(name),
    },
    presenceShown: (userId) => safety.presenceShown(userId),
  });
  const { safety, screening } = safetyModule(context, {
    users,
    profile,
    auth,
    chat,
    matching,
    // Calls are wired below (they need sessions); the figures ask them only when an administrator looks.
    calls: { completedPerDay: (since) => calls.completedPerDay(since) },
    // Warnings and report outcomes are system notifications, stored and pushed in the person's language.
    notify: (userId, note) => notifications.send({ userId, category: 'system', ...note }),
  });
  levelTestModule(context, { users, profile });
  const sessions = sessionsModule(context, { users, profile, matching, notifications });
  progressModule(context, { users, profile, matching, notifications, sessions });
  // Calls ring only between mates (matching); a booked session's two people may join its call while it is on (sessions).
  const calls = callsModule(context, { users, profile, chat, notifications, mates: matching, sessions });

  app.addHook('onReady', async () => jobs.start());
  // Runs before the database closes (onClose hooks registered earlier run later), so stopped jobs are handed back.
  app.addHook('onClose', async () => jobs.stop());

  await serveWebApp(app, config.webDist);
  return app;
}

/**
 * Who the client is (TRUST_PROXY), and how long a request may take to arrive. A body trickled a byte at a time once held a connection (and its buffers) for ever. Node cuts a
 * request whose headers or whole body have not arrived in time with 408; it checks its open
 * requests on an interval (30 s by default), which we shorten so the limits hold to within a quarter.
 */
function httpOptions(http: Config['http']) {
  const { requestTimeoutMs, headersTimeoutMs, keepAliveTimeoutMs } = http;
  const connectionsCheckingInterval = Math.min(5000, Math.max(100, Math.floor(headersTimeoutMs / 4)));
  const { trustProxy } = http;
  return {
    // A number of hops: trust that many addresses from the socket leftwards (Fastify's own reading of a number).
    trustProxy: typeof trustProxy === 'number' ? (_address: string, hop: number) => hop < trustProxy : trustProxy,
    requestTimeout: requestTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
    http: { requestTimeout: requestTimeoutMs, headersTimeout: headersTimeoutMs, connectionsCheckingInterval },
  };
}

/** The built web app at `/`; client-side routes fall back to index.html. */
async function serveWebApp(app: FastifyInstance, webDist: string) {
  const index = path.join(webDist, 'index.html');
  const built = existsSync(index);
  // The web app's files are public; the guard denies every route not marked so. @fastify/static
  // registers one route per file and names the folder it serves in the route's config.
  app.addHook('onRoute', (route) => {
    const root = (route.config as { rootPath?: unknown } | undefined)?.rootPath;
    if (typeof root === 'string' && path.resolve(root) === path.resolve(webDist)) route.config = { ...route.config, public: true };
  });
  if (built)
    await app.register(fastifyStatic, {
      root: webDist,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
      // The build writes .br and .gz twins (apps/web/vite.config.ts); sent as they are.
      preCompressed: true,
      // Hashed names under assets/ never change content: cached for a year. Everything else
      // (index.html above all) is checked each time, so a deploy reaches people at once.
      setHeaders: (res, file) =>
        res.header(
          'cache-control',
          path.relative(webDist, file).startsWith(`assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        ),
    });
  app.setNotFoundHandler((request, reply) => {
    const url = request.url.split('?')[0]!;
    const pageRoute = request.method === 'GET' && !url.startsWith('/api/') && !url.startsWith('/health') && !path.extname(url);
    if (pageRoute && built) return reply.header('cache-control', 'no-cache').sendFile('index.html');
    if (pageRoute)
      return reply.type('text/plain; charset=utf-8').send('STUDYMATE API is running. Run `npm run build` to serve the web app here.');
    return reply.status(404).send({ error: { code: 'NOT_FOUND', message: `No route ${request.method} ${url}` } });
  });
}
