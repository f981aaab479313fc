// Per-pair cost of the matching engine's reciprocal score, the work of a cold recommendations
// request: one viewer against 500 candidates (issue #11: the server scores 500 per cold request).
// Synthetic people with weekly availability, topics, a history of decisions (learned preferences)
// and jointly fitted decision effects, so every term of the score runs. Deterministic inputs.
// Also prints the CPU of one joint fit of the decision effects (DecisionIndex.effects), a per-batch cost.
// Prints one JSON line. Run: nice -n 10 node --import tsx bench/matching-score.ts [--rounds 400]
import os from 'node:os';
import {
  availabilityBitset,
  DecisionIndex,
  populationRates,
  reciprocalScore,
  recordDecision,
  type MatchProfile,
  type ScoreOptions,
} from '../packages/matching/src/index.js';
import { minji } from '../packages/matching/test/helpers.js';

const flag = process.argv.indexOf('--rounds');
const rounds = flag > 0 ? Number(process.argv[flag + 1]) : 400;
const CANDIDATES = 500;
const WEEK = Date.UTC(2026, 5, 1);
const NOW = WEEK + 2 * 24 * 3600_000;
const TOPICS = ['travel', 'drama-film', 'music', 'food', 'games', 'sports', 'books', 'tech', 'art', 'study'];
const ZONES = ['Asia/Seoul', 'America/New_York', 'Europe/London', 'Asia/Kathmandu', 'Australia/Adelaide'];

// A small linear congruential generator: the same people on every run.
let state = 12345;
const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296;

function person(i: number): MatchProfile {
  const korean = i % 2 === 0;
  const zone = korean ? 'Asia/Seoul' : ZONES[1 + (i % 4)]!;
  const day = 1 + (i % 7);
  const from = 18 + Math.floor(next() * 4);
  const slots = Array.from({ length: 4 + Math.floor(next() * 6) }, (_, k) => ({ day, slot: from * 2 + k }));
  // The test helpers' profile, with everything that matters for the score drawn per person.
  return minji({
    id: `p${i}`,
    nativeLanguage: korean ? 'ko' : 'en',
    speaks: [],
    learns: [{ language: korean ? 'en' : 'ko', selfLevel: 'A2', verifiedLevel: null, partnerLevel: 'B2' }],
    topics: TOPICS.filter(() => next() < 0.3),
    motivations: next() < 0.5 ? ['travel-culture'] : ['career'],
    gender: next() < 0.5 ? 'female' : 'male',
    birthYear: 1980 + Math.floor(next() * 25),
    partnerGender: 'any',
    partnerAge: null,
    partnerStyles: next() < 0.5 ? ['friendly'] : ['structured'],
    communicationMethod: (['text', 'voice', 'video', 'hybrid'] as const)[i % 4]!,
    dailyMinutes: 10 + 5 * (i % 5),
    timeZone: zone,
    availability: availabilityBitset(slots, zone, WEEK),
    lastActiveAt: NOW - Math.floor(next() * 10) * 24 * 3600_000,
  });
}

const people = Array.from({ length: CANDIDATES + 1 }, (_, i) => person(i));
// Twenty decisions given by each person on people of the other side, as the server's recent ones.
const decisions: { chooser: string; partner: string; accepted: boolean }[] = [];
for (const [i, p] of people.entries()) {
  for (let k = 0; k < 20; k++) {
    const j = (i + 1 + 2 * Math.floor(next() * (CANDIDATES / 2))) % people.length;
    const partner = people[j]!;
    const accepted = next() < 0.4;
    decisions.push({ chooser: p.id, partner: partner.id, accepted });
    p.decisions.given++;
    if (accepted) p.decisions.accepted++;
    partner.decisions.received++;
    if (accepted) partner.decisions.acceptedBy++;
    p.preference = recordDecision(p.preference, partner, accepted, NOW);
  }
}
const options: ScoreOptions = { now: NOW, weekStart: WEEK, ...populationRates(people.map((p) => p.decisions)) };
const index = new DecisionIndex(decisions);
let effects = index.effects(options.baseAcceptRate, options.ratePriors);
// The joint fit runs once per batch of decisions, not per pair: its cost is printed apart.
const fitBefore = process.cpuUsage();
const FITS = 20;
for (let r = 0; r < FITS; r++) effects = index.effects(options.baseAcceptRate, options.ratePriors);
const fitUsed = process.cpuUsage(fitBefore);
const scored = people.map((p) => ({ ...p, decisionEffects: effects.get(p.id) }));
const [viewer, ...candidates] = scored;

let sink = 0;
const rank = () => {
  for (const c of candidates) sink += reciprocalScore(viewer!, c, options) ?? 0;
};
for (let r = 0; r < 50; r++) rank(); // warm-up: let the JIT settle before measuring
const before = process.cpuUsage();
for (let r = 0; r < rounds; r++) rank();
const used = process.cpuUsage(before);
const cpuMs = (used.user + used.system) / 1000;
console.log(
  JSON.stringify({
    bench: 'matching-score',
    candidates: CANDIDATES,
    rounds,
    cpuMsPer500: +(cpuMs / rounds).toFixed(3),
    cpuUsPerPair: +((cpuMs * 1000) / rounds / CANDIDATES).toFixed(3),
    decisions: decisions.length,
    cpuMsPerEffectsFit: +((fitUsed.user + fitUsed.system) / 1000 / FITS).toFixed(2),
    checksum: +sink.toFixed(3),
    loadavg: os.loadavg().map((l) => +l.toFixed(1)),
  }),
);
