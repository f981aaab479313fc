import { adjacent, localDay } from './days.js';

/** A day with a chat, a call or a level test, and the zone the person lived it in (the first seen that day). */
export interface ActiveDay {
  day: string;
  timeZone: string;
}

export interface Streaks {
  current: number;
  best: number;
  /** The last active day, if any. */
  lastDay: string | null;
}

/**
 * Days in a row, each counted once. Days are the person's own calendar days when the activity
 * happened, so a later change of zone re-labels nothing; a flight that repeats a date adds no day,
 * and one that skips a date breaks nothing (see `adjacent`). The current streak is alive while its
 * last day is today or yesterday in the zone the person is in now.
 */
export function streaksOf(days: readonly ActiveDay[], now: number, zoneNow: string): Streaks {
  const sorted = [...new Map(days.map((d) => [d.day, d])).values()].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  if (!sorted.length) return { current: 0, best: 0, lastDay: null };
  let run = 1;
  let best = 1;
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    run = adjacent(a.day, a.timeZone, b.day, b.timeZone) ? run + 1 : 1;
    best = Math.max(best, run);
  }
  const last = sorted.at(-1)!;
  const today = localDay(now, zoneNow);
  const alive = last.day >= today || adjacent(last.day, last.timeZone, today, zoneNow);
  return { current: alive ? run : 0, best, lastDay: last.day };
}
