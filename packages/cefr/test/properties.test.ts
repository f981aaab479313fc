import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CEFR_LEVELS, scoreLevelTest, scoreText, wordLevel, type AnswerInput, type LevelTestInput } from '../src/index.js';

const anyNumber = fc.oneof(fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, -1, 0, 1e308), fc.integer({ min: -1000, max: 1000 }));
const anyText = fc.oneof(
  fc.string(),
  fc.constantFrom('um', 'uh', 'I', 'i', 'because', 'the', 'wh-', '...', '', ' ', 'don’t', 'ubiquitous'),
);
const anyAnswer = fc.record(
  {
    stage: fc.oneof(fc.constantFrom(1, 2, 3, 4), fc.integer()),
    words: fc.array(fc.record({ text: anyText, start: anyNumber, end: anyNumber, confidence: anyNumber }, { requiredKeys: ['text'] }), {
      maxLength: 60,
    }),
    voiceSegments: fc.array(fc.record({ start: anyNumber, end: anyNumber }), { maxLength: 10 }),
    durationSec: anyNumber,
    allottedSec: anyNumber,
    syllableTimes: fc.array(anyNumber, { maxLength: 40 }),
  },
  { requiredKeys: ['stage', 'words'] },
) as fc.Arbitrary<AnswerInput>;

function expectWellFormed(input: LevelTestInput): void {
  const r = scoreLevelTest(input);
  expect(CEFR_LEVELS).toContain(r.level);
  expect(r.score).toBeGreaterThanOrEqual(1);
  expect(r.score).toBeLessThan(7);
  expect(r.confidence).toBeGreaterThanOrEqual(0);
  expect(r.confidence).toBeLessThanOrEqual(1);
  for (const v of Object.values(r.subScores)) expect(Number.isFinite(v)).toBe(true);
  for (const [k, v] of Object.entries(r.features)) {
    if (typeof v === 'number') expect(Number.isFinite(v), k).toBe(true);
    else expect(v === null || typeof v === 'boolean', k).toBe(true);
  }
  // The result must survive a JSON round trip unchanged (the server stores it).
  expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  for (const item of r.feedback) {
    expect(item.ko.length).toBeGreaterThan(0);
    expect(item.en.length).toBeGreaterThan(0);
    expect(item.en).not.toMatch(/NaN|undefined|Infinity/);
  }
}

describe('no input crashes the engine', () => {
  it('scores any answers, timings and segments', () => {
    fc.assert(
      fc.property(fc.array(anyAnswer, { maxLength: 5 }), (answers) => expectWellFormed({ answers })),
      { numRuns: 300 },
    );
  });

  it('survives malformed shapes', () => {
    for (const bad of [{}, { answers: null }, { answers: [null, 3, 'x'] }, { answers: [{ words: 'nope' }] }, null]) {
      expectWellFormed(bad as unknown as LevelTestInput);
    }
  });

  it('scores any written text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const r = scoreText(text);
        expect(CEFR_LEVELS).toContain(r.level);
        expect(Number.isFinite(r.score)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

// Ordinary words and well-formed timings, for the properties users rely on.
const COMMON =
  'i we my friend school work home go went like play eat food city because and but so weekend study music family usually think really'.split(
    ' ',
  );
// Rare words (past the C2 frequency median); the premise is checked below.
const ADVANCED =
  'quintessential juxtaposition ephemeral exacerbate ameliorate dichotomy nuanced idiosyncratic proliferation inexorable'.split(' ');

const timedWords = fc
  .array(
    fc.record({
      word: fc.constantFrom(...COMMON),
      gap: fc.double({ min: 0, max: 3, noNaN: true }),
      len: fc.double({ min: 0.1, max: 0.8, noNaN: true }),
    }),
    { minLength: 1, maxLength: 80 },
  )
  .map((items) => {
    let t = 0;
    return items.map(({ word, gap, len }) => {
      const start = t + gap;
      t = start + len;
      return { text: word, start, end: t };
    });
  });

const answerOf = (words: AnswerInput['words'], extra = 0): AnswerInput => ({
  stage: 2,
  words,
  durationSec: (words[words.length - 1]?.end ?? 0) + extra,
});

describe('vocabulary', () => {
  it('uses rare words for the property', () => {
    for (const w of ADVANCED) expect(wordLevel(w)).toBeGreaterThanOrEqual(6);
  });

  it('never drops when advanced words are added', () => {
    fc.assert(
      fc.property(timedWords, fc.subarray(ADVANCED, { minLength: 1 }), fc.integer({ min: 0, max: 1000 }), (words, extra, at) => {
        const before = scoreLevelTest({ answers: [answerOf(words)] });
        // Insert the new words at some point of the answer, shifting later words on.
        const i = at % (words.length + 1);
        const shift = extra.length * 0.4;
        const inserted = extra.map((text, k) => ({
          text,
          start: (words[i - 1]?.end ?? 0) + k * 0.4,
          end: (words[i - 1]?.end ?? 0) + k * 0.4 + 0.4,
        }));
        const later = words.slice(i).map((w) => ({ ...w, start: w.start + shift, end: w.end + shift }));
        const after = scoreLevelTest({ answers: [answerOf([...words.slice(0, i), ...inserted, ...later])] });
        expect(after.subScores.vocabularyRange).toBeGreaterThanOrEqual(before.subScores.vocabularyRange);
      }),
      { numRuns: 300 },
    );
  });
});

describe('fluency', () => {
  it('never rises when the same words come slower with longer pauses', () => {
    fc.assert(
      fc.property(
        timedWords,
        fc.double({ min: 1, max: 3, noNaN: true }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        (words, slower, addedPause) => {
          const before = scoreLevelTest({ answers: [answerOf(words)] });
          let shift = 0;
          let lastEnd = 0;
          const slow = words.map((w, k) => {
            const gap = w.start - lastEnd;
            lastEnd = w.end;
            // Every gap grows, silences get an extra pause, words take longer to say.
            shift += gap * (slower - 1) + (k > 0 && gap >= 0.25 ? addedPause : 0);
            const start = w.start * 1 + shift;
            const len = (w.end - w.start) * slower;
            shift += len - (w.end - w.start);
            return { text: w.text, start, end: start + len };
          });
          const after = scoreLevelTest({ answers: [answerOf(slow)] });
          expect(after.subScores.fluency).toBeLessThanOrEqual(before.subScores.fluency);
        },
      ),
      { numRuns: 300 },
    );
  });
});
