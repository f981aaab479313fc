import { useEffect } from 'react';
import { DateTime } from 'luxon';
import { useProfileStore } from '../profile/store';

/** My zone: the one my profile's city keeps (as the server does), else this browser's. */
export function useMyZone(): string {
  const profile = useProfileStore((s) => s.profile);
  useEffect(() => {
    if (!profile)
      void useProfileStore
        .getState()
        .load()
        .catch(() => {});
  }, [profile]);
  return profile?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
}

const locale = (language: string | undefined) => (language === 'en' ? 'en-GB' : 'ko-KR');

/** "Mon 2 Mar, 19:00" / "3월 2일 (월) 19:00" in a zone. */
export function formatWhen(iso: string, zone: string, language: string | undefined): string {
  return new Intl.DateTimeFormat(locale(language), {
    timeZone: zone,
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

export function formatClock(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone }).toFormat('HH:mm');
}

export function formatMonth(month: DateTime, language: string | undefined): string {
  return new Intl.DateTimeFormat(locale(language), { year: 'numeric', month: 'long', timeZone: month.zoneName ?? 'UTC' }).format(
    month.toJSDate(),
  );
}

/** The date and time an instant shows in a zone, as the form's inputs take them. */
export function wallClock(iso: string, zone: string): { date: string; time: string } {
  const d = DateTime.fromISO(iso, { zone });
  return { date: d.toFormat('yyyy-LL-dd'), time: d.toFormat('HH:mm') };
}

export const dayKey = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toFormat('yyyy-LL-dd');

/** Six Monday-first weeks around a month, in a zone, and the instants that bound them. */
export function monthGrid(month: DateTime) {
  const first = month.startOf('month');
  const start = first.minus({ days: first.weekday - 1 });
  const days = Array.from({ length: 42 }, (_, i) => start.plus({ days: i }));
  return { days, from: start.toJSDate(), to: start.plus({ days: 42 }).toJSDate() };
}

export const thisMonth = (zone: string) => DateTime.now().setZone(zone).startOf('month');
