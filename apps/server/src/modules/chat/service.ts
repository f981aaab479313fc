import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  MAX_GROUP_MEMBERS,
  MAX_VOICE_NOTE_MS,
  VOICE_WAVEFORM_BARS,
  type ChatMessage,
  type MessagePage,
  type PresenceEvent,
  type PresenceState,
  type RealtimeNotification,
  type RoomEvent,
  type RoomSummary,
  type SendMessageBody,
} from '@studymate/contracts';
import { nowMs, toIso } from '../../platform/db/database.js';
import { timeOrderedId } from '../../platform/db/time-ordered-id.js';
import { ok, refuse, type Result } from '../../platform/http/errors.js';
import { sniffContentType } from '../../platform/http/sniff.js';
import { parseWav } from '../../platform/speech/wav.js';
import type { Bus } from '../../platform/bus/bus.js';
import type { Cache } from '../../platform/cache/cache.js';
import { DailyQuota } from '../../platform/cache/daily-quota.js';
import type { Storage } from '../../platform/storage/storage.js';
import { TranslationFailure, type Translator } from '../../platform/translation/translator.js';
import type { ProfileService } from '../profile/service.js';
import type { AccountParticipant, UsersService } from '../users/service.js';
import { createRoomGate, mayEditMessage, mayManageMembers, type AuthorizedRoomId } from './policy.js';
import { createMessageWriter } from './message-writer.js';
import * as repo from './repository.js';
import type { AttachmentRow, ChatTables, MessageRow } from './repository.js';

/** How the chat module reaches connected people; the realtime gateway implements it. */
export interface RoomBroadcaster {
  toRoom(roomId: string, event: RoomEvent): Promise<void>;
  /** To one person's notification queue, on all their devices: how they learn of a room they are not watching yet. */
  toUser(userId: string, notification: RealtimeNotification): Promise<void>;
}

/** Who is connected; the realtime gateway's presence store implements it. */
export type PresenceLookup = (userId: string) => Promise<{ state: PresenceState; lastSeen: Date | null }>;

/** A presence as the realtime topic and the room list show it. */
export const presenceEvent = (userId: string, status: { state: PresenceState; lastSeen: Date | null }): PresenceEvent => ({
  userId,
  status: status.state,
  lastSeenAt: status.lastSeen?.toISOString() ?? null,
});

const ATTACHMENT_KINDS: Record<string, 'image' | 'voice' | 'file'> = {
  'image/jpeg': 'image',
  'image/png': 'image',
  'image/webp': 'image',
  'image/gif': 'image',
  'audio/wav': 'voice',
  'audio/webm': 'voice',
  'audio/ogg': 'voice',
  'audio/mpeg': 'voice',
  'audio/mp4': 'voice',
  'application/pdf': 'file',
  'application/zip': 'file',
};

const attachmentUrl = (id: string) => `/api/v1/chat/attachments/${id}`;

/**
 * Bytes per second a voice note can plausibly have: Opus at 6 kbit/s and below is still speech
 * (about 750 B/s; 400 leaves room for silence), 48 kHz 16-bit stereo WAV is 192,000.
 */
const VOICE_BYTES_PER_SEC = { min: 400, max: 200_000 };

/**
 * A voice note's length: measured from a WAV's header, otherwise the sender's measure (a
 * MediaRecorder WebM carries none), refused when the file's size cannot hold that much audio.
 */
function voiceLength(bytes: Buffer, contentType: string, sent: { durationMs?: string; waveform?: string }) {
  let durationMs: number | null = null;
  if (contentType === 'audio/wav') {
    try {
      durationMs = Math.round(parseWav(bytes).durationSec * 1000);
    } catch {
      durationMs = null;
    }
  } else if (sent.durationMs !== undefined) {
    durationMs = /^\d{1,9}$/.test(sent.durationMs) ? Number(sent.durationMs) : NaN;
    const perSec = bytes.length / (durationMs / 1000);
    if (!(
      durationMs > 0 &&
      durationMs <= MAX_VOICE_NOTE_MS + 5_000 &&
      perSec >= VOICE_BYTES_PER_SEC.min &&
      perSec <= VOICE_BYTES_PER_SEC.max
    ))
      return refuse<{ duration_ms: number | null; waveform: string | null }>(
        'VALIDATION_FAILED',
        'The voice note is not as long as its durationMs says.',
        [{ field: '/durationMs', message: `does not fit a file of ${bytes.length} bytes` }],
      );
  }
  const waveform = sent.waveform && new RegExp(`^[0-9]{${VOICE_WAVEFORM_BARS}}$`).test(sent.waveform) ? sent.waveform : null;
  return ok({ duration_ms: durationMs, waveform });
}

function presentAttachment(a: AttachmentRow) {
  return {
    id: a.id,
    kind: a.kind,
    fileName: a.file_name,
    contentType: a.content_type,
    size: Number(a.size),
    url: attachmentUrl(a.id),
    uploadedAt: toIso(a.created_at)!,
    durationMs: a.duration_ms === null ? null : Number(a.duration_ms),
    waveform: a.waveform,
  };
}

/**
 * Whether two people may write to each other: matching answers (a block either way, an unmatch).
 * `read-only` keeps the history readable; `blocked` also refuses a new 1:1. Without it, anyone may.
 */
export interface ContactRules {
  contact(a: string, b: string): Promise<'open' | 'read-only' | 'blocked'>;
}

/** Direct rooms whose pair this node remembers; a room's kind and pair never change. */
const MAX_REMEMBERED_PAIRS = 100_000;

export type ChatService = ReturnType<typeof createChatService>;

export function createChatService(deps: {
  db: Kysely<ChatTables>;
  users: UsersService;
  profile: ProfileService;
  storage: Storage;
  broadcaster: RoomBroadcaster;
  /** Tells the other nodes when memberships end. */
  bus: Bus;
  translator: Translator | null;
  /** Daily allowances (matching will replace the stranger allowance with matched partners), counted in `cache`. */
  cache: Cache;
  limits: { groupsPerDay: number; newContactsPerDay: number };
  /** Without it (tests of the service alone) everyone shows as offline. */
  presence?: PresenceLookup;
  contacts?: ContactRules;
  /** Safety's screen of a message's text: a spam burst is refused, abusive words are masked for recipients. */
  screen?: (senderId: string, roomId: string, text: string) => { spam: true } | { spam: false; verdict: { masked: boolean } };
  /** Whether others may see this person's online status (safety: privacy and sanctions). */
  presenceShown?: (userId: string) => Promise<boolean>;
}) {
  const { db, users, profile, storage } = deps;
  const notFound = () => refuse<never>('NOT_FOUND', 'No such room.');
  const messages = createMessageWriter(db);
  const gate = createRoomGate(db, deps.bus);
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

  /** Tells people they are now in a room (a new group, an invitation, a partner's first 1:1), so their list shows it at once. */
  async function announceRoom(userIds: string[], roomId: string, title: string) {
    const createdAt = new Date().toISOString();
    await Promise.all(
      userIds.map((userId) =>
        deps.broadcaster.toUser(userId, { id: randomUUID(), kind: 'chat-room-added', title, link: `/chat/${roomId}`, createdAt }),
      ),
    );
  }

  /** Presence as others may see it: offline without a last seen for someone who hides it. */
  const shownPresence: PresenceLookup | undefined =
    deps.presence &&
    (async (userId) =>
      deps.presenceShown && !(await deps.presenceShown(userId)) ? { state: 'offline', lastSeen: null } : deps.presence!(userId));

  const directPairs = new Map<string, string[] | null>();
  /** A refusal when the room is a 1:1 whose two people may no longer write to each other. */
  async function contactClosed(userId: string, roomId: AuthorizedRoomId): Promise<Result<never> | null> {
    if (!deps.contacts) return null;
    let pair = directPairs.get(roomId);
    if (pair === undefined) {
      const key = (await repo.findRoom(db, roomId))?.direct_key;
      pair = key ? key.split(':') : null;
      if (directPairs.size >= MAX_REMEMBERED_PAIRS) directPairs.delete(directPairs.keys().next().value!);
      directPairs.set(roomId, pair);
    }
    const partner = pair?.find((id) => id !== userId);
    if (!partner || (await deps.contacts.contact(userId, partner)) === 'open') return null;
    return refuse('CONTACT_CLOSED', 'You can no longer send messages to this partner.');
  }

  /** Rows → public messages, with replies and attachments looked up in two queries. */
  async function present(rows: MessageRow[]): Promise<ChatMessage[]> {
    const [replies, attachments] = await Promise.all([
      repo.findMessages(db, [...new Set(rows.map((r) => r.reply_to_id).filter((id): id is string => !!id))]),
      repo.findAttachments(db, [...new Set(rows.map((r) => r.attachment_id).filter((id): id is string => !!id))]),
    ]);
    const replyById = new Map(replies.map((r) => [r.id, r]));
    const attachmentById = new Map(attachments.map((a) => [a.id, a]));
    return rows.map((r) => {
      const reply = r.reply_to_id ? replyById.get(r.reply_to_id) : undefined;
      const attachment = r.attachment_id && !r.deleted_at ? attachmentById.get(r.attachment_id) : undefined;
      return {
        id: r.id,
        roomId: r.room_id,
        seq: Number(r.seq),
        senderId: r.sender_id,
        clientId: r.client_id,
        kind: r.kind as ChatMessage['kind'],
        body: r.body,
        originalText: r.original_text,
        replyTo: reply ? { id: reply.id, senderId: reply.sender_id, excerpt: reply.deleted_at ? '' : reply.body.slice(0, 120) } : null,
        attachment: attachment ? presentAttachment(attachment) : null,
        createdAt: toIso(r.created_at)!,
        editedAt: toIso(r.edited_at),
        deletedAt: toIso(r.deleted_at),
        ...(r.screened && !r.deleted_at ? { screened: true } : {}),
      };
    });
  }

  /** 1 when the text must be masked for recipients; a refusal when it is part of a spam burst. */
  function screenText(senderId: string, roomId: string, text: string): Result<number> {
    if (!deps.screen || !text) return ok(0);
    const screened = deps.screen(senderId, roomId, text);
    if (screened.spam) return refuse('RATE_LIMITED', 'The same message to many people looks like spam; it was not sent.');
    return ok(screened.verdict.masked ? 1 : 0);
  }

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
    const [members, last, unread] = await Promise.all([
      repo.membersOfRooms(db, ids),
      repo.lastMessages(db, ids),
      repo.unreadCounts(db, userId),
    ]);
    const memberIds = [...new Set(members.map((m) => m.user_id))];
    const [names, photos, lastPresented, presence] = await Promise.all([
      users.namesOf(memberIds),
      profile.photoUrlsOf(memberIds),
      present(last),
      presenceOf(memberIds.filter((id) => id !== userId)),
    ]);
    const lastByRoom = new Map(lastPresented.map((m) => [m.roomId, m]));
    const unreadByRoom = new Map(unread.map((u) => [u.room_id, Number(u.unread)]));
    return rooms.map((room) => ({
      id: room.id,
      kind: room.kind,
      name: room.name,
      members: members
        .filter((m) => m.room_id === room.id)
        .map((m) => ({
          id: m.user_id,
          displayName: names.get(m.user_id)?.displayName ?? 'deleted user',
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

  /** Checks what a message refers to: its reply target, its attachment, the corrected text. */
  async function checkReferences(userId: string, roomId: AuthorizedRoomId, body: SendMessageBody): Promise<Result<void>> {
    const field = (f: string, message: string) => refuse<void>('VALIDATION_FAILED', `${f} ${message}`, [{ field: f, message }]);
    if ((body.kind === 'text' || body.kind === 'correction') && !body.body.trim()) return field('/body', 'must not be empty');
    if (body.replyToId) {
      const target = await repo.findMessage(db, body.replyToId);
      if (!target || target.room_id !== roomId) return field('/replyToId', 'is not a message of this room');
      if (body.kind === 'correction' && target.sender_id === userId)
        return field('/replyToId', "must be your partner's message: you correct others, not yourself");
    }
    if (body.kind === 'correction' && (!body.replyToId || !body.originalText))
      return field('/originalText', 'and replyToId are required for a correction');
    if (['image', 'file', 'voice'].includes(body.kind)) {
      if (!body.attachmentId) return field('/attachmentId', `is required for a ${body.kind} message`);
      const attachment = await repo.findAttachment(db, body.attachmentId);
      if (!attachment || attachment.room_id !== roomId || attachment.uploader_id !== userId)
        return field('/attachmentId', 'is not a file you uploaded to this room');
      if (attachment.kind !== body.kind)
        return field('/kind', `does not match the uploaded file, which is ${attachment.kind === 'image' ? 'an' : 'a'} ${attachment.kind}`);
    } else if (body.attachmentId) return field('/attachmentId', `is not allowed on a ${body.kind} message`);
    return ok(undefined);
  }

  async function evidenceRows(rows: MessageRow[]) {
    const names = await users.namesOf(rows.map((r) => r.sender_id));
    return rows.map((r) => ({
      messageId: r.id,
      seq: Number(r.seq),
      senderId: r.sender_id,
      senderName: names.get(r.sender_id)?.displayName ?? 'deleted user',
      kind: r.kind,
      body: r.body,
      createdAt: Number(r.created_at),
      editedAt: r.edited_at == null ? null : Number(r.edited_at),
      deletedAt: r.deleted_at == null ? null : Number(r.deleted_at),
    }));
  }

  const participant: AccountParticipant = {
    name: 'chat',
    async exportData(userId) {
      const rooms = await summaries(userId);
      return { rooms: rooms.map((r) => ({ id: r.id, kind: r.kind, name: r.name })) };
    },
    async erase(accountTx, userId) {
      // Messages stay for the partners, shown as from a deleted user; the files this person
      // uploaded are personal data and go.
      const tx = accountTx as unknown as Kysely<ChatTables>;
      const files = await repo.attachmentsUploadedBy(tx, userId);
      await repo.eraseAttachmentsOf(tx, userId, nowMs());
      const owned = await repo.groupsOwnedBy(tx, userId);
      await repo.eraseMemberships(tx, userId);
      // A group is never left without an owner while it has members.
      for (const group of owned) await repo.handToLongestStanding(tx, group.id);
      return async () => {
        await gate.ended(userId);
        await Promise.allSettled(files.map((f) => storage.delete(f.storage_key)));
        await Promise.allSettled(owned.map(({ id }) => deps.broadcaster.toRoom(id, { type: 'members-changed', roomId: id })));
      };
    },
  };

  return {
    participant,
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
        if (roomId === id) await announceRoom([partnerId], id, (await users.namesOf([userId])).get(userId)?.displayName ?? '');
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
      await announceRoom(others, id, name.trim());
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
        await announceRoom([inviteeId], authorized, current.name ?? '');
      }
      return room(userId, authorized);
    },

    /** Leaving a group hands it to the longest-standing member when the owner goes. */
    async leave(userId: string, roomId: string): Promise<Result<void>> {
      const authorized = await gate.authorize(userId, roomId);
      if (!authorized) return notFound();
      const current = (await repo.findRoom(db, authorized))!;
      if (current.kind === 'direct') return refuse('CONFLICT', 'A direct room cannot be left; unmatch the partner instead.');
      await db.transaction().execute(async (tx) => {
        await repo.removeMember(tx, authorized, userId);
        if (current.owner_id === userId) await repo.handToLongestStanding(tx, authorized);
      });
      await gate.ended(userId, authorized);
      // Their devices drop the room's subscription server-side; this tells their apps why.
      await deps.broadcaster.toUser(userId, {
        id: randomUUID(),
        kind: 'chat-room-removed',
        title: current.name ?? '',
        link: `/chat/${authorized}`,
        createdAt: new Date().toISOString(),
      });
      await deps.broadcaster.toRoom(authorized, { type: 'members-changed', roomId: authorized });
      return ok(undefined);
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

    /**
     * Stores a message once per (sender, clientId), then broadcasts it; the caller acknowledges
     * only after this resolves. A retry of a stored message broadcasts it again (clients keep
     * one copy by id), so a crash between storing and broadcasting loses nothing.
     */
    async sendMessage(userId: string, roomId: string, body: SendMessageBody): Promise<Result<ChatMessage>> {
      const authorized = await gate.authorize(userId, roomId);
      if (!authorized) return notFound();
      const closed = await contactClosed(userId, authorized);
      if (closed) return closed;
      const checked = await checkReferences(userId, authorized, body);
      if (!checked.ok) return checked;
      const screened = screenText(userId, authorized, body.kind === 'text' || body.kind === 'correction' ? body.body.trim() : '');
      if (!screened.ok) return screened;
      const at = nowMs();
      const candidate: MessageRow = {
        id: timeOrderedId(at),
        room_id: authorized,
        seq: 0,
        sender_id: userId,
        client_id: body.clientId,
        kind: body.kind,
        body: body.body.trim(),
        original_text: body.kind === 'correction' ? (body.originalText ?? null) : null,
        reply_to_id: body.replyToId ?? null,
        attachment_id: body.attachmentId ?? null,
        created_at: at,
        edited_at: null,
        deleted_at: null,
        screened: screened.value,
      };
      let row: MessageRow | undefined = candidate;
      try {
        // The unique (sender, clientId) key catches a retry; its transaction rolls the seq back.
        await messages.store(candidate);
      } catch (error) {
        row = await repo.findByClientId(db, userId, body.clientId);
        if (!row) throw error;
        if (row.room_id !== authorized) return refuse('CONFLICT', 'This clientId was already used for another room.');
      }
      const [message] = await present([row]);
      await deps.broadcaster.toRoom(authorized, { type: 'message', message: message! });
      return ok(message!);
    },

    async history(
      userId: string,
      roomId: string,
      query: { before?: number; after?: number; limit?: number },
    ): Promise<Result<MessagePage>> {
      const authorized = await gate.authorize(userId, roomId);
      if (!authorized) return notFound();
      const limit = query.limit ?? 30;
      const rows = await repo.history(db, authorized, { ...query, limit });
      const items = await present(rows);
      const oldest = query.after !== undefined ? undefined : rows[rows.length - 1];
      return ok({ items, nextBefore: oldest && rows.length === limit && Number(oldest.seq) > 1 ? Number(oldest.seq) : null });
    },

    async search(userId: string, roomId: string, text: string, limit = 30): Promise<Result<{ items: ChatMessage[] }>> {
      const authorized = await gate.authorize(userId, roomId);
      if (!authorized) return notFound();
      return ok({ items: await present(await repo.search(db, authorized, text, limit)) });
    },

    async editMessage(userId: string, messageId: string, body: string): Promise<Result<ChatMessage>> {
      const row = await repo.findMessage(db, messageId);
      const authorized = row && (await gate.authorize(userId, row.room_id));
      if (!row || !authorized) return refuse('NOT_FOUND', 'No such message.');
      if (!mayEditMessage(userId, row)) return refuse('FORBIDDEN', 'You can edit only your own messages.');
      if (!['text', 'correction'].includes(row.kind)) return refuse('CONFLICT', 'Only text can be edited; delete and send the file again.');
      const screened = screenText(userId, authorized, body.trim());
      if (!screened.ok) return screened;
      await repo.editMessage(db, messageId, body.trim(), nowMs(), screened.value);
      const [message] = await present([(await repo.findMessage(db, messageId))!]);
      await deps.broadcaster.toRoom(authorized, { type: 'message-updated', message: message! });
      return ok(message!);
    },

    async deleteMessage(userId: string, messageId: string): Promise<Result<ChatMessage>> {
      const row = await repo.findMessage(db, messageId);
      const authorized = row && (await gate.authorize(userId, row.room_id));
      if (!row || !authorized) return refuse('NOT_FOUND', 'No such message.');
      if (!mayEditMessage(userId, row)) return refuse('FORBIDDEN', 'You can delete only your own messages.');
      // The file goes with the message (unless another message still shows it): no download, no listing.
      const attachment = await db.transaction().execute(async (tx) => {
        await repo.deleteMessage(tx, messageId, nowMs());
        if (!row.attachment_id || (await repo.attachmentStillShown(tx, row.attachment_id))) return undefined;
        const file = await repo.findAttachment(tx, row.attachment_id);
        await repo.deleteAttachment(tx, row.attachment_id);
        return file;
      });
      if (attachment) await storage.delete(attachment.storage_key).catch(() => undefined);
      const [message] = await present([(await repo.findMessage(db, messageId))!]);
      await deps.broadcaster.toRoom(authorized, { type: 'message-updated', message: message! });
      return ok(message!);
    },

    async markRead(userId: string, roomId: string, seq: number): Promise<Result<void>> {
      const authorized = await gate.authorize(userId, roomId);
      if (!authorized) return notFound();
      const current = (await repo.findRoom(db, authorized))!;
      const capped = Math.min(seq, Number(current.next_seq) - 1);
      await repo.markRead(db, authorized, userId, capped);
      await deps.broadcaster.toRoom(authorized, { type: 'read', roomId: authorized, userId, lastReadSeq: capped });
      return ok(undefined);
    },

    /** Typing is not stored: it is only news while it is happening. */
    async typing(userId: string, roomId: string, typing: boolean): Promise<Result<void>> {
      const authorized = await gate.authorize(userId, roomId);
      if (!authorized) return notFound();
      await deps.broadcaster.toRoom(authorized, { type: 'typing', roomId: authorized, userId, typing });
      return ok(undefined);
    },

    /** Stores an attachment only after its bytes prove it is a kind we accept. */
    async uploadAttachment(
      userId: string,
      roomId: string,
      bytes: Buffer,
      fileName: string,
      voice: { durationMs?: string; waveform?: string } = {},
    ): Promise<Result<ReturnType<typeof presentAttachment>>> {
      const authorized = await gate.authorize(userId, roomId);
      if (!authorized) return notFound();
      const contentType = sniffContentType(bytes);
      const kind = contentType ? ATTACHMENT_KINDS[contentType] : undefined;
      if (!contentType || !kind)
        return refuse(
          'UNSUPPORTED_MEDIA_TYPE',
          'Send an image (JPEG, PNG, WebP, GIF), a voice note (WAV, WebM, Ogg, MP3, M4A) or a PDF or ZIP file.',
        );
      const measured = kind === 'voice' ? voiceLength(bytes, contentType, voice) : ok({ duration_ms: null, waveform: null });
      if (!measured.ok) return measured;
      const id = randomUUID();
      const row: AttachmentRow = {
        ...measured.value,
        id,
        room_id: authorized,
        uploader_id: userId,
        storage_key: `chat/${id}`,
        kind,
        file_name: fileName.replace(/[\\/\r\n"]/g, '_').slice(0, 200) || 'file',
        content_type: contentType,
        size: bytes.length,
        created_at: nowMs(),
      };
      await storage.put(row.storage_key, bytes, contentType);
      await repo.insertAttachment(db, row);
      return ok(presentAttachment(row));
    },

    async readAttachment(userId: string, id: string) {
      const row = await repo.findAttachment(db, id);
      if (!row || !(await gate.authorize(userId, row.room_id))) return null;
      const stored = await storage.get(row.storage_key);
      return stored ? { ...stored, fileName: row.file_name, kind: row.kind } : null;
    },

    async sharedFiles(userId: string) {
      const rows = await repo.filesInRoomsOf(db, userId, 200);
      return { items: rows.map((r) => ({ ...presentAttachment(r), roomId: r.room_id, uploaderId: r.uploader_id })) };
    },

    /**
     * The conversation around a message, as a copy for a report's evidence: only for someone who
     * belongs to the message's room, `around` messages either side, with each sender's name now.
     */
    async evidenceAround(userId: string, messageId: string, around: number) {
      const row = await repo.findMessage(db, messageId);
      const authorized = row && (await gate.authorize(userId, row.room_id));
      if (!row || !authorized) return null;
      const rows = await repo.messagesBetween(db, authorized, Number(row.seq) - around, Number(row.seq) + around);
      return { roomId: authorized as string, senderId: row.sender_id, messages: await evidenceRows(rows) };
    },

    /** The latest messages of the 1:1 between two people, for a report about a person (empty without a room). */
    async evidenceWith(userId: string, partnerId: string, count: number) {
      const room = await repo.findDirectRoom(db, [userId, partnerId].sort().join(':'));
      const authorized = room && (await gate.authorize(userId, room.id));
      if (!authorized) return { roomId: null, messages: [] };
      const rows = (await repo.history(db, authorized, { limit: count })).reverse();
      return { roomId: authorized as string, messages: await evidenceRows(rows) };
    },

    /** Messages per UTC day since `since`, for the administrators' daily figures. */
    messagesPerDay: (since: number) => repo.messagesPerDay(db, since),
    shareAGroup: (a: string, b: string) => repo.shareAGroup(db, a, b),

    async translate(
      userId: string,
      messageId: string,
      target: string,
    ): Promise<Result<{ text: string; target: string; provider: string }>> {
      if (!deps.translator) return refuse('UNAVAILABLE', 'Translation is not configured on this server.');
      const row = await repo.findMessage(db, messageId);
      if (!row || !(await gate.authorize(userId, row.room_id)) || row.deleted_at) return refuse('NOT_FOUND', 'No such message.');
      try {
        return ok({ text: await deps.translator.translate(row.body, target), target, provider: deps.translator.name });
      } catch (error) {
        if (error instanceof TranslationFailure) return refuse('UNAVAILABLE', `Translation failed: ${error.message}.`);
        throw error;
      }
    },
  };
}
