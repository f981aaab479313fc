import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sweepScratch } from '../../src/platform/speech/scratch.js';
import { pocketsphinxAvailable } from '../../src/platform/speech/transcriber.js';
import { api, givenUser } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';
import { startAppOn, synth, uploadAnswer } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Running, and not a zombie waiting for init to reap it. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Every live process with its parent and command line. */
function processTable(): { pid: number; ppid: number; argv: string[] }[] {
  const rows = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const [, state, ppid] = /\) (\S) (\d+)/.exec(stat)!;
      if (state === 'Z') continue;
      rows.push({ pid: Number(d), ppid: Number(ppid), argv: readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0') });
    } catch {
      // Gone meanwhile.
    }
  }
  return rows;
}

/** The recognisers running below process `root`, with the file each reads. */
function recognisersUnder(root: number): { pid: number; file: string }[] {
  const table = processTable();
  const below = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of table) {
      if (!below.has(p.ppid) || below.has(p.pid)) continue;
      below.add(p.pid);
      grew = true;
    }
  }
  return table
    .filter((p) => below.has(p.pid) && path.basename(p.argv[0]!) === 'pocketsphinx_continuous')
    .map((p) => ({ pid: p.pid, file: p.argv[p.argv.indexOf('-infile') + 1]! }));
}

/** Processes whose command line mentions `marker`. */
const processesWith = (marker: string) => processTable().filter((p) => p.pid !== process.pid && p.argv.some((a) => a.includes(marker)));

async function until(what: string, check: () => boolean, ms: number) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts a node script under tsx and resolves with the first line it prints matching `ready`. */
async function startNode(script: string, args: string[], env: Record<string, string>, ready: RegExp) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, script), ...args], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = ready.exec(out);
      if (m) resolve(m);
    });
    child.on('exit', (code) => reject(new Error(`${script} exited early with ${code}`)));
  });
  const kill = async () => {
    child.kill('SIGKILL');
    if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
  };
  return { match, kill, pid: child.pid! };
}

describe('a supervised command dies with the server that started it', () => {
  it('is gone shortly after its server is killed with SIGKILL', async () => {
    // A stand-in for a recogniser: a long-running command, started the way pocketsphinx is.
    const node = await startNode('supervised-node.ts', ['sleep', '300'], {}, /started (\d+)/);
    const pid = Number(node.match[1]);
    expect(alive(pid)).toBe(true);
    await node.kill();
    await until('the command to die with its server', () => !alive(pid), 5000);
  });
});

describe('the speech scratch folder at start-up', () => {
  it('loses the files of processes that are gone, and keeps those of a live node sharing it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'studymate-scratch-'));
    try {
      const gone = spawnSync('true').pid!;
      const live = process.ppid;
      const hoursAgo = new Date(Date.now() - 2 * 3600_000);
      const files = {
        live: `stt-${live}-a.wav`,
        gone: `stt-${gone}-b.wav`,
        mine: `stt-${process.pid}-c.wav`, // this pid's earlier life (a container restarts as the same pid)
        old: `stt-${live}-d.wav`,
        other: 'notes.txt',
      };
      for (const name of Object.values(files)) writeFileSync(path.join(dir, name), 'x');
      utimesSync(path.join(dir, files.old), hoursAgo, hoursAgo);
      expect(await sweepScratch(dir)).toBe(3);
      expect(readdirSync(dir).sort()).toEqual([files.live, files.other].sort());
      expect(await sweepScratch(path.join(dir, 'missing'))).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const POCKETSPHINX_SKIP = pocketsphinxAvailable()
  ? null
  : 'pocketsphinx is not installed (apt-get install pocketsphinx pocketsphinx-en-us)';
if (POCKETSPHINX_SKIP) console.warn(`*** SKIPPING the recogniser crash test: ${POCKETSPHINX_SKIP} ***`);

for (const backend of BACKENDS) {
  const skip = backend.skip ?? POCKETSPHINX_SKIP;
  describe.skipIf(!!skip)(`a server killed mid-recognition [${backend.name}]${skip ? ` (skipped: ${skip})` : ''}`, () => {
    it('leaves no recogniser running, and its restart removes the scratch WAV it left', { timeout: 180_000 }, async () => {
      const provisioned = await backend.provision();
      const env = {
        ...provisioned.env,
        STT_PROVIDERS: 'pocketsphinx',
        JOBS_POLL_MS: '50',
        JOBS_LEASE_MS: '2000',
        RATE_LIMIT_UPLOAD: '1000',
      };
      const node = await startNode('recognising-node.ts', [], { SERVER_ENV_JSON: JSON.stringify(env) }, /listening (\S+)/);
      try {
        const server = { url: node.match[1]! };
        const user = await givenUser(server);
        const attempt = (await api(server, 'POST', '/api/v1/level-test/attempts', { token: user.token })).json;
        for (const p of attempt.prompts) {
          // One unbroken voiced sound for the whole window: pocketsphinx spends tens of seconds on it
          // and prints nothing before the end (a recogniser that writes would die of SIGPIPE anyway).
          const parts = Array.from({ length: p.answerSec * 2 }, (_, i) => ({ sec: 0.5, hz: 150 + (i % 5) * 40 }));
          expect((await uploadAnswer(server, user, attempt.id, p.id, synth(parts, { noise: 0.05 }).wav)).status).toBe(200);
        }
        expect((await api(server, 'POST', `/api/v1/level-test/attempts/${attempt.id}/finish`, { token: user.token })).status).toBe(202);
        let recognisers: { pid: number; file: string }[] = [];
        await until('pocketsphinx to start on an answer', () => (recognisers = recognisersUnder(node.pid)).length > 0, 90_000);
        const scratchFiles = recognisers.map((r) => r.file);
        expect(scratchFiles.every((f) => existsSync(f))).toBe(true);

        await node.kill();
        await until('no recogniser to be left running', () => recognisers.every((r) => !alive(r.pid)), 5000);
        // Killed mid-work, the node could not remove its scratch WAV: the next start does.
        expect(scratchFiles.filter((f) => existsSync(f))).toEqual(scratchFiles);
        const restarted = await startAppOn(env);
        try {
          expect(scratchFiles.filter((f) => existsSync(f))).toEqual([]);
        } finally {
          await restarted.close();
        }
        // Stopping a node ends the recognition it took over, too.
        const folder = path.dirname(scratchFiles[0]!);
        await until('the restarted node to leave no recogniser', () => processesWith(folder).length === 0, 5000);
      } finally {
        await node.kill();
        await provisioned.drop();
      }
    });
  });
}
