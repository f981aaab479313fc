import { timingSafeEqual } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { AppError } from '../http/errors.js';

/** One registry per app instance, so tests that build several apps do not share counters. */
export function installMetrics(app: FastifyInstance, options: { token: string | null }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  new Gauge({
    name: 'studymate_event_loop_lag_p99_seconds',
    help: 'p99 event-loop delay since the last scrape',
    registers: [registry],
    collect() {
      this.set(loop.percentile(99) / 1e9);
      loop.reset();
    },
  });
  app.addHook('onResponse', async (request, reply) => {
    // Label by route pattern, never by raw URL, so ids do not explode the series count.
    const route = request.routeOptions.url ?? 'unmatched';
    latency.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  app.addHook('onClose', async () => loop.disable());
  // Metrics name routes, volumes and internals: a scraper shows METRICS_TOKEN, a signed-in person's
  // access token is no use here. A token rather than a second port: it works through the one port a
  // load balancer or ingress exposes, and a private port would still need a firewall to stay private.
  const expected = options.token === null ? null : Buffer.from(`Bearer ${options.token}`);
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    if (!expected) throw new AppError('NOT_FOUND', 'Metrics are off; set METRICS_TOKEN to turn them on.');
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new AppError('UNAUTHENTICATED', 'Send the metrics token as a bearer token.');
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
  return registry;
}
