/**
 * Calendar days in a person's own zone. A day is a 'YYYY-MM-DD' string; its length follows the
 * zone's daylight-saving changes (23 or 25 hours on those days), and +05:45 zones come out exact.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether the runtime knows this IANA zone. */
export function isZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The person's calendar day at an instant. */
export function localDay(at: number, timeZone: string): string {
  return formatter(isZone(timeZone) ? timeZone : 'UTC').format(new Date(at));
}

/** Days since 1970-01-01 (a Thursday). */
export const dayNumber = (day: string) =>
  Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / 86_400_000;
const fromDayNumber = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);

export const addDays = (day: string, n: number) => fromDayNumber(dayNumber(day) + n);
/** Whole calendar days from a to b (b - a). */
export const daysBetween = (a: string, b: string) => dayNumber(b) - dayNumber(a);
/** Monday of the day's week. */
export const weekStart = (day: string) => addDays(day, -((new Date(dayNumber(day) * 86_400_000).getUTCDay() + 6) % 7));
/** A number per Monday-to-Sunday week, the same for every day of it. */
export const weekNumber = (day: string) => Math.floor((dayNumber(day) + 3) / 7);
export const monthStart = (day: string) => `${day.slice(0, 7)}-01`;

/**
 * The first instant of a local day: the smallest instant whose local day is `day` (when midnight
 * does not exist because clocks jumped, the day starts at the jump).
 */
export function dayStart(day: string, timeZone: string): number {
  const zone = isZone(timeZone) ? timeZone : 'UTC';
  // Every zone is within UTC-12..UTC+14: the day starts inside this window. Binary search by the minute.
  let lo = dayNumber(day) * 86_400_000 - 15 * 3_600_000;
  let hi = dayNumber(day) * 86_400_000 + 13 * 3_600_000;
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
    if (localDay(mid, zone) < day) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Days that are apart by less than this are adjacent: no whole day (even a 23-hour one) fits between them. */
const SHORTEST_DAY_MS = 23 * 3_600_000;

/**
 * Whether day `b` (lived in zone `zb`) follows day `a` (lived in zone `za`) without a whole day
 * missed in between. In one zone that is simply the next date; after a flight the dates can jump
 * (Los Angeles to Seoul skips a date) or repeat (Seoul to Los Angeles), so the rule is measured in
 * time: from the end of `a` to the start of `b` there is less than a shortest day.
 */
export function adjacent(a: string, za: string, b: string, zb: string): boolean {
  if (daysBetween(a, b) <= 1) return true;
  return dayStart(b, zb) - dayStart(addDays(a, 1), za) < SHORTEST_DAY_MS;
}
