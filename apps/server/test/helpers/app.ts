import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { AccessTokens } from '../../src/platform/auth/tokens.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Backend } from './backends.js';
import { until } from './wait.js';

export interface TestApp {
  app: FastifyInstance;
  config: Config;
  url: string;
  close(): Promise<void>;
}

/** Starts the real app on a free loopback port against a fresh instance of the backend. */
export async function startApp(backend: Backend, env: Record<string, string> = {}): Promise<TestApp> {
  const provisioned = await backend.provision();
  const config = loadConfig({
    ...provisioned.env,
    PORT: '0',
    HOST: '127.0.0.1',
    WEB_DIST: '/nonexistent',
    RATE_LIMIT_SIGN_IN: '10000',
    // Suites make many rooms with strangers; the daily allowances get their own test with small values.
    RATE_LIMIT_GROUPS_PER_DAY: '100000',
    RATE_LIMIT_NEW_CONTACTS_PER_DAY: '100000',
    ...env,
  });
  const app = await buildApp(config);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  // As a balancer would, wait for the node's start-up work (matching's pool catch-up) to finish:
  // its readiness then names nothing warming up, whether or not a dependency is down.
  await until('the app to finish starting', async () => !(await api({ url }, 'GET', '/health/ready')).json?.warmingUp, 30_000);
  return {
    app,
    config,
    url,
    async close() {
      await app.close();
      await provisioned.drop();
    },
  };
}

export interface Client {
  email: string;
  token: string;
  cookie: string;
  userId: string;
}

/** Reads the refresh cookie value out of a response. */
export function refreshCookie(response: Response): string | null {
  for (const header of response.headers.getSetCookie()) {
    const match = /^sm_refresh=([^;]*)/.exec(header);
    if (match) return match[1] ? `sm_refresh=${match[1]}` : null;
  }
  return null;
}

export async function api(
  t: Pick<TestApp, 'url'>,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(t.url + path, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: response.status, json, text, response };
}

let counter = 0;
/** A signed-in user through the real dev sign-in, optionally with the terms accepted. */
export async function givenUser(
  t: Pick<TestApp, 'url'>,
  options: { email?: string; name?: string; acceptTerms?: boolean } = {},
): Promise<Client> {
  const email = options.email ?? `user${process.pid}-${++counter}-${Date.now()}@example.test`;
  const res = await api(t, 'POST', '/api/v1/auth/dev', { body: { email, displayName: options.name ?? 'Test User' } });
  if (res.status !== 200) throw new Error(`dev sign-in failed: ${res.status} ${res.text}`);
  const client = { email, token: res.json.accessToken as string, cookie: refreshCookie(res.response)!, userId: res.json.user.id as string };
  if (options.acceptTerms !== false) {
    const terms = await api(t, 'POST', '/api/v1/me/terms', {
      token: client.token,
      body: { ageOver14: true, termsOfService: true, privacyPolicy: true, marketing: false },
    });
    if (terms.status !== 204) throw new Error(`terms failed: ${terms.status} ${terms.text}`);
  }
  return client;
}

export const STEP_BODIES = {
  basic: { englishName: 'Minji Kim', cityId: 'seoul', intro: 'I love films and travelling.', gender: 'female', birthYear: 1998 },
  languages: { native: 'ko', speaks: [{ language: 'ja', level: 'A2' }], learns: [{ language: 'en', level: 'B1', partnerLevel: 'C2' }] },
  interests: {
    motivations: ['travel-culture', 'friends'],
    topics: ['drama-film', 'food'],
    learningStyle: 'both',
    expectation: 'practical',
  },
  partner: { partnerGender: 'any', partnerStyles: ['friendly', 'teacher'], ageMin: 20, ageMax: 35 },
  schedule: {
    communicationMethod: 'video',
    dailyMinutes: 20,
    availability: [
      { day: 1, slot: 40 },
      { day: 1, slot: 41 },
      { day: 6, slot: 20 },
    ],
  },
} as const;

/** A loopback port that was free a moment ago, for a server started in another process. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A user holding an administrator's access token. Dev sign-in never grants admin (only a Naver or
 * Google identity listed in ADMIN_EMAILS does, see oauth.test.ts); suites that test what an
 * administrator may do sign the role with the app's own key instead.
 */
export async function givenAdmin(t: Pick<TestApp, 'url' | 'config'>): Promise<Client> {
  const user = await givenUser(t);
  const token = await new AccessTokens(t.config.auth.jwtSecret, t.config.auth.accessTokenTtl).sign({ sub: user.userId, role: 'admin' });
  return { ...user, token };
}

/** A Korean speaker learning English (the onboarding defaults), or an English speaker learning Korean. */
export const KOREAN = STEP_BODIES.languages;
export const ENGLISH = { native: 'en', speaks: [], learns: [{ language: 'ko', level: 'A2', partnerLevel: 'C1' }] };

/** A signed-in person who finished all five onboarding steps through the API. */
export async function givenOnboarded(
  t: Pick<TestApp, 'url'>,
  name: string,
  languages: object,
  partner: object = STEP_BODIES.partner,
  basic: object = {},
): Promise<Client> {
  const user = await givenUser(t, { name });
  const bodies = { ...STEP_BODIES, basic: { ...STEP_BODIES.basic, englishName: name, ...basic }, languages, partner };
  for (const step of ['basic', 'languages', 'interests', 'partner', 'schedule'] as const) {
    const saved = await api(t, 'PUT', `/api/v1/onboarding/${step}`, { token: user.token, body: bodies[step] });
    if (saved.status !== 200) throw new Error(`${step}: ${saved.status} ${saved.text}`);
  }
  return user;
}

/** Two people who asked and accepted through the matching API, so they are mates. */
export async function givenMates(t: Pick<TestApp, 'url'>, a: Client, b: Client) {
  const sent = await api(t, 'POST', '/api/v1/matching/requests', {
    token: a.token,
    body: { receiverId: b.userId, message: 'Shall we practise?' },
  });
  if (sent.status !== 200) throw new Error(`request: ${sent.status} ${sent.text}`);
  const accepted = await api(t, 'POST', `/api/v1/matching/requests/${sent.json.id}/accept`, { token: b.token });
  if (accepted.status !== 200) throw new Error(`accept: ${accepted.status} ${accepted.text}`);
}
