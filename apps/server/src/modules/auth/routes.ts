import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { DevSignInBody, LoginHistoryReply, OAUTH_PROVIDERS, PublicConfig, TokenReply, type OAuthProvider } from '@studymate/contracts';
import { AppError, unwrap } from '../../platform/http/errors.js';
import type { AuthService, ClientMeta, IssuedSession } from './service.js';

export const REFRESH_COOKIE = 'sm_refresh';
const STATE_COOKIE = 'sm_oauth_state';
const AUTH_PATH = '/api/v1/auth';

export interface AuthRouteSettings {
  devSignIn: boolean;
  secureCookies: boolean;
  refreshTtlSeconds: number;
  signInsPerMinute: number;
  refreshesPerMinute: number;
  publicConfig: PublicConfig;
}

const meta = (request: FastifyRequest): ClientMeta => ({ userAgent: request.headers['user-agent'] ?? null, ip: request.ip ?? null });

/**
 * Cookie-authenticated calls must carry a header a cross-site form cannot set, so another site
 * cannot make the browser refresh or end a session.
 */
function requireSameOriginHeader(request: FastifyRequest) {
  if (request.headers['x-requested-with'] !== 'studymate') {
    throw new AppError('FORBIDDEN', 'Send the header X-Requested-With: studymate with this request.');
  }
}

export function authRoutes(app: FastifyInstance, auth: AuthService, settings: AuthRouteSettings) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const signInLimit = { rateLimit: { max: settings.signInsPerMinute, timeWindow: 60_000 } };
  const cookieBase = { httpOnly: true, secure: settings.secureCookies, path: AUTH_PATH };

  const setSession = (reply: FastifyReply, session: IssuedSession) =>
    reply.setCookie(REFRESH_COOKIE, session.refreshToken, { ...cookieBase, sameSite: 'strict', maxAge: settings.refreshTtlSeconds });
  const clearSession = (reply: FastifyReply) => reply.clearCookie(REFRESH_COOKIE, { ...cookieBase, sameSite: 'strict' });

  r.get(
    '/api/v1/config',
    {
      config: { public: true },
      schema: { tags: ['auth'], summary: 'What the browser needs before sign-in', security: [], response: { 200: PublicConfig } },
    },
    async () => settings.publicConfig,
  );

  r.post(
    `${AUTH_PATH}/dev`,
    {
      config: { public: true, ...signInLimit },
      schema: {
        tags: ['auth'],
        summary: 'Dev sign-in (embedded mode only)',
        security: [],
        body: DevSignInBody,
        response: { 200: TokenReply },
      },
    },
    async (request, reply) => {
      if (!settings.devSignIn)
        throw new AppError('DEV_SIGN_IN_DISABLED', 'Dev sign-in is not available on this server; sign in with Naver or Google.');
      const session = unwrap(await auth.devSignIn(request.body.email, request.body.displayName, meta(request)));
      return setSession(reply, session).send(session.reply);
    },
  );

  for (const provider of OAUTH_PROVIDERS) {
    r.get(
      `${AUTH_PATH}/${provider}/start`,
      {
        config: { public: true, ...signInLimit },
        schema: { tags: ['auth'], summary: `Begin ${provider} sign-in (browser navigation)`, security: [] },
      },
      async (_request, reply) => {
        const started = await auth.startOAuth(provider as OAuthProvider);
        if (!started.ok) return reply.redirect(`/signin?error=${started.error.code}`);
        // Lax, not Strict: the provider's redirect back to us is a cross-site navigation.
        reply.setCookie(STATE_COOKIE, started.value.state, { ...cookieBase, sameSite: 'lax', maxAge: 600 });
        return reply.redirect(started.value.url);
      },
    );
    r.get(
      `${AUTH_PATH}/${provider}/callback`,
      {
        config: { public: true, ...signInLimit },
        schema: {
          tags: ['auth'],
          summary: `${provider} redirects back here; no token ever appears in a URL`,
          security: [],
          querystring: Type.Object({
            code: Type.Optional(Type.String({ maxLength: 2048 })),
            state: Type.Optional(Type.String({ maxLength: 256 })),
            error: Type.Optional(Type.String({ maxLength: 256 })),
          }),
        },
      },
      async (request, reply) => {
        const result = await auth.completeOAuth(provider as OAuthProvider, request.query, request.cookies[STATE_COOKIE], meta(request));
        reply.clearCookie(STATE_COOKIE, { ...cookieBase, sameSite: 'lax' });
        if (!result.ok) {
          request.log.warn({ provider, code: result.error.code, reason: result.error.message }, 'oauth sign-in refused');
          return reply.redirect(`/signin?error=${result.error.code}`);
        }
        setSession(reply, result.value);
        return reply.redirect(result.value.isNew ? '/auth/complete?new=1' : '/auth/complete');
      },
    );
  }

  r.post(
    `${AUTH_PATH}/refresh`,
    {
      // Every page load refreshes; a classroom behind one address needs more than sign-in's budget.
      config: { public: true, rateLimit: { max: settings.refreshesPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['auth'],
        summary: 'Rotate the refresh cookie and get a new access token',
        security: [],
        response: { 200: TokenReply },
      },
    },
    async (request, reply) => {
      requireSameOriginHeader(request);
      const result = await auth.refresh(request.cookies[REFRESH_COOKIE]);
      if (!result.ok) {
        clearSession(reply);
        throw result.error;
      }
      return setSession(reply, result.value).send(result.value.reply);
    },
  );

  r.post(
    `${AUTH_PATH}/logout`,
    { config: { public: true }, schema: { tags: ['auth'], summary: 'End this session', security: [] } },
    async (request, reply) => {
      requireSameOriginHeader(request);
      await auth.logout(request.cookies[REFRESH_COOKIE]);
      return clearSession(reply).status(204).send();
    },
  );

  r.post(
    `${AUTH_PATH}/logout-all`,
    { schema: { tags: ['auth'], summary: 'End every session of mine, on every device' } },
    async (request, reply) => {
      await auth.logoutEverywhere(request.auth.sub);
      return clearSession(reply).status(204).send();
    },
  );

  r.get(
    '/api/v1/me/login-history',
    { schema: { tags: ['account'], summary: 'My recent sign-ins', response: { 200: LoginHistoryReply } } },
    async (request) => auth.loginHistory(request.auth.sub),
  );
}
