import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/**
 * Runs `command` in a process group of its own, beside a watcher that holds the read end of a
 * pipe from this server (fd 3) and kills the whole group when that pipe reaches end-of-file. The
 * kernel closes the pipe when the server dies in any way, SIGKILL and OOM included, so a crash
 * mid-recognition leaves no recogniser running; a time-out or an abort here kills the group too.
 * The command replaces the shell (`exec`), so its exit code and stdio are its own.
 * Limits: the command must not leave the group (setsid); a watcher killed on its own disarms this.
 */
const SUPERVISOR = '{ cat <&3 >/dev/null 2>&1; kill -s KILL 0; } </dev/null >/dev/null 2>&1 & exec "$@" 3<&-';

export class SupervisedFailure extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
  ) {
    super(message);
  }
}

export interface SupervisedRun {
  pid: number;
  stdin: Writable;
  stdout: Readable;
  /** The exit code, or a SupervisedFailure after a time-out, the signal's reason after an abort. */
  done: Promise<{ code: number | null; stderr: string }>;
}

export function runSupervised(command: string, args: string[], options: { limitMs: number; signal?: AbortSignal }): SupervisedRun {
  options.signal?.throwIfAborted();
  const child = spawn('/bin/sh', ['-c', SUPERVISOR, 'supervised', command, ...args], {
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    detached: true,
  });
  const lifeline = child.stdio[3] as Readable;
  // Node may exit while the group lives on only when it dies; a clean exit kills the group first.
  const killGroup = () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  process.once('exit', killGroup);
  const done = new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-2000)));
    let failure: unknown = null;
    const stop = (reason: unknown) => {
      failure ??= reason;
      killGroup();
    };
    const timer = setTimeout(
      () => stop(new SupervisedFailure(`${command}: no result within ${options.limitMs} ms`, true)),
      options.limitMs,
    );
    const onAbort = () => stop(options.signal!.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdin.on('error', () => undefined);
    child.on('error', (e) => stop(new SupervisedFailure(`${command}: ${e.message}`, false)));
    // The command is done: drop the lifeline so the watcher ends (and sweeps anything left in the group).
    child.on('exit', () => lifeline.destroy());
    child.on('close', (code) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      process.removeListener('exit', killGroup);
      if (failure) reject(failure);
      else resolve({ code, stderr });
    });
  });
  return { pid: child.pid!, stdin: child.stdin, stdout: child.stdout, done };
}
