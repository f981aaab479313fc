// Hard filters: a pair that fails any of them is never scored or shown.
import { CEFR_LEVELS, type CefrLevel, type IneligibleReason, type MatchProfile } from './types.js';

/** A level as a number, 1 (A1) .. 6 (C2); a native speaker counts as 7. */
export const NATIVE = 7;
export const levelRank = (level: CefrLevel): number => CEFR_LEVELS.indexOf(level) + 1;

/**
 * How well `person` speaks `language`: native, else the best of what they speak and what they learn
 * (the verified level from the level test when there is one, else the self-rating); 0 if not at all.
 */
export function levelIn(person: MatchProfile, language: string): { rank: number; verified: boolean } {
  if (person.nativeLanguage === language) return { rank: NATIVE, verified: false };
  let best = { rank: 0, verified: false };
  for (const s of person.speaks) {
    if (s.language === language && levelRank(s.level) > best.rank) best = { rank: levelRank(s.level), verified: false };
  }
  for (const l of person.learns) {
    if (l.language !== language) continue;
    const rank = levelRank(l.verifiedLevel ?? l.selfLevel);
    if (rank > best.rank) best = { rank, verified: Boolean(l.verifiedLevel) };
  }
  return best;
}

/** C1 or above: someone who can carry a conversation a learner needs, short of native. */
const TEACHING_LEVEL = levelRank('C1');

/** The languages x learns that y can offer (native, or spoken at C1 or above). */
export function offeredLanguages(x: MatchProfile, y: MatchProfile): string[] {
  return x.learns.map((l) => l.language).filter((language) => levelIn(y, language).rank >= TEACHING_LEVEL);
}

export function ageAt(person: MatchProfile, now: number): number | null {
  return person.birthYear === null ? null : utcYear(now) - person.birthYear;
}

// The year of the last instant asked about: a ranking asks four times per pair with the same `now`,
// and a Date each time was an eighth of scoring 500 candidates.
let lastNow = NaN;
let lastYear = 0;
function utcYear(now: number): number {
  if (now !== lastNow) {
    lastYear = new Date(now).getUTCFullYear();
    lastNow = now;
  }
  return lastYear;
}

/** x's stated requirements about a partner: gender and age range. An unknown age is not refused. */
function meetsRequirements(x: MatchProfile, y: MatchProfile, now: number): boolean {
  if (x.partnerGender !== 'any' && y.gender !== x.partnerGender) return false;
  const age = ageAt(y, now);
  if (x.partnerAge && age !== null && (age < x.partnerAge.min || age > x.partnerAge.max)) return false;
  return true;
}

/** Why the pair may not be shown to each other, or null when it may. Symmetric. */
export function ineligibility(x: MatchProfile, y: MatchProfile, now: number): IneligibleReason | null {
  if (x.id === y.id) return 'self';
  if (x.blocked.includes(y.id) || y.blocked.includes(x.id)) return 'blocked';
  if (!x.onboarded || !y.onboarded || !x.active || !y.active) return 'inactive';
  if (x.mates.includes(y.id) || y.mates.includes(x.id)) return 'mates';
  if (offeredLanguages(x, y).length === 0 || offeredLanguages(y, x).length === 0) return 'languages';
  if (!meetsRequirements(x, y, now) || !meetsRequirements(y, x, now)) return 'requirements';
  return null;
}
