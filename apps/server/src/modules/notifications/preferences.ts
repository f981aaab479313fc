import type { NotificationCategory, QuietHours } from '@studymate/contracts';

export interface Preferences {
  muted: NotificationCategory[];
  quietHours: QuietHours | null;
}

/** Stored preferences, or the defaults (everything on, no quiet hours) when none or unreadable. */
export function readPreferences(json: string | null): Preferences {
  if (!json) return { muted: [], quietHours: null };
  try {
    const parsed = JSON.parse(json) as Partial<Preferences>;
    return { muted: Array.isArray(parsed.muted) ? parsed.muted : [], quietHours: parsed.quietHours ?? null };
  } catch {
    return { muted: [], quietHours: null };
  }
}

const minuteOf = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/**
 * Whether an instant falls in the quiet hours on the person's own wall clock (so a daylight-saving
 * change moves them with the clock). Hours that pass midnight (22:00-07:00) wrap; equal start and
 * end mean none.
 */
export function inQuietHours(quiet: QuietHours | null, at: number): boolean {
  if (!quiet || quiet.start === quiet.end) return false;
  let clock: string;
  try {
    clock = new Intl.DateTimeFormat('en-GB', { timeZone: quiet.timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
      new Date(at),
    );
  } catch {
    return false;
  }
  const now = minuteOf(clock);
  const start = minuteOf(quiet.start);
  const end = minuteOf(quiet.end);
  return start < end ? now >= start && now < end : now >= start || now < end;
}
