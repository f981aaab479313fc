// Shared by the benchmarks: start the built server as production would, and wait for it.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const serverEntry = path.join(root, 'apps/server/dist/main.js');
/** Node's flags for the server, as `npm start` and the README run it. */
export const serverNodeFlags = ['--v8-pool-size=1'];

/**
 * A port below the kernel's ephemeral range (32768 and up here), checked free: the fan-out
 * benchmark's thousands of client sockets take ephemeral ports, and a server port picked among
 * them collided now and then (EADDRINUSE).
 */
export async function freePort() {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const free = await new Promise((resolve) => {
      const probe = net.createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/** Starts `node --v8-pool-size=1 apps/server/dist/main.js` and resolves once /health/ready answers 200. */
export async function startServer(env = {}, { readyTimeoutMs = 30_000 } = {}) {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'studymate-bench-'));
  const started = performance.now();
  // BENCH_SERVER_FLAGS adds Node flags to the server only (e.g. "--cpu-prof --cpu-prof-dir=/tmp/p").
  const extra = (process.env.BENCH_SERVER_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...serverNodeFlags, ...extra, serverEntry], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', STUDYMATE_QUIET: '1', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/health/ready`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > readyTimeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`server not ready within ${readyTimeoutMs / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const readyMs = performance.now() - started;
  return {
    url,
    pid: child.pid,
    readyMs,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const round = (n, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
let clockTicks = 100;
try {
  clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  // Linux reports in 1/100 s nearly everywhere
}
/** CPU seconds the process has used so far (user + system). */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return NaN;
  }
}

/** One JSON request to the server under test (null for 204); throws on a status of 300 or more. */
export async function api(base, method, path, body, token) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${(await res.text()).slice(0, 200)}`);
  return res.status === 204 ? null : res.json();
}
/** Runs `task(i)` for i < count, at most `concurrency` at a time, and returns the results in order. */
export async function pool(count, concurrency, task) {
  const results = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** The p99 of each second: `samples` are [time, latency] pairs, seconds counted from `from` (one stall shows as one bad second). */
export function p99BySecond(samples, from) {
  const seconds = [];
  for (const [at, latency] of samples) (seconds[Math.floor((at - from) / 1000)] ??= []).push(latency);
  return Array.from(seconds, (l) =>
    l
      ? round(
          percentile(
            l.sort((a, b) => a - b),
            99,
          ),
          1,
        )
      : null,
  );
}

/** A new, empty MariaDB database for one run (BENCH_DATABASE_URL names the server); `drop()` removes it. */
export async function freshMysqlDatabase(name) {
  const { createConnection } = await import('mysql2/promise');
  const server = new URL(process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/studymate_bench');
  const admin = await createConnection({
    host: server.hostname,
    port: Number(server.port || 3306),
    user: server.username || 'root',
    password: server.password || undefined,
  });
  await admin.query(`create database ${name} character set utf8mb4 collate utf8mb4_unicode_ci`);
  server.pathname = `/${name}`;
  return {
    url: server.toString(),
    async drop() {
      await admin.query(`drop database ${name}`);
      await admin.end();
    },
  };
}
