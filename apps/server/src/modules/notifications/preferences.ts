import type { NotificationCategory, NotificationLocale, QuietHours } from '@studymate/contracts';

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

/** What a notification to a person needs of their settings: the language their app speaks and their preferences. */
export interface PersonSettings {
  locale: NotificationLocale | null;
  preferences: Preferences;
}

/**
 * Each person's settings, kept on this node for `ttlMs` after a read: every batch of
 * notifications read its recipients' settings row, a round trip for settings that change a few
 * times in an account's life. A change made on any node calls `forget` on every node (the module
 * wires it to the bus); the TTL bounds how long a change missed by a node (the bus was down) can
 * go unseen. A read that overlapped a change is used once but not kept.
 */
export function settingsCache(
  load: (userIds: string[]) => Promise<Map<string, { locale: NotificationLocale; preferences: string | null }>>,
  { ttlMs = 60_000, capacity = 200_000 } = {},
) {
  const kept = new Map<string, { settings: PersonSettings; until: number }>();
  let changes = 0;
  return {
    async of(userIds: string[]): Promise<Map<string, PersonSettings>> {
      const now = Date.now();
      const found = new Map<string, PersonSettings>();
      const missing: string[] = [];
      for (const id of userIds) {
        const entry = kept.get(id);
        if (entry && entry.until > now) found.set(id, entry.settings);
        else missing.push(id);
      }
      if (!missing.length) return found;
      const changesBefore = changes;
      const rows = await load(missing);
      const keep = changes === changesBefore;
      for (const id of missing) {
        const row = rows.get(id);
        const settings = { locale: row?.locale ?? null, preferences: readPreferences(row?.preferences ?? null) };
        found.set(id, settings);
        if (keep) {
          kept.delete(id);
          kept.set(id, { settings, until: now + ttlMs });
        }
      }
      // Oldest first: a Map iterates in insertion order, and a refreshed entry was re-inserted.
      for (const id of kept.keys()) {
        if (kept.size <= capacity) break;
        kept.delete(id);
      }
      return found;
    },
    forget(userId: string) {
      changes++;
      kept.delete(userId);
    },
  };
}
export type SettingsCache = ReturnType<typeof settingsCache>;
