import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { measureReadAloud, readAloudLevel, scoreLevelTest, textSyllablesOf } from '../src/index.js';
import type { AnswerInput } from '../src/index.js';

const TEXT = 'We took the early train to visit our friends.';
/** Nuclei at a steady pace: `count` syllables, `gap` seconds apart, from `from`. */
const steady = (count: number, gap: number, from = 0.5) =>
  Array.from({ length: count }, (_, i) => Math.round((from + i * gap) * 1000) / 1000);
/** One voice segment around each run of nuclei (gaps over 0.4 s split them). */
function segmentsOf(times: readonly number[]) {
  const out: { start: number; end: number }[] = [];
  for (const t of times) {
    const last = out[out.length - 1];
    if (last && t - last.end < 0.4) last.end = t + 0.1;
    else out.push({ start: t - 0.1, end: t + 0.1 });
  }
  return out;
}
const level = (times: number[], text = TEXT) =>
  readAloudLevel(measureReadAloud({ syllableTimes: times, voiceSegments: segmentsOf(times) }, text));

/** A fluent reading of TEXT: 12 nuclei (the detector finds about 1.1 per written syllable), 0.2 s apart. */
const fluent = steady(12, 0.2);
/** A halting one: slower steps and three pauses of over a second. */
const halting = [...steady(3, 0.3), ...steady(3, 0.3, 2.2), ...steady(3, 0.3, 4.0), ...steady(3, 0.3, 5.8)];

describe('read-aloud delivery', () => {
  it('counts the printed text in syllables', () => {
    expect(textSyllablesOf(TEXT)).toBe(11);
    expect(textSyllablesOf('')).toBe(0);
  });

  it('puts a fluent reading at least a band above a halting one', () => {
    expect(level(fluent)).toBeGreaterThanOrEqual(level(halting) + 1);
    expect(level(fluent)).toBeGreaterThanOrEqual(4);
    expect(level(halting)).toBeLessThan(3);
  });

  it('far fewer nuclei than the text asks for comes out low, however brisk the part read', () => {
    const third = steady(4, 0.2);
    expect(measureReadAloud({ syllableTimes: third }, TEXT).nucleiPerTextSyllable).toBeLessThan(0.4);
    expect(level(third)).toBeLessThan(level(fluent) - 1.5);
    expect(level(third)).toBeLessThan(2.5);
    // Nothing at all is the bottom of the scale.
    expect(level([])).toBe(1);
  });

  it('repeating words never raises fluency', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 11, max: 14 }),
        fc.double({ min: 0.15, max: 0.4, noNaN: true }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 1, max: 8 }),
        fc.double({ min: 0, max: 1.5, noNaN: true }),
        (count, gap, at, repeated, pause) => {
          const reading = steady(count, gap);
          const where = Math.min(at, count - 1);
          // The learner goes back after nucleus `where`, pauses, and says `repeated` syllables again at the same pace.
          const extra = repeated * gap + pause;
          const again = [
            ...reading.slice(0, where + 1),
            ...Array.from({ length: repeated }, (_, i) => reading[where]! + pause + (i + 1) * gap),
            ...reading.slice(where + 1).map((t) => t + extra),
          ];
          return level(again) <= level(reading) + 1e-9;
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a read-aloud answer's words give no vocabulary or grammar evidence, and its delivery joins the free answers'", () => {
    const free: AnswerInput = {
      stage: 1,
      words: 'I live in Seoul and I work at a bank because I like numbers and I enjoy talking with people every day'
        .split(' ')
        .map((text, i) => ({ text, start: 0.5 + i * 0.4, end: 0.8 + i * 0.4, confidence: 0.95 })),
      allottedSec: 12,
      syllableTimes: steady(30, 0.3),
      voiceSegments: [{ start: 0.3, end: 9.6 }],
    };
    const reading: AnswerInput = {
      stage: 0,
      words: 'Notwithstanding epistemological ramifications, paradigmatic heterogeneity proliferates.'
        .split(' ')
        .map((text, i) => ({ text, start: 0.5 + i * 0.5, end: 0.9 + i * 0.5, confidence: 0.95 })),
      syllableTimes: fluent,
      voiceSegments: segmentsOf(fluent),
      readAloudText: TEXT,
    };
    const alone = scoreLevelTest({ answers: [free] });
    const both = scoreLevelTest({ answers: [reading, free] });
    expect(both.subScores.vocabularyRange).toBe(alone.subScores.vocabularyRange);
    expect(both.subScores.grammaticalComplexity).toBe(alone.subScores.grammaticalComplexity);
    expect(both.features.wordCount).toBe(alone.features.wordCount);
    const readingOnly = scoreLevelTest({ answers: [reading], withholdLanguage: true }).subScores.fluency;
    const lo = Math.min(readingOnly, alone.subScores.fluency);
    const hi = Math.max(readingOnly, alone.subScores.fluency);
    expect(both.subScores.fluency).toBeGreaterThanOrEqual(lo - 0.01);
    expect(both.subScores.fluency).toBeLessThanOrEqual(hi + 0.01);
    expect(readingOnly).toBeCloseTo(level(fluent), 1);
  });
});
