import type { Kysely } from 'kysely';
import type { RoomEvent } from '@studymate/contracts';
import { nowMs, toIso } from '../../platform/db/database.js';
import { refuse } from '../../platform/http/errors.js';
import type { SignedLinks } from '../../platform/auth/signed-links.js';
import type { Bus } from '../../platform/bus/bus.js';
import type { Cache } from '../../platform/cache/cache.js';
import type { Storage } from '../../platform/storage/storage.js';
import type { Translator } from '../../platform/translation/translator.js';
import type { NotificationsService } from '../notifications/service.js';
import type { ProfileService } from '../profile/service.js';
import type { AccountParticipant, UsersService } from '../users/service.js';
import { createAttachments, presentAttachment, signedAttachmentUrl } from './attachments.js';
import { EXPORT_VALID_MS } from '../users/service.js';
import { createMessages } from './messages.js';
import { createRoomGate } from './policy.js';
import * as repo from './repository.js';
import type { ChatTables } from './repository.js';
import { createRooms, type PresenceLookup } from './rooms.js';

/** How the chat module reaches connected people; the realtime gateway implements it. */
export interface RoomBroadcaster {
  toRoom(roomId: string, event: RoomEvent): Promise<void>;
}

export { presenceEvent, type PresenceLookup } from './rooms.js';

/**
 * Whether two people may write to each other: matching answers (a block either way, an unmatch).
 * `read-only` keeps the history readable; `blocked` also refuses a new 1:1. Without it, anyone may.
 */
export interface ContactRules {
  contact(a: string, b: string): Promise<'open' | 'read-only' | 'blocked'>;
  /** Everyone blocked by or blocking this person: their presence is never shown between them, in any room. */
  blockedWith?(userId: string): Promise<string[]>;
}

export interface ChatDeps {
  db: Kysely<ChatTables>;
  users: UsersService;
  profile: ProfileService;
  storage: Storage;
  broadcaster: RoomBroadcaster;
  /** How people learn of a room they are not watching yet, on all their devices. */
  notifications: Pick<NotificationsService, 'send' | 'signal'>;
  /** Tells the other nodes when memberships end. */
  bus: Bus;
  translator: Translator | null;
  /** Daily allowances (matching will replace the stranger allowance with matched partners), counted in `cache`. */
  cache: Cache;
  limits: { groupsPerDay: number; newContactsPerDay: number };
  /** Without it (tests of the service alone) everyone shows as offline. */
  presence?: PresenceLookup;
  contacts?: ContactRules;
  /** Signs the attachment links of a data export; without it, the export lists files without links. */
  links?: SignedLinks;
  /** Safety's screen of a message's text: a spam burst is refused, abusive words are masked for recipients. */
  screen?: (senderId: string, roomId: string, text: string) => { spam: true } | { spam: false; verdict: { masked: boolean } };
  /**
   * Safety's screen of group names: `screen` flags an abusive name for administrators when a group
   * is created; `shown` is the name as members other than the owner see it (listed words masked,
   * like people's names, run at each read so a word an administrator adds applies at once).
   */
  roomName?: { screen(ownerId: string, roomId: string, name: string): Promise<void>; shown(name: string): string };
  /** Whether others may see this person's online status (safety: privacy and sanctions). */
  presenceShown?: (userId: string) => Promise<boolean>;
}

/** What the parts of chat (rooms, messages, attachments) share: one membership gate per node. */
export interface ChatContext {
  deps: ChatDeps;
  db: Kysely<ChatTables>;
  gate: ReturnType<typeof createRoomGate>;
  notFound: () => ReturnType<typeof refuse<never>>;
}

export type ChatService = ReturnType<typeof createChatService>;

/** Chat as one service, assembled from its parts; each part is a file of product verbs. */
export function createChatService(deps: ChatDeps) {
  const { db, storage } = deps;
  const gate = createRoomGate(db, deps.bus);
  const context: ChatContext = { deps, db, gate, notFound: () => refuse<never>('NOT_FOUND', 'No such room.') };
  const messages = createMessages(context);
  const rooms = createRooms(context, messages.present);
  const attachments = createAttachments(context);

  const participant: AccountParticipant = {
    name: 'chat',
    /** Rooms with read marks, and every message the person wrote with its attachment (a link valid for a day). */
    async exportData(userId) {
      const rooms = await repo.membershipsOf(db, userId);
      const messages: unknown[] = [];
      const linksExpire = Date.now() + EXPORT_VALID_MS;
      for (let after: { createdAt: number; id: string } | null = null; ;) {
        const page = await repo.messagesBySender(db, userId, after, 1000);
        const files = new Map(
          (
            await repo.findAttachments(
              db,
              page.flatMap((m) => m.attachment_id ?? []),
            )
          ).map((a) => [a.id, a]),
        );
        for (const m of page) {
          const file = m.attachment_id && !m.deleted_at ? files.get(m.attachment_id) : undefined;
          messages.push({
            id: m.id,
            roomId: m.room_id,
            seq: Number(m.seq),
            kind: m.kind,
            text: m.body,
            correctedFrom: m.original_text,
            replyToId: m.reply_to_id,
            sentAt: toIso(m.created_at),
            editedAt: toIso(m.edited_at),
            deletedAt: toIso(m.deleted_at),
            attachment: file
              ? {
                  ...presentAttachment(file),
                  url: deps.links ? signedAttachmentUrl(deps.links, file.id, linksExpire) : null,
                  linkExpiresAt: deps.links ? new Date(linksExpire).toISOString() : null,
                }
              : null,
          });
        }
        if (page.length < 1000) break;
        const last = page[page.length - 1]!;
        after = { createdAt: Number(last.created_at), id: last.id };
      }
      return {
        rooms: rooms.map((r) => ({
          id: r.id,
          kind: r.kind,
          name: r.name,
          role: r.role,
          joinedAt: toIso(r.joined_at),
          readUpToSeq: Number(r.last_read_seq),
        })),
        messages,
      };
    },
    async erase(accountTx, userId) {
      // Messages stay for the partners, shown as from a deleted user; the files this person
      // uploaded are personal data and go.
      const tx = accountTx as unknown as Kysely<ChatTables>;
      const files = await repo.attachmentsUploadedBy(tx, userId);
      await repo.eraseAttachmentsOf(tx, userId, nowMs());
      const owned = await repo.groupsOwnedBy(tx, userId);
      await repo.eraseGroupMemberships(tx, userId);
      // A group is never left without an owner while it has members.
      for (const group of owned) await repo.handToLongestStanding(tx, group.id);
      return async () => {
        await gate.ended(userId);
        await Promise.allSettled(files.map((f) => storage.delete(f.storage_key)));
        await Promise.allSettled(owned.map(({ id }) => deps.broadcaster.toRoom(id, { type: 'members-changed', roomId: id })));
      };
    },
  };

  /** Copies of messages for a report's evidence, with each sender's name as it is now. */
  async function evidenceRows(rows: repo.MessageRow[]) {
    // Administrators read evidence: the names as they are, unmasked.
    const names = await deps.users.namesOf(
      rows.map((r) => r.sender_id),
      { raw: true },
    );
    return rows.map((r) => ({
      messageId: r.id,
      seq: Number(r.seq),
      senderId: r.sender_id,
      senderName: names.get(r.sender_id)?.displayName ?? '',
      kind: r.kind,
      body: r.body,
      createdAt: Number(r.created_at),
      editedAt: r.edited_at == null ? null : Number(r.edited_at),
      deletedAt: r.deleted_at == null ? null : Number(r.deleted_at),
    }));
  }

  /** What safety reads of chat: evidence around a message or of a 1:1, and daily figures. */
  const forSafety = {
    /**
     * The conversation around a message, as a copy for a report's evidence: only for someone who
     * belongs to the message's room, `around` messages either side.
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
  };

  const { present: _present, ...messageVerbs } = messages;
  return { participant, ...rooms, ...messageVerbs, ...attachments, ...forSafety };
}
