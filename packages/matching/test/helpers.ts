import { availabilityBitset, emptyPreference, type MatchProfile, type ScoreOptions } from '../src/index.js';

/** Monday 1 June 2026, 00:00 UTC: an ordinary week (no clock change anywhere we test). */
export const WEEK = Date.UTC(2026, 5, 1);
export const NOW = WEEK + 2 * 24 * 3600_000;
export const OPTIONS: ScoreOptions = { now: NOW, weekStart: WEEK, baseAcceptRate: 0.42 };

/** Slots of 30 minutes from `from` to `to` o'clock local time on an ISO day. */
export const evening = (day: number, from: number, to: number) =>
  Array.from({ length: (to - from) * 2 }, (_, i) => ({ day, slot: from * 2 + i }));

/** A Seoul learner of English who wants a B2-or-better partner, with no history. */
export function minji(overrides: Partial<MatchProfile> = {}): MatchProfile {
  return {
    id: 'minji',
    nativeLanguage: 'ko',
    speaks: [],
    learns: [{ language: 'en', selfLevel: 'A2', verifiedLevel: null, partnerLevel: 'B2' }],
    topics: ['travel', 'drama-film'],
    motivations: ['travel-culture'],
    gender: 'female',
    birthYear: 1998,
    partnerGender: 'any',
    partnerAge: { min: 20, max: 40 },
    partnerStyles: ['friendly'],
    communicationMethod: 'voice',
    dailyMinutes: 20,
    timeZone: 'Asia/Seoul',
    availability: availabilityBitset(evening(2, 20, 22), 'Asia/Seoul', WEEK),
    lastActiveAt: NOW,
    onboarded: true,
    active: true,
    blocked: [],
    mates: [],
    decisions: { given: 0, accepted: 0, received: 0, acceptedBy: 0 },
    preference: emptyPreference(),
    ...overrides,
  };
}

/** A London native English speaker learning Korean, free Tuesday midday (Seoul's evening). */
export function tom(overrides: Partial<MatchProfile> = {}): MatchProfile {
  return minji({
    id: 'tom',
    nativeLanguage: 'en',
    learns: [{ language: 'ko', selfLevel: 'B1', verifiedLevel: null, partnerLevel: 'B2' }],
    gender: 'male',
    birthYear: 1995,
    timeZone: 'Europe/London',
    availability: availabilityBitset(evening(2, 12, 14), 'Europe/London', WEEK),
    ...overrides,
  });
}
