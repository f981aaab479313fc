import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './schema.js';

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

/**
 * A data export (everything the person gave STUDYMATE), built as a job: `progress` goes from 0 to 1
 * as each part is gathered; once ready it can be downloaded until `expiresAt` (a day).
 */
export const DataExport = Type.Object({
  id: Type.String({ format: 'uuid' }),
  status: Type.Union([Type.Literal('building'), Type.Literal('ready'), Type.Literal('failed'), Type.Literal('expired')]),
  progress: Type.Number({ minimum: 0, maximum: 1 }),
  createdAt: Type.String({ format: 'date-time' }),
  readyAt: Nullable(Type.String({ format: 'date-time' })),
  expiresAt: Nullable(Type.String({ format: 'date-time' })),
  size: Nullable(Type.Integer({ minimum: 0 })),
});
export type DataExport = Static<typeof DataExport>;
export const DataExportReply = Type.Object({ export: Nullable(DataExport) });
export type DataExportReply = Static<typeof DataExportReply>;

/**
 * The query of a data export's download link (a chat file, a level-test recording): when it stops
 * working (epoch ms) and the server's signature, which is the link's only credential.
 */
export const SignedLinkQuery = Type.Object({ expires: Type.Integer({ minimum: 0 }), sig: Type.String({ maxLength: 100 }) });
export type SignedLinkQuery = Static<typeof SignedLinkQuery>;
