import { describe, expect, it } from 'vitest';
import type { RoomSummary } from '@studymate/contracts';
import { directPartners, fileKind, formatSize, partnersReadUpTo, presenceLabel, reportedPresence } from '../src/features/chat/format';

const member = (id: string, extra: Partial<RoomSummary['members'][number]> = {}): RoomSummary['members'][number] => ({
  id,
  displayName: id.toUpperCase(),
  photoUrl: null,
  role: 'member',
  deleted: false,
  lastReadSeq: 0,
  presence: 'offline',
  lastSeenAt: null,
  ...extra,
});
const room = (id: string, kind: 'direct' | 'group', members: RoomSummary['members']): RoomSummary => ({
  id,
  kind,
  name: kind === 'group' ? 'G' : null,
  members,
  lastMessage: null,
  unreadCount: 0,
  lastReadSeq: 0,
});

describe('chat presence and file helpers', () => {
  const now = Date.parse('2025-03-01T12:00:00Z');
  const ago = (ms: number) => new Date(now - ms).toISOString();

  it('says online, away, or how long ago someone was last seen', () => {
    expect(presenceLabel('online', ago(0), now)).toEqual({ key: 'online' });
    expect(presenceLabel('away', ago(0), now)).toEqual({ key: 'away' });
    expect(presenceLabel('offline', null, now)).toEqual({ key: 'offline' });
    expect(presenceLabel('offline', ago(30_000), now)).toEqual({ key: 'seenJustNow' });
    expect(presenceLabel('offline', ago(5 * 60_000 + 10), now)).toEqual({ key: 'seenMinutes', values: { count: 5 } });
    expect(presenceLabel('offline', ago(3 * 3600_000), now)).toEqual({ key: 'seenHours', values: { count: 3 } });
    expect(presenceLabel('offline', ago(49 * 3600_000), now)).toEqual({ key: 'seenDays', values: { count: 2 } });
    // A clock slightly behind the server's never shows a negative time.
    expect(presenceLabel('offline', new Date(now + 5000).toISOString(), now)).toEqual({ key: 'seenJustNow' });
  });

  it('reports away while the tab is hidden or idle, online otherwise', () => {
    expect(reportedPresence(true, now - 1000, now, 180_000)).toBe('online');
    expect(reportedPresence(false, now, now, 180_000)).toBe('away');
    expect(reportedPresence(true, now - 180_000, now, 180_000)).toBe('away');
  });

  it('prints sizes people read at a glance', () => {
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(340 * 1024)).toBe('340 KB');
    expect(formatSize(1.25 * 1024 * 1024)).toBe('1.3 MB');
  });

  it('picks a file icon by kind and type', () => {
    expect(fileKind({ kind: 'image', contentType: 'image/png' })).toBe('image');
    expect(fileKind({ kind: 'voice', contentType: 'audio/webm' })).toBe('voice');
    expect(fileKind({ kind: 'file', contentType: 'application/pdf' })).toBe('pdf');
    expect(fileKind({ kind: 'file', contentType: 'application/zip' })).toBe('archive');
  });

  it('offers my 1:1 partners (not deleted, once each) for a group', () => {
    const rooms = [
      room('r1', 'direct', [member('me'), member('sam')]),
      room('r2', 'direct', [member('me'), member('gone', { deleted: true })]),
      room('r3', 'group', [member('me'), member('stranger')]),
      room('r4', 'direct', [member('me'), member('ana')]),
    ];
    expect(directPartners(rooms, 'me').map((p) => p.id)).toEqual(['ana', 'sam']);
  });

  it("takes the partners' read mark from the room summary and from live receipts, whichever is newer", () => {
    const r = room('r1', 'direct', [member('me', { lastReadSeq: 9 }), member('sam', { lastReadSeq: 4 })]);
    expect(partnersReadUpTo(r, {}, 'me')).toBe(4); // after a reload: only the stored mark
    expect(partnersReadUpTo(r, { sam: 6 }, 'me')).toBe(6);
    expect(partnersReadUpTo(r, { me: 20 }, 'me')).toBe(4); // my own mark never counts
    expect(partnersReadUpTo(undefined, {}, 'me')).toBe(0);
  });
});
