import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const Bool = Type.Union([Type.Literal('true'), Type.Literal('false')]);
const Int = (min: number, max: number) => Type.String({ pattern: '^[0-9]+$', min, max });

/** Every environment variable STUDYMATE reads; README's configuration table mirrors this. */
export const EnvSchema = Type.Object({
  NODE_ENV: Type.Optional(Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')])),
  HOST: Type.Optional(Type.String()),
  PORT: Type.Optional(Int(0, 65535)),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[^/]+$' })),
  DATA_DIR: Type.Optional(Type.String({ minLength: 1 })),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^(mysql://|sqlite:|file:|/|\\.)' })),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  REDIS_PREFIX: Type.Optional(Type.String()),
  JWT_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  JWT_SECRET_PREVIOUS: Type.Optional(Type.String({ minLength: 32 })),
  ACCESS_TOKEN_TTL: Type.Optional(Int(30, 86400)),
  REFRESH_TOKEN_TTL: Type.Optional(Int(60, 31536000)),
  REFRESH_REUSE_GRACE_SECONDS: Type.Optional(Int(0, 300)),
  DEV_SIGN_IN: Type.Optional(Bool),
  ADMIN_EMAILS: Type.Optional(Type.String()),
  NAVER_CLIENT_ID: Type.Optional(Type.String({ minLength: 1 })),
  NAVER_CLIENT_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  NAVER_AUTH_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  NAVER_TOKEN_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  NAVER_PROFILE_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  GOOGLE_CLIENT_ID: Type.Optional(Type.String({ minLength: 1 })),
  GOOGLE_CLIENT_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  GOOGLE_ISSUER: Type.Optional(Type.String({ pattern: '^https?://' })),
  OAUTH_TIMEOUT_MS: Type.Optional(Int(100, 60000)),
  S3_BUCKET: Type.Optional(Type.String({ minLength: 3 })),
  S3_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
  S3_REGION: Type.Optional(Type.String()),
  S3_ACCESS_KEY_ID: Type.Optional(Type.String()),
  S3_SECRET_ACCESS_KEY: Type.Optional(Type.String()),
  S3_FORCE_PATH_STYLE: Type.Optional(Bool),
  TRANSLATION_API_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  TRANSLATION_API_KEY: Type.Optional(Type.String()),
  TRANSLATION_MODEL: Type.Optional(Type.String({ minLength: 1 })),
  TRANSLATION_TIMEOUT_MS: Type.Optional(Int(100, 120000)),
  /** An OpenAI-compatible moderation endpoint (POST /v1/moderations), asked after each text is stored; unset: word lists only. */
  MODERATION_API_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  MODERATION_API_KEY: Type.Optional(Type.String()),
  MODERATION_MODEL: Type.Optional(Type.String({ minLength: 1 })),
  STT_PROVIDERS: Type.Optional(Type.String({ pattern: '^(auto|(openai|pocketsphinx|client)(,(openai|pocketsphinx|client))*)$' })),
  STT_API_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  STT_API_KEY: Type.Optional(Type.String()),
  STT_MODEL: Type.Optional(Type.String({ minLength: 1 })),
  STT_TIMEOUT_MS: Type.Optional(Int(100, 600000)),
  STT_RETRIES: Type.Optional(Int(0, 10)),
  LEVEL_TEST_COOLDOWN_SECONDS: Type.Optional(Int(0, 31536000)),
  MATCH_REQUEST_TTL_SECONDS: Type.Optional(Int(1, 31536000)),
  MATCH_EFFECTS_SECONDS: Type.Optional(Int(1, 86400)),
  CHAT_TALLY_SECONDS: Type.Optional(Int(1, 3600)),
  TURN_URLS: Type.Optional(Type.String({ pattern: '^turns?:[^,\\s]+(,turns?:[^,\\s]+)*$' })),
  TURN_SECRET: Type.Optional(Type.String({ minLength: 16 })),
  TURN_TTL_SECONDS: Type.Optional(Int(60, 86400)),
  CALL_RING_SECONDS: Type.Optional(Int(1, 600)),
  CALL_RECONNECT_SECONDS: Type.Optional(Int(1, 600)),
  LEVEL_FEEDBACK_API_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  LEVEL_FEEDBACK_API_KEY: Type.Optional(Type.String()),
  LEVEL_FEEDBACK_MODEL: Type.Optional(Type.String({ minLength: 1 })),
  LEVEL_FEEDBACK_TIMEOUT_MS: Type.Optional(Int(100, 120000)),
  JOBS_POLL_MS: Type.Optional(Int(10, 60000)),
  JOBS_LEASE_MS: Type.Optional(Int(500, 3600000)),
  JOBS_MAX_ATTEMPTS: Type.Optional(Int(1, 100)),
  CORS_ORIGINS: Type.Optional(Type.String()),
  RATE_LIMIT_SIGN_IN: Type.Optional(Int(1, 100000)),
  RATE_LIMIT_REFRESH: Type.Optional(Int(1, 100000)),
  RATE_LIMIT_UPLOAD: Type.Optional(Int(1, 100000)),
  RATE_LIMIT_MESSAGES: Type.Optional(Int(1, 100000)),
  TRUST_PROXY: Type.Optional(Type.String({ pattern: '^[0-9A-Za-z.:/, ]+$' })),
  HTTP_REQUEST_TIMEOUT_MS: Type.Optional(Int(500, 3600000)),
  HTTP_HEADERS_TIMEOUT_MS: Type.Optional(Int(500, 600000)),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: Type.Optional(Int(1000, 600000)),
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16, pattern: '^[\\x21-\\x7e]+$' })),
  RATE_LIMIT_GROUPS_PER_DAY: Type.Optional(Int(1, 100000)),
  RATE_LIMIT_NEW_CONTACTS_PER_DAY: Type.Optional(Int(1, 100000)),
  LOG_LEVEL: Type.Optional(Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)))),
  WEB_DIST: Type.Optional(Type.String()),
});
export type Env = Static<typeof EnvSchema>;

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  publicUrl: string;
  dataDir: string;
  database: { kind: 'mysql'; url: string } | { kind: 'sqlite'; file: string };
  redis: { url: string; prefix: string } | null;
  /** Embedded mode: no MySQL and no Redis, everything under DATA_DIR. */
  embedded: boolean;
  auth: {
    jwtSecret: string;
    /** Still accepted for verification after a rotation, for one token lifetime. */
    jwtSecretPrevious: string | null;
    accessTokenTtl: number;
    refreshTokenTtl: number;
    refreshReuseGraceSeconds: number;
    devSignIn: boolean;
    adminEmails: string[];
    secureCookies: boolean;
  };
  oauth: {
    timeoutMs: number;
    naver: { clientId: string; clientSecret: string; authUrl: string; tokenUrl: string; profileUrl: string } | null;
    google: { clientId: string; clientSecret: string; issuer: string } | null;
  };
  storage:
    | {
        kind: 's3';
        bucket: string;
        endpoint?: string;
        region: string;
        accessKeyId?: string;
        secretAccessKey?: string;
        forcePathStyle: boolean;
      }
    | { kind: 'local'; dir: string };
  translation: { baseUrl: string; apiKey?: string; model: string; timeoutMs: number } | null;
  moderation: { baseUrl: string; apiKey?: string; model: string; timeoutMs: number } | null;
  /** Speech to text for the level test: providers in the order they are tried. */
  speech: {
    providers: ('openai' | 'pocketsphinx' | 'client')[] | 'auto';
    openai: { baseUrl: string; apiKey?: string; model: string } | null;
    timeoutMs: number;
    retries: number;
    /** Scratch files of recognition (DATA_DIR/tmp/speech), swept at start-up. */
    scratchDir: string;
  };
  levelTest: {
    cooldownSeconds: number;
    /** Optional chat-completions feedback on the answers; the level never depends on it. */
    feedback: { baseUrl: string; apiKey?: string; model: string; timeoutMs: number } | null;
  };
  /** How long a match request waits for an answer before it expires (the sender then sees "no answer"). */
  matching: { requestTtlSeconds: number; effectsEverySeconds: number };
  /** How often chat tells progress how many messages each person sent (chat/tally.ts). */
  chatTallySeconds: number;
  /** TURN REST credentials (coturn `use-auth-secret`); null: no relay, local and STUN-free candidates only. */
  turn: { urls: string[]; secret: string; ttlSeconds: number } | null;
  /** How long an instant call rings before it is missed, and how long a dropped participant has to come back. */
  calls: { ringSeconds: number; reconnectSeconds: number };
  jobs: { pollMs: number; leaseMs: number; maxAttempts: number };
  http: {
    corsOrigins: string[];
    /** Fastify's trustProxy: false, a number of proxy hops in front of us, or their addresses/CIDRs. */
    trustProxy: false | number | string[];
    /** The whole request (headers and body) must arrive within this; slow-drip bodies are cut with 408. */
    requestTimeoutMs: number;
    headersTimeoutMs: number;
    keepAliveTimeoutMs: number;
    /** Bearer token a Prometheus scraper sends to /metrics; without one, /metrics is off. */
    metricsToken: string | null;
    rateLimitSignIn: number;
    rateLimitRefresh: number;
    rateLimitUpload: number;
    rateLimitMessages: number;
    /** Group rooms one person may create per UTC day. */
    rateLimitGroupsPerDay: number;
    /** People one person may bring into a room per UTC day without sharing a room with them already (1:1 rooms, group members). */
    rateLimitNewContactsPerDay: number;
  };
  logLevel: string;
  webDist: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** apps/server, whether running from src/ (tests, tsx) or from the dist/ bundle. */
const serverRoot = path.resolve(here, '..');
const repoRoot = path.resolve(serverRoot, '../..');

/**
 * Reads the environment once, reports every bad variable at once, and fills embedded defaults so
 * that a bare machine runs STUDYMATE with nothing set.
 */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.properties)) {
    const v = source[key];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  const problems = [...Value.Errors(EnvSchema, raw)].map(
    (e) => `${e.path.slice(1)}: ${e.message}${e.value !== undefined ? ` (got "${String(e.value)}")` : ''}`,
  );
  for (const [key, schema] of Object.entries(EnvSchema.properties)) {
    const s = schema as { min?: number; max?: number };
    if (s.min !== undefined && raw[key] !== undefined && /^[0-9]+$/.test(raw[key])) {
      const n = Number(raw[key]);
      if (n < s.min || n > (s.max ?? Infinity)) problems.push(`${key}: must be between ${s.min} and ${s.max}`);
    }
  }
  const env = (raw.NODE_ENV ?? 'development') as Config['env'];
  const production = env === 'production';
  const dataDir = path.resolve(raw.DATA_DIR ?? path.join(repoRoot, 'data'));

  const database: Config['database'] = raw.DATABASE_URL?.startsWith('mysql://')
    ? { kind: 'mysql', url: raw.DATABASE_URL }
    : { kind: 'sqlite', file: path.resolve(dataDir, (raw.DATABASE_URL ?? 'studymate.db').replace(/^(sqlite:|file:)/, '')) };
  const embedded = database.kind === 'sqlite' && !raw.REDIS_URL;

  const devSignIn = raw.DEV_SIGN_IN ? raw.DEV_SIGN_IN === 'true' : embedded && !production;
  if (devSignIn && production) problems.push('DEV_SIGN_IN: dev sign-in is refused when NODE_ENV=production');
  if (production && !raw.JWT_SECRET) problems.push('JWT_SECRET: required when NODE_ENV=production (at least 32 characters)');
  if (production && database.kind === 'mysql' && !raw.REDIS_URL)
    problems.push('REDIS_URL: required with a MySQL database in production, so replicas share sessions and rate limits');
  if (!!raw.TURN_URLS !== !!raw.TURN_SECRET) problems.push('TURN_URLS / TURN_SECRET: set both or neither');
  if (!!raw.NAVER_CLIENT_ID !== !!raw.NAVER_CLIENT_SECRET) problems.push('NAVER_CLIENT_ID / NAVER_CLIENT_SECRET: set both or neither');
  if (!!raw.GOOGLE_CLIENT_ID !== !!raw.GOOGLE_CLIENT_SECRET) problems.push('GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET: set both or neither');
  if (raw.STT_PROVIDERS?.includes('openai') && !raw.STT_API_URL) problems.push('STT_PROVIDERS: lists openai but STT_API_URL is not set');
  const trustProxy = parseTrustProxy(raw.TRUST_PROXY, problems);
  const requestTimeoutMs = Number(raw.HTTP_REQUEST_TIMEOUT_MS ?? 120_000);
  const headersTimeoutMs = Number(raw.HTTP_HEADERS_TIMEOUT_MS ?? Math.min(15_000, requestTimeoutMs));
  if (headersTimeoutMs > requestTimeoutMs) problems.push('HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS');
  if (problems.length) throw new ConfigError(problems);

  const port = Number(raw.PORT ?? 8080);
  const publicUrl = raw.PUBLIC_URL ?? `http://localhost:${port}`;
  return {
    env,
    host: raw.HOST ?? '0.0.0.0',
    port,
    publicUrl,
    dataDir,
    database,
    redis: raw.REDIS_URL ? { url: raw.REDIS_URL, prefix: raw.REDIS_PREFIX ?? 'studymate:' } : null,
    embedded,
    auth: {
      jwtSecret: raw.JWT_SECRET ?? embeddedSecret(dataDir),
      jwtSecretPrevious: raw.JWT_SECRET_PREVIOUS ?? null,
      accessTokenTtl: Number(raw.ACCESS_TOKEN_TTL ?? 900),
      refreshTokenTtl: Number(raw.REFRESH_TOKEN_TTL ?? 30 * 24 * 3600),
      refreshReuseGraceSeconds: Number(raw.REFRESH_REUSE_GRACE_SECONDS ?? 15),
      devSignIn,
      adminEmails: (raw.ADMIN_EMAILS ?? '')
        .split(',')
        .map((e) => e.trim().toLowerCase())
        .filter(Boolean),
      secureCookies: publicUrl.startsWith('https://'),
    },
    oauth: {
      timeoutMs: Number(raw.OAUTH_TIMEOUT_MS ?? 5000),
      naver: raw.NAVER_CLIENT_ID
        ? {
            clientId: raw.NAVER_CLIENT_ID,
            clientSecret: raw.NAVER_CLIENT_SECRET!,
            authUrl: raw.NAVER_AUTH_URL ?? 'https://nid.naver.com/oauth2.0/authorize',
            tokenUrl: raw.NAVER_TOKEN_URL ?? 'https://nid.naver.com/oauth2.0/token',
            profileUrl: raw.NAVER_PROFILE_URL ?? 'https://openapi.naver.com/v1/nid/me',
          }
        : null,
      google: raw.GOOGLE_CLIENT_ID
        ? {
            clientId: raw.GOOGLE_CLIENT_ID,
            clientSecret: raw.GOOGLE_CLIENT_SECRET!,
            issuer: raw.GOOGLE_ISSUER ?? 'https://accounts.google.com',
          }
        : null,
    },
    storage: raw.S3_BUCKET
      ? {
          kind: 's3',
          bucket: raw.S3_BUCKET,
          endpoint: raw.S3_ENDPOINT,
          region: raw.S3_REGION ?? 'us-east-1',
          accessKeyId: raw.S3_ACCESS_KEY_ID,
          secretAccessKey: raw.S3_SECRET_ACCESS_KEY,
          forcePathStyle: (raw.S3_FORCE_PATH_STYLE ?? 'true') === 'true',
        }
      : { kind: 'local', dir: path.join(dataDir, 'uploads') },
    http: {
      corsOrigins: (raw.CORS_ORIGINS ?? publicUrl)
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
      trustProxy,
      requestTimeoutMs,
      headersTimeoutMs,
      keepAliveTimeoutMs: Number(raw.HTTP_KEEP_ALIVE_TIMEOUT_MS ?? 72_000),
      metricsToken: raw.METRICS_TOKEN ?? null,
      rateLimitSignIn: Number(raw.RATE_LIMIT_SIGN_IN ?? 10),
      rateLimitRefresh: Number(raw.RATE_LIMIT_REFRESH ?? 120),
      rateLimitUpload: Number(raw.RATE_LIMIT_UPLOAD ?? 20),
      rateLimitMessages: Number(raw.RATE_LIMIT_MESSAGES ?? 120),
      rateLimitGroupsPerDay: Number(raw.RATE_LIMIT_GROUPS_PER_DAY ?? 10),
      rateLimitNewContactsPerDay: Number(raw.RATE_LIMIT_NEW_CONTACTS_PER_DAY ?? 20),
    },
    translation: raw.TRANSLATION_API_URL
      ? {
          baseUrl: raw.TRANSLATION_API_URL,
          apiKey: raw.TRANSLATION_API_KEY,
          model: raw.TRANSLATION_MODEL ?? 'gpt-4o-mini',
          timeoutMs: Number(raw.TRANSLATION_TIMEOUT_MS ?? 10_000),
        }
      : null,
    moderation: raw.MODERATION_API_URL
      ? {
          baseUrl: raw.MODERATION_API_URL,
          apiKey: raw.MODERATION_API_KEY,
          model: raw.MODERATION_MODEL ?? 'omni-moderation-latest',
          timeoutMs: 5_000,
        }
      : null,
    speech: {
      providers:
        !raw.STT_PROVIDERS || raw.STT_PROVIDERS === 'auto' ? 'auto' : (raw.STT_PROVIDERS.split(',') as Config['speech']['providers']),
      openai: raw.STT_API_URL ? { baseUrl: raw.STT_API_URL, apiKey: raw.STT_API_KEY, model: raw.STT_MODEL ?? 'whisper-1' } : null,
      timeoutMs: Number(raw.STT_TIMEOUT_MS ?? 60_000),
      retries: Number(raw.STT_RETRIES ?? 2),
      scratchDir: path.join(dataDir, 'tmp', 'speech'),
    },
    levelTest: {
      cooldownSeconds: Number(raw.LEVEL_TEST_COOLDOWN_SECONDS ?? 24 * 3600),
      feedback: raw.LEVEL_FEEDBACK_API_URL
        ? {
            baseUrl: raw.LEVEL_FEEDBACK_API_URL,
            apiKey: raw.LEVEL_FEEDBACK_API_KEY,
            model: raw.LEVEL_FEEDBACK_MODEL ?? 'gpt-4o-mini',
            timeoutMs: Number(raw.LEVEL_FEEDBACK_TIMEOUT_MS ?? 15_000),
          }
        : null,
    },
    // Decision effects are refitted every 10 minutes: a day's new decisions move them within the hour.
    matching: {
      requestTtlSeconds: Number(raw.MATCH_REQUEST_TTL_SECONDS ?? 7 * 24 * 3600),
      effectsEverySeconds: Number(raw.MATCH_EFFECTS_SECONDS ?? 600),
    },
    chatTallySeconds: Number(raw.CHAT_TALLY_SECONDS ?? 60),
    turn:
      raw.TURN_URLS && raw.TURN_SECRET
        ? { urls: raw.TURN_URLS.split(','), secret: raw.TURN_SECRET, ttlSeconds: Number(raw.TURN_TTL_SECONDS ?? 3600) }
        : null,
    calls: { ringSeconds: Number(raw.CALL_RING_SECONDS ?? 30), reconnectSeconds: Number(raw.CALL_RECONNECT_SECONDS ?? 30) },
    jobs: {
      pollMs: Number(raw.JOBS_POLL_MS ?? 250),
      leaseMs: Number(raw.JOBS_LEASE_MS ?? 60_000),
      maxAttempts: Number(raw.JOBS_MAX_ATTEMPTS ?? 5),
    },
    logLevel: raw.LOG_LEVEL ?? (env === 'test' ? 'silent' : 'info'),
    webDist: path.resolve(raw.WEB_DIST ?? path.join(repoRoot, 'apps/web/dist')),
  };
}

/**
 * TRUST_PROXY says whom to believe about the client's address in X-Forwarded-For. Each proxy
 * appends the address it saw, so only entries written by our own proxies count, read from the
 * right; the left-most entry is whatever the client sent. `true` means one hop (one load balancer
 * in front, as in deploy/): a wrong count then yields the proxy's address, never a client-chosen one.
 */
function parseTrustProxy(value: string | undefined, problems: string[]): Config['http']['trustProxy'] {
  if (value === undefined || value === 'false' || value === '0') return false;
  if (value === 'true') return 1;
  if (/^[0-9]+$/.test(value)) {
    const hops = Number(value);
    if (hops > 10) problems.push('TRUST_PROXY: at most 10 proxy hops');
    return hops;
  }
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const named = new Set(['loopback', 'linklocal', 'uniquelocal']);
  const bad = entries.filter((e) => {
    if (named.has(e)) return false;
    const [address, bits, extra] = e.split('/');
    const family = isIP(address ?? '');
    if (!family || extra !== undefined) return true;
    return bits !== undefined && !(/^[0-9]+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
  });
  if (bad.length || !entries.length)
    problems.push(`TRUST_PROXY: false, true, a number of hops, or proxy addresses/CIDRs (bad: ${bad.join(', ') || value})`);
  return entries;
}

/** Embedded mode keeps a generated signing key under DATA_DIR so sessions survive a restart. */
function embeddedSecret(dataDir: string): string {
  const file = path.join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** The part of the configuration the browser may see. */
export function publicConfig(config: Config) {
  return {
    providers: { naver: !!config.oauth.naver, google: !!config.oauth.google },
    devSignIn: config.auth.devSignIn,
    version: process.env.npm_package_version ?? '0.1.0',
    features: { translation: !!config.translation },
  };
}
