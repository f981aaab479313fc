import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { VoiceActivity } from './vad.js';
import { AudioFormatError } from './wav.js';
import type { AnalysisReply, AnalysisRequest } from './analysis-protocol.js';

export interface RecordingAnalysis {
  /** Seconds analysed: the recording's length, or `maxSec` when it was longer. */
  durationSec: number;
  truncated: boolean;
  voice: VoiceActivity;
  /** Times of the syllable nuclei found in the signal (nuclei.ts), seconds from the start. */
  syllables: number[];
  /** The analysed part as a 16 kHz mono 16-bit WAV, what offline recognisers read. */
  speech: Buffer;
}

/**
 * Where the worker's code is: next to this file under tsx and vitest (TypeScript, loaded through
 * tsx), or the bundle's own entry (build.mjs) beside main.js, from main.js or from a chunk.
 */
function workerEntry(): { source: string | URL; eval: boolean } {
  if (import.meta.url.endsWith('.ts')) {
    // Node 20 does not run a worker through the --import hooks of its parent: tsx loads it itself.
    // tsx's ESM API ("tsx/esm/api" for import), found from its package folder: require.resolve gives the CommonJS one.
    const api = pathToFileURL(
      path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs'),
    ).href;
    const entry = new URL('./analysis-worker.ts', import.meta.url).href;
    return {
      source: `import(${JSON.stringify(api)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`,
      eval: true,
    };
  }
  for (const candidate of ['./speech-analysis-worker.js', '../speech-analysis-worker.js']) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(fileURLToPath(url))) return { source: url, eval: false };
  }
  throw new Error('speech-analysis-worker.js is missing from the build');
}

/** How much a worker may hold besides the recording and its 16 kHz copy (external buffers). */
const WORKER_HEAP_MB = 64;

/**
 * Decodes a WAV recording, at most its first `maxSec` seconds, to 16 kHz mono and measures its
 * voice activity, in a worker thread of its own: the event loop only copies the bytes over. The
 * thread holds the recording, its 16 kHz samples and their WAV, so memory follows `maxSec`,
 * not the file. Throws AudioFormatError when the bytes are not a WAV this server reads.
 */
export function analyseRecording(wav: Buffer, options: { maxSec: number; signal?: AbortSignal }): Promise<RecordingAnalysis> {
  options.signal?.throwIfAborted();
  const entry = workerEntry();
  const request: AnalysisRequest = { wav, maxSec: options.maxSec };
  const worker = new Worker(entry.source, {
    eval: entry.eval,
    workerData: request,
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 16 },
  });
  return new Promise<RecordingAnalysis>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => {
      void worker.terminate();
      settle(() => reject(options.signal!.reason));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (reply: AnalysisReply) =>
      settle(() => {
        if (reply.ok) resolve({ ...reply, speech: Buffer.from(reply.speech.buffer, reply.speech.byteOffset, reply.speech.byteLength) });
        else reject(reply.format ? new AudioFormatError(reply.message) : new Error(`speech analysis failed: ${reply.message}`));
      }),
    );
    worker.once('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) => settle(() => reject(new Error(`speech analysis thread exited with ${code}`))));
  });
}
