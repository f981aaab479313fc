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
 * Default-deny: every /api route verifies the access token unless it is declared public. The
 * verifier also refuses tokens whose session ended (SessionRevocations).
 */
export function installGuard(app: FastifyInstance, tokens: { verify(token: string | undefined): Promise<VerifyResult> }) {
  app.decorateRequest('auth', null as unknown as AccessClaims);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/') || request.routeOptions.config?.public) return;
    // Unknown /api paths fall to the 404 handler, which has no config; they still need a token.
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
