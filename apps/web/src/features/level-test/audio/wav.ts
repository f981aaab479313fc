/** The rate the server's recognisers and voice-activity detector work at. */
export const TARGET_RATE = 16_000;

/**
 * Joins captured blocks and resamples them to `outRate`. Each output sample averages the input
 * samples it covers (a box filter), which keeps most energy above 8 kHz from folding back into
 * the speech band when going down from 44.1/48 kHz.
 */
export function resample(blocks: readonly Float32Array[], inRate: number, outRate = TARGET_RATE): Float32Array {
  const length = blocks.reduce((n, b) => n + b.length, 0);
  const input = new Float32Array(length);
  let offset = 0;
  for (const b of blocks) {
    input.set(b, offset);
    offset += b.length;
  }
  if (inRate === outRate) return input;
  const ratio = inRate / outRate;
  const out = new Float32Array(Math.floor(length / ratio));
  for (let i = 0; i < out.length; i++) {
    const from = Math.floor(i * ratio);
    const to = Math.max(from + 1, Math.min(length, Math.floor((i + 1) * ratio)));
    let sum = 0;
    for (let j = from; j < to; j++) sum += input[j]!;
    out[i] = sum / (to - from);
  }
  return out;
}

/** A RIFF/WAVE file holding mono 16-bit PCM, the one format every STUDYMATE server accepts. */
export function encodeWav(samples: Float32Array, rate = TARGET_RATE): Blob {
  const bytes = new ArrayBuffer(44 + samples.length * 2);
  const view = new DataView(bytes);
  const ascii = (at: number, text: string) => {
    for (let i = 0; i < text.length; i++) view.setUint8(at + i, text.charCodeAt(i));
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + samples.length * 2, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true); // fmt chunk size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true); // bytes per second
  view.setUint16(32, 2, true); // bytes per frame
  view.setUint16(34, 16, true); // bits per sample
  ascii(36, 'data');
  view.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]!));
    view.setInt16(44 + i * 2, s < 0 ? s * 0x8000 : s * 0x7fff, true);
  }
  return new Blob([bytes], { type: 'audio/wav' });
}

/** Root-mean-square of a block, 0..1 for full-scale audio. */
export function rms(block: Float32Array): number {
  let sum = 0;
  for (const s of block) sum += s * s;
  return block.length ? Math.sqrt(sum / block.length) : 0;
}

/** Maps RMS onto 0..1 for a meter over the last 60 dB, the range speech moves in. */
export function meterLevel(value: number): number {
  if (value <= 0) return 0;
  return Math.max(0, Math.min(1, (20 * Math.log10(value) + 60) / 60));
}
