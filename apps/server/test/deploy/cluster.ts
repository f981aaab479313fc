import { execFileSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../helpers/app.js';
import { until } from '../helpers/wait.js';
import { startServerProcess, type ServerProcess } from '../helpers/processes.js';
import { repoRoot, startNginx, type Nginx } from './nginx.js';

/**
 * The production topology on loopback: Debian nginx with deploy/nginx.conf in front of two built
 * server processes (`node --v8-pool-size=1 apps/server/dist/main.js`, as the image runs them) that
 * share MariaDB and Redis. The bundle is built first, so what runs is the current source; a
 * bundled node also starts in a fraction of tsx's time, which keeps restarts short.
 */
export interface Cluster {
  nodes: ServerProcess[];
  nginx: Nginx;
  /**
   * SIGTERM to node i, wait for it to drain and exit, start it again on its port, and wait until
   * nginx sends it requests again: nginx keeps a refused node out for fail_timeout, so stopping
   * the next node sooner would leave it none (docs/OPERATIONS.md says the same for operators).
   */
  restart(i: number): Promise<{ exitCode: number | null; stopMs: number; startMs: number }>;
  close(): Promise<void>;
}

export function buildServer() {
  execFileSync(process.execPath, [path.join(repoRoot, 'apps/server/build.mjs')], { stdio: 'inherit' });
}

export async function startCluster(env: Record<string, string>, children: ChildProcess[], size = 2): Promise<Cluster> {
  const ports = await Promise.all(Array.from({ length: size }, () => freePort()));
  const nodes = await Promise.all(ports.map((port) => startServerProcess(env, children, { port, built: true })));
  const nginx = await startNginx(await freePort(), ports);
  return {
    nodes,
    nginx,
    async restart(i) {
      const node = nodes[i]!;
      const stopping = performance.now();
      node.child.kill('SIGTERM');
      await node.exited;
      const stopMs = performance.now() - stopping;
      const exitCode = node.child.exitCode;
      const starting = performance.now();
      nodes[i] = await startServerProcess(env, children, { port: node.port, built: true });
      const logged = nginx.accessLog().length;
      await until(
        `nginx to route to node ${i + 1} again`,
        async () => {
          await fetch(`${nginx.url}/health/live`).catch(() => undefined);
          return nginx.accessLog().slice(logged).includes(`upstream=127.0.0.1:${node.port}`);
        },
        15_000,
      );
      return { exitCode, stopMs, startMs: performance.now() - starting };
    },
    async close() {
      await nginx.stop();
    },
  };
}
