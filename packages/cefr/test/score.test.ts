import { describe, expect, it } from 'vitest';
import { CEFR_LEVELS, scoreLevelTest, scoreText } from '../src/index.js';
import { timedAnswer } from './helpers.js';

const halting = {
  answers: [
    timedAnswer('um my name is || er min-jun | i am | student || i like | um | soccer', { stage: 1, wordSec: 0.45, durationSec: 40 }),
    timedAnswer('er || i go | school || and | um | i eat | lunch || er | i go home', { stage: 2, wordSec: 0.45, durationSec: 40 }),
  ],
};

const fluent = {
  answers: [
    timedAnswer(
      "Hi, I'm Min-jun and I work as a product designer in Seoul. I've been learning English since university, " +
        'mainly because my team collaborates with engineers in Toronto, and I want to sound natural when we negotiate deadlines. | ' +
        'Outside work I play football on weekends, although lately I have been spending more time restoring an old motorcycle.',
      { stage: 1, wordSec: 0.3, durationSec: 30 },
    ),
    timedAnswer(
      'I think remote work is mostly positive, because people can organise their day around their energy rather than a commute. | ' +
        'However, if a company relies entirely on video calls, newcomers might struggle to absorb the unwritten rules that experienced colleagues take for granted, ' +
        'so I would probably recommend a hybrid arrangement with deliberate time together.',
      { stage: 3, wordSec: 0.3, durationSec: 32 },
    ),
  ],
};

describe('scoreLevelTest', () => {
  it('places fluent, varied, complex speech well above halting simple speech', () => {
    const low = scoreLevelTest(halting);
    const high = scoreLevelTest(fluent);
    expect(high.score - low.score).toBeGreaterThan(1.5);
    expect(CEFR_LEVELS.indexOf(high.level)).toBeGreaterThan(CEFR_LEVELS.indexOf(low.level));
    for (const key of ['fluency', 'vocabularyRange', 'grammaticalComplexity'] as const) {
      expect(high.subScores[key], key).toBeGreaterThan(low.subScores[key]);
    }
  });

  it('keeps the level, score and range consistent', () => {
    for (const input of [halting, fluent]) {
      const r = scoreLevelTest(input);
      expect(r.level).toBe(CEFR_LEVELS[Math.floor(r.score) - 1]);
      expect(CEFR_LEVELS.indexOf(r.range.low)).toBeLessThanOrEqual(CEFR_LEVELS.indexOf(r.level));
      expect(CEFR_LEVELS.indexOf(r.range.high)).toBeGreaterThanOrEqual(CEFR_LEVELS.indexOf(r.level));
    }
  });

  it('tells a halting speaker what to improve, in both languages, with numbers', () => {
    const r = scoreLevelTest(halting);
    const improve = r.feedback.filter((f) => f.kind === 'improve');
    expect(improve.length).toBeGreaterThan(0);
    const fillers = r.feedback.find((f) => f.code === 'FILLED_PAUSES');
    expect(fillers).toBeDefined();
    expect(fillers?.en).toMatch(/\d+ filled pauses/);
    expect(fillers?.ko).toMatch(/\d+번/);
    expect(Object.keys(fillers?.evidence ?? {}).length).toBeGreaterThan(0);
    expect(r.feedback.some((f) => f.kind === 'strength')).toBe(true);
  });

  it('is less confident with little speech and an unsure recogniser', () => {
    const sure = scoreLevelTest(fluent);
    const unsure = scoreLevelTest({
      answers: [
        {
          stage: 1,
          words: (fluent.answers[0]?.words ?? []).slice(0, 15).map((w) => ({ ...w, confidence: 0.4 })),
          durationSec: 6,
        },
      ],
    });
    expect(unsure.confidence).toBeLessThan(sure.confidence);
    const width = (r: typeof sure) => CEFR_LEVELS.indexOf(r.range.high) - CEFR_LEVELS.indexOf(r.range.low);
    // Unsure words carry no language evidence, so the level can sink to the floor, where the range is cut at A1.
    if (unsure.range.low !== 'A1') expect(width(unsure)).toBeGreaterThanOrEqual(width(sure));
    expect(unsure.trust.verified).toBe(false);
  });

  it('answers an empty test with A1, no confidence and a plain message', () => {
    const r = scoreLevelTest({ answers: [] });
    expect(r.level).toBe('A1');
    expect(r.confidence).toBe(0);
    expect(r.feedback[0]?.code).toBe('NO_SPEECH');
  });

  it('is deterministic', () => {
    expect(scoreLevelTest(fluent)).toEqual(scoreLevelTest(fluent));
  });

  it('notices an opinion answer that gives no reason', () => {
    const r = scoreLevelTest({ answers: [timedAnswer('I like cats. Cats are nice. I have a cat.', { stage: 3 })] });
    expect(r.features.taskFunctionShare).toBe(0);
    expect(r.feedback.some((f) => f.code === 'TASK_INCOMPLETE')).toBe(true);
  });
});

describe('scoreText', () => {
  it('rates an academic sentence above a simple one', () => {
    const simple = scoreText('He died on 6 October 1837 in Paris .');
    const hard = scoreText(
      'The committee concluded that the proliferation of unregulated intermediaries had exacerbated systemic vulnerabilities , although several members dissented .',
    );
    expect(hard.score - simple.score).toBeGreaterThan(1.5);
    expect(hard.subScores.vocabularyRange).toBeGreaterThan(simple.subScores.vocabularyRange);
  });

  it('gives nothing a level of A1', () => {
    expect(scoreText('').level).toBe('A1');
    expect(scoreText(' , . ').score).toBe(1);
  });
});
