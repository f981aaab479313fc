import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { until } from '../helpers/wait.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const deployDir = path.join(repoRoot, 'deploy');

/** Debian's nginx, when installed (.ci/run installs it). */
export const nginxBinary = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((file) => spawnSync(file, ['-v']).status === 0) ?? null;

/**
 * deploy/nginx.conf with compose's `server app:8080` line replaced by one line per node and
 * `listen 80` by a loopback port, wrapped in the main context compose's nginx image provides,
 * with every path under `prefix` (no root-owned folders, one process: master_process off).
 */
export function writeNginxConfig(prefix: string, listenPort: number, upstreamPorts: number[]): string {
  const site = readFileSync(path.join(deployDir, 'nginx.conf'), 'utf8');
  const serverLine = /^\s*server app:8080( [^;]*)?;$/m;
  const listenLine = /^\s*listen 80;$/m;
  if (!serverLine.test(site) || !listenLine.test(site))
    throw new Error('deploy/nginx.conf no longer has the lines the topology test replaces');
  const templated = site
    .replace(serverLine, (_line, options = '') => upstreamPorts.map((port) => `    server 127.0.0.1:${port}${options};`).join('\n'))
    .replace(listenLine, `    listen 127.0.0.1:${listenPort};`);
  for (const dir of ['logs', 'temp']) mkdirSync(path.join(prefix, dir), { recursive: true });
  writeFileSync(path.join(prefix, 'site.conf'), templated);
  const main = `
daemon off;
master_process off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log warn;
events { worker_connections 1024; }
http {
  log_format upstream '$remote_addr "$request" $status upstream=$upstream_addr';
  access_log ${prefix}/logs/access.log upstream;
  client_body_temp_path ${prefix}/temp/body;
  proxy_temp_path ${prefix}/temp/proxy;
  fastcgi_temp_path ${prefix}/temp/fastcgi;
  uwsgi_temp_path ${prefix}/temp/uwsgi;
  scgi_temp_path ${prefix}/temp/scgi;
  include ${prefix}/site.conf;
}
`;
  const file = path.join(prefix, 'nginx.conf');
  writeFileSync(file, main);
  return file;
}

export interface Nginx {
  url: string;
  ws: string;
  child: ChildProcess;
  accessLog(): string;
  errorLog(): string;
  stop(): Promise<void>;
}

/** Starts nginx in front of the given ports; resolves once it answers. */
export async function startNginx(listenPort: number, upstreamPorts: number[]): Promise<Nginx> {
  if (!nginxBinary) throw new Error('nginx is not installed');
  const prefix = mkdtempSync(path.join(tmpdir(), 'studymate-nginx-'));
  const config = writeNginxConfig(prefix, listenPort, upstreamPorts);
  const child = spawn(nginxBinary, ['-p', prefix, '-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${listenPort}`;
  await until('nginx to answer', () =>
    fetch(`${url}/nginx-health`).then(
      (r) => r.ok,
      () => false,
    ),
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${output}${readFileSync(path.join(prefix, 'logs/error.log'), 'utf8')}`);
  });
  return {
    url,
    ws: `ws://127.0.0.1:${listenPort}/ws`,
    child,
    accessLog: () => readFileSync(path.join(prefix, 'logs/access.log'), 'utf8'),
    errorLog: () => readFileSync(path.join(prefix, 'logs/error.log'), 'utf8'),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGQUIT');
        await exited;
      }
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}
