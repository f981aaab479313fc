import { createHash } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';

/** Who the provider says signed in. */
export interface ProviderIdentity {
  subject: string;
  email: string | null;
  displayName: string;
}

export type OAuthFailureKind = 'timeout' | 'provider' | 'denied';
export class OAuthFailure extends Error {
  constructor(
    readonly kind: OAuthFailureKind,
    message: string,
  ) {
    super(message);
  }
}

export interface AuthorizationRequest {
  state: string;
  verifier: string;
  nonce: string;
  redirectUri: string;
}

export interface OAuthProviderClient {
  authorizeUrl(request: AuthorizationRequest): Promise<string>;
  exchange(code: string, request: AuthorizationRequest): Promise<ProviderIdentity>;
}

async function fetchJson(url: string, init: RequestInit, timeoutMs: number): Promise<{ status: number; body: any }> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError')
      throw new OAuthFailure('timeout', `no answer from ${new URL(url).host} within ${timeoutMs} ms`);
    throw new OAuthFailure('provider', `cannot reach ${new URL(url).host}: ${(error as Error).message}`);
  }
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    throw new OAuthFailure('provider', `${new URL(url).host} answered ${response.status} with a body that is not JSON`);
  }
}

export interface NaverSettings {
  clientId: string;
  clientSecret: string;
  authUrl: string;
  tokenUrl: string;
  profileUrl: string;
}

/** Naver Login: OAuth 2.0 code flow, then the member profile API (`/v1/nid/me`). */
export function naverClient(settings: NaverSettings, timeoutMs: number): OAuthProviderClient {
  return {
    async authorizeUrl({ state, redirectUri }) {
      const url = new URL(settings.authUrl);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: settings.clientId,
        redirect_uri: redirectUri,
        state,
      }).toString();
      return url.toString();
    },
    async exchange(code, { state }) {
      const tokenUrl = new URL(settings.tokenUrl);
      const form = new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: settings.clientId,
        client_secret: settings.clientSecret,
        code,
        state,
      });
      const token = await fetchJson(tokenUrl.toString(), { method: 'POST', body: form }, timeoutMs);
      if (token.status !== 200 || !token.body.access_token) {
        throw new OAuthFailure(
          'provider',
          `Naver token exchange failed: ${token.body.error ?? token.status} ${token.body.error_description ?? ''}`.trim(),
        );
      }
      const profile = await fetchJson(settings.profileUrl, { headers: { authorization: `Bearer ${token.body.access_token}` } }, timeoutMs);
      const me = profile.body?.response;
      if (profile.status !== 200 || profile.body.resultcode !== '00' || !me?.id) {
        throw new OAuthFailure('provider', `Naver profile request failed: ${profile.body?.message ?? profile.status}`);
      }
      return {
        subject: String(me.id),
        email: typeof me.email === 'string' ? me.email : null,
        displayName: String(me.nickname ?? me.name ?? 'Naver user').slice(0, 50),
      };
    },
  };
}

export interface GoogleSettings {
  clientId: string;
  clientSecret: string;
  issuer: string;
}

/** Google sign-in: OpenID Connect code flow with PKCE and nonce; the ID token is verified by JWKS. */
export function googleClient(settings: GoogleSettings, timeoutMs: number): OAuthProviderClient {
  let discovery: Promise<{ authorization_endpoint: string; token_endpoint: string; jwks: JWTVerifyGetKey; issuer: string }> | null = null;
  const discover = () => {
    discovery ??= fetchJson(`${settings.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, {}, timeoutMs)
      .then(({ status, body }) => {
        if (status !== 200 || !body.authorization_endpoint || !body.token_endpoint || !body.jwks_uri) {
          throw new OAuthFailure('provider', 'Google discovery document is incomplete');
        }
        return {
          authorization_endpoint: body.authorization_endpoint,
          token_endpoint: body.token_endpoint,
          issuer: body.issuer ?? settings.issuer,
          jwks: createRemoteJWKSet(new URL(body.jwks_uri), { timeoutDuration: timeoutMs }),
        };
      })
      .catch((error) => {
        discovery = null; // try again on the next sign-in rather than caching a failure
        throw error;
      });
    return discovery;
  };
  return {
    async authorizeUrl({ state, verifier, nonce, redirectUri }) {
      const { authorization_endpoint } = await discover();
      const url = new URL(authorization_endpoint);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: settings.clientId,
        redirect_uri: redirectUri,
        scope: 'openid email profile',
        state,
        nonce,
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
      }).toString();
      return url.toString();
    },
    async exchange(code, { verifier, nonce, redirectUri }) {
      const { token_endpoint, jwks, issuer } = await discover();
      const form = new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: settings.clientId,
        client_secret: settings.clientSecret,
        code_verifier: verifier,
      });
      const token = await fetchJson(token_endpoint, { method: 'POST', body: form, headers: { accept: 'application/json' } }, timeoutMs);
      if (token.status !== 200 || typeof token.body.id_token !== 'string') {
        throw new OAuthFailure('provider', `Google token exchange failed: ${token.body.error ?? token.status}`);
      }
      let claims;
      try {
        ({ payload: claims } = await jwtVerify(token.body.id_token, jwks, { issuer, audience: settings.clientId }));
      } catch (error) {
        throw new OAuthFailure('provider', `Google ID token rejected: ${(error as Error).message}`);
      }
      if (claims.nonce !== nonce) throw new OAuthFailure('provider', 'Google ID token nonce mismatch');
      if (typeof claims.sub !== 'string') throw new OAuthFailure('provider', 'Google ID token has no subject');
      const email = typeof claims.email === 'string' ? claims.email : null;
      const name = typeof claims.name === 'string' ? claims.name : (email?.split('@')[0] ?? 'Google user');
      return { subject: claims.sub, email, displayName: name.slice(0, 50) };
    },
  };
}
