/** Decoded audio: mono samples in -1..1 at the file's own rate. */
export interface Pcm {
  sampleRate: number;
  samples: Float32Array;
  durationSec: number;
}

export class AudioFormatError extends Error {}

const PCM = 1;
const IEEE_FLOAT = 3;
const EXTENSIBLE = 0xfffe;

/**
 * Reads a RIFF/WAVE file: integer PCM of 8, 16, 24 or 32 bits or 32/64-bit float, any rate, any
 * channel count (mixed down to mono). Browsers and recorders that stream write a placeholder data
 * size (0 or 0xFFFFFFFF); the data then runs to the end of the file.
 */
export function parseWav(bytes: Buffer): Pcm {
  if (bytes.length < 12 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WAVE') {
    throw new AudioFormatError('not a RIFF/WAVE file');
  }
  let format: { tag: number; channels: number; rate: number; bits: number; blockAlign: number } | null = null;
  let data: Buffer | null = null;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('latin1', offset, offset + 4);
    const declared = bytes.readUInt32LE(offset + 4);
    const body = offset + 8;
    const size = Math.min(declared, bytes.length - body);
    if (id === 'fmt ') {
      if (size < 16) throw new AudioFormatError('fmt chunk too short');
      let tag = bytes.readUInt16LE(body);
      if (tag === EXTENSIBLE && size >= 26) tag = bytes.readUInt16LE(body + 24);
      format = {
        tag,
        channels: bytes.readUInt16LE(body + 2),
        rate: bytes.readUInt32LE(body + 4),
        blockAlign: bytes.readUInt16LE(body + 12),
        bits: bytes.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      const streamed = declared === 0 || declared === 0xffffffff;
      data = bytes.subarray(body, streamed ? bytes.length : body + size);
      break;
    }
    // Chunks are padded to an even length.
    offset = body + declared + (declared % 2);
  }
  if (!format) throw new AudioFormatError('no fmt chunk');
  if (!data) throw new AudioFormatError('no data chunk');
  const { tag, channels, rate, bits } = format;
  if (tag !== PCM && tag !== IEEE_FLOAT) throw new AudioFormatError(`compressed WAV (format ${tag}) is not supported; send PCM`);
  if (channels < 1 || channels > 16) throw new AudioFormatError(`unsupported channel count ${channels}`);
  if (rate < 4000 || rate > 192000) throw new AudioFormatError(`unsupported sample rate ${rate}`);
  const bytesPerSample = bits / 8;
  const valid = (tag === PCM && [8, 16, 24, 32].includes(bits)) || (tag === IEEE_FLOAT && (bits === 32 || bits === 64));
  if (!valid) throw new AudioFormatError(`unsupported sample format: ${bits}-bit ${tag === PCM ? 'PCM' : 'float'}`);
  const frameBytes = bytesPerSample * channels;
  const frames = Math.floor(data.length / frameBytes);
  const read = sampleReader(tag, bits);
  const samples = new Float32Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    const base = f * frameBytes;
    for (let c = 0; c < channels; c++) sum += read(data, base + c * bytesPerSample);
    samples[f] = sum / channels;
  }
  return { sampleRate: rate, samples, durationSec: frames / rate };
}

function sampleReader(tag: number, bits: number): (b: Buffer, at: number) => number {
  if (tag === IEEE_FLOAT) return bits === 32 ? (b, at) => b.readFloatLE(at) : (b, at) => b.readDoubleLE(at);
  switch (bits) {
    case 8:
      return (b, at) => (b[at]! - 128) / 128; // 8-bit WAV is unsigned
    case 16:
      return (b, at) => b.readInt16LE(at) / 32768;
    case 24:
      return (b, at) => b.readIntLE(at, 3) / 8388608;
    default:
      return (b, at) => b.readInt32LE(at) / 2147483648;
  }
}

/**
 * Resamples to `rate` by averaging each output sample's span of input (a box filter, enough
 * against aliasing for speech recognisers), or linear interpolation when upsampling.
 */
export function resample(pcm: Pcm, rate: number): Float32Array {
  if (pcm.sampleRate === rate) return pcm.samples;
  const ratio = pcm.sampleRate / rate;
  const out = new Float32Array(Math.floor(pcm.samples.length / ratio));
  const input = pcm.samples;
  for (let i = 0; i < out.length; i++) {
    const from = i * ratio;
    if (ratio > 1) {
      const start = Math.floor(from);
      const end = Math.min(input.length, Math.max(start + 1, Math.floor(from + ratio)));
      let sum = 0;
      for (let j = start; j < end; j++) sum += input[j]!;
      out[i] = sum / (end - start);
    } else {
      const j = Math.floor(from);
      const t = from - j;
      out[i] = input[j]! * (1 - t) + (input[Math.min(j + 1, input.length - 1)] ?? 0) * t;
    }
  }
  return out;
}

/** 16-bit PCM mono WAV, the one format every recogniser reads. */
export function encodeWav(samples: Float32Array, rate: number): Buffer {
  const out = Buffer.alloc(44 + samples.length * 2);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(36 + samples.length * 2, 4);
  out.write('WAVEfmt ', 8, 'latin1');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(PCM, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'latin1');
  out.writeUInt32LE(samples.length * 2, 40);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]!));
    out.writeInt16LE(Math.round(s < 0 ? s * 32768 : s * 32767), 44 + i * 2);
  }
  return out;
}
