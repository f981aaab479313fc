import { publicConfig } from '../../config.js';
import { googleClient, naverClient } from '../../platform/auth/oauth.js';
import type { ModuleContext } from '../module-context.js';
import { ownTables } from '../module-context.js';
import type { ProfileService } from '../profile/service.js';
import type { UsersService } from '../users/service.js';
import type { AuthTables } from './repository.js';
import { authRoutes } from './routes.js';
import { createAuthService } from './service.js';

/** Dev, Naver and Google sign-in, refresh-token families and login history. */
export function authModule(
  { app, db, cache, tokens, revocations, config }: ModuleContext,
  { users, profile }: { users: UsersService; profile: ProfileService },
) {
  const auth = createAuthService({
    db: ownTables<AuthTables>(db),
    cache,
    users,
    profile,
    tokens,
    revocations,
    refreshTtlSeconds: config.auth.refreshTokenTtl,
    reuseGraceSeconds: config.auth.refreshReuseGraceSeconds,
    providers: {
      ...(config.oauth.naver ? { naver: naverClient(config.oauth.naver, config.oauth.timeoutMs) } : {}),
      ...(config.oauth.google ? { google: googleClient(config.oauth.google, config.oauth.timeoutMs) } : {}),
    },
    redirectUri: (provider) => `${config.publicUrl}/api/v1/auth/${provider}/callback`,
  });
  users.addParticipant(auth.participant);
  authRoutes(app, auth, {
    devSignIn: config.auth.devSignIn,
    secureCookies: config.auth.secureCookies,
    refreshTtlSeconds: config.auth.refreshTokenTtl,
    signInsPerMinute: config.http.rateLimitSignIn,
    refreshesPerMinute: config.http.rateLimitRefresh,
    publicConfig: publicConfig(config),
  });
  return auth;
}
