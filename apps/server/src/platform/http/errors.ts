import type { FastifyError, FastifyInstance } from 'fastify';
import { ERROR_STATUS, type ErrorCode } from '@studymate/contracts';

/** An expected refusal: a stable code from the catalogue, a readable message, optional details. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** What a service returns when a refusal is part of the domain rather than a broken invariant. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };
export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const refuse = <T = never>(code: ErrorCode, message: string, details?: unknown): Result<T> => ({
  ok: false,
  error: new AppError(code, message, details),
});
/** Routes hand a refusal to the error handler, which shapes every error the same way. */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_REQ_FILE_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_PARTS_LIMIT: 'PAYLOAD_TOO_LARGE',
  FST_FILES_LIMIT: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
};

/** Seconds a client is told to wait (Retry-After) when a backend is down. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * A backend that does not answer is an outage to wait out (503), not a bug (500): ioredis gives
 * up on a command after its retries (MaxRetriesPerRequestError) or aborts the queued ones when the
 * connection drops (AbortError); sockets fail with the usual errno codes; mysql2 loses its connection.
 */
const UNREACHABLE_NAMES = new Set(['MaxRetriesPerRequestError', 'AbortError']);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE', 'PROTOCOL_CONNECTION_LOST']);
function backendDown(error: { name?: string; code?: string; message?: string }) {
  return UNREACHABLE_NAMES.has(error.name ?? '') || UNREACHABLE_CODES.has(error.code ?? '') || error.message === 'Connection is closed.';
}
const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);

/** The one place an error becomes an HTTP reply: `{ error: { code, message, details } }`. */
export function installErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      return reply.status(error.status).send({ error: { code: error.code, message: error.message, details: error.details } });
    }
    if (error.validation) {
      const details = error.validation.map((v) => {
        const missing = (v.params as { missingProperty?: string })?.missingProperty;
        const extra = (v.params as { additionalProperty?: string })?.additionalProperty;
        const field = v.instancePath + (missing ? `/${missing}` : '') + (extra ? `/${extra}` : '') || '/';
        return { field, message: v.message ?? 'invalid' };
      });
      const where = error.validationContext ?? 'body';
      // An address whose id is not an id (`/matching/people/abc`) names nothing: the same "not found"
      // as an id nobody has, not a complaint about input the person never typed.
      if (where === 'params') return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'Not found.', details } });
      return reply.status(400).send({
        error: {
          code: 'VALIDATION_FAILED',
          message: `Invalid ${where}: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`,
          details,
        },
      });
    }
    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (mapped) {
      return reply.status(ERROR_STATUS[mapped]).send({ error: { code: mapped, message: error.message } });
    }
    if (error.statusCode === 429) {
      return reply.status(429).send({ error: { code: 'RATE_LIMITED', message: 'Too many requests; try again shortly.' } });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send({ error: { code: 'BAD_REQUEST', message: error.message } });
    }
    if (backendDown(error)) {
      request.log.warn({ err: error }, 'a backend is unavailable');
      return reply
        .status(503)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .send({ error: { code: 'UNAVAILABLE', message: 'A service we depend on is unavailable; try again shortly.' } });
    }
    if (DISK_FULL_CODES.has(error.code ?? '')) {
      request.log.error({ err: error }, 'upload storage is full');
      return reply
        .status(507)
        .send({ error: { code: 'INSUFFICIENT_STORAGE', message: 'We cannot store files right now; nothing was saved.' } });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'INTERNAL', message: 'Something went wrong on our side.' } });
  });
}
