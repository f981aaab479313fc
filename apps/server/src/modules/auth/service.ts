import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { OAuthProvider, SessionUser, TokenReply } from '@studymate/contracts';
import type { Cache } from '../../platform/cache/cache.js';
import { nowMs, toIso } from '../../platform/db/database.js';
import { ok, refuse, type Result } from '../../platform/http/errors.js';
import { OAuthFailure, type AuthorizationRequest, type OAuthProviderClient } from '../../platform/auth/oauth.js';
import type { SessionRevocations } from '../../platform/auth/revocation.js';
import { hashToken, randomToken, type AccessTokens } from '../../platform/auth/tokens.js';
import type { ProfileService } from '../profile/service.js';
import type { Account, AccountParticipant, SignInIdentity, UsersService } from '../users/service.js';
import * as repo from './repository.js';
import type { AuthTables } from './repository.js';

export interface ClientMeta {
  userAgent: string | null;
  ip: string | null;
}

/** A signed-in session: the access token for the body, the refresh token for the cookie only. */
export interface IssuedSession {
  reply: TokenReply;
  refreshToken: string;
  isNew: boolean;
}

const OAUTH_STATE_TTL_MS = 10 * 60 * 1000;

export type AuthService = ReturnType<typeof createAuthService>;

export function createAuthService(deps: {
  db: Kysely<AuthTables>;
  cache: Cache;
  users: UsersService;
  profile: ProfileService;
  tokens: AccessTokens;
  /** Ends access tokens and connections of a family or an account before they expire, on every node. */
  revocations: SessionRevocations;
  refreshTtlSeconds: number;
  /** How long after rotation the previous token still rotates instead of ending the family. */
  reuseGraceSeconds: number;
  providers: Partial<Record<OAuthProvider, OAuthProviderClient>>;
  redirectUri: (provider: OAuthProvider) => string;
}) {
  const { db, cache, users, profile, tokens, revocations } = deps;

  /** Ends a session family: its refresh tokens here, its access tokens and connections everywhere. */
  async function endFamily(userId: string, familyId: string, at: number) {
    await repo.revokeFamily(db, familyId, at);
    await revocations.endFamilies(userId, [familyId]);
  }

  async function sessionUser(user: Account): Promise<SessionUser> {
    const onboarding = await profile.onboardingStatus(user.id);
    return {
      id: user.id,
      displayName: user.display_name,
      role: user.role,
      termsAccepted: user.terms_accepted_at != null,
      onboardingCompleted: onboarding.completed,
    };
  }

  async function tokenReply(user: Account, familyId: string): Promise<TokenReply> {
    return {
      accessToken: await tokens.sign({ sub: user.id, role: user.role, sid: familyId }),
      tokenType: 'Bearer',
      expiresIn: tokens.ttlSeconds,
      user: await sessionUser(user),
    };
  }

  async function newRefreshToken(userId: string, familyId: string): Promise<string> {
    const token = randomToken();
    const at = nowMs();
    await repo.insertRefreshToken(db, {
      id: randomUUID(),
      user_id: userId,
      family_id: familyId,
      token_hash: hashToken(token),
      created_at: at,
      expires_at: at + deps.refreshTtlSeconds * 1000,
      rotated_at: null,
      revoked_at: null,
    });
    return token;
  }

  async function signIn(identity: SignInIdentity, meta: ClientMeta): Promise<Result<IssuedSession>> {
    const result = await users.signIn(identity);
    if (!result.ok) return result;
    const { user, isNew } = result.value;
    await repo.insertLoginEvent(db, {
      id: randomUUID(),
      user_id: user.id,
      at: nowMs(),
      method: identity.provider,
      user_agent: meta.userAgent?.slice(0, 255) ?? null,
      ip: meta.ip?.slice(0, 64) ?? null,
    });
    const familyId = randomUUID();
    const refreshToken = await newRefreshToken(user.id, familyId);
    return ok({ reply: await tokenReply(user, familyId), refreshToken, isNew });
  }

  const participant: AccountParticipant = {
    name: 'signIns',
    async exportData(userId) {
      const events = await repo.loginEventsOf(db, userId, 1000);
      return events.map((e) => ({ at: toIso(e.at), method: e.method, userAgent: e.user_agent, ip: e.ip }));
    },
    async erase(tx, userId) {
      await repo.eraseAuthData(tx as unknown as Kysely<AuthTables>, userId);
      // Once committed, no token of the account opens anything, and its connections close, on every node.
      return () => revocations.endAccount(userId);
    },
  };

  return {
    participant,
    signIn,

    devSignIn(email: string, displayName: string, meta: ClientMeta) {
      return signIn({ provider: 'dev', subject: email.toLowerCase(), email, displayName: displayName.trim() }, meta);
    },

    /** Begins an OAuth sign-in; the state is kept server-side and bound to the browser by cookie. */
    async startOAuth(provider: OAuthProvider): Promise<Result<{ url: string; state: string }>> {
      const client = deps.providers[provider];
      if (!client) return refuse('PROVIDER_NOT_CONFIGURED', `${provider} sign-in is not configured on this server.`);
      const request: AuthorizationRequest = {
        state: randomToken(24),
        verifier: randomToken(48),
        nonce: randomToken(16),
        redirectUri: deps.redirectUri(provider),
      };
      try {
        const url = await client.authorizeUrl(request);
        await cache.set(
          `oauth:${request.state}`,
          JSON.stringify({ provider, verifier: request.verifier, nonce: request.nonce }),
          OAUTH_STATE_TTL_MS,
        );
        return ok({ url, state: request.state });
      } catch (error) {
        if (error instanceof OAuthFailure)
          return refuse(error.kind === 'timeout' ? 'OAUTH_PROVIDER_TIMEOUT' : 'OAUTH_PROVIDER_ERROR', error.message);
        throw error;
      }
    },

    async completeOAuth(
      provider: OAuthProvider,
      query: { code?: string; state?: string; error?: string },
      stateCookie: string | undefined,
      meta: ClientMeta,
    ): Promise<Result<IssuedSession>> {
      const client = deps.providers[provider];
      if (!client) return refuse('PROVIDER_NOT_CONFIGURED', `${provider} sign-in is not configured on this server.`);
      // Use the state once, whatever happens next, so a callback cannot be replayed.
      const saved = query.state ? await cache.take(`oauth:${query.state}`) : null;
      if (!query.state || !stateCookie || query.state !== stateCookie || !saved) {
        return refuse('OAUTH_STATE_MISMATCH', 'The sign-in did not start from this browser or has expired; try again.');
      }
      const pending = JSON.parse(saved) as { provider: string; verifier: string; nonce: string };
      if (pending.provider !== provider) return refuse('OAUTH_STATE_MISMATCH', 'The sign-in was started with another provider.');
      if (query.error || !query.code) return refuse('OAUTH_DENIED', 'Sign-in was cancelled at the provider.');
      try {
        const identity = await client.exchange(query.code, {
          state: query.state,
          verifier: pending.verifier,
          nonce: pending.nonce,
          redirectUri: deps.redirectUri(provider),
        });
        return await signIn({ provider, ...identity }, meta);
      } catch (error) {
        if (error instanceof OAuthFailure)
          return refuse(error.kind === 'timeout' ? 'OAUTH_PROVIDER_TIMEOUT' : 'OAUTH_PROVIDER_ERROR', error.message);
        throw error;
      }
    },

    /**
     * Rotates a refresh token. A token already rotated more than a few seconds ago, or revoked,
     * means it leaked or was replayed: the whole family is revoked so neither holder keeps a
     * session. Within the grace window (a response lost on a flaky network, a reload mid-request)
     * the previous token rotates once more instead, so a person is not signed out by their phone.
     */
    async refresh(token: string | undefined): Promise<Result<IssuedSession>> {
      if (!token) return refuse('REFRESH_TOKEN_INVALID', 'No session to refresh; sign in.');
      const row = await repo.findRefreshToken(db, hashToken(token));
      const at = nowMs();
      if (!row) return refuse('REFRESH_TOKEN_INVALID', 'The session is not known; sign in.');
      // A suspended or banned person is told so (with the end date), not that their session was reused.
      const standing = await users.standingRefusal(row.user_id);
      if (standing) return { ok: false, error: standing };
      const withinGrace = (rotatedAt: number) => at - rotatedAt <= deps.reuseGraceSeconds * 1000;
      const reused = async () => {
        await endFamily(row.user_id, row.family_id, at);
        return refuse<IssuedSession>('REFRESH_TOKEN_REUSED', 'This session was already used elsewhere and has been ended; sign in again.');
      };
      if (row.revoked_at != null) return reused();
      if (row.rotated_at != null && !withinGrace(Number(row.rotated_at))) return reused();
      // Another request may rotate it between our read and this update; then it counts as just rotated.
      if (row.rotated_at == null && !(await repo.markRotated(db, row.id, at)) && deps.reuseGraceSeconds === 0) return reused();
      if (row.expires_at <= at) return refuse('REFRESH_TOKEN_INVALID', 'The session has expired; sign in.');
      const user = await users.getActiveUser(row.user_id);
      if (!user || user.status !== 'active') {
        await endFamily(row.user_id, row.family_id, at);
        return refuse('REFRESH_TOKEN_INVALID', 'The account is not available.');
      }
      const refreshToken = await newRefreshToken(user.id, row.family_id);
      return ok({ reply: await tokenReply(user, row.family_id), refreshToken, isNew: false });
    },

    async logout(token: string | undefined) {
      if (!token) return;
      const row = await repo.findRefreshToken(db, hashToken(token));
      if (row) await endFamily(row.user_id, row.family_id, nowMs());
    },

    /** Ends every family that may still hold a live access token, and every refresh token. */
    async logoutEverywhere(userId: string, reason?: { code: string; message: string; details?: unknown }) {
      const at = nowMs();
      const families = await repo.liveFamiliesOf(db, userId, at - tokens.ttlSeconds * 1000);
      await repo.revokeAllOf(db, userId, at);
      await revocations.endFamilies(userId, families, reason);
    },

    /** Distinct people who signed in or refreshed a session, per UTC day since `since`. */
    activePerDay: (since: number) => repo.activePerDay(db, since),

    async loginHistory(userId: string) {
      const events = await repo.loginEventsOf(db, userId, 50);
      return { items: events.map((e) => ({ at: toIso(e.at)!, method: e.method, userAgent: e.user_agent, ip: e.ip })) };
    },
  };
}
