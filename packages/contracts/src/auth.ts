import { Type, type Static } from '@sinclair/typebox';

export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const OAUTH_PROVIDERS = ['naver', 'google'] as const;
export type OAuthProvider = (typeof OAUTH_PROVIDERS)[number];

/** What the browser may know of the server's configuration before signing in. */
export const PublicConfig = Type.Object({
  providers: Type.Object({ naver: Type.Boolean(), google: Type.Boolean() }),
  devSignIn: Type.Boolean(),
  version: Type.String(),
  /** Optional services this server has set up: the app offers only what works here. */
  features: Type.Object({ translation: Type.Boolean() }),
});
export type PublicConfig = Static<typeof PublicConfig>;

export const DevSignInBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    displayName: Type.String({ minLength: 1, maxLength: 50, pattern: '\\S', description: 'not only spaces' }),
  },
  { additionalProperties: false },
);
export type DevSignInBody = Static<typeof DevSignInBody>;

export const SessionUser = Type.Object({
  id: Type.String(),
  displayName: Type.String(),
  role: Type.Union([Type.Literal('user'), Type.Literal('admin')]),
  termsAccepted: Type.Boolean(),
  onboardingCompleted: Type.Boolean(),
});
export type SessionUser = Static<typeof SessionUser>;

/**
 * Sign-in and refresh answer with the access token in the body; the refresh token only ever
 * travels in an httpOnly cookie, so neither appears in a URL.
 */
export const TokenReply = Type.Object({
  accessToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'seconds' }),
  user: SessionUser,
});
export type TokenReply = Static<typeof TokenReply>;

export const TermsBody = Type.Object(
  {
    ageOver14: Type.Literal(true),
    termsOfService: Type.Literal(true),
    privacyPolicy: Type.Literal(true),
    marketing: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type TermsBody = Static<typeof TermsBody>;

export const LoginHistoryReply = Type.Object({
  items: Type.Array(
    Type.Object({
      at: Type.String({ format: 'date-time' }),
      method: Type.String(),
      userAgent: Type.Union([Type.String(), Type.Null()]),
      ip: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});
export type LoginHistoryReply = Static<typeof LoginHistoryReply>;
