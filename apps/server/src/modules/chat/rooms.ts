import { randomUUID } from 'node:crypto';
import { MAX_GROUP_MEMBERS, type ChatMessage, type PresenceEvent, type PresenceState, type RoomSummary } from '@studymate/contracts';
import { nowMs } from '../../platform/db/database.js';
import { ok, refuse, type Result } from '../../platform/http/errors.js';
import type { MessageRow } from './repository.js';
import { DailyQuota } from '../../platform/cache/daily-quota.js';
import { mayManageMembers, type AuthorizedRoomId } from './policy.js';
import * as repo from './repository.js';
import type { ChatContext } from './service.js';

/** Who is connected; the realtime gateway's presence store implements it. */
export type PresenceLookup = (userId: string) => Promise<{ state: PresenceState; lastSeen: Date | null }>;

/** A presence as the realtime topic and the room list show it. */
export const presenceEvent = (userId: string, status: { state: PresenceState; lastSeen: Date | null }): PresenceEvent => ({
  userId,
  status: status.state,
  lastSeenAt: status.lastSeen?.toISOString() ?? null,
});

/** Rooms: 1:1 per pair and groups, their members and owners, the room list with presence and unread counts. */
export function createRooms({ db, deps, gate, notFound }: ChatContext, present: (rows: MessageRow[]) => Promise<ChatMessage[]>) {
  const { users, profile } = deps;
  const groupsQuota = new DailyQuota(deps.cache, 'chat-groups', deps.limits.groupsPerDay);
  const strangersQuota = new DailyQuota(deps.cache, 'chat-new-contacts', deps.limits.newContactsPerDay);

  /**
   * Until matching lands, anyone's id opens a room with them; this keeps that from becoming a way
   * to message everyone: people one shares no room with yet count against a daily allowance.
   */
  async function takeStrangers(userId: string, others: string[]): Promise<Result<number>> {
    const strangers = await repo.strangersAmong(db, userId, others);
    const taken = await strangersQuota.take(userId, strangers.length);
    if (taken.ok) return ok(strangers.length);
    return overQuota(`You can start talking to at most ${strangersQuota.limit} new people a day`, taken.resetsAt);
  }
  const overQuota = <T>(what: string, resetsAt: Date) =>
    refuse<T>('RATE_LIMITED', `${what}; the allowance resets at ${resetsAt.toISOString()}.`, { resetsAt: resetsAt.toISOString() });

  /** A group's name as `viewerId` sees it: as written by its owner, screened for everyone else. */
  const nameFor = (room: { name: string | null; owner_id: string | null }, viewerId: string | null) =>
    room.name === null || (viewerId !== null && room.owner_id === viewerId) || !deps.roomName ? room.name : deps.roomName.shown(room.name);

  /** Tells people they are now in a room (a new group, an invitation, a partner's first 1:1), so their list shows it at once. */
  async function announceRoom(userIds: string[], roomId: string, title: string, about?: string) {
    await Promise.all(
      userIds.map((userId) =>
        deps.notifications.send({
          userId,
          category: 'chat',
          kind: 'chat-room-added',
          title: { ko: title, en: title },
          body: { ko: '새 대화가 생겼어요', en: 'A new conversation is waiting for you' },
          link: `/chat/${roomId}`,
          ...(about ? { about } : {}),
        }),
      ),
    );
  }

  /** Presence as others may see it: offline without a last seen for someone who hides it (safety). */
  const shownPresence: PresenceLookup | undefined =
    deps.presence &&
    (async (userId) =>
      deps.presenceShown && !(await deps.presenceShown(userId)) ? { state: 'offline', lastSeen: null } : deps.presence!(userId));

  /** Presence of several people at once; a failing store shows them offline rather than failing the list. */
  async function presenceOf(userIds: string[]): Promise<Map<string, PresenceEvent>> {
    const lookup = shownPresence;
    if (!lookup || userIds.length === 0) return new Map();
    const statuses = await Promise.all(
      userIds.map((id) =>
        lookup(id).then(
          (status) => presenceEvent(id, status),
          () => presenceEvent(id, { state: 'offline', lastSeen: null }),
        ),
      ),
    );
    return new Map(statuses.map((s) => [s.userId, s]));
  }

  async function summaries(userId: string, onlyRoomId?: string): Promise<RoomSummary[]> {
    const rooms = (await repo.roomsOf(db, userId)).filter((r) => !onlyRoomId || r.id === onlyRoomId);
    const ids = rooms.map((r) => r.id);
    const [members, last, unread, blockedWith] = await Promise.all([
      repo.membersOfRooms(db, ids),
      repo.lastMessages(db, ids),
      repo.unreadCounts(db, userId),
      deps.contacts?.blockedWith?.(userId) ?? [],
    ]);
    const memberIds = [...new Set(members.map((m) => m.user_id))];
    const blocked = new Set(blockedWith);
    const [names, photos, lastPresented, presence] = await Promise.all([
      users.namesOf(memberIds, { viewerId: userId }),
      profile.photoUrlsOf(memberIds),
      present(last),
      // Blocked either way: offline with no last seen, as for someone who hides it.
      presenceOf(memberIds.filter((id) => id !== userId && !blocked.has(id))),
    ]);
    const lastByRoom = new Map(lastPresented.map((m) => [m.roomId, m]));
    const unreadByRoom = new Map(unread.map((u) => [u.room_id, Number(u.unread)]));
    return rooms.map((room) => ({
      id: room.id,
      kind: room.kind,
      name: nameFor(room, userId),
      members: members
        .filter((m) => m.room_id === room.id)
        .map((m) => ({
          id: m.user_id,
          displayName: names.get(m.user_id)?.displayName ?? '',
          photoUrl: photos.get(m.user_id) ?? null,
          role: m.role,
          deleted: names.get(m.user_id)?.deleted ?? true,
          lastReadSeq: Number(m.last_read_seq),
          // I am connected while I look at this; the others as the presence store says.
          presence: m.user_id === userId ? ('online' as const) : (presence.get(m.user_id)?.status ?? 'offline'),
          lastSeenAt: m.user_id === userId ? new Date().toISOString() : (presence.get(m.user_id)?.lastSeenAt ?? null),
        })),
      lastMessage: lastByRoom.get(room.id) ?? null,
      unreadCount: unreadByRoom.get(room.id) ?? 0,
      lastReadSeq: Number(room.last_read_seq),
    }));
  }

  async function room(userId: string, roomId: string): Promise<Result<RoomSummary>> {
    const [summary] = await summaries(userId, roomId);
    return summary ? ok(summary) : notFound();
  }

  async function activeAccounts(ids: string[]) {
    const names = await users.namesOf(ids);
    return ids.every((id) => names.has(id) && !names.get(id)!.deleted);
  }

  /** Ends one membership of a group: the owner's leaving hands the group on; every node cuts what it allowed. */
  async function endMembership(current: { id: string; name: string | null; owner_id: string | null }, memberId: string) {
    const roomId = current.id as AuthorizedRoomId;
    await db.transaction().execute(async (tx) => {
      await repo.removeMember(tx, roomId, memberId);
      if (current.owner_id === memberId) await repo.handToLongestStanding(tx, roomId);
    });
    await gate.ended(memberId, roomId);
    // Their devices drop the room's subscription server-side; this tells their apps why.
    await deps.notifications.signal({
      userId: memberId,
      kind: 'chat-room-removed',
      title: { ko: nameFor(current, memberId) ?? '', en: nameFor(current, memberId) ?? '' },
      link: `/chat/${roomId}`,
    });
    await deps.broadcaster.toRoom(roomId, { type: 'members-changed', roomId });
  }

  return {
    room,
    listRooms: summaries,

    async authorizeRoom(userId: string, roomId: string) {
      return gate.authorize(userId, roomId);
    },

    /** Called on every node when someone's membership of a room (or, without a room, of all rooms) ended. */
    onMembershipEnded: gate.onEnded,

    /** A presence change as the people watching may see it. */
    async presenceAsShown(userId: string, status: { state: PresenceState; lastSeen: Date | null }) {
      return deps.presenceShown && !(await deps.presenceShown(userId)) ? { state: 'offline' as const, lastSeen: null } : status;
    },

    /** Whether two people are both members of some group. */
    shareAGroup: (a: string, b: string) => repo.shareAGroup(db, a, b),

    /** Someone's presence is seen by themselves and by the people they share a room with, unless either blocked the other. */
    async mayWatchPresence(userId: string, subjectId: string) {
      if (userId === subjectId) return true;
      if ((await deps.contacts?.contact(userId, subjectId)) === 'blocked') return false;
      return repo.shareARoom(db, userId, subjectId);
    },

    /** One room per pair, created the first time either side opens it. */
    async openDirectRoom(userId: string, partnerId: string): Promise<Result<RoomSummary>> {
      if (partnerId === userId)
        return refuse('VALIDATION_FAILED', 'partnerId must be someone else', [{ field: '/partnerId', message: 'must be someone else' }]);
      if (!(await activeAccounts([partnerId]))) return refuse('NOT_FOUND', 'No such partner.');
      if ((await deps.contacts?.contact(userId, partnerId)) === 'blocked')
        return refuse('CONTACT_CLOSED', 'You cannot open a conversation with this person.');
      const directKey = [userId, partnerId].sort().join(':');
      let roomId = (await repo.findDirectRoom(db, directKey))?.id;
      if (!roomId) {
        const allowed = await takeStrangers(userId, [partnerId]);
        if (!allowed.ok) return allowed;
        const at = nowMs();
        const id = randomUUID();
        try {
          await db.transaction().execute((tx) =>
            repo.insertRoom(
              tx,
              { id, kind: 'direct', name: null, owner_id: null, direct_key: directKey, next_seq: 1, created_at: at, last_message_at: null },
              [userId, partnerId].map((u) => ({ room_id: id, user_id: u, role: 'member' as const, joined_at: at, last_read_seq: 0 })),
            ),
          );
          roomId = id;
        } catch (error) {
          // Both people opened the room at once; the other insert won.
          roomId = (await repo.findDirectRoom(db, directKey))?.id;
          if (!roomId) throw error;
        }
        // Only the opener whose insert made the room tells the partner.
        if (roomId === id) await announceRoom([partnerId], id, (await users.namesOf([userId])).get(userId)?.displayName ?? '', userId);
      }
      return room(userId, roomId);
    },

    async createGroup(userId: string, name: string, memberIds: string[]): Promise<Result<RoomSummary>> {
      const others = [...new Set(memberIds.filter((m) => m !== userId))];
      if (others.length + 1 > MAX_GROUP_MEMBERS)
        return refuse('VALIDATION_FAILED', `A group has at most ${MAX_GROUP_MEMBERS} members.`, [
          { field: '/memberIds', message: `at most ${MAX_GROUP_MEMBERS - 1}` },
        ]);
      if (!(await activeAccounts(others))) return refuse('NOT_FOUND', 'One of the invited people does not exist.');
      const strangers = await takeStrangers(userId, others);
      if (!strangers.ok) return strangers;
      const group = await groupsQuota.take(userId);
      if (!group.ok) {
        await strangersQuota.giveBack(userId, strangers.value);
        return overQuota(`You can create at most ${groupsQuota.limit} groups a day`, group.resetsAt);
      }
      const at = nowMs();
      const id = randomUUID();
      await db.transaction().execute((tx) =>
        repo.insertRoom(
          tx,
          {
            id,
            kind: 'group',
            name: name.trim(),
            owner_id: userId,
            direct_key: null,
            next_seq: 1,
            created_at: at,
            last_message_at: null,
          },
          [
            { room_id: id, user_id: userId, role: 'owner' as const, joined_at: at, last_read_seq: 0 },
            ...others.map((u, i) => ({ room_id: id, user_id: u, role: 'member' as const, joined_at: at + i + 1, last_read_seq: 0 })),
          ],
        ),
      );
      await deps.roomName?.screen(userId, id, name.trim());
      await announceRoom(others, id, nameFor({ name: name.trim(), owner_id: userId }, null) ?? '');
      return room(userId, id);
    },

    async invite(userId: string, roomId: string, inviteeId: string): Promise<Result<RoomSummary>> {
      const authorized = await gate.authorize(userId, roomId);
      if (!authorized) return notFound();
      const current = (await repo.findRoom(db, authorized))!;
      if (!mayManageMembers(current, userId)) return refuse('FORBIDDEN', 'Only the owner of a group invites people.');
      const members = await repo.membersOf(db, authorized);
      if (!members.some((m) => m.user_id === inviteeId)) {
        if (members.length >= MAX_GROUP_MEMBERS) return refuse('CONFLICT', `A group has at most ${MAX_GROUP_MEMBERS} members.`);
        if (!(await activeAccounts([inviteeId]))) return refuse('NOT_FOUND', 'No such person.');
        const allowed = await takeStrangers(userId, [inviteeId]);
        if (!allowed.ok) return allowed;
        await repo.addMember(db, { room_id: authorized, user_id: inviteeId, role: 'member', joined_at: nowMs(), last_read_seq: 0 });
        await deps.broadcaster.toRoom(authorized, { type: 'members-changed', roomId: authorized });
        await announceRoom([inviteeId], authorized, nameFor(current, null) ?? '');
      }
      return room(userId, authorized);
    },

    /** Leaving a group hands it to the longest-standing member when the owner goes. */
    async leave(userId: string, roomId: string): Promise<Result<void>> {
      const authorized = await gate.authorize(userId, roomId);
      if (!authorized) return notFound();
      const current = (await repo.findRoom(db, authorized))!;
      if (current.kind === 'direct') return refuse('CONFLICT', 'A direct room cannot be left; unmatch the partner instead.');
      await endMembership(current, userId);
      return ok(undefined);
    },

    /** The owner removes a member from the group; the member's devices stop hearing it at once, on every node. */
    async removeMember(userId: string, roomId: string, memberId: string): Promise<Result<RoomSummary>> {
      const authorized = await gate.authorize(userId, roomId);
      if (!authorized) return notFound();
      const current = (await repo.findRoom(db, authorized))!;
      if (!mayManageMembers(current, userId)) return refuse('FORBIDDEN', 'Only the owner of a group removes people.');
      if (memberId === userId)
        return refuse('CONFLICT', 'To leave your own group, leave it (the longest-standing member becomes the owner).');
      if (!(await repo.findMembership(db, authorized, memberId))) return refuse('NOT_FOUND', 'This person is not a member of the group.');
      await endMembership(current, memberId);
      return room(userId, authorized);
    },

    async handOver(userId: string, roomId: string, newOwnerId: string): Promise<Result<RoomSummary>> {
      const authorized = await gate.authorize(userId, roomId);
      if (!authorized) return notFound();
      const current = (await repo.findRoom(db, authorized))!;
      if (!mayManageMembers(current, userId)) return refuse('FORBIDDEN', 'Only the owner hands a group over.');
      if (newOwnerId === userId)
        return refuse('VALIDATION_FAILED', 'You already own this group; name another member.', [
          { field: '/userId', message: 'is already the owner' },
        ]);
      if (!(await repo.findMembership(db, authorized, newOwnerId)))
        return refuse('VALIDATION_FAILED', 'The new owner must be a member.', [
          { field: '/userId', message: 'is not a member of this room' },
        ]);
      await db.transaction().execute(async (tx) => {
        await repo.setOwner(tx, authorized, newOwnerId);
        await repo.setRole(tx, authorized, newOwnerId, 'owner');
        await repo.setRole(tx, authorized, userId, 'member');
      });
      await deps.broadcaster.toRoom(authorized, { type: 'members-changed', roomId: authorized });
      return room(userId, authorized);
    },
  };
}
