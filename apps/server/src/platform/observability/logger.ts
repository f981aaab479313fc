import { randomUUID } from 'node:crypto';
import type { FastifyServerOptions } from 'fastify';

/** JSON logs with a request id on every line; credentials are redacted, never just hoped absent. */
export function loggerOptions(level: string): Pick<FastifyServerOptions, 'logger' | 'genReqId' | 'requestIdHeader'> {
  return {
    logger: {
      level,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'res.headers["set-cookie"]',
          '*.accessToken',
          '*.refreshToken',
          '*.password',
        ],
        censor: '[redacted]',
      },
      serializers: {
        // Query strings may carry OAuth codes; log the path only.
        req: (req: { method: string; url: string; id: string }) => ({ method: req.method, url: req.url.split('?')[0], id: req.id }),
      },
    },
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
  };
}
