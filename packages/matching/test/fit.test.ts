import { describe, expect, it } from 'vitest';
import {
  availabilityBitset,
  collaborativeRate,
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
import { RATE_CORRELATION_MAX } from '../src/constants.js';
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

  it('follows people who decide like the viewer, and what the viewer decided on partners judged alike', () => {
    // Ana and Bea decided on p1-p3 too: Ana as Minji did, Bea the opposite way. Ana accepted Tom,
    // Bea did not; and the two judged p1 as they judged Tom.
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
    expect(neighbours.filter((n) => n.via === 'chooser')).toEqual([
      { via: 'chooser', accepted: true, agreements: 3, disagreements: 0 },
      { via: 'chooser', accepted: false, agreements: 0, disagreements: 3 },
    ]);
    // p1 and p3 were judged as Tom was (Ana yes, Bea no), p2 the opposite way; Minji accepted p1 and p3.
    expect(neighbours.filter((n) => n.via === 'partner')).toEqual([
      { via: 'partner', accepted: true, agreements: 2, disagreements: 0 },
      { via: 'partner', accepted: false, agreements: 0, disagreements: 2 },
      { via: 'partner', accepted: true, agreements: 2, disagreements: 0 },
    ]);
    // Never the viewer's own decision on the candidate, nor anything when the viewer decided nothing.
    const withOwn = new DecisionIndex([
      ...decisions,
      { chooser: 'ana', partner: 'tom', accepted: true },
      { chooser: 'bea', partner: 'tom', accepted: false },
      { chooser: 'minji', partner: 'tom', accepted: false },
    ]);
    expect(withOwn.neighbourDecisions('minji', 'tom')).toEqual(neighbours);
    expect(index.neighbourDecisions('nobody', 'tom')).toEqual([]);

    // Only near neighbours count (Bea's opposite taste is not read backwards), and they move the
    // model's rate by their share of the evidence.
    const rate = collaborativeRate(0.4, neighbours, 10);
    expect(rate).toBeGreaterThan(0.4);
    expect(rate).toBeLessThan(1);
    expect(collaborativeRate(0.4, neighbours, 100)).toBeLessThan(rate);
    expect(collaborativeRate(0.4, [], 10)).toBe(0.4);
    expect(
      collaborativeRate(
        0.4,
        neighbours.filter((n) => n.agreements === 0),
        10,
      ),
    ).toBe(0.4);
    expect(collaborativeRate(0.4, [{ via: 'chooser', accepted: false, agreements: 3, disagreements: 0 }], 10)).toBeLessThan(0.4);
  });
});

describe('accept rates fitted jointly (DecisionIndex.effects)', () => {
  const base = 0.42;
  const priors = { given: 4, received: 4 };
  const decide = (chooser: string, partner: string, accepted: boolean) => ({ chooser, partner, accepted });

  it('gives back the smoothed rate, as log-odds, when the deciders are average', () => {
    // A crowd of twenty accepts exactly half of twenty partners, each partner half the time, at the
    // base rate; Ana accepts eight of ten of them.
    const decisions = [];
    for (let c = 0; c < 20; c++) for (let p = 0; p < 20; p++) decisions.push(decide(`c${c}`, `p${p}`, (c + p) % 2 === 0));
    for (let p = 0; p < 10; p++) decisions.push(decide('ana', `p${p}`, p < 8));
    const effects = new DecisionIndex(decisions).effects(0.5, priors);
    const smoothed = smoothedRate(8, 10, 0.5, 4);
    expect(Math.abs(effects.get('ana')!.accepts - Math.log(smoothed / (1 - smoothed)))).toBeLessThan(0.1);
    expect(Math.abs(effects.get('c3')!.accepts)).toBeLessThan(0.05);
    expect(effects.get('p12')!.accepted).toBeCloseTo(effects.get('p14')!.accepted, 6);
  });

  it('counts a yes from a picky decider for more than a yes from someone who accepts everyone', () => {
    const decisions = [];
    for (let p = 0; p < 8; p++) decisions.push(decide('picky', `p${p}`, false), decide('eager', `p${p}`, true));
    // Ana and Bea each got one yes, Cho and Dana one no; Ana's yes came from the person who says no
    // to everyone else, and Dana's no from the person who says yes to everyone else.
    decisions.push(
      decide('picky', 'ana', true),
      decide('eager', 'bea', true),
      decide('picky', 'cho', false),
      decide('eager', 'dana', false),
    );
    const effects = new DecisionIndex(decisions).effects(base, priors);
    expect(effects.get('ana')!.accepted).toBeGreaterThan(effects.get('bea')!.accepted);
    expect(effects.get('dana')!.accepted).toBeLessThan(effects.get('cho')!.accepted);
    expect(effects.get('picky')!.accepts).toBeLessThan(0);
    expect(effects.get('eager')!.accepts).toBeGreaterThan(0);
  });

  it('stays finite for someone who accepted everyone, and is deterministic', () => {
    const decisions = Array.from({ length: 30 }, (_, i) => decide('yes-to-all', `p${i}`, true));
    const first = new DecisionIndex(decisions).effects(base, priors);
    expect(Number.isFinite(first.get('yes-to-all')!.accepts)).toBe(true);
    expect(new DecisionIndex(decisions).effects(base, priors)).toEqual(first);
  });

  it('learns how closely each person follows how everyone else judges a partner', () => {
    // Twenty people agree that p0-p9 are sought after and p10-p19 not (each with one dissent, so no
    // effect is infinite). The follower accepts the sought-after ones, the contrarian the others,
    // and Ana is decided on but decides on no one.
    const decisions = [];
    for (let c = 0; c < 20; c++) for (let p = 0; p < 20; p++) decisions.push(decide(`c${c}`, `p${p}`, p < 10 !== (c === p)));
    for (let p = 0; p < 20; p++) decisions.push(decide('follower', `p${p}`, p < 10), decide('contrarian', `p${p}`, p >= 10));
    decisions.push(decide('c0', 'ana', true));
    const effects = new DecisionIndex(decisions).effects(base, priors);
    expect(effects.get('follower')!.follows).toBeGreaterThan(1);
    expect(effects.get('c1')!.follows).toBeGreaterThan(1);
    expect(effects.get('contrarian')!.follows).toBeLessThan(1);
    expect(effects.get('contrarian')!.follows).toBeGreaterThanOrEqual(0);
    expect(effects.get('ana')!.follows).toBe(1);
    // A sought-after partner is still sought after, and more so than one the crowd declines.
    expect(effects.get('p0')!.accepted).toBeGreaterThan(0);
    expect(effects.get('p15')!.accepted).toBeLessThan(0);
  });

  it('measures how accept rates given and received go together, and lets each inform the other', () => {
    // Forty people in two groups of twenty decide on each other: the k-th of a group accepts the
    // j-th of the other when j >= k, so the further down, the fewer they accept and the more they
    // are accepted: a correlation of -1, held at the bound.
    const decisions = [];
    const side = (g: number, k: number) => `${g ? 'm' : 'w'}${k}`;
    for (let g = 0; g < 2; g++)
      for (let k = 0; k < 20; k++) for (let j = 0; j < 20; j++) decisions.push(decide(side(g, k), side(1 - g, j), j >= k));
    const index = new DecisionIndex(decisions);
    const rho = index.rateCorrelation(base, priors);
    expect(rho).toBe(-RATE_CORRELATION_MAX);
    // Fewer than twenty people with a history each way: nothing is measured.
    expect(new DecisionIndex(decisions.filter((d) => d.chooser < 'm2' && d.chooser.startsWith('m'))).rateCorrelation(base, priors)).toBe(0);
    // Someone decided on by one person only, who accepted many: their standing leans below that of
    // the same yes for someone who accepted few.
    const more = [...decisions];
    for (let j = 0; j < 10; j++) more.push(decide('eager', side(1, j), true), decide('picky', side(1, j), false));
    more.push(decide('w0', 'eager', true), decide('w0', 'picky', true));
    const effects = new DecisionIndex(more).effects(base, priors);
    expect(effects.get('eager')!.accepted).toBeLessThan(effects.get('picky')!.accepted);
  });

  it('learns that the sought-after follow the crowd more, and starts a newcomer from what people of their standing do', () => {
    // Two groups of twenty decide on each other. The first ten of each group accept the other
    // group's first ten (one dissent each, so nothing is infinite); the other ten decide on a
    // pattern unrelated to standing. So the first ten are both sought after and crowd followers.
    const decisions = [];
    const side = (g: number, k: number) => `${g ? 'm' : 'w'}${k}`;
    for (let g = 0; g < 2; g++)
      for (let k = 0; k < 20; k++)
        for (let j = 0; j < 20; j++) decisions.push(decide(side(g, k), side(1 - g, j), k < 10 ? j < 10 !== (j === k) : (j + k) % 2 === 0));
    // Two newcomers have been decided on by the whole first group and decided on no one yet.
    for (let k = 0; k < 20; k++) decisions.push(decide(side(0, k), 'sought', true), decide(side(0, k), 'shunned', false));
    const effects = new DecisionIndex(decisions).effects(base, priors);
    expect(effects.get('w0')!.follows).toBeGreaterThan(effects.get('w15')!.follows!);
    expect(effects.get('sought')!.follows).toBeGreaterThan(1);
    expect(effects.get('shunned')!.follows).toBeLessThan(1);
    expect(effects.get('shunned')!.follows).toBeGreaterThanOrEqual(0);
    // With fewer than twenty people both deciding and decided on, nothing is learned about it.
    const few = new DecisionIndex(decisions.filter((d) => d.chooser.startsWith('w') || d.partner === 'sought')).effects(base, priors);
    expect(few.get('sought')!.follows).toBe(1);
  });

  it('weighs the partner’s effect by how closely the chooser follows the crowd', () => {
    const candidate = tom({ decisionEffects: { accepts: 0, accepted: 1 } });
    const follower = directionalFit(minji({ decisionEffects: { accepts: 0, accepted: 0, follows: 1.5 } }), candidate, OPTIONS);
    const ownTaste = directionalFit(minji({ decisionEffects: { accepts: 0, accepted: 0, follows: 0.5 } }), candidate, OPTIONS);
    expect(follower.shifts.partner).toBeCloseTo(1.5, 12);
    expect(ownTaste.shifts.partner).toBeCloseTo(0.5, 12);
    expect(follower.score).toBeGreaterThan(ownTaste.score);
  });

  it('replaces the smoothed rates in the directional fit when given', () => {
    const viewer = minji();
    const sought = directionalFit(viewer, tom({ decisionEffects: { accepts: 0, accepted: 1 } }), OPTIONS);
    const shunned = directionalFit(viewer, tom({ decisionEffects: { accepts: 0, accepted: -1 } }), OPTIONS);
    expect(sought.shifts.partner).toBe(1);
    expect(sought.score).toBeGreaterThan(shunned.score);
  });
});
