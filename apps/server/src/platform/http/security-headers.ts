import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Security headers with a content security policy. helmet decides the headers; we ask it once at
 * start-up and send the same values on every response. (Calling helmet per request, as its Fastify
 * plugin does, re-parsed the policy each time: a few percent of a small request's CPU.)
 */
export function installSecurityHeaders(app: FastifyInstance, options: HelmetOptions) {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number | string[]) =>
      void (headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  let done = false;
  helmet(options)({} as never, response as never, () => void (done = true));
  if (!done) throw new Error('helmet did not finish synchronously; its headers cannot be computed once');
  app.addHook('onRequest', async (_request, reply) => {
    reply.headers(headers);
  });
  return headers;
}
