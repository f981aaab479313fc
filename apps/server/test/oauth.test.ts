import { createServer } from 'node:net';
import { OAuth2Server } from 'oauth2-mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers/backends.js';
import { api, refreshCookie, startApp, type TestApp } from './helpers/app.js';
import { startNaverProvider } from './helpers/naver-provider.js';

const cookieValue = (response: Response, name: string) =>
  response.headers
    .getSetCookie()
    .map((c) => new RegExp(`^${name}=([^;]+)`).exec(c)?.[1])
    .find(Boolean);

/** Walks the browser's part of an OAuth sign-in: start, provider, callback; returns where it lands. */
async function signInThroughProvider(t: TestApp, provider: 'naver' | 'google', tamper?: { state?: string; dropCookie?: boolean }) {
  const start = await fetch(`${t.url}/api/v1/auth/${provider}/start`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const providerUrl = start.headers.get('location')!;
  const stateCookie = cookieValue(start, 'sm_oauth_state');
  if (!providerUrl.startsWith('http')) return { landing: providerUrl, refresh: null };
  const atProvider = await fetch(providerUrl, { redirect: 'manual' });
  expect(atProvider.status).toBe(302);
  const back = new URL(atProvider.headers.get('location')!);
  expect(back.pathname).toBe(`/api/v1/auth/${provider}/callback`);
  if (tamper?.state) back.searchParams.set('state', tamper.state);
  const callback = await fetch(`${t.url}${back.pathname}${back.search}`, {
    redirect: 'manual',
    headers: tamper?.dropCookie ? {} : { cookie: `sm_oauth_state=${stateCookie}` },
  });
  expect(callback.status).toBe(302);
  const landing = callback.headers.get('location')!;
  // No token of ours ever rides in a URL.
  expect(landing).not.toMatch(/token|eyJ/i);
  return { landing, refresh: refreshCookie(callback) };
}

async function whoAmI(t: TestApp, refresh: string) {
  const res = await api(t, 'POST', '/api/v1/auth/refresh', { headers: { cookie: refresh, 'x-requested-with': 'studymate' } });
  expect(res.status).toBe(200);
  return res.json.user as { id: string; displayName: string; termsAccepted: boolean };
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`Naver and Google sign-in [${backend.name}]${backend.skip ? ` (skipped: ${backend.skip})` : ''}`, () => {
    let t: TestApp;
    let naver: Awaited<ReturnType<typeof startNaverProvider>>;
    let google: OAuth2Server;
    beforeAll(async () => {
      naver = await startNaverProvider('naver-client', 'naver-secret-for-tests');
      google = new OAuth2Server();
      await google.issuer.keys.generate('RS256');
      await google.start(0, '127.0.0.1');
      t = await startApp(backend, {
        NAVER_CLIENT_ID: 'naver-client',
        NAVER_CLIENT_SECRET: 'naver-secret-for-tests',
        NAVER_AUTH_URL: `${naver.url}/oauth2.0/authorize`,
        NAVER_TOKEN_URL: `${naver.url}/oauth2.0/token`,
        NAVER_PROFILE_URL: `${naver.url}/v1/nid/me`,
        GOOGLE_CLIENT_ID: 'google-client',
        GOOGLE_CLIENT_SECRET: 'google-secret-for-tests',
        GOOGLE_ISSUER: google.issuer.url!,
        OAUTH_TIMEOUT_MS: '1000',
        RATE_LIMIT_SIGN_IN: '1000',
      });
    });
    afterAll(async () => {
      await t?.close();
      await naver?.close();
      await google?.stop();
    });

    it('offers both providers in the public config', async () => {
      expect((await api(t, 'GET', '/api/v1/config')).json.providers).toEqual({ naver: true, google: true });
    });

    it('signs a new Naver member up, then signs the same member in as a returning user', async () => {
      naver.setMode('ok');
      naver.setMember('naver-42', { email: 'jisoo@naver.test', nickname: '지수' });
      const first = await signInThroughProvider(t, 'naver');
      expect(first.landing).toBe('/auth/complete?new=1');
      const user = await whoAmI(t, first.refresh!);
      expect(user).toMatchObject({ displayName: '지수', termsAccepted: false });
      const second = await signInThroughProvider(t, 'naver');
      expect(second.landing).toBe('/auth/complete');
      expect((await whoAmI(t, second.refresh!)).id).toBe(user.id);
    });

    it('signs in with Google through OpenID Connect with PKCE, new and returning', async () => {
      // The mock signs an access token and an ID token; shape both as Google would.
      const asGoogleAccount = (token: { payload: Record<string, unknown> }) => {
        token.payload.sub = 'google-sub-7';
        token.payload.email = 'alex@gmail.test';
        token.payload.name = 'Alex Morgan';
      };
      google.service.on('beforeTokenSigning', asGoogleAccount);
      try {
        const first = await signInThroughProvider(t, 'google');
        expect(first.landing).toBe('/auth/complete?new=1');
        const user = await whoAmI(t, first.refresh!);
        expect(user.displayName).toBe('Alex Morgan');
        const second = await signInThroughProvider(t, 'google');
        expect(second.landing).toBe('/auth/complete');
        expect((await whoAmI(t, second.refresh!)).id).toBe(user.id);
      } finally {
        google.service.off('beforeTokenSigning', asGoogleAccount);
      }
    });

    it('refuses a callback whose state does not match the browser that started it', async () => {
      naver.setMode('ok');
      expect((await signInThroughProvider(t, 'naver', { state: 'forged-state' })).landing).toBe('/signin?error=OAUTH_STATE_MISMATCH');
      expect((await signInThroughProvider(t, 'naver', { dropCookie: true })).landing).toBe('/signin?error=OAUTH_STATE_MISMATCH');
      expect((await signInThroughProvider(t, 'google', { state: 'forged' })).landing).toBe('/signin?error=OAUTH_STATE_MISMATCH');
    });

    it('sends the person back to sign-in when they deny consent at the provider', async () => {
      naver.setMode('deny');
      const denied = await signInThroughProvider(t, 'naver');
      expect(denied.landing).toBe('/signin?error=OAUTH_DENIED');
      expect(denied.refresh).toBeNull();
    });

    it('reports a provider error without signing anyone in', async () => {
      naver.setMode('token-error');
      expect((await signInThroughProvider(t, 'naver')).landing).toBe('/signin?error=OAUTH_PROVIDER_ERROR');
      naver.setMode('profile-error');
      expect((await signInThroughProvider(t, 'naver')).landing).toBe('/signin?error=OAUTH_PROVIDER_ERROR');
      google.service.once('beforeResponse', (response) => {
        response.statusCode = 400;
        response.body = { error: 'invalid_grant' };
      });
      expect((await signInThroughProvider(t, 'google')).landing).toBe('/signin?error=OAUTH_PROVIDER_ERROR');
    });

    it('gives up on a provider that does not answer in time', async () => {
      naver.setMode('slow');
      const started = Date.now();
      expect((await signInThroughProvider(t, 'naver')).landing).toBe('/signin?error=OAUTH_PROVIDER_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(2900);
      naver.setMode('ok');
    });
  });
}

describe('Google sign-in when the provider is unreachable', () => {
  it('answers with a timeout error rather than hanging', async () => {
    // A server that accepts connections and never answers.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const t = await startApp(BACKENDS[0]!, {
      GOOGLE_CLIENT_ID: 'g',
      GOOGLE_CLIENT_SECRET: 's',
      GOOGLE_ISSUER: `http://127.0.0.1:${port}`,
      OAUTH_TIMEOUT_MS: '300',
    });
    try {
      const start = await fetch(`${t.url}/api/v1/auth/google/start`, { redirect: 'manual' });
      expect(start.headers.get('location')).toBe('/signin?error=OAUTH_PROVIDER_TIMEOUT');
    } finally {
      await t.close();
      silent.close();
    }
  });

  it('refuses a provider that is not configured', async () => {
    const t = await startApp(BACKENDS[0]!);
    try {
      const start = await fetch(`${t.url}/api/v1/auth/naver/start`, { redirect: 'manual' });
      expect(start.headers.get('location')).toBe('/signin?error=PROVIDER_NOT_CONFIGURED');
    } finally {
      await t.close();
    }
  });
});
