import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scoreLevelTest, type AnswerInput, type PromptStage, type TranscriptWord } from '../src/index.js';

// What recognition errors may and may not do to a result.

const VOCABULARY = [
  'I',
  'think',
  'the',
  'city',
  'because',
  'people',
  'would',
  'probably',
  'consider',
  'although',
  'travel',
  'work',
  'sustainable',
  'infrastructure',
  'my',
  'family',
  'went',
  'to',
  'a',
  'small',
  'restaurant',
  'and',
  'it',
  'was',
  'nice.',
  'However,',
  'governments',
  'might',
  'reconsider',
  'taxation',
  'if',
  'automation',
  'continues.',
  'We',
  'like',
  'cats.',
];
const FILLERS = ['um', 'uh', 'er', 'erm', 'hmm', 'uh-huh', 'ah'];

const word = fc.record({
  text: fc.constantFrom(...VOCABULARY),
  confidence: fc.double({ min: 0, max: 1, noNaN: true }),
});
/** An answer with evenly timed words, voice activity and syllable nuclei as the audio path gives them. */
const answer = fc
  .record({
    stage: fc.constantFrom<PromptStage>(1, 2, 3, 4),
    words: fc.array(word, { minLength: 1, maxLength: 50 }),
    syllableTimes: fc.array(fc.double({ min: 0, max: 40, noNaN: true }), { maxLength: 80 }),
    audio: fc.boolean(),
  })
  .map(({ stage, words, syllableTimes, audio }): AnswerInput => {
    const timed: TranscriptWord[] = words.map((w, i) => ({ ...w, start: i * 0.4, end: i * 0.4 + 0.3 }));
    return {
      stage,
      words: timed,
      voiceSegments: [{ start: 0, end: words.length * 0.4 }],
      durationSec: words.length * 0.4 + 0.5,
      allottedSec: 45,
      ...(audio ? { syllableTimes } : {}),
    };
  });

describe('recognition errors cannot lift a result', () => {
  it('inserting recogniser-style filler words never raises fluency', () => {
    fc.assert(
      fc.property(
        fc.array(answer, { minLength: 1, maxLength: 4 }),
        fc.array(fc.record({ at: fc.nat(), filler: fc.constantFrom(...FILLERS), confidence: fc.double({ min: 0, max: 1, noNaN: true }) }), {
          minLength: 1,
          maxLength: 8,
        }),
        (answers, inserts) => {
          const before = scoreLevelTest({ answers }).subScores.fluency;
          const withFillers = answers.map((a, n) => {
            const words = [...a.words];
            for (const ins of inserts.filter((_, k) => k % answers.length === n)) {
              const at = ins.at % (words.length + 1);
              const prev = words[at - 1];
              // A filler squeezed in where the recogniser heard it: inside the time already spoken.
              const t = prev?.end ?? 0;
              words.splice(at, 0, { text: ins.filler, start: t, end: t, confidence: ins.confidence });
            }
            return { ...a, words };
          });
          expect(scoreLevelTest({ answers: withFillers }).subScores.fluency).toBeLessThanOrEqual(before + 1e-9);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('an unsure repeat of a sure word does not turn the sure word into a repetition (found by the property below)', () => {
    const sure = { text: 'I', confidence: 0.5, start: 0, end: 0.3 };
    const guess = { text: 'I', confidence: 0, start: 0.4, end: 0.7 };
    const answer = (words: (typeof sure)[]) => ({
      stage: 1 as const,
      words,
      voiceSegments: [{ start: 0, end: 0.8 }],
      durationSec: 1.3,
      allottedSec: 45,
    });
    const withGuess = scoreLevelTest({ answers: [answer([sure, guess])] }).subScores.vocabularyRange;
    expect(withGuess).toBe(scoreLevelTest({ answers: [answer([sure])] }).subScores.vocabularyRange);
  });

  it('removing words the recogniser was unsure of never raises vocabulary', () => {
    fc.assert(
      fc.property(fc.array(answer, { minLength: 1, maxLength: 4 }), (answers) => {
        const before = scoreLevelTest({ answers }).subScores.vocabularyRange;
        const sure = answers.map((a) => ({ ...a, words: a.words.filter((w) => (w.confidence ?? 1) >= 0.5) }));
        expect(scoreLevelTest({ answers: sure }).subScores.vocabularyRange).toBeLessThanOrEqual(before + 1e-9);
      }),
      { numRuns: 300 },
    );
  });

  it('with the audio measured, the words do not move fluency at all', () => {
    fc.assert(
      fc.property(fc.array(answer, { minLength: 1, maxLength: 4 }), fc.array(word, { maxLength: 30 }), (answers, other) => {
        const audio = answers.map((a) => ({ ...a, syllableTimes: a.syllableTimes ?? [1, 1.3, 1.6] }));
        const swapped = audio.map((a) => ({ ...a, words: other.map((w, i) => ({ ...w, start: i * 0.3, end: i * 0.3 + 0.2 })) }));
        expect(scoreLevelTest({ answers: swapped }).subScores.fluency).toBe(scoreLevelTest({ answers: audio }).subScores.fluency);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the level and the sub-scores the learner is shown', () => {
  it('with the audio measured and sure words, the level is fluency, vocabulary and grammar in equal shares', () => {
    fc.assert(
      fc.property(fc.array(answer, { minLength: 1, maxLength: 4 }), (answers) => {
        const audio = answers.map((a) => ({ ...a, syllableTimes: a.syllableTimes ?? [1, 1.3, 1.6] }));
        fc.pre(audio.some((a) => a.words.some((w) => (w.confidence ?? 1) >= 0.5)));
        const r = scoreLevelTest({ answers: audio });
        const shown = [r.subScores.fluency, r.subScores.vocabularyRange, r.subScores.grammaticalComplexity];
        // Each sub-score is rounded to hundredths before it is shown.
        expect(Math.abs(r.score - shown.reduce((a, b) => a + b, 0) / 3)).toBeLessThanOrEqual(0.011);
        expect(r.score).toBeGreaterThanOrEqual(Math.min(...shown) - 0.011);
        expect(r.score).toBeLessThanOrEqual(Math.max(...shown) + 0.011);
      }),
      { numRuns: 200 },
    );
  });

  it('with the words withheld, the level rests on delivery alone', () => {
    const answers = [{ ...timedAnswerOf('We like cats. The river continues.'), syllableTimes: [0.2, 0.5, 0.8, 1.1, 1.4, 1.7, 2.0] }];
    const r = scoreLevelTest({ answers, withholdLanguage: true });
    expect(r.score).toBeCloseTo(r.subScores.fluency, 1);
  });
});

function timedAnswerOf(text: string): AnswerInput {
  const words = text.split(' ').map((w, i) => ({ text: w, start: i * 0.4, end: i * 0.4 + 0.3, confidence: 0.9 }));
  return {
    stage: 2,
    words,
    voiceSegments: [{ start: 0, end: words.length * 0.4 }],
    durationSec: words.length * 0.4 + 0.5,
    allottedSec: 45,
  };
}
