import { describe, expect, it } from 'vitest';
import {
  availabilityBitset,
  collaborativeShift,
  components,
  DecisionIndex,
  directionalFit,
  learnedShift,
  populationRates,
  profileFit,
  ratePriorWeight,
  recordDecision,
  smoothedRate,
} from '../src/index.js';
import { evening, minji, NOW, OPTIONS, tom, WEEK } from './helpers.js';

describe('directional fit components', () => {
  it('rates the partner’s level against the level asked for, native counting as enough', () => {
    expect(components(minji(), tom(), NOW).level).toBe(1);
    const c1 = tom({ nativeLanguage: 'es', speaks: [{ language: 'en', level: 'C1' }] });
    expect(components(minji({ learns: [{ language: 'en', selfLevel: 'A2', partnerLevel: 'C2' }] }), c1, NOW).level).toBeCloseTo(0.65);
  });

  it('grows with shared topics and motivations, the first counting most', () => {
    const none = components(minji(), tom({ topics: ['sport'] }), NOW).topics!;
    const one = components(minji(), tom({ topics: ['travel'] }), NOW).topics!;
    const two = components(minji(), tom({ topics: ['travel', 'drama-film'] }), NOW).topics!;
    expect(none).toBe(0);
    expect(one - none).toBeGreaterThan(two - one);
    expect(two).toBeGreaterThan(one);
  });

  it('counts the weekly overlap across zones, full at three hours', () => {
    expect(components(minji(), tom(), NOW).availability).toBeCloseTo(120 / 180); // Tue 20-22 Seoul = 12-14 London (BST)
    const wide = tom({ availability: availabilityBitset([...evening(2, 11, 16), ...evening(3, 11, 16)], 'Europe/London', WEEK) });
    const minjiWide = minji({ availability: availabilityBitset([...evening(2, 19, 24), ...evening(3, 19, 24)], 'Asia/Seoul', WEEK) });
    expect(components(minjiWide, wide, NOW).availability).toBe(1);
  });

  it('prefers the same communication method, close daily minutes, a shared style and recent activity', () => {
    const c = components(minji(), tom(), NOW);
    expect([c.method, c.dailyMinutes, c.style, c.activity]).toEqual([1, 1, 1, 1]);
    const other = components(
      minji(),
      tom({ communicationMethod: 'text', dailyMinutes: 10, partnerStyles: ['teacher'], lastActiveAt: NOW - 15 * 86_400_000 }),
      NOW,
    );
    expect(other.method).toBeLessThan(0.5);
    expect(other.dailyMinutes).toBe(0.5);
    expect(other.style).toBeLessThan(1);
    expect(other.activity).toBeCloseTo(0.5 ** 2);
  });

  it('leaves out what is unknown instead of counting it as a mismatch', () => {
    const c = components(minji({ availability: null, communicationMethod: null }), tom(), NOW);
    expect(c.availability).toBeUndefined();
    expect(c.method).toBeUndefined();
    expect(profileFit({})).toBe(0.5);
  });
});

describe('decisions', () => {
  it('smooths accept rates toward the population’s', () => {
    expect(smoothedRate(0, 0, 0.42)).toBeCloseTo(0.42);
    expect(smoothedRate(4, 4, 0.42)).toBeCloseTo((4 + 4 * 0.42) / 8);
  });

  it('ranks a newcomer on the profile answers alone', () => {
    const fit = directionalFit(minji(), tom(), OPTIONS);
    expect(fit.shifts).toEqual({ chooser: 0, partner: 0, learned: 0, collaborative: 0 });
    const worse = directionalFit(minji(), tom({ topics: ['sport'], motivations: ['exam'] }), OPTIONS);
    expect(worse.score).toBeLessThan(fit.score);
  });

  it('raises the score of a partner others accept often, and of a chooser who accepts often', () => {
    const base = directionalFit(minji(), tom(), OPTIONS).score;
    const popular = directionalFit(minji(), tom({ decisions: { given: 0, accepted: 0, received: 10, acceptedBy: 9 } }), OPTIONS).score;
    const generous = directionalFit(minji({ decisions: { given: 10, accepted: 9, received: 0, acceptedBy: 0 } }), tom(), OPTIONS).score;
    expect(popular).toBeGreaterThan(base);
    expect(generous).toBeGreaterThan(base);
  });

  it('measures how far to trust each kind of accept rate from how much people differ', () => {
    const people = (rates: number[], total: number) => rates.map((r) => ({ yes: Math.round(r * total), total }));
    // Everyone accepts 4 in 10: the differences are all chance, so the population's rate speaks.
    expect(ratePriorWeight(people(Array(40).fill(0.4), 10), 0.4)).toBe(50);
    // Half accept 1 in 10, half 9 in 10: people differ, so a few decisions of their own speak.
    expect(ratePriorWeight(people([...Array(20).fill(0.1), ...Array(20).fill(0.9)], 10), 0.5)).toBe(1);
    // Too few people with a history to tell: the fixed prior.
    expect(ratePriorWeight(people([0.1, 0.9], 10), 0.5)).toBe(4);
    // A batch without enough decisions keeps the default accept rate.
    expect(populationRates([{ given: 3, accepted: 3, received: 0, acceptedBy: 0 }])).toEqual({
      baseAcceptRate: 0.42,
      ratePriors: { given: 4, received: 4 },
    });
  });

  it('learns what kind of partner a person accepts (RECON implicit preference)', () => {
    let preference = minji().preference;
    for (let i = 0; i < 6; i++) {
      preference = recordDecision(preference, tom({ motivations: ['career'], birthYear: 1990 }), true, NOW);
      preference = recordDecision(preference, tom({ motivations: ['hobby'], birthYear: 2004 }), false, NOW);
    }
    const viewer = minji({ preference, decisions: { given: 12, accepted: 6, received: 0, acceptedBy: 0 } });
    const likeAccepted = learnedShift(viewer, tom({ motivations: ['career'], birthYear: 1990 }), NOW, 0.42);
    const likeDeclined = learnedShift(viewer, tom({ motivations: ['hobby'], birthYear: 2004 }), NOW, 0.42);
    expect(likeAccepted).toBeGreaterThan(0);
    expect(likeDeclined).toBeLessThan(0);
  });

  it('follows people who decide like the viewer (collaborative shift)', () => {
    // Ana and Bea agreed with Minji on three partners; Ana accepted Tom, Bea did not.
    const decisions = ['p1', 'p2', 'p3'].flatMap((p, i) =>
      ['minji', 'ana']
        .map((chooser) => ({ chooser, partner: p, accepted: i !== 1 }))
        .concat({ chooser: 'bea', partner: p, accepted: i === 1 }),
    );
    const index = new DecisionIndex([
      ...decisions,
      { chooser: 'ana', partner: 'tom', accepted: true },
      { chooser: 'bea', partner: 'tom', accepted: false },
    ]);
    const neighbours = index.neighbourDecisions('minji', 'tom');
    expect(neighbours).toHaveLength(2);
    expect(collaborativeShift(neighbours, 0.42)).toBeGreaterThan(0);
    expect(collaborativeShift([], 0.42)).toBe(0);
    // Bea disagreed every time, so her no counts for Tom.
    expect(
      collaborativeShift(
        neighbours.filter((n) => !n.accepted),
        0.42,
      ),
    ).toBeGreaterThan(0);
  });
});
