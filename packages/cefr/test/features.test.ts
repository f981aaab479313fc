import { describe, expect, it } from 'vitest';
import {
  computeFeatures,
  countClauses,
  countSubordination,
  frequencyBand,
  frequencyRank,
  isFilledPause,
  markDisfluencies,
  mtld,
  normaliseWord,
  wordLevel,
} from '../src/index.js';
import { timedAnswer } from './helpers.js';

const tokens = (s: string) => s.split(' ').map(normaliseWord);
const words = (s: string) => s.toLowerCase().split(/\s+/).filter(Boolean);

describe('MTLD', () => {
  it('is the text length when no stretch ever falls to the threshold', () => {
    const unique = Array.from({ length: 40 }, (_, i) => `w${i}`);
    expect(mtld(unique)).toBe(40);
  });

  it('is 2 for one word said over and over', () => {
    expect(mtld(Array(10).fill('yes'))).toBe(2);
  });

  it('stays put when the same kind of speech goes on twice as long', () => {
    const cycle = words('my sister lives in seoul and she works at a bank near the river every day');
    const short = Array.from({ length: 10 }, () => cycle).flat();
    const long = Array.from({ length: 20 }, () => cycle).flat();
    expect(Math.abs(mtld(long) - mtld(short)) / mtld(short)).toBeLessThan(0.1);
  });

  it('ranks varied speech above repetitive speech', () => {
    const varied = words(
      'last summer we drove along the coast, camped near quiet beaches, cooked fresh fish and watched storms roll over distant islands',
    );
    const repetitive = words('i like it i like it very much i like it and i like it a lot i like it very very much');
    expect(mtld(varied)).toBeGreaterThan(mtld(repetitive));
  });

  it('is 0 for no words', () => {
    expect(mtld([])).toBe(0);
  });
});

describe('filled pauses', () => {
  it.each(['um', 'umm', 'uhm', 'uh', 'er', 'erm', 'eh', 'ah', 'hmm', 'mm', 'mhm', 'urr', 'Um,'])('"%s" is a filled pause', (w) => {
    expect(isFilledPause(normaliseWord(w).norm)).toBe(true);
  });
  it.each(['am', 'her', 'umbrella', 'a', 'I', 'err-or', 'hum-drum', 'mum'])('"%s" is a word', (w) => {
    expect(isFilledPause(normaliseWord(w).norm)).toBe(false);
  });

  it('are counted per 100 words', () => {
    const f = computeFeatures({ answers: [timedAnswer('um i went er to the uh park with my um dog')] });
    expect(f.filledPauseCount).toBe(4);
    expect(f.wordCount).toBe(8);
    expect(f.filledPausesPer100Words).toBe(50);
  });
});

describe('repetitions and self-repairs', () => {
  it('finds a repeated word, even across a filled pause', () => {
    const m = markDisfluencies(tokens('i er i went home'));
    expect(m.repetitions).toBe(1);
    expect(m.kind).toEqual(['repetition', 'filled', 'kept', 'kept', 'kept']);
  });

  it('finds a repeated phrase', () => {
    expect(markDisfluencies(tokens('in the in the morning')).repetitions).toBe(1);
  });

  it('finds a restart that changes the words', () => {
    const m = markDisfluencies(tokens('i went i go to school'));
    expect(m.repairs).toBe(1);
    expect(m.kind.slice(0, 2)).toEqual(['repair', 'repair']);
  });

  it('finds a cut-off word', () => {
    expect(markDisfluencies(tokens('we wh- where are you')).repairs).toBe(1);
  });

  it('does not reach across a sentence end', () => {
    const m = markDisfluencies(tokens('because i was sick. i read a book. book'));
    expect(m.repairs + m.repetitions).toBe(0);
  });

  it('leaves grammatical repeats alone', () => {
    for (const s of ['i think i will go', 'the cat and the dog', 'he said he was tired', 'she had had enough']) {
      const m = markDisfluencies(tokens(s));
      expect(m.repairs + m.repetitions, s).toBe(0);
    }
  });

  it('prunes the repaired words from what was said', () => {
    const f = computeFeatures({ answers: [timedAnswer('i i went i go to school')] });
    expect(f.wordCount).toBe(7);
    expect(f.prunedWordCount).toBe(4);
  });
});

describe('pauses, runs and rates', () => {
  const answer = timedAnswer('i went to the || shop | because i needed some milk', { wordSec: 0.4 });

  it('counts silent pauses and tells long ones apart', () => {
    const f = computeFeatures({ answers: [answer] });
    expect(f.silentPauseCount).toBe(2);
    expect(f.longPausesPer100Words).toBeCloseTo(10, 5);
    expect(f.meanPauseSec).toBeCloseTo(1.0, 5);
  });

  it('places a pause inside a clause or at a clause boundary', () => {
    const f = computeFeatures({ answers: [answer] });
    // "the || shop" breaks a noun phrase; "| because" opens a clause.
    expect(f.midClausePausesPer100Words).toBeCloseTo(10, 5);
    expect(f.clauseBoundaryPausesPer100Words).toBeCloseTo(10, 5);
  });

  it('measures runs between pauses', () => {
    const f = computeFeatures({ answers: [answer] });
    expect(f.meanLengthOfRun).toBeCloseTo(10 / 3, 5);
  });

  it('gives speech rate over the recording and articulation rate over phonation', () => {
    const f = computeFeatures({ answers: [{ ...answer, durationSec: 10 }] });
    expect(f.speechRateWpm).toBeCloseTo(60, 5); // 10 words in 10 s
    expect(f.articulationRateWpm).toBeCloseTo(150, 5); // 10 words in 4 s of voice
  });

  it('measures speech rate over the allotted time when the answer stops early', () => {
    const f = computeFeatures({ answers: [{ ...answer, durationSec: 10, allottedSec: 60 }] });
    expect(f.speechRateWpm).toBeCloseTo(10, 5);
  });

  it('prefers the voice-activity segments for silences', () => {
    const f = computeFeatures({
      answers: [
        {
          ...answer,
          voiceSegments: [
            { start: 0, end: 1.6 },
            { start: 4.1, end: 7.0 },
          ],
        },
      ],
    });
    expect(f.silentPauseCount).toBe(1);
    expect(f.meanPauseSec).toBeCloseTo(2.5, 5);
  });

  it('places voice-activity silences among words that carry no timing', () => {
    const untimed = answer.words.map((w) => ({ text: w.text }));
    const f = computeFeatures({
      answers: [
        {
          stage: 2,
          words: untimed,
          voiceSegments: [
            { start: 0, end: 2 },
            { start: 3, end: 5 },
            { start: 5.1, end: 6 },
          ],
        },
      ],
    });
    expect(f.timingKnown).toBe(true);
    expect(f.silentPauseCount).toBe(1);
    expect(f.meanLengthOfRun).toBeCloseTo(5, 5);
    expect(f.articulationRateWpm).toBeCloseTo((60 * 10) / 4.9, 5);
  });

  it('reports timing as unknown without timestamps', () => {
    const f = computeFeatures({ answers: [{ stage: 1, words: [{ text: 'hello' }, { text: 'there' }] }] });
    expect(f.timingKnown).toBe(false);
    expect(f.speechRateWpm).toBeNull();
    expect(f.silentPausesPer100Words).toBeNull();
  });
});

describe('clauses and subordination', () => {
  it('counts finite verb groups as clauses', () => {
    expect(countClauses(words('i think that he left because it rained'))).toBe(3);
    expect(countClauses(words('i have been living here'))).toBe(1);
    expect(countClauses(words('my favourite food'))).toBe(0);
  });

  it('counts subordinators and clause-introducing "that"', () => {
    expect(countSubordination(words('i think that he left because it rained'))).toBe(2);
    expect(countSubordination(words('that book is good'))).toBe(0);
    expect(countSubordination(words('if you come when it is sunny we will go'))).toBe(2);
  });

  it('measures clauses per sentence', () => {
    const f = computeFeatures({ answers: [timedAnswer('I stayed home because I was sick. I read a book.')] });
    expect(f.clausesPerUnit).toBeCloseTo(1.5, 5);
    expect(f.subordinationPer100Words).toBeGreaterThan(0);
  });
});

describe('frequency bands', () => {
  it('ranks everyday words first', () => {
    expect(frequencyRank('the')).toBeLessThan(10);
    expect(frequencyBand('house')).toBe(1);
    expect(frequencyBand('ephemeral')).toBeGreaterThan(20);
  });

  it('looks a contraction up by its stem', () => {
    expect(frequencyRank("don't")).toBe(frequencyRank('don'));
  });

  it('knows nothing of made-up words', () => {
    expect(frequencyRank('blorptastic')).toBeUndefined();
    expect(wordLevel('blorptastic')).toBeUndefined();
  });

  it('places rarer words at higher levels', () => {
    const a = wordLevel('house') ?? 0;
    const b = wordLevel('unprecedented') ?? 0;
    const c = wordLevel('ephemeral') ?? 0;
    expect(a).toBeLessThan(b);
    expect(b).toBeLessThan(c);
    expect(a).toBe(1);
    expect(c).toBeGreaterThanOrEqual(6);
  });
});
