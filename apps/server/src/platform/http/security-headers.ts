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

/**
 * The policy for the web app served from PUBLIC_URL. Script may connect to its own origin only:
 * 'self' covers same-origin ws:/wss: in current browsers (CSP Level 3), and the explicit
 * ws(s)://host is for older Safari. `ws: wss:` once let injected script talk to any host.
 * upgrade-insecure-requests only on https: on http (a LAN address in development) it turned every
 * script and style request into an https one that nothing answered, and the page stayed blank.
 */
export function securityHeaders(publicUrl: string): HelmetOptions {
  const url = new URL(publicUrl);
  const secure = url.protocol === 'https:';
  const socketOrigin = `${secure ? 'wss' : 'ws'}://${url.host}`;
  return {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'", socketOrigin],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: secure ? [] : null,
      },
    },
    // Naver and Google redirect back with a top-level navigation; strict COOP is fine for that.
    crossOriginEmbedderPolicy: false,
  };
}
