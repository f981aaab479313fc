import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../http/errors.js';
import type { AccessClaims, VerifyResult } from './tokens.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Routes are authenticated unless they say `public: true`; the OpenAPI document shows which. */
    public?: boolean;
  }
  interface FastifyRequest {
    auth: AccessClaims;
  }
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, token] = header.split(' ');
  return scheme?.toLowerCase() === 'bearer' && token ? token : undefined;
}

/**
 * Default-deny: every route verifies the access token unless it is declared public. The decision
 * reads the route the router matched, never the raw URL: `/%61pi/v1/me` and the absolute form
 * `GET http://host/api/v1/me` match `/api/v1/me` too, and once reached a handler with no user.
 * It runs on request, before any body is read, so an anonymous upload is refused unbuffered.
 * The verifier also refuses tokens whose session ended (SessionRevocations).
 */
export function installGuard(app: FastifyInstance, tokens: { verify(token: string | undefined): Promise<VerifyResult> }) {
  app.decorateRequest('auth', null as unknown as AccessClaims);
  app.addHook('onRequest', async (request) => {
    // No route matched: the not-found handler answers (a 404, or the web app's index page) and reads no user.
    if (request.is404 || request.routeOptions.config?.public) return;
    const result = await tokens.verify(bearerToken(request));
    if (!result.ok) {
      throw result.reason === 'expired'
        ? new AppError('TOKEN_EXPIRED', 'The access token has expired; refresh it.')
        : result.reason === 'revoked'
          ? new AppError('SESSION_ENDED', 'This session was ended (signed out or account deleted); sign in again.')
          : new AppError('UNAUTHENTICATED', 'Sign in to continue.');
    }
    const { sub, role, sid } = result.claims;
    request.auth = sid === undefined ? { sub, role } : { sub, role, sid };
  });
}

export function requireAdmin(request: FastifyRequest) {
  if (request.auth.role !== 'admin') throw new AppError('FORBIDDEN', 'Administrators only.');
}
