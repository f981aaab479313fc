import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { AudioFormatError, parseWav, type Pcm } from './wav.js';

const COMPRESSED = ['audio/webm', 'audio/ogg', 'audio/mpeg', 'audio/mp4'];

const ffmpegInstalled = () => (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && existsSync(path.join(dir, 'ffmpeg')));

/** The audio types this server can turn into samples: WAV always, compressed ones with ffmpeg. */
export function decodableAudioTypes(): string[] {
  return ['audio/wav', ...(ffmpegInstalled() ? COMPRESSED : [])];
}

/**
 * A WAV file of the recording, whatever it came in: WAV as is (after checking it parses), other
 * types through ffmpeg when it is installed. Throws AudioFormatError when it cannot be decoded.
 */
export async function toWav(bytes: Buffer, contentType: string, signal?: AbortSignal): Promise<{ wav: Buffer; pcm: Pcm }> {
  if (contentType === 'audio/wav') return { wav: bytes, pcm: parseWav(bytes) };
  if (!decodableAudioTypes().includes(contentType)) throw new AudioFormatError(`this server cannot decode ${contentType}`);
  const wav = await new Promise<Buffer>((resolve, reject) => {
    const child = spawn('ffmpeg', ['-nostdin', '-loglevel', 'error', '-i', 'pipe:0', '-ac', '1', '-ar', '16000', '-f', 'wav', 'pipe:1'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      signal,
    });
    const chunks: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-500)));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(chunks)) : reject(new AudioFormatError(`ffmpeg could not decode it: ${err.trim()}`)),
    );
    child.stdin.on('error', () => undefined);
    child.stdin.end(bytes);
  });
  return { wav, pcm: parseWav(wav) };
}
