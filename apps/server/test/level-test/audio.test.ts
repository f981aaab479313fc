import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeFeatures, scoreLevelTest } from '@studymate/cefr';
import { detectVoice } from '../../src/platform/speech/vad.js';
import { AudioFormatError, decodeWavAt, encodeWav, parseWav, readWavHeader, resample } from '../../src/platform/speech/wav.js';
import { ESPEAK, ESPEAK_MISSING, speak, synth } from './helpers.js';

/** A WAV with an arbitrary format tag, bit depth and channel count around the given frames. */
function wavOf(frames: number[][], options: { rate?: number; bits?: number; float?: boolean; extensible?: boolean; extraChunk?: boolean }) {
  const rate = options.rate ?? 16000;
  const bits = options.bits ?? 16;
  const channels = frames[0]!.length;
  const bytesPer = bits / 8;
  const data = Buffer.alloc(frames.length * channels * bytesPer);
  frames.forEach((frame, f) =>
    frame.forEach((v, c) => {
      const at = (f * channels + c) * bytesPer;
      if (options.float) data.writeFloatLE(v, at);
      else if (bits === 8) data[at] = Math.round(v * 127 + 128);
      else if (bits === 16) data.writeInt16LE(Math.round(v * 32767), at);
      else if (bits === 24) data.writeIntLE(Math.round(v * 8388607), at, 3);
      else data.writeInt32LE(Math.round(v * 2147483647), at);
    }),
  );
  const fmt = Buffer.alloc(options.extensible ? 40 : 16);
  fmt.writeUInt16LE(options.extensible ? 0xfffe : options.float ? 3 : 1, 0);
  fmt.writeUInt16LE(channels, 2);
  fmt.writeUInt32LE(rate, 4);
  fmt.writeUInt32LE(rate * channels * bytesPer, 8);
  fmt.writeUInt16LE(channels * bytesPer, 12);
  fmt.writeUInt16LE(bits, 14);
  if (options.extensible) {
    fmt.writeUInt16LE(22, 16);
    fmt.writeUInt16LE(options.float ? 3 : 1, 24);
  }
  const chunk = (id: string, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.write(id, 0, 'latin1');
    head.writeUInt32LE(body.length, 4);
    return Buffer.concat([head, body, body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  };
  const body = Buffer.concat([
    Buffer.from('WAVE', 'latin1'),
    chunk('fmt ', fmt),
    ...(options.extraChunk ? [chunk('LIST', Buffer.from('odd', 'latin1'))] : []),
    chunk('data', data),
  ]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

describe('WAV parsing', () => {
  const frames = [
    [0.5, -0.5],
    [0.25, 0.25],
    [-1, -1],
    [0, 0.5],
  ];
  const mono = frames.map(([a, b]) => (a! + b!) / 2);

  for (const [label, options, tolerance] of [
    ['16-bit PCM', { bits: 16 }, 1e-4],
    ['8-bit unsigned PCM', { bits: 8 }, 1e-2],
    ['24-bit PCM', { bits: 24 }, 1e-6],
    ['32-bit PCM', { bits: 32 }, 1e-8],
    ['32-bit float', { bits: 32, float: true }, 1e-7],
    ['WAVE_FORMAT_EXTENSIBLE', { bits: 16, extensible: true }, 1e-4],
    ['an odd-sized chunk before the data', { bits: 16, extraChunk: true }, 1e-4],
  ] as const) {
    it(`reads stereo ${label} and mixes it down to mono`, () => {
      const pcm = parseWav(wavOf(frames, { ...options, rate: 44100 }));
      expect(pcm.sampleRate).toBe(44100);
      expect(pcm.samples.length).toBe(4);
      [...pcm.samples].forEach((s, i) => expect(Math.abs(s - mono[i]!)).toBeLessThan(tolerance * 2 + 1e-6));
      expect(pcm.durationSec).toBeCloseTo(4 / 44100, 8);
    });
  }

  it('reads a streamed header whose data size is a placeholder (what espeak-ng and recorders write)', () => {
    const wav = wavOf([[0.5], [0.5], [0.5]], { bits: 16 });
    wav.writeUInt32LE(0xffffffff, 40);
    expect(parseWav(wav).samples.length).toBe(3);
  });

  it('refuses what is not PCM WAV with a reason', () => {
    expect(() => parseWav(Buffer.from('ID3 this is an mp3'))).toThrow(AudioFormatError);
    const adpcm = wavOf([[0], [0]], { bits: 16 });
    adpcm.writeUInt16LE(2, 20); // MS ADPCM
    expect(() => parseWav(adpcm)).toThrow(/compressed WAV/);
    const noData = wavOf([[0]], { bits: 16 }).subarray(0, 36);
    expect(() => parseWav(noData)).toThrow(/no data chunk/);
  });

  it('never crashes on arbitrary bytes: it decodes or refuses with AudioFormatError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (tail, withHeader) => {
        const bytes = withHeader ? Buffer.concat([wavOf([[0.1]], { bits: 16 }).subarray(0, 12), Buffer.from(tail)]) : Buffer.from(tail);
        try {
          const pcm = parseWav(bytes);
          expect(pcm.samples.length).toBeLessThanOrEqual(bytes.length);
        } catch (error) {
          expect(error).toBeInstanceOf(AudioFormatError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips through the 16-bit encoder and resamples to 16 kHz keeping the duration', () => {
    const tone = synth([{ sec: 1, hz: 440 }], { rate: 44100 });
    const pcm = parseWav(tone.wav);
    const at16 = resample(pcm, 16000);
    expect(at16.length).toBeGreaterThan(15990);
    expect(at16.length).toBeLessThanOrEqual(16000);
    const back = parseWav(encodeWav(at16, 16000));
    expect(back.durationSec).toBeCloseTo(1, 2);
  });
});

describe('bounded decoding for analysis', () => {
  it('reads the length from the header alone, even of a file claiming hours', () => {
    const wav = wavOf([[0.1], [0.2]], { bits: 8, rate: 4000 });
    // A header whose data runs to the end of a file it does not fully have yet: only the bytes present count.
    expect(readWavHeader(wav)).toMatchObject({ sampleRate: 4000, channels: 1, bits: 8, frames: 2, durationSec: 2 / 4000 });
    const long = Buffer.concat([wav, Buffer.alloc(4000 * 60)]);
    long.writeUInt32LE(0xffffffff, 40);
    expect(readWavHeader(long).durationSec).toBeCloseTo(60 + 2 / 4000, 6);
  });

  it('decodes straight to 16 kHz mono as parsing and resampling would, and stops at the limit', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(8000, 16000, 22050, 44100, 48000),
        fc.constantFrom(8, 16, 24),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.double({ min: -0.9, max: 0.9, noNaN: true }), { minLength: 1, maxLength: 3000 }),
        (rate, bits, channels, values) => {
          const wav = wavOf(
            values.map((v, i) => Array.from({ length: channels }, (_, c) => (c % 2 ? -v : v) * (i % 7 === 0 ? 0.5 : 1))),
            { rate, bits },
          );
          const whole = decodeWavAt(wav, 16000);
          expect(whole.truncated).toBe(false);
          const reference = resample(parseWav(wav), 16000);
          expect(whole.samples.length).toBe(reference.length);
          // The same filter; only float32 rounding of the intermediate samples differs.
          whole.samples.forEach((x, i) => expect(Math.abs(x - reference[i]!)).toBeLessThan(1e-6));
          const limit = values.length / rate / 2;
          const cut = decodeWavAt(wav, 16000, limit);
          expect(cut.durationSec).toBeLessThanOrEqual(limit + 1e-9);
          expect(cut.samples.length).toBeLessThanOrEqual(Math.ceil(limit * 16000));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('voice activity', () => {
  it('finds tones between silences where they are, to within a frame or two', () => {
    const { wav } = synth([{ sec: 0.5 }, { sec: 1, hz: 220 }, { sec: 0.8 }, { sec: 0.6, hz: 330 }, { sec: 0.4 }]);
    const vad = detectVoice(parseWav(wav));
    expect(vad.segments).toHaveLength(2);
    expect(vad.segments[0]!.start).toBeCloseTo(0.5, 1);
    expect(vad.segments[0]!.end).toBeCloseTo(1.5, 1);
    expect(vad.segments[1]!.start).toBeCloseTo(2.3, 1);
    expect(vad.pauses).toHaveLength(1);
    expect(vad.pauses[0]!.end - vad.pauses[0]!.start).toBeCloseTo(0.8, 1);
    expect(vad.speechSec).toBeCloseTo(1.6, 1);
  });

  it('adapts to a noisy room: steady noise is not speech, speech above it is', () => {
    const { wav } = synth([{ sec: 1 }, { sec: 1, hz: 200, amp: 0.3 }, { sec: 1 }, { sec: 1, hz: 300, amp: 0.3 }, { sec: 1 }], {
      noise: 0.03,
    });
    const vad = detectVoice(parseWav(wav));
    expect(vad.segments).toHaveLength(2);
    expect(vad.speechSec).toBeGreaterThan(1.8);
    expect(vad.speechSec).toBeLessThan(2.2);
    expect(vad.noiseFloorDb).toBeGreaterThan(-45);
  });

  it('bridges gaps shorter than a pause and hears nothing in silence', () => {
    const { wav } = synth([{ sec: 0.3, hz: 200 }, { sec: 0.08 }, { sec: 0.3, hz: 200 }]);
    expect(detectVoice(parseWav(wav)).segments).toHaveLength(1);
    expect(detectVoice(parseWav(synth([{ sec: 2 }]).wav)).segments).toHaveLength(0);
  });

  it('longer silences between tones mean more pause time', () => {
    const pauseTime = (gap: number) => {
      const parts = Array.from({ length: 6 }, () => [{ sec: 0.4, hz: 250 }, { sec: gap }]).flat();
      const vad = detectVoice(parseWav(synth(parts).wav));
      return vad.pauses.reduce((s, p) => s + p.end - p.start, 0);
    };
    expect(pauseTime(0.6)).toBeGreaterThan(pauseTime(0.3));
    expect(pauseTime(0.3)).toBeGreaterThan(pauseTime(0.1));
  });
});

const SCRIPT =
  'Last summer I travelled to Busan with my friends because we wanted to see the sea. ' +
  'We stayed in a small hotel near the beach, and every evening we walked along the shore and ate fresh fish. ' +
  'I think it was the best holiday I have had, although the weather was very hot.';

describe.skipIf(!ESPEAK)(`espeak-ng speech moves the fluency features${ESPEAK ? '' : ` (skipped: ${ESPEAK_MISSING})`}`, () => {
  /** Features from what the audio itself shows; the words are the script (no recogniser involved). */
  function measure(wav: Buffer) {
    const pcm = parseWav(wav);
    const vad = detectVoice(pcm);
    const answer = {
      stage: 2 as const,
      words: SCRIPT.split(/\s+/).map((text) => ({ text })),
      voiceSegments: vad.segments,
      durationSec: pcm.durationSec,
    };
    return { vad, features: computeFeatures({ answers: [answer] }), fluency: scoreLevelTest({ answers: [answer] }).subScores.fluency };
  }

  it('slower speech lowers the speech rate and the fluency sub-score', () => {
    const [slow, normal, fast] = [90, 150, 220].map((rate) => measure(speak(SCRIPT, { rate })));
    expect(slow!.features.speechRateWpm!).toBeLessThan(normal!.features.speechRateWpm!);
    expect(normal!.features.speechRateWpm!).toBeLessThan(fast!.features.speechRateWpm!);
    expect(slow!.fluency).toBeLessThan(fast!.fluency);
  });

  it('longer pauses between words are heard by the voice-activity detector and lower fluency', () => {
    const [none, short, long] = [0, 30, 80].map((gap) => measure(speak(SCRIPT, { rate: 150, gap })));
    expect(short!.vad.pauses.length).toBeGreaterThan(none!.vad.pauses.length);
    expect(long!.features.meanPauseSec).toBeGreaterThan(short!.features.meanPauseSec);
    expect(long!.features.meanLengthOfRun).toBeLessThan(none!.features.meanLengthOfRun);
    expect(long!.fluency).toBeLessThan(none!.fluency);
  });
});
