import type { ChatMessage, MessagePage, SendMessageBody } from '@studymate/contracts';
import { nowMs, toIso } from '../../platform/db/database.js';
import { timeOrderedId } from '../../platform/db/time-ordered-id.js';
import { ok, refuse, type Result } from '../../platform/http/errors.js';
import { TranslationFailure } from '../../platform/translation/translator.js';
import { presentAttachment } from './attachments.js';
import { createMessageWriter } from './message-writer.js';
import { mayEditMessage, type AuthorizedRoomId } from './policy.js';
import * as repo from './repository.js';
import type { MessageRow } from './repository.js';
import type { ChatContext } from './service.js';

/** Direct rooms whose pair this node remembers; a room's kind and pair never change. */
const MAX_REMEMBERED_PAIRS = 100_000;

/** Messages: sending (stored once per clientId), history, search, edits and deletes, read marks, typing, translation. */
export function createMessages({ db, deps, gate, notFound }: ChatContext) {
  const { storage } = deps;
  const writer = createMessageWriter(db);

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

  return {
    present,

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
        await writer.store(candidate);
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
