import type { FastifyInstance } from 'fastify';

export type HealthCheck = () => Promise<void>;

/** Work a node must finish before it serves (a module catching up after a restart), with why it waits. */
export interface ReadinessHold {
  /** Says what it is doing now (shown on /health/ready while held). */
  update(reason: string): void;
  /** Done: the node may serve, as far as this hold goes. */
  release(): void;
}

export interface Readiness {
  /** Holds /health/ready at 503 until `release()`, reporting `name` with `reason`. */
  hold(name: string, reason: string): ReadinessHold;
}

/**
 * Liveness says the process answers; readiness says its database (and Redis, when used) answer and
 * nothing it must do before serving is still running (each such hold named with its reason, which
 * is our own words: a failing dependency's error text is never shown on this public route).
 */
export function installHealth(app: FastifyInstance, checks: Record<string, HealthCheck | null>): Readiness {
  const holds = new Map<string, string>();
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
    const warmingUp = Object.fromEntries(holds);
    const up = Object.values(results).every((r) => r !== 'down') && holds.size === 0;
    return { up, results, warmingUp };
  };
  const opts = { config: { public: true }, schema: { tags: ['health'], security: [] } };
  app.get('/health/live', opts, async () => ({ status: 'ok' }));
  app.get('/health/ready', opts, async (_request, reply) => {
    const { up, results, warmingUp } = await run();
    return reply
      .status(up ? 200 : 503)
      .send({ status: up ? 'ok' : 'unavailable', checks: results, ...(Object.keys(warmingUp).length ? { warmingUp } : {}) });
  });
  // The shape Spring Boot Actuator answers with, for tooling written against the original system.
  app.get('/actuator/health', opts, async (_request, reply) => {
    const { up, results, warmingUp } = await run();
    const components = Object.fromEntries([
      ...Object.entries(results)
        .filter(([, r]) => r !== 'not-configured')
        .map(([name, r]) => [name, { status: r === 'up' ? 'UP' : 'DOWN' }]),
      ...Object.entries(warmingUp).map(([name, reason]) => [name, { status: 'OUT_OF_SERVICE', details: { reason } }]),
    ]);
    const down = Object.values(results).includes('down');
    return reply.status(up ? 200 : 503).send({ status: up ? 'UP' : down ? 'DOWN' : 'OUT_OF_SERVICE', components });
  });
  return {
    hold(name, reason) {
      holds.set(name, reason);
      return {
        update: (next) => void (holds.has(name) && holds.set(name, next)),
        release: () => void holds.delete(name),
      };
    },
  };
}
