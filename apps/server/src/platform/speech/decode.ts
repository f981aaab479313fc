import { existsSync } from 'node:fs';
import path from 'node:path';
import { runSupervised } from './supervised.js';
import { AudioFormatError, readWavHeader } from './wav.js';

const COMPRESSED = ['audio/webm', 'audio/ogg', 'audio/mpeg', 'audio/mp4'];

const ffmpegInstalled = () => (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && existsSync(path.join(dir, 'ffmpeg')));

/** The audio types this server can turn into samples: WAV always, compressed ones with ffmpeg. */
export function decodableAudioTypes(): string[] {
  return ['audio/wav', ...(ffmpegInstalled() ? COMPRESSED : [])];
}

/**
 * A WAV file of the recording, whatever it came in: WAV as is, other types through ffmpeg when it
 * is installed, cut after `maxSec` seconds so its output stays bounded. Throws AudioFormatError
 * when it cannot be decoded.
 */
export async function toWav(bytes: Buffer, contentType: string, options: { maxSec: number; signal?: AbortSignal }): Promise<Buffer> {
  if (contentType === 'audio/wav') return bytes;
  if (!decodableAudioTypes().includes(contentType)) throw new AudioFormatError(`this server cannot decode ${contentType}`);
  const args = [
    '-nostdin',
    '-loglevel',
    'error',
    '-i',
    'pipe:0',
    '-t',
    String(options.maxSec),
    '-ac',
    '1',
    '-ar',
    '16000',
    '-f',
    'wav',
    'pipe:1',
  ];
  // ffmpeg is far faster than real time; a minute covers any recording we accept.
  const run = runSupervised('ffmpeg', args, { limitMs: 60_000, signal: options.signal });
  const chunks: Buffer[] = [];
  run.stdout.on('data', (c: Buffer) => chunks.push(c));
  run.stdin.end(bytes);
  const { code, stderr } = await run.done;
  if (code !== 0) throw new AudioFormatError(`ffmpeg could not decode it: ${stderr.trim().slice(-500)}`);
  return Buffer.concat(chunks);
}

/**
 * How long a recording is, from the WAV header alone (no sample is decoded), or from at most one
 * second more than `maxSec` decoded by ffmpeg for compressed types: a longer one reads as longer
 * than `maxSec`, whatever its real length. Throws AudioFormatError when it cannot be read.
 */
export async function recordingSeconds(bytes: Buffer, contentType: string, maxSec: number): Promise<number> {
  return readWavHeader(await toWav(bytes, contentType, { maxSec: maxSec + 1 })).durationSec;
}
