/**
 * The one place dates and times are written for people: one format per UI language across the
 * app (Korean as in "2026. 12. 6. 오후 3:00", English as in "6 Dec 2026, 15:00").
 */
export const localeOf = (language: string | undefined) => (language?.startsWith('en') ? 'en-GB' : 'ko-KR');

const formats = new Map<string, Intl.DateTimeFormat>();
function formatter(language: string | undefined, kind: keyof typeof OPTIONS): Intl.DateTimeFormat {
  const locale = localeOf(language);
  const key = `${locale} ${kind}`;
  let format = formats.get(key);
  if (!format) formats.set(key, (format = new Intl.DateTimeFormat(locale, OPTIONS[kind])));
  return format;
}
const OPTIONS = {
  date: { year: 'numeric', month: 'short', day: 'numeric' },
  dateTime: { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' },
  day: { month: 'short', day: 'numeric' },
  dayTime: { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' },
  time: { hour: 'numeric', minute: '2-digit' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

const toDate = (when: string | Date) => (typeof when === 'string' ? new Date(when) : when);

/** A calendar date with its year. */
export const formatDate = (when: string | Date, language: string | undefined) => formatter(language, 'date').format(toDate(when));
/** A date with its year and the time. */
export const formatDateTime = (when: string | Date, language: string | undefined) => formatter(language, 'dateTime').format(toDate(when));
/** A date within the year, without it (chart labels, lists of recent things). */
export const formatDay = (when: string | Date, language: string | undefined) => formatter(language, 'day').format(toDate(when));
/** A recent moment: the day and the time. */
export const formatDayTime = (when: string | Date, language: string | undefined) => formatter(language, 'dayTime').format(toDate(when));
/** A time of day. */
export const formatClock = (when: string | Date, language: string | undefined) => formatter(language, 'time').format(toDate(when));

/** A message's moment as lists show it: the time today, the day otherwise. */
export function formatRecent(when: string | Date, language: string | undefined, now = new Date()) {
  const date = toDate(when);
  return date.toDateString() === now.toDateString() ? formatClock(date, language) : formatDay(date, language);
}

/** "한국 표준시" / "Korean Standard Time" rather than "Asia/Seoul": the zone in the reader's words. */
export function zoneName(zone: string, language: string | undefined): string {
  try {
    const parts = new Intl.DateTimeFormat(language, { timeZone: zone, timeZoneName: 'longGeneric' }).formatToParts(new Date());
    return parts.find((p) => p.type === 'timeZoneName')?.value ?? zone;
  } catch {
    return zone;
  }
}

/** Every time zone this browser knows, for a picker. */
export function knownTimeZones(): string[] {
  const all = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  return all.includes('UTC') ? all : ['UTC', ...all];
}
