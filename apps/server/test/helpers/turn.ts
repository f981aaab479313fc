import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';

// Self-contained (no app import): the browser tests start coturn with it too.
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
async function until(what: string, check: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface TurnServer {
  url: string;
  secret: string;
  port: number;
  output(): string;
  stop(): Promise<void>;
}

/** Why the TURN suites cannot run here, or null: they need Debian's coturn (`turnserver`). */
export function turnMissing(): string | null {
  try {
    execFileSync('sh', ['-c', 'command -v turnserver'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'coturn is not installed (apt-get install coturn)';
  }
}

/**
 * Debian's coturn on loopback as production runs it (`use-auth-secret`, TURN REST credentials),
 * with a secret generated now, loopback peers allowed, a small relay port range and no TLS.
 */
export async function startTurnServer(): Promise<TurnServer> {
  const port = await freePort();
  const secret = randomBytes(24).toString('base64url');
  const minPort = 40000 + Math.floor(Math.random() * 20000);
  let log = '';
  const child: ChildProcess = spawn(
    'turnserver',
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm=studymate.test',
      '--fingerprint',
      '--allow-loopback-peers',
      `--min-port=${minPort}`,
      `--max-port=${minPort + 50}`,
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      '--no-software-attribute',
      '--log-file=stdout',
      '--simple-log',
      '--verbose',
      `--pidfile=/tmp/turnserver-${port}.pid`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (chunk) => (log += chunk));
  child.stderr!.on('data', (chunk) => (log += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await until('turnserver listening', () => /listener opened on|Total General servers/i.test(log) || child.exitCode !== null, 10_000);
  if (child.exitCode !== null) throw new Error(`turnserver exited: ${log}`);
  return {
    url: `turn:127.0.0.1:${port}`,
    secret,
    port,
    output: () => log,
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
