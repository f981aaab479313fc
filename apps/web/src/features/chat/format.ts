import type { PresenceState, RoomSummary } from '@studymate/contracts';

/** Pure helpers the chat pages share (tested in apps/web/test/chat-format.test.ts). */

/** An i18n key under `presence.` and its values: "online", "away", "last seen 5 minutes ago", … */
export function presenceLabel(
  status: PresenceState,
  lastSeenAt: string | null,
  now: number = Date.now(),
): { key: string; values?: { count: number } } {
  if (status === 'online') return { key: 'online' };
  if (status === 'away') return { key: 'away' };
  if (!lastSeenAt) return { key: 'offline' };
  const minutes = Math.floor(Math.max(0, now - Date.parse(lastSeenAt)) / 60_000);
  if (minutes < 1) return { key: 'seenJustNow' };
  if (minutes < 60) return { key: 'seenMinutes', values: { count: minutes } };
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return { key: 'seenHours', values: { count: hours } };
  return { key: 'seenDays', values: { count: Math.floor(hours / 24) } };
}

/** 0.9 KB, 340 KB, 1.2 MB: one decimal below 10, whole numbers above. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${bytes} B`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

export type FileKind = 'image' | 'voice' | 'pdf' | 'archive' | 'file';

/** Which icon a shared file gets. */
export function fileKind(file: { kind: 'image' | 'file' | 'voice'; contentType: string }): FileKind {
  if (file.kind === 'image' || file.kind === 'voice') return file.kind;
  if (file.contentType === 'application/pdf') return 'pdf';
  if (file.contentType === 'application/zip') return 'archive';
  return 'file';
}

/** The people I have a 1:1 room with (not deleted), by name: who can be put into a group. */
export function directPartners(rooms: RoomSummary[], me: string): { id: string; displayName: string; photoUrl: string | null }[] {
  const byId = new Map<string, { id: string; displayName: string; photoUrl: string | null }>();
  for (const room of rooms) {
    if (room.kind !== 'direct') continue;
    for (const m of room.members)
      if (m.id !== me && !m.deleted) byId.set(m.id, { id: m.id, displayName: m.displayName, photoUrl: m.photoUrl });
  }
  return [...byId.values()].sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/** The highest read mark among the other members: my messages up to it have been read. */
export function partnersReadUpTo(room: RoomSummary | undefined, liveReadBy: Record<string, number>, me: string): number {
  const stored = (room?.members ?? []).filter((m) => m.id !== me).map((m) => m.lastReadSeq);
  const live = Object.entries(liveReadBy)
    .filter(([id]) => id !== me)
    .map(([, seq]) => seq);
  return Math.max(0, ...stored, ...live);
}

/** What this device tells the server: away while hidden or idle for `idleMs`. */
export function reportedPresence(visible: boolean, lastActivityAt: number, now: number, idleMs: number): 'online' | 'away' {
  return visible && now - lastActivityAt < idleMs ? 'online' : 'away';
}
