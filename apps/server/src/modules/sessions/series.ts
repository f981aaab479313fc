import { DateTime } from 'luxon';
import { SESSION_MAX_DAYS_AHEAD, SESSION_MAX_OCCURRENCES, type SessionRepeatEvery } from '@studymate/contracts';

/**
 * A session's rule: the first start as a wall-clock time in the organiser's zone, a length, and an
 * optional repeat that ends on a local date or after a count. Occurrences are expanded in that
 * zone, so a weekly 19:00 Seoul session stays 19:00 in Seoul whatever the partner's clocks do.
 */
export interface SeriesRule {
  timeZone: string;
  /** `YYYY-MM-DDTHH:mm` in `timeZone`. */
  localStart: string;
  minutes: number;
  every: SessionRepeatEvery | null;
  /** Inclusive, a date in `timeZone`. */
  until: string | null;
  count: number | null;
}

export const isTimeZone = (zone: string) => DateTime.now().setZone(zone).isValid;

/** The UTC instant of a wall-clock time in a zone; a time skipped by a clock change moves forward, as the clock does. */
export function wallClockToUtc(date: string, time: string, timeZone: string): number {
  return DateTime.fromISO(`${date}T${time}`, { zone: timeZone }).toMillis();
}

/**
 * Where a series move puts an occurrence: `newStart` is the new start of the occurrence whose rule
 * start is `anchorStart`; any other occurrence (rule start `ruleStart`) moves by the same number of
 * calendar days to the same wall-clock time, in the organiser's zone.
 */
export function shiftedLocalStart(ruleStart: number, anchorStart: number, newStart: number, timeZone: string): string {
  const anchor = DateTime.fromMillis(anchorStart, { zone: timeZone }).startOf('day');
  const target = DateTime.fromMillis(newStart, { zone: timeZone });
  const days = Math.round(target.startOf('day').diff(anchor, 'days').days);
  const day = DateTime.fromMillis(ruleStart, { zone: timeZone }).plus({ days });
  return `${day.toFormat('yyyy-LL-dd')}T${target.toFormat('HH:mm')}`;
}

/** The wall-clock date and time of an instant in a zone. */
export function utcToWallClock(at: number, timeZone: string): { date: string; time: string } {
  const local = DateTime.fromMillis(at, { zone: timeZone });
  return { date: local.toFormat('yyyy-LL-dd'), time: local.toFormat('HH:mm') };
}

/**
 * The start of every occurrence of the rule, in UTC milliseconds, index by index. A monthly
 * series on the 31st skips months without one (as RFC 5545 does), so the .ics feed's RRULE
 * yields the same dates.
 */
export function ruleStarts(rule: SeriesRule): number[] {
  const first = DateTime.fromISO(rule.localStart, { zone: rule.timeZone });
  if (!first.isValid) return [];
  if (!rule.every) return [first.toMillis()];
  const horizon = first.plus({ days: SESSION_MAX_DAYS_AHEAD });
  const max = Math.min(rule.count ?? SESSION_MAX_OCCURRENCES, SESSION_MAX_OCCURRENCES);
  const until = rule.until ? DateTime.fromISO(rule.until, { zone: rule.timeZone }).endOf('day') : null;
  const starts: number[] = [];
  for (let step = 0; starts.length < max; step++) {
    let next: DateTime;
    if (rule.every === 'month') {
      next = first.plus({ months: step });
      // Luxon clamps the 31st to the month's last day; the rule skips that month instead.
      if (next.day !== first.day) continue;
    } else {
      next = first.plus({ weeks: step * (rule.every === 'two-weeks' ? 2 : 1) });
    }
    if (next > horizon || (until && next > until)) break;
    starts.push(next.toMillis());
  }
  return starts;
}

/** One occurrence of a stored series with its exception applied. */
export interface Occurrence {
  index: number;
  /** Where the rule puts it. */
  ruleStart: number;
  /** Where it is: the rule's time, or the time a move settled on. */
  start: number;
  end: number;
  cancelled: boolean;
  cancelReason: string | null;
  moved: boolean;
  proposedStart: number | null;
  proposedBy: string | null;
  proposedReason: string | null;
  /** A waiting move of this occurrence alone, or of it and the rest of the series. */
  proposedScope: 'occurrence' | 'following';
}

export interface StoredSeries {
  time_zone: string;
  local_start: string;
  minutes: number;
  repeat_every: SessionRepeatEvery | null;
  repeat_until: string | null;
  repeat_count: number | null;
}
export interface StoredException {
  occurrence: number;
  cancelled: number;
  cancel_reason: string | null;
  moved_start: number | null;
  proposed_start: number | null;
  proposed_by: string | null;
  proposed_reason: string | null;
  proposed_scope?: string | null;
}

export const ruleOf = (s: StoredSeries): SeriesRule => ({
  timeZone: s.time_zone,
  localStart: s.local_start,
  minutes: s.minutes,
  every: s.repeat_every,
  until: s.repeat_until,
  count: s.repeat_count,
});

/**
 * A rule never changes once stored (moves and cancellations are exceptions), so its expansion is
 * kept: a month's calendar expands hundreds of rules per request, and zone arithmetic is the slow part.
 */
const expanded = new Map<string, readonly number[]>();
const EXPANDED_MAX = 20_000;
function cachedStarts(rule: SeriesRule): readonly number[] {
  const key = `${rule.timeZone}|${rule.localStart}|${rule.every}|${rule.until}|${rule.count}`;
  let starts = expanded.get(key);
  if (!starts) {
    if (expanded.size >= EXPANDED_MAX) expanded.delete(expanded.keys().next().value!);
    expanded.set(key, (starts = ruleStarts(rule)));
  }
  return starts;
}

/** Every occurrence of a stored series, index by index, with cancellations and moves applied. */
export function occurrencesOf(s: StoredSeries, exceptions?: ReadonlyMap<number, StoredException>): Occurrence[] {
  const length = s.minutes * 60_000;
  return cachedStarts(ruleOf(s)).map((ruleStart, index) => {
    const x = exceptions?.get(index);
    const start = x?.moved_start ?? ruleStart;
    return {
      index,
      ruleStart,
      start,
      end: start + length,
      cancelled: !!x?.cancelled,
      cancelReason: x?.cancel_reason ?? null,
      moved: x?.moved_start != null,
      proposedStart: x?.proposed_start ?? null,
      proposedBy: x?.proposed_by ?? null,
      proposedReason: x?.proposed_reason ?? null,
      proposedScope: x?.proposed_scope === 'following' ? 'following' : 'occurrence',
    };
  });
}

/**
 * The rest of a series after a move from occurrence `from` onward: a rule of its own starting at
 * the new wall-clock start (`localStart`, in the organiser's zone), repeating as before for as
 * many occurrences as were left, with the cancelled ones kept cancelled by their place in it.
 */
export function restOfSeries(s: StoredSeries, occurrences: Occurrence[], from: number, localStart: string) {
  const left = occurrences.slice(from);
  const rule: SeriesRule = {
    timeZone: s.time_zone,
    localStart,
    minutes: s.minutes,
    every: s.repeat_every,
    until: null,
    count: s.repeat_every ? left.length : null,
  };
  const length = s.minutes * 60_000;
  const cancelled = new Map<number, string | null>();
  left.forEach((o, i) => o.cancelled && cancelled.set(i, o.cancelReason));
  const occurring = ruleStarts(rule)
    .map((start, i) => ({ index: i, start, end: start + length }))
    .filter((o) => !cancelled.has(o.index));
  return { rule, cancelled, occurring };
}
