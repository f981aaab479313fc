import type { FastifyInstance } from 'fastify';

export type HealthCheck = () => Promise<void>;

/** Liveness says the process answers; readiness says its database (and Redis, when used) answer. */
export function installHealth(app: FastifyInstance, checks: Record<string, HealthCheck | null>) {
  const run = async () => {
    const results: Record<string, 'up' | 'down' | 'not-configured'> = {};
    await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        if (!check) return void (results[name] = 'not-configured');
        try {
          await Promise.race([check(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref())]);
          results[name] = 'up';
        } catch {
          results[name] = 'down';
        }
      }),
    );
    const up = Object.values(results).every((r) => r !== 'down');
    return { up, results };
  };
  const opts = { config: { public: true }, schema: { tags: ['health'], security: [] } };
  app.get('/health/live', opts, async () => ({ status: 'ok' }));
  app.get('/health/ready', opts, async (_request, reply) => {
    const { up, results } = await run();
    return reply.status(up ? 200 : 503).send({ status: up ? 'ok' : 'unavailable', checks: results });
  });
  // The shape Spring Boot Actuator answers with, for tooling written against the original system.
  app.get('/actuator/health', opts, async (_request, reply) => {
    const { up, results } = await run();
    const components = Object.fromEntries(
      Object.entries(results)
        .filter(([, r]) => r !== 'not-configured')
        .map(([name, r]) => [name, { status: r === 'up' ? 'UP' : 'DOWN' }]),
    );
    return reply.status(up ? 200 : 503).send({ status: up ? 'UP' : 'DOWN', components });
  });
}
