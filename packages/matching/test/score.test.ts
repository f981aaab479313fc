import { describe, expect, it } from 'vitest';
import { badRatingSink, exposureDamping, harmonicMean, reciprocalScore, recommend } from '../src/index.js';
import { minji, OPTIONS, tom } from './helpers.js';

describe('reciprocal score', () => {
  it('is dominated by the weaker direction', () => {
    expect(harmonicMean(0.9, 0.1)).toBeCloseTo(0.18);
    expect(harmonicMean(0.5, 0.5)).toBe(0.5);
    expect(harmonicMean(0, 0)).toBe(0);
  });

  it('is lower when one side rarely accepts anyone like the other', () => {
    const picky = tom({ decisions: { given: 30, accepted: 1, received: 0, acceptedBy: 0 } });
    expect(reciprocalScore(minji(), picky, OPTIONS)!).toBeLessThan(reciprocalScore(minji(), tom(), OPTIONS)!);
  });

  it('damps people with many requests waiting, gently', () => {
    expect(exposureDamping(tom({ openIncomingRequests: 5 }))).toBe(1);
    expect(exposureDamping(tom({ openIncomingRequests: 15 }))).toBeCloseTo(1 / Math.sqrt(2));
    const flooded = reciprocalScore(minji(), tom({ openIncomingRequests: 40 }), OPTIONS)!;
    expect(flooded).toBeLessThan(reciprocalScore(minji(), tom(), OPTIONS)!);
    expect(flooded).toBeGreaterThan(0.3 * reciprocalScore(minji(), tom(), OPTIONS)!);
  });

  it('sinks people with repeated bad call ratings, not after one', () => {
    expect(badRatingSink(tom({ callRatings: { bad: 1, total: 1 } }))).toBe(1);
    expect(badRatingSink(tom({ callRatings: { bad: 3, total: 4 } }))).toBeCloseTo(0.5);
    expect(badRatingSink(tom({ callRatings: { bad: 50, total: 50 } }))).toBe(0.1);
  });

  it('does not score a pair the hard filters keep apart', () => {
    expect(reciprocalScore(minji({ blocked: ['tom'] }), tom(), OPTIONS)).toBeNull();
    expect(recommend(minji(), tom({ active: false }), OPTIONS)).toEqual({ eligible: false, reason: 'inactive' });
  });
});

describe('recommendation', () => {
  it('gives a percentage and the strongest reasons as data', () => {
    const r = recommend(minji(), tom(), OPTIONS);
    if (!r.eligible) throw new Error('expected an eligible pair');
    expect(r.percent).toBe(Math.round(r.score * 100));
    expect(r.reasons.map((x) => x.code)).toEqual(['level', 'availability', 'shared-topics']);
    expect(r.reasons[0]).toEqual({ code: 'level', language: 'en', level: 'native', wanted: 'B2', verified: false });
    expect(r.reasons[1]).toMatchObject({ code: 'availability', minutes: 120 });
    expect(r.reasons[2]).toEqual({ code: 'shared-topics', topics: ['travel', 'drama-film'] });
  });

  it('names the learned preference when past decisions speak for the candidate', () => {
    const viewer = minji({
      decisions: { given: 12, accepted: 6, received: 0, acceptedBy: 0 },
      preference: {
        accepted: { 'native:en': 6, 'gender:male': 6, 'age:30': 6, 'motivation:travel-culture': 6, 'style:friendly': 6, 'method:voice': 6 },
        declined: { 'native:ja': 6 },
      },
      topics: [],
      availability: null,
      partnerStyles: [],
      communicationMethod: null,
      dailyMinutes: null,
      lastActiveAt: null,
      motivations: [],
    });
    const r = recommend(viewer, tom(), OPTIONS);
    if (!r.eligible) throw new Error('expected an eligible pair');
    expect(r.reasons.map((x) => x.code)).toContain('like-accepted-before');
  });
});
