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
import { publicConfig, type Config } from './config.js';
import type { Database } from './database.js';
import { migrations } from './migrations/index.js';
import { googleClient, naverClient } from './platform/auth/oauth.js';
import { installGuard } from './platform/auth/guard.js';
import { AccessTokens } from './platform/auth/tokens.js';
import { InProcessBus, RedisBus, type Bus } from './platform/bus/bus.js';
import { MemoryCache, RedisCache, type Cache } from './platform/cache/cache.js';
import { openDatabase, pingDatabase } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrate.js';
import { AppError, installErrorHandler } from './platform/http/errors.js';
import { installSecurityHeaders } from './platform/http/security-headers.js';
import { MAX_UPLOAD_BYTES } from './platform/http/sniff.js';
import { installHealth } from './platform/observability/health.js';
import { loggerOptions } from './platform/observability/logger.js';
import { installMetrics } from './platform/observability/metrics.js';
import { LocalStorage, S3Storage, type Storage } from './platform/storage/storage.js';
import type { AuthTables } from './modules/auth/repository.js';
import type { ProfileTables } from './modules/profile/repository.js';
import type { UsersTables } from './modules/users/repository.js';
import { authRoutes } from './modules/auth/routes.js';
import { createAuthService } from './modules/auth/service.js';
import { profileRoutes } from './modules/profile/routes.js';
import { createProfileService } from './modules/profile/service.js';
import type { ChatTables } from './modules/chat/repository.js';
import { chatRoutes } from './modules/chat/routes.js';
import { chatDestinations } from './modules/chat/destinations.js';
import { createChatService } from './modules/chat/service.js';
import { createRealtimeGateway, type RealtimeGateway } from './platform/realtime/gateway.js';
import { installRealtimeDocs } from './platform/realtime/docs.js';
import { MemoryPresence, RedisPresence } from './platform/realtime/presence.js';
import { openAiCompatibleTranslator } from './platform/translation/translator.js';
import { usersRoutes } from './modules/users/routes.js';
import { createUsersService } from './modules/users/service.js';
import { JobRunner, type JobsTables } from './platform/jobs/jobs.js';
import { openAiFeedbackProvider } from './platform/speech/feedback.js';
import { chooseTranscribers } from './platform/speech/transcriber.js';
import type { LevelTestTables } from './modules/level-test/repository.js';
import { levelTestRoutes } from './modules/level-test/routes.js';
import { createLevelTestService } from './modules/level-test/service.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The STOMP gateway on this server, for modules wired later and for tests. */
    realtime: RealtimeGateway;
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
  const cache = redis ? new RedisCache(redis, config.redis!.prefix) : new MemoryCache();
  const bus = redis ? RedisBus.over(redis, config.redis!.prefix) : new InProcessBus();
  const storage = config.storage.kind === 's3' ? new S3Storage(config.storage) : new LocalStorage(config.storage.dir);
  return { db, redis, cache, bus, storage };
}

export async function buildApp(config: Config, given?: Platform): Promise<FastifyInstance> {
  const platform = given ?? (await createPlatform(config));
  const app = Fastify({
    ...loggerOptions(config.logLevel),
    trustProxy: config.http.trustProxy,
    bodyLimit: 1024 * 1024,
    forceCloseConnections: true,
    ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: 'array' } },
  });
  const { db, redis, cache, bus, storage } = platform;
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
  installSecurityHeaders(app, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
      },
    },
    // Naver and Google redirect back with a top-level navigation; strict COOP is fine for that.
    crossOriginEmbedderPolicy: false,
  });
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
  installGuard(app, tokens);
  const registry = installMetrics(app);
  installHealth(app, {
    database: () => pingDatabase(db),
    redis: redis ? async () => void (await redis.ping()) : null,
  });

  // Each module is handed a view of the database that shows only the tables it owns.
  const own = <Tables>() => db as unknown as Kysely<Tables>;
  const users = createUsersService({ db: own<UsersTables>(), adminEmails: config.auth.adminEmails });
  const profile = createProfileService({ db: own<ProfileTables>(), users, storage, cache });
  const auth = createAuthService({
    db: own<AuthTables>(),
    cache,
    users,
    profile,
    tokens,
    refreshTtlSeconds: config.auth.refreshTokenTtl,
    reuseGraceSeconds: config.auth.refreshReuseGraceSeconds,
    providers: {
      ...(config.oauth.naver ? { naver: naverClient(config.oauth.naver, config.oauth.timeoutMs) } : {}),
      ...(config.oauth.google ? { google: googleClient(config.oauth.google, config.oauth.timeoutMs) } : {}),
    },
    redirectUri: (provider) => `${config.publicUrl}/api/v1/auth/${provider}/callback`,
  });
  // STOMP over WebSocket at /ws, fanned out to every node through the bus.
  const realtime = createRealtimeGateway({
    tokens,
    bus,
    registry,
    logger: app.log,
    presence: redis ? new RedisPresence(redis, config.redis!.prefix) : new MemoryPresence(),
  });
  realtime.attach(app.server);
  app.decorate('realtime', realtime);
  installRealtimeDocs(app);
  // preClose runs before onClose closes the bus: sockets get 1012 and clients reconnect elsewhere.
  app.addHook('preClose', async () => realtime.close());

  const chat = createChatService({
    db: own<ChatTables>(),
    users,
    profile,
    storage,
    bus,
    broadcaster: {
      toRoom: (roomId, event) => realtime.publish('/sub/chat/rooms/{roomId}', { roomId }, event),
      toUser: (userId, notification) => realtime.sendToUser(userId, 'notifications', notification),
    },
    translator: config.translation ? openAiCompatibleTranslator(config.translation) : null,
    presence: (userId) => realtime.presence(userId),
  });
  users.addParticipant(profile.participant);
  users.addParticipant(auth.participant);
  users.addParticipant(chat.participant);

  authRoutes(app, auth, {
    devSignIn: config.auth.devSignIn,
    secureCookies: config.auth.secureCookies,
    refreshTtlSeconds: config.auth.refreshTokenTtl,
    signInsPerMinute: config.http.rateLimitSignIn,
    refreshesPerMinute: config.http.rateLimitRefresh,
    publicConfig: publicConfig(config),
  });
  usersRoutes(app, users);
  profileRoutes(app, profile, { uploadsPerMinute: config.http.rateLimitUpload });
  chatDestinations(realtime, chat);
  chatRoutes(app, chat, { uploadsPerMinute: config.http.rateLimitUpload, messagesPerMinute: config.http.rateLimitMessages });

  // The level test scores in durable jobs kept in the database; speech-to-text is chosen once here.
  const jobs = new JobRunner(own<JobsTables>(), { ...config.jobs, log: app.log });
  const levelTest = createLevelTestService({
    db: own<LevelTestTables>(),
    storage,
    profile,
    jobs,
    transcribers: chooseTranscribers(config.speech),
    cooldownSeconds: config.levelTest.cooldownSeconds,
    feedback: config.levelTest.feedback ? openAiFeedbackProvider(config.levelTest.feedback) : null,
    log: app.log,
  });
  users.addParticipant(levelTest.participant);
  levelTestRoutes(app, levelTest, { uploadsPerMinute: config.http.rateLimitUpload });
  app.addHook('onReady', async () => jobs.start());
  // Runs before the database closes (onClose hooks registered earlier run later), so stopped jobs are handed back.
  app.addHook('onClose', async () => jobs.stop());

  await serveWebApp(app, config.webDist);
  return app;
}

/** The built web app at `/`; client-side routes fall back to index.html. */
async function serveWebApp(app: FastifyInstance, webDist: string) {
  const index = path.join(webDist, 'index.html');
  const built = existsSync(index);
  if (built) await app.register(fastifyStatic, { root: webDist, prefix: '/', wildcard: false, index: ['index.html'] });
  app.setNotFoundHandler((request, reply) => {
    const url = request.url.split('?')[0]!;
    const pageRoute = request.method === 'GET' && !url.startsWith('/api/') && !url.startsWith('/health') && !path.extname(url);
    if (pageRoute && built) return reply.header('cache-control', 'no-cache').sendFile('index.html');
    if (pageRoute)
      return reply.type('text/plain; charset=utf-8').send('STUDYMATE API is running. Run `npm run build` to serve the web app here.');
    return reply.status(404).send({ error: { code: 'NOT_FOUND', message: `No route ${request.method} ${url}` } });
  });
}
