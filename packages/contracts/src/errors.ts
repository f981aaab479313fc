import { Type, type Static } from '@sinclair/typebox';

/**
 * The one error catalogue. Every refusal the API makes has a stable code here; the HTTP status
 * (and, for the realtime gateway, the STOMP ERROR) is derived from the code in one place.
 */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  TOKEN_EXPIRED: 401,
  REFRESH_TOKEN_INVALID: 401,
  REFRESH_TOKEN_REUSED: 401,
  FORBIDDEN: 403,
  TERMS_REQUIRED: 403,
  DEV_SIGN_IN_DISABLED: 403,
  ACCOUNT_SUSPENDED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  /** A new level test before the cool-down after the last scored one has passed. */
  LEVEL_TEST_COOLDOWN: 429,
  /** A level-test answer longer than its prompt's speaking window plus a margin (details.maxSeconds). */
  LEVEL_TEST_ANSWER_TOO_LONG: 413,
  OAUTH_STATE_MISMATCH: 400,
  OAUTH_DENIED: 400,
  OAUTH_PROVIDER_ERROR: 502,
  OAUTH_PROVIDER_TIMEOUT: 504,
  PROVIDER_NOT_CONFIGURED: 404,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Unknown()),
  }),
});
export type ErrorBody = Static<typeof ErrorBody>;
