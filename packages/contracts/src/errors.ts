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
  /** The access token is valid but its session was ended: signed out (here or everywhere), or the account was deleted. */
  SESSION_ENDED: 401,
  FORBIDDEN: 403,
  TERMS_REQUIRED: 403,
  DEV_SIGN_IN_DISABLED: 403,
  ACCOUNT_SUSPENDED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  /** A realtime CONNECT beyond the open connections one person may have at once. */
  TOO_MANY_CONNECTIONS: 429,
  /** A new level test before the cool-down after the last scored one has passed. */
  LEVEL_TEST_COOLDOWN: 429,
  /** More match requests sent in the last 24 hours than the daily allowance. */
  MATCH_REQUEST_LIMIT: 429,
  /** A request between the two is already waiting for an answer. */
  MATCH_REQUEST_EXISTS: 409,
  /** The request was cancelled, answered or expired meanwhile. */
  MATCH_REQUEST_CLOSED: 409,
  ALREADY_MATES: 409,
  /** Accepting a request from someone who is suspended or banned now (their requests are withdrawn). */
  PARTNER_UNAVAILABLE: 409,
  /** A session that would overlap another booked session of either person (details name it). */
  SESSION_OVERLAP: 409,
  /** The session or occurrence was answered, moved, cancelled or has started meanwhile. */
  SESSION_CLOSED: 409,
  /** A message or a new 1:1 between people one of whom blocked the other, or who unmatched. */
  CONTACT_CLOSED: 403,
  /** A level-test answer longer than its prompt's speaking window plus a margin (details.maxSeconds). */
  LEVEL_TEST_ANSWER_TOO_LONG: 413,
  /** The level test assesses English speaking; it is not offered to people whose native language is English. */
  LEVEL_TEST_NOT_OFFERED: 403,
  OAUTH_STATE_MISMATCH: 400,
  OAUTH_DENIED: 400,
  OAUTH_PROVIDER_ERROR: 502,
  OAUTH_PROVIDER_TIMEOUT: 504,
  PROVIDER_NOT_CONFIGURED: 404,
  INTERNAL: 500,
  /** A backend we depend on (Redis, the database) does not answer; the reply says when to retry. */
  UNAVAILABLE: 503,
  /** The upload folder's disk is full (ENOSPC/EDQUOT); nothing was stored. */
  INSUFFICIENT_STORAGE: 507,
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
