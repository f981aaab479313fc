import { LANGUAGES, LEVELS } from '@studymate/contracts';
import type { TFunction } from 'i18next';

export const locale = (language: string | undefined) => (language === 'en' ? 'en' : 'ko');

/** "1 h 05 min" / "45 min". */
export function duration(t: TFunction, minutes: number): string {
  if (minutes < 60) return t('minutes', { count: minutes });
  return t('hoursMinutes', { h: Math.floor(minutes / 60), m: String(minutes % 60).padStart(2, '0') });
}

export const languageName = (code: string, lang: 'ko' | 'en', unknown: string) =>
  LANGUAGES.find((l) => l.id === code)?.[lang] ?? (code || unknown);

export const LEVEL_IDS: string[] = LEVELS.map((l) => l.id);

/** 'YYYY-MM-DD' as a short date in the reader's language (no zone shift: it is a calendar day). */
export function shortDay(day: string, lang: 'ko' | 'en', withMonth = true): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat(
    lang === 'en' ? 'en-GB' : 'ko-KR',
    withMonth ? { month: 'short', day: 'numeric', timeZone: 'UTC' } : { weekday: 'short', timeZone: 'UTC' },
  ).format(new Date(Date.UTC(y, m - 1, d)));
}
export function monthLabel(day: string, lang: 'ko' | 'en'): string {
  const [y, m] = day.split('-').map(Number) as [number, number];
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'ko-KR', { month: 'short', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, 1)),
  );
}
