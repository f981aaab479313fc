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

/** Where the samples of a WAV file are and how they are laid out, read from its header only. */
export interface WavLayout {
  tag: number;
  channels: number;
  sampleRate: number;
  bits: number;
  /** Byte offset and length of the sample data. */
  dataStart: number;
  dataLength: number;
  frames: number;
  durationSec: number;
}

/**
 * Reads the header of a RIFF/WAVE file without touching its samples: integer PCM of 8, 16, 24 or
 * 32 bits or 32/64-bit float, any rate, any channel count. Browsers and recorders that stream
 * write a placeholder data size (0 or 0xFFFFFFFF); the data then runs to the end of the file.
 */
export function readWavHeader(bytes: Buffer): WavLayout {
  if (bytes.length < 12 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WAVE') {
    throw new AudioFormatError('not a RIFF/WAVE file');
  }
  let format: { tag: number; channels: number; rate: number; bits: number } | null = null;
  let data: { start: number; length: number } | null = null;
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
      format = { tag, channels: bytes.readUInt16LE(body + 2), rate: bytes.readUInt32LE(body + 4), bits: bytes.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      const streamed = declared === 0 || declared === 0xffffffff;
      data = { start: body, length: streamed ? bytes.length - body : size };
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
  const valid = (tag === PCM && [8, 16, 24, 32].includes(bits)) || (tag === IEEE_FLOAT && (bits === 32 || bits === 64));
  if (!valid) throw new AudioFormatError(`unsupported sample format: ${bits}-bit ${tag === PCM ? 'PCM' : 'float'}`);
  const frames = Math.floor(data.length / ((bits / 8) * channels));
  return { tag, channels, sampleRate: rate, bits, dataStart: data.start, dataLength: data.length, frames, durationSec: frames / rate };
}

/** Reads a whole RIFF/WAVE file (see readWavHeader), mixed down to mono at its own rate. */
export function parseWav(bytes: Buffer): Pcm {
  const layout = readWavHeader(bytes);
  const mono = monoReader(bytes, layout);
  const samples = new Float32Array(layout.frames);
  for (let f = 0; f < layout.frames; f++) samples[f] = mono(f);
  return { sampleRate: layout.sampleRate, samples, durationSec: layout.durationSec };
}

/** Frame `f` of the file, its channels averaged. */
function monoReader(bytes: Buffer, layout: WavLayout): (f: number) => number {
  const { channels, dataStart } = layout;
  const bytesPerSample = layout.bits / 8;
  const frameBytes = bytesPerSample * channels;
  const read = sampleReader(layout.tag, layout.bits);
  if (channels === 1) return (f) => read(bytes, dataStart + f * frameBytes);
  return (f) => {
    let sum = 0;
    const base = dataStart + f * frameBytes;
    for (let c = 0; c < channels; c++) sum += read(bytes, base + c * bytesPerSample);
    return sum / channels;
  };
}

/**
 * The first `maxSec` seconds of a WAV file as mono samples at `rate`, decoded and resampled in one
 * pass straight from the bytes: memory holds only the output, whatever the file's own rate and
 * channel count (a 192 kHz 16-channel file would otherwise need its full-rate samples first).
 * The same filters as resample(parseWav(...)).
 */
export function decodeWavAt(
  bytes: Buffer,
  rate: number,
  maxSec = Infinity,
): { samples: Float32Array; durationSec: number; truncated: boolean } {
  const layout = readWavHeader(bytes);
  const frames = Math.min(layout.frames, Math.floor(maxSec * layout.sampleRate));
  const mono = monoReader(bytes, layout);
  const ratio = layout.sampleRate / rate;
  const out = new Float32Array(Math.floor(frames / ratio));
  for (let i = 0; i < out.length; i++) out[i] = resampledAt(mono, frames, ratio, i);
  return { samples: out, durationSec: frames / layout.sampleRate, truncated: frames < layout.frames };
}

/** Output sample `i` of a resampling by `ratio` (input rate / output rate) of `length` input samples. */
function resampledAt(input: (j: number) => number, length: number, ratio: number, i: number): number {
  const from = i * ratio;
  if (ratio === 1) return input(i);
  if (ratio > 1) {
    // Downsampling: the average of the span this output sample covers (a box filter).
    const start = Math.floor(from);
    const end = Math.min(length, Math.max(start + 1, Math.floor(from + ratio)));
    let sum = 0;
    for (let j = start; j < end; j++) sum += input(j);
    return sum / (end - start);
  }
  // Upsampling: linear interpolation.
  const j = Math.floor(from);
  const t = from - j;
  return input(j) * (1 - t) + (j + 1 < length ? input(j + 1) : input(length - 1)) * t;
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
  const input = pcm.samples;
  const out = new Float32Array(Math.floor(input.length / ratio));
  const at = (j: number) => input[j]!;
  for (let i = 0; i < out.length; i++) out[i] = resampledAt(at, input.length, ratio, i);
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
