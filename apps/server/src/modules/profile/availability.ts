import { SLOTS_PER_DAY, type WeeklySlot } from '@studymate/contracts';

const MINUTES_PER_WEEK = 7 * 24 * 60;

/** Offset of a zone from UTC at an instant, in minutes (Seoul +540, Kathmandu +345). */
export function zoneOffsetMinutes(timeZone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/** Monday 00:00 UTC of the ISO week that contains the instant. */
export function utcWeekStart(at: Date): number {
  const day = (at.getUTCDay() + 6) % 7;
  return Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() - day);
}

/**
 * A person's weekly wall-clock slots as UTC intervals [start, end) in minutes from Monday 00:00
 * UTC of the week that contains `week`. The offset is taken at each slot's own instant, so a
 * daylight-saving change inside the week, and zones with 45-minute offsets, come out exact.
 * Intervals that cross the week's end wrap to its start.
 */
export function weeklySlotsInUtc(slots: readonly WeeklySlot[], timeZone: string, week: Date): [number, number][] {
  const weekStart = utcWeekStart(week);
  const intervals: [number, number][] = [];
  for (const { day, slot } of slots) {
    const localMinute = (day - 1) * 24 * 60 + slot * ((24 * 60) / SLOTS_PER_DAY);
    // Guess with the offset at the week's start, then correct with the offset at that instant.
    let utcMinute = localMinute - zoneOffsetMinutes(timeZone, new Date(weekStart + localMinute * 60_000));
    utcMinute = localMinute - zoneOffsetMinutes(timeZone, new Date(weekStart + utcMinute * 60_000));
    const start = ((utcMinute % MINUTES_PER_WEEK) + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
    intervals.push([start, start + 30]);
  }
  return mergeIntervals(
    intervals.flatMap(([s, e]) =>
      e > MINUTES_PER_WEEK
        ? ([
            [s, MINUTES_PER_WEEK],
            [0, e - MINUTES_PER_WEEK],
          ] as [number, number][])
        : [[s, e] as [number, number]],
    ),
  );
}

function mergeIntervals(intervals: [number, number][]): [number, number][] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  return merged;
}

/** Where two sets of sorted, merged intervals (as weeklySlotsInUtc returns) overlap. */
export function weeklyOverlapIntervals(x: [number, number][], y: [number, number][]): [number, number][] {
  const both: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const start = Math.max(x[i]![0], y[j]![0]);
    const end = Math.min(x[i]![1], y[j]![1]);
    if (end > start) both.push([start, end]);
    if (x[i]![1] < y[j]![1]) i++;
    else j++;
  }
  return both;
}

/** Minutes per week two people are both available, each in their own time zone. */
export function weeklyOverlapMinutes(
  a: { slots: readonly WeeklySlot[]; timeZone: string },
  b: { slots: readonly WeeklySlot[]; timeZone: string },
  week: Date,
): number {
  const both = weeklyOverlapIntervals(weeklySlotsInUtc(a.slots, a.timeZone, week), weeklySlotsInUtc(b.slots, b.timeZone, week));
  return both.reduce((total, [start, end]) => total + end - start, 0);
}
