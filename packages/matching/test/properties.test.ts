import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { availabilityBitset, reciprocalScore, type MatchProfile } from '../src/index.js';
import { minji, OPTIONS, tom, WEEK } from './helpers.js';

const TOPICS = ['travel', 'current-affairs', 'food', 'business', 'drama-film', 'culture-lifestyle', 'sport', 'economy', 'it'];
const MOTIVATIONS = ['career', 'hobby', 'travel-culture', 'exam', 'friends'];
const ZONES = ['Asia/Seoul', 'Asia/Kathmandu', 'Europe/London', 'America/New_York', 'Australia/Adelaide'];
const FEATURES = [
  'native:en',
  'native:ko',
  'gender:male',
  'gender:female',
  'age:25',
  'age:30',
  'motivation:career',
  'motivation:hobby',
  'method:voice',
];

const slots = fc.uniqueArray(fc.record({ day: fc.integer({ min: 1, max: 7 }), slot: fc.integer({ min: 0, max: 47 }) }), {
  maxLength: 30,
  selector: (s) => `${s.day}:${s.slot}`,
});
const counts = fc.dictionary(fc.constantFrom(...FEATURES), fc.integer({ min: 0, max: 20 }));
const decisions = fc
  .record({
    given: fc.integer({ min: 0, max: 50 }),
    received: fc.integer({ min: 0, max: 50 }),
    a: fc.double({ min: 0, max: 1, noNaN: true }),
    b: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ given, received, a, b }) => ({ given, accepted: Math.round(a * given), received, acceptedBy: Math.round(b * received) }));

/** Anyone a Korean learner of English might meet, or not: random history, wishes and schedule. */
const person = (make: (o: Partial<MatchProfile>) => MatchProfile) =>
  fc
    .record({
      topics: fc.uniqueArray(fc.constantFrom(...TOPICS), { maxLength: 5 }),
      motivations: fc.uniqueArray(fc.constantFrom(...MOTIVATIONS), { maxLength: 3 }),
      zone: fc.constantFrom(...ZONES),
      slots,
      method: fc.constantFrom('text', 'voice', 'video', 'hybrid', null),
      dailyMinutes: fc.constantFrom(10, 15, 20, 25, 30, null),
      decisions,
      accepted: counts,
      declined: counts,
      open: fc.integer({ min: 0, max: 40 }),
      bad: fc.integer({ min: 0, max: 5 }),
      level: fc.constantFrom('A1', 'B1', 'C1', 'C2'),
      effects: fc.option(
        fc.record({ accepts: fc.double({ min: -3, max: 3, noNaN: true }), accepted: fc.double({ min: -3, max: 3, noNaN: true }) }),
        {
          nil: undefined,
        },
      ),
    } as const)
    .map((r) =>
      make({
        topics: r.topics,
        motivations: r.motivations,
        timeZone: r.zone,
        availability: availabilityBitset(r.slots, r.zone, WEEK),
        communicationMethod: r.method,
        dailyMinutes: r.dailyMinutes,
        decisions: r.decisions,
        decisionEffects: r.effects,
        preference: { accepted: r.accepted, declined: r.declined },
        openIncomingRequests: r.open,
        callRatings: { bad: r.bad, total: r.bad + 2 },
        learns: [{ language: make({}).learns[0]!.language, selfLevel: 'A2', partnerLevel: r.level }],
      }),
    );
const pair = fc.tuple(person(minji), person(tom));

/** Neighbourhood evidence for each direction, as `DecisionIndex.neighbourDecisions` gives it. */
const neighbours = fc.array(
  fc.record({
    via: fc.constantFrom('chooser' as const, 'partner' as const),
    accepted: fc.boolean(),
    agreements: fc.integer({ min: 0, max: 10 }),
    disagreements: fc.integer({ min: 0, max: 10 }),
  }),
  { maxLength: 8 },
);
const evidence = fc.record({ xy: neighbours, yx: neighbours });

describe('reciprocal score properties', () => {
  it('is symmetric', () => {
    fc.assert(
      fc.property(pair, evidence, ([x, y], e) => {
        expect(reciprocalScore(x, y, OPTIONS)).toBe(reciprocalScore(y, x, OPTIONS));
        expect(reciprocalScore(x, y, OPTIONS, e)).toBe(reciprocalScore(y, x, OPTIONS, { xy: e.yx, yx: e.xy }));
      }),
    );
  });

  it('stays in [0, 1]', () => {
    fc.assert(
      fc.property(pair, evidence, ([x, y], e) => {
        const s = reciprocalScore(x, y, OPTIONS, e)!;
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('never falls when the pair gains a shared topic', () => {
    fc.assert(
      fc.property(pair, fc.constantFrom(...TOPICS), evidence, ([x, y], topic, e) => {
        const before = reciprocalScore(x, y, OPTIONS, e)!;
        const add = (p: MatchProfile) => (p.topics.includes(topic) ? p : { ...p, topics: [...p.topics, topic] });
        expect(reciprocalScore(add(x), add(y), OPTIONS, e)!).toBeGreaterThanOrEqual(before - 1e-12);
      }),
    );
  });

  it('never falls when the pair gains overlapping hours', () => {
    fc.assert(
      fc.property(pair, slots, evidence, ([x, y], extra, e) => {
        const before = reciprocalScore(x, y, OPTIONS, e)!;
        // The same extra hours, in UTC, added to both: their overlap can only grow.
        const more = availabilityBitset(extra, 'UTC', WEEK);
        const widen = (p: MatchProfile) => ({ ...p, availability: p.availability!.map((w, i) => w | more[i]!) });
        expect(reciprocalScore(widen(x), widen(y), OPTIONS, e)!).toBeGreaterThanOrEqual(before - 1e-12);
      }),
    );
  });

  it('never scores a blocked pair or one without complementary languages', () => {
    fc.assert(
      fc.property(pair, fc.boolean(), fc.constantFrom('ja', 'fr', 'ko'), ([x, y], xBlocks, native) => {
        const blocked = xBlocks ? [{ ...x, blocked: ['tom'] }, y] : [x, { ...y, blocked: ['minji'] }];
        expect(reciprocalScore(blocked[0]!, blocked[1]!, OPTIONS)).toBeNull();
        expect(
          reciprocalScore(blocked[0]!, blocked[1]!, OPTIONS, { xy: [{ via: 'chooser', accepted: true, agreements: 5, disagreements: 0 }] }),
        ).toBeNull();
        // Tom no longer offers English (a native speaker of something else, no English at C1).
        expect(reciprocalScore(x, { ...y, nativeLanguage: native, speaks: [{ language: 'en', level: 'B2' }] }, OPTIONS)).toBeNull();
      }),
    );
  });
});
