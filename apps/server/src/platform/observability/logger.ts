import { randomUUID } from 'node:crypto';
import type { FastifyServerOptions } from 'fastify';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

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
    // A request id the client sends is kept (to follow a call across services) only when it is
    // plainly an id: anything else could forge log lines or smuggle markup into log viewers.
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
    },
  };
}
