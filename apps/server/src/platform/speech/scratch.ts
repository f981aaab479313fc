import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Scratch files of speech recognition (the 16 kHz WAV pocketsphinx reads) live in a folder of
 * their own, named `stt-<pid>-<random>.wav`, so a node that crashed mid-recognition can be
 * cleaned up after: at start-up every file of a process that is gone is removed.
 */
const PREFIX = 'stt-';

/** No recognition runs this long (the longest limit is STT_TIMEOUT_MS, at most 10 minutes). */
const STALE_AFTER_MS = 60 * 60_000;

export async function scratchFile(dir: string, ext: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  return path.join(dir, `${PREFIX}${process.pid}-${randomUUID()}${ext}`);
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the scratch files left by processes that are gone; returns how many. A file of a live
 * process is kept (another node may share DATA_DIR), unless it is older than any recognition
 * could take: its process id has been reused (in a container the server is always pid 1), or
 * it is this very process's id from an earlier life.
 */
export async function sweepScratch(dir: string, now = Date.now()): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const m = new RegExp(`^${PREFIX}(\\d+)-`).exec(name);
    if (!m) continue;
    const file = path.join(dir, name);
    const pid = Number(m[1]);
    const stale =
      pid === process.pid ||
      !running(pid) ||
      now -
        (await stat(file).then(
          (s) => s.mtimeMs,
          () => now,
        )) >
        STALE_AFTER_MS;
    if (
      stale &&
      (await rm(file, { force: true }).then(
        () => true,
        () => false,
      ))
    )
      removed++;
  }
  return removed;
}
