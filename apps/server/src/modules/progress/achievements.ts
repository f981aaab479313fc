import type { AchievementId } from '@studymate/contracts';

/**
 * Achievements: each a figure from the ledger and the value that earns it. Rules are pure; the
 * service compares what a person has reached with what they were already awarded and awards the
 * difference once (a row per person and achievement), so an award never repeats or goes away.
 */
export type { AchievementId };

/** What the rules read: totals since the first day, from the ledger. */
export interface ProgressFacts {
  /** Calls completed (sessions held). */
  sessions: number;
  bestStreak: number;
  mates: number;
  practiceMinutes: number;
  /** Level tests that placed a language above an earlier verified level of it. */
  levelUps: number;
  /** Monday-to-Sunday weeks in which every day met the daily goal. */
  perfectWeeks: number;
}

export const EMPTY_FACTS: ProgressFacts = { sessions: 0, bestStreak: 0, mates: 0, practiceMinutes: 0, levelUps: 0, perfectWeeks: 0 };

interface Rule {
  id: AchievementId;
  target: number;
  value: (f: ProgressFacts) => number;
}

const sessions = (f: ProgressFacts) => f.sessions;
const streak = (f: ProgressFacts) => f.bestStreak;
const mates = (f: ProgressFacts) => f.mates;
const hours = (f: ProgressFacts) => Math.floor(f.practiceMinutes / 60);

export const RULES: readonly Rule[] = [
  { id: 'first-session', target: 1, value: sessions },
  { id: 'sessions-10', target: 10, value: sessions },
  { id: 'sessions-50', target: 50, value: sessions },
  { id: 'streak-7', target: 7, value: streak },
  { id: 'streak-30', target: 30, value: streak },
  { id: 'first-mate', target: 1, value: mates },
  { id: 'mates-5', target: 5, value: mates },
  { id: 'hours-10', target: 10, value: hours },
  { id: 'hours-50', target: 50, value: hours },
  { id: 'hours-100', target: 100, value: hours },
  { id: 'first-level-up', target: 1, value: (f) => f.levelUps },
  { id: 'perfect-week', target: 1, value: (f) => f.perfectWeeks },
];

export interface AchievementProgress {
  id: AchievementId;
  /** Capped at the target. */
  value: number;
  target: number;
  reached: boolean;
}

export function achievementProgress(facts: ProgressFacts): AchievementProgress[] {
  return RULES.map((rule) => {
    const value = Math.min(rule.target, Math.max(0, rule.value(facts)));
    return { id: rule.id, value, target: rule.target, reached: value >= rule.target };
  });
}

/** Achievements reached now and not yet awarded, in rule order. */
export function newlyReached(facts: ProgressFacts, awarded: ReadonlySet<string>): AchievementId[] {
  return achievementProgress(facts)
    .filter((p) => p.reached && !awarded.has(p.id))
    .map((p) => p.id);
}
