import type { NotificationCategory, NotificationLocale, QuietHours } from '@studymate/contracts';
import { keptPerPerson } from '../../platform/cache/kept-per-person.js';

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

/** Made once per zone: a formatter costs far more to make than to use, and each notification asks. */
const clocks = new Map<string, Intl.DateTimeFormat>();
function clockIn(timeZone: string): Intl.DateTimeFormat {
  let clock = clocks.get(timeZone);
  if (!clock) {
    clock = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    if (clocks.size < 1000) clocks.set(timeZone, clock);
  }
  return clock;
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
    clock = clockIn(quiet.timeZone).format(at);
  } catch {
    return false;
  }
  const now = minuteOf(clock);
  const start = minuteOf(quiet.start);
  const end = minuteOf(quiet.end);
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/** What a notification to a person needs of their settings: the language their app speaks and their preferences. */
export interface PersonSettings {
  locale: NotificationLocale | null;
  preferences: Preferences;
}

/**
 * Each person's settings, kept on this node for `ttlMs` after a read: every batch of
 * notifications read its recipients' settings row, a round trip for settings that change a few
 * times in an account's life. A change made on any node forgets them on every node (the module
 * wires it to the bus).
 */
export function settingsCache(
  load: (userIds: string[]) => Promise<Map<string, { locale: NotificationLocale; preferences: string | null }>>,
  { ttlMs = 60_000, capacity = 200_000 } = {},
) {
  return keptPerPerson<PersonSettings>({
    load: async (ids) => {
      const rows = await load(ids);
      return new Map(
        ids.map((id) => {
          const row = rows.get(id);
          return [id, { locale: row?.locale ?? null, preferences: readPreferences(row?.preferences ?? null) }];
        }),
      );
    },
    untilOf: (_settings, _id, now) => now + ttlMs,
    capacity,
  });
}
export type SettingsCache = ReturnType<typeof settingsCache>;
