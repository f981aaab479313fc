import { describe, expect, it } from 'vitest';
import { encodeWav, meterLevel, resample, rms } from '../src/features/level-test/audio/wav';

const sine = (hz: number, rate: number, seconds: number, amplitude = 0.5) =>
  Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate));

/** Counts upward zero crossings: one per period of a clean tone. */
const periods = (x: Float32Array) => x.reduce((n, v, i) => (i > 0 && x[i - 1]! < 0 && v >= 0 ? n + 1 : n), 0);

describe('the level test recording format', () => {
  it('resamples 48 kHz blocks to 16 kHz, keeping length, pitch and loudness of speech-band audio', () => {
    const tone = sine(440, 48_000, 1);
    const blocks = [tone.subarray(0, 1000), tone.subarray(1000, 20_000), tone.subarray(20_000)];
    const out = resample(blocks, 48_000);
    expect(out.length).toBe(16_000);
    expect(Math.abs(periods(out) - 440)).toBeLessThanOrEqual(1);
    expect(rms(out)).toBeCloseTo(rms(tone), 1);
  });

  it('resamples 44.1 kHz (a non-integer ratio) to the right length', () => {
    expect(resample([sine(300, 44_100, 2)], 44_100).length).toBe(32_000);
  });

  it('damps a tone above 8 kHz instead of folding it into the speech band at full strength', () => {
    const high = resample([sine(12_000, 48_000, 1)], 48_000);
    expect(rms(high)).toBeLessThan(0.5 * rms(sine(12_000, 48_000, 1)));
  });

  it('writes a 16-bit mono PCM WAV whose header a reader can trust', async () => {
    const samples = Float32Array.from([0, 0.5, -0.5, 1, -1, 2, -2]);
    const bytes = new DataView(await encodeWav(samples).arrayBuffer());
    const ascii = (at: number) => String.fromCharCode(...[0, 1, 2, 3].map((i) => bytes.getUint8(at + i)));
    expect([ascii(0), ascii(8), ascii(12), ascii(36)]).toEqual(['RIFF', 'WAVE', 'fmt ', 'data']);
    expect(bytes.getUint32(4, true)).toBe(bytes.byteLength - 8);
    expect(bytes.getUint16(20, true)).toBe(1); // PCM
    expect(bytes.getUint16(22, true)).toBe(1); // mono
    expect(bytes.getUint32(24, true)).toBe(16_000);
    expect(bytes.getUint16(34, true)).toBe(16);
    expect(bytes.getUint32(40, true)).toBe(samples.length * 2);
    // Out-of-range samples clip instead of wrapping around.
    const pcm = Array.from({ length: samples.length }, (_, i) => bytes.getInt16(44 + i * 2, true));
    expect(pcm).toEqual([0, 16383, -16384, 32767, -32768, 32767, -32768]);
  });

  it('maps silence to an empty meter and full scale to a full one', () => {
    expect(meterLevel(0)).toBe(0);
    expect(meterLevel(0.0001)).toBe(0);
    expect(meterLevel(1)).toBe(1);
    expect(meterLevel(0.03)).toBeGreaterThan(0.35);
  });
});
