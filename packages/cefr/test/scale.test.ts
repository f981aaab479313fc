import { describe, expect, it } from 'vitest';
import { featureLevel, robustCombine, typicalValue, weightedMedian, type FeatureAnchor } from '../src/scale.js';
import { computeTextFeatures } from '../src/index.js';
import { countSyllables } from '../src/text.js';

describe('feature anchors', () => {
  const rate: FeatureAnchor = { transform: 'log', intercept: Math.log(40), slope: Math.log(1.5) };

  it('reads a level from a value and a value from a level', () => {
    expect(featureLevel(rate, 40 * 1.5 ** 3)).toBeCloseTo(3, 10);
    expect(typicalValue(rate, 3)).toBeCloseTo(40 * 1.5 ** 3, 10);
  });

  it('keeps levels on the 1..6.99 scale and ignores unknown values', () => {
    expect(featureLevel(rate, 1)).toBe(1);
    expect(featureLevel(rate, 1e9)).toBe(6.99);
    expect(featureLevel(rate, null)).toBeUndefined();
    expect(featureLevel(rate, NaN)).toBeUndefined();
  });
});

describe('robust combination', () => {
  it('finds the weighted median', () => {
    expect(
      weightedMedian([
        { value: 1, weight: 1 },
        { value: 5, weight: 3 },
        { value: 2, weight: 1 },
      ]),
    ).toBe(5);
  });

  it('limits how far one wild estimate can pull the level', () => {
    const calm = [
      { value: 3, weight: 1 },
      { value: 3.2, weight: 1 },
      { value: 2.8, weight: 1 },
    ];
    const wild = [...calm, { value: 6.99, weight: 1 }];
    // A plain mean would move to 3.9975; clipped at median + 1 it moves far less.
    expect(robustCombine(wild)).toBeLessThan(3.3);
    expect(robustCombine(calm)).toBeCloseTo(3, 10);
  });

  it('has nothing to say without estimates', () => {
    expect(Number.isNaN(robustCombine([]))).toBe(true);
  });
});

describe('text features', () => {
  it('sets names and numbers aside from the vocabulary', () => {
    // A capital opening the sentence proves nothing, so only "August" counts as a name.
    const f = computeTextFeatures('Nobbs died on 8 August 2015 aged 80 .');
    expect(f.names).toBe(1);
    expect(f.numbers).toBe(3);
    expect(f.wordsAboveB1).toBe(0);
  });

  it('counts rare words and clauses', () => {
    const f = computeTextFeatures('Although the proliferation was inexorable , regulators hesitated because they lacked data .');
    expect(f.wordsAboveB2).toBeGreaterThanOrEqual(2);
    expect(f.clauses).toBeGreaterThanOrEqual(2);
    expect(f.subordinators).toBe(2);
  });

  it('counts syllables, relatives and coordination', () => {
    expect(['cat', 'make', 'played', 'wanted', 'table', 'university'].map(countSyllables)).toEqual([1, 1, 1, 2, 2, 5]);
    const f = computeTextFeatures('The river , which floods every spring , feeds the farms and the towns of the valley .');
    expect(f.relativeWords).toBe(1);
    expect(f.coordinators).toBe(1);
    expect(f.ofPhrases).toBe(1);
    expect(f.wordCount).toBe(15);
    expect(f.syllables).toBe(19);
  });
});
