import { sql, type Kysely, type Selectable } from 'kysely';
import type { AuthorizedRoomId } from './policy.js';

export interface ChatRoomsTable {
  id: string;
  kind: 'direct' | 'group';
  name: string | null;
  owner_id: string | null;
  direct_key: string | null;
  next_seq: number;
  created_at: number;
  last_message_at: number | null;
}
export interface ChatMembersTable {
  room_id: string;
  user_id: string;
  role: 'owner' | 'member';
  joined_at: number;
  last_read_seq: number;
}
export interface ChatAttachmentsTable {
  id: string;
  room_id: string;
  uploader_id: string;
  storage_key: string;
  kind: 'image' | 'file' | 'voice';
  file_name: string;
  content_type: string;
  size: number;
  created_at: number;
  /** Voice notes: length in ms and 32 loudness levels as digits 0-9; NULL for others and older notes. */
  duration_ms: number | null;
  waveform: string | null;
}
export interface ChatMessagesTable {
  id: string;
  room_id: string;
  seq: number;
  sender_id: string;
  client_id: string;
  kind: string;
  body: string;
  original_text: string | null;
  reply_to_id: string | null;
  attachment_id: string | null;
  created_at: number;
  edited_at: number | null;
  deleted_at: number | null;
  /** 1 when screening found abusive words (safety's migration adds it). */
  screened: number;
}
export interface ChatTallyTable {
  name: string;
  chain: string;
  /** Messages with ids from here on are not counted yet (chat/tally.ts). */
  last_id: string;
  heard_at: number;
}
export interface ChatTables {
  chat_tally: ChatTallyTable;
  chat_rooms: ChatRoomsTable;
  chat_members: ChatMembersTable;
  chat_attachments: ChatAttachmentsTable;
  chat_messages: ChatMessagesTable;
}
export type RoomRow = Selectable<ChatRoomsTable>;
export type MemberRow = Selectable<ChatMembersTable>;
export type MessageRow = Selectable<ChatMessagesTable>;
export const MESSAGE_COLUMNS = [
  'id',
  'room_id',
  'seq',
  'sender_id',
  'client_id',
  'kind',
  'body',
  'original_text',
  'reply_to_id',
  'attachment_id',
  'created_at',
  'edited_at',
  'deleted_at',
  'screened',
] as const satisfies readonly (keyof MessageRow)[];
export type AttachmentRow = Selectable<ChatAttachmentsTable>;
type Db = Kysely<ChatTables>;

export const findMembership = (db: Db, roomId: string, userId: string) =>
  db.selectFrom('chat_members').selectAll().where('room_id', '=', roomId).where('user_id', '=', userId).executeTakeFirst();

export const findRoom = (db: Db, roomId: AuthorizedRoomId) =>
  db.selectFrom('chat_rooms').selectAll().where('id', '=', roomId).executeTakeFirst();
export const findRoomUnchecked = (db: Db, roomId: string) =>
  db.selectFrom('chat_rooms').selectAll().where('id', '=', roomId).executeTakeFirst();

export const findDirectRoom = (db: Db, directKey: string) =>
  db.selectFrom('chat_rooms').selectAll().where('direct_key', '=', directKey).executeTakeFirst();

export async function insertRoom(db: Db, room: RoomRow, members: MemberRow[]) {
  await db.insertInto('chat_rooms').values(room).execute();
  await db.insertInto('chat_members').values(members).execute();
}

export const membersOf = (db: Db, roomId: AuthorizedRoomId) =>
  db.selectFrom('chat_members').selectAll().where('room_id', '=', roomId).orderBy('joined_at').execute();

export const addMember = (db: Db, row: MemberRow) => db.insertInto('chat_members').values(row).execute();
export const removeMember = (db: Db, roomId: AuthorizedRoomId, userId: string) =>
  db.deleteFrom('chat_members').where('room_id', '=', roomId).where('user_id', '=', userId).execute();
export const setRole = (db: Db, roomId: AuthorizedRoomId, userId: string, role: 'owner' | 'member') =>
  db.updateTable('chat_members').set({ role }).where('room_id', '=', roomId).where('user_id', '=', userId).execute();
export const setOwner = (db: Db, roomId: AuthorizedRoomId, ownerId: string | null) =>
  db.updateTable('chat_rooms').set({ owner_id: ownerId }).where('id', '=', roomId).execute();

export const roomsOf = (db: Db, userId: string) =>
  db
    .selectFrom('chat_members')
    .innerJoin('chat_rooms', 'chat_rooms.id', 'chat_members.room_id')
    .selectAll('chat_rooms')
    .select(['chat_members.last_read_seq', 'chat_members.role as my_role'])
    .where('chat_members.user_id', '=', userId)
    .orderBy(sql`coalesce(chat_rooms.last_message_at, chat_rooms.created_at)`, 'desc')
    .execute();

export async function shareARoom(db: Db, a: string, b: string): Promise<boolean> {
  const row = await db
    .selectFrom('chat_members as m1')
    .innerJoin('chat_members as m2', 'm2.room_id', 'm1.room_id')
    .select('m1.room_id')
    .where('m1.user_id', '=', a)
    .where('m2.user_id', '=', b)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Those of `others` who share no room with the person: strangers, as far as chat knows. */
export async function strangersAmong(db: Db, userId: string, others: string[]): Promise<string[]> {
  if (others.length === 0) return [];
  const known = await db
    .selectFrom('chat_members as me')
    .innerJoin('chat_members as them', 'them.room_id', 'me.room_id')
    .select('them.user_id')
    .distinct()
    .where('me.user_id', '=', userId)
    .where('them.user_id', 'in', others)
    .execute();
  const contacts = new Set(known.map((r) => r.user_id));
  return others.filter((id) => !contacts.has(id));
}

export const membersOfRooms = (db: Db, roomIds: string[]) =>
  roomIds.length ? db.selectFrom('chat_members').selectAll().where('room_id', 'in', roomIds).execute() : Promise.resolve([] as MemberRow[]);

/** The newest message of each room, in one query. */
export function lastMessages(db: Db, roomIds: string[]) {
  if (!roomIds.length) return Promise.resolve([] as MessageRow[]);
  return db
    .selectFrom('chat_messages as m')
    .selectAll('m')
    .where('m.room_id', 'in', roomIds)
    .where('m.seq', '=', (eb) =>
      eb
        .selectFrom('chat_rooms as r')
        .select(sql<number>`r.next_seq - 1`.as('last'))
        .whereRef('r.id', '=', 'm.room_id'),
    )
    .execute();
}

/**
 * Takes the next sequence number of a room. The update holds the room's row lock (MySQL) or the
 * write lock (SQLite) until commit, so sequence order is commit order.
 */
/*
 * Storing a batch of new messages: three statements for one transaction, compiled here and run by
 * the message writer (on SQLite's write thread, or as a transaction on MySQL). Rooms first, in a
 * fixed order: the update locks a room's row until commit, so seqs stay dense across nodes.
 */
export const reserveSeqs = (db: Db, roomId: AuthorizedRoomId, count: number, at: number) =>
  db
    .updateTable('chat_rooms')
    .set({ next_seq: sql`next_seq + ${count}`, last_message_at: at })
    .where('id', '=', roomId)
    .compile();

/** Each row takes the seq `back` places before its room's next_seq, as reserved above. */
export const insertReserved = (db: Db, rows: { row: MessageRow; back: number }[]) =>
  db
    .insertInto('chat_messages')
    .values(
      rows.map(({ row, back }) => ({ ...row, seq: sql<number>`(select next_seq from chat_rooms where id = ${row.room_id}) - ${back}` })),
    )
    .compile();

/** A message's idempotency key, the unique (sender, clientId). */
export const clientKey = (row: Pick<MessageRow, 'sender_id' | 'client_id'>) => `${row.sender_id}\n${row.client_id}`;

/** Which of these (sender, clientId) pairs are stored already, as `clientKey`s. */
export async function storedClientIds(db: Db, rows: Pick<MessageRow, 'sender_id' | 'client_id'>[]): Promise<Set<string>> {
  const found = await db
    .selectFrom('chat_messages')
    .select(['sender_id', 'client_id'])
    .where('sender_id', 'in', [...new Set(rows.map((r) => r.sender_id))])
    .where('client_id', 'in', [...new Set(rows.map((r) => r.client_id))])
    .execute();
  return new Set(found.map(clientKey));
}

export const seqsOf = (db: Db, ids: string[]) => db.selectFrom('chat_messages').select(['id', 'seq']).where('id', 'in', ids).compile();

export const findByClientId = (db: Db, senderId: string, clientId: string) =>
  db.selectFrom('chat_messages').selectAll().where('sender_id', '=', senderId).where('client_id', '=', clientId).executeTakeFirst();

export const findMessage = (db: Db, id: string) => db.selectFrom('chat_messages').selectAll().where('id', '=', id).executeTakeFirst();
export const findMessages = (db: Db, ids: string[]) =>
  ids.length ? db.selectFrom('chat_messages').selectAll().where('id', 'in', ids).execute() : Promise.resolve([] as MessageRow[]);

export function history(db: Db, roomId: AuthorizedRoomId, page: { before?: number; after?: number; limit: number }) {
  let q = db.selectFrom('chat_messages').selectAll().where('room_id', '=', roomId);
  if (page.after !== undefined) return q.where('seq', '>', page.after).orderBy('seq', 'asc').limit(page.limit).execute();
  if (page.before !== undefined) q = q.where('seq', '<', page.before);
  return q.orderBy('seq', 'desc').limit(page.limit).execute();
}

export function search(db: Db, roomId: AuthorizedRoomId, text: string, limit: number) {
  // '!' escapes LIKE wildcards: a backslash means different things in MySQL and SQLite literals.
  const pattern = `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
  return db
    .selectFrom('chat_messages')
    .selectAll()
    .where('room_id', '=', roomId)
    .where('deleted_at', 'is', null)
    .where((eb) =>
      eb.or([
        sql<boolean>`lower(body) like lower(${pattern}) escape '!'`,
        sql<boolean>`lower(coalesce(original_text, '')) like lower(${pattern}) escape '!'`,
      ]),
    )
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
}

export const editMessage = (db: Db, id: string, body: string, at: number, screened: number) =>
  db.updateTable('chat_messages').set({ body, edited_at: at, screened }).where('id', '=', id).where('deleted_at', 'is', null).execute();
export const deleteMessage = (db: Db, id: string, at: number) =>
  db.updateTable('chat_messages').set({ body: '', original_text: null, deleted_at: at }).where('id', '=', id).execute();

/** Moves the read mark forward only; a late, older receipt never un-reads messages. */
export const markRead = (db: Db, roomId: AuthorizedRoomId, userId: string, seq: number) =>
  db
    .updateTable('chat_members')
    .set({ last_read_seq: seq })
    .where('room_id', '=', roomId)
    .where('user_id', '=', userId)
    .where('last_read_seq', '<', seq)
    .execute();

/** Unread messages per room from others, counted in the database rather than in memory. */
export function unreadCounts(db: Db, userId: string) {
  return db
    .selectFrom('chat_members as me')
    .innerJoin('chat_messages as m', 'm.room_id', 'me.room_id')
    .select(['me.room_id', (eb) => eb.fn.countAll<number>().as('unread')])
    .where('me.user_id', '=', userId)
    .whereRef('m.seq', '>', 'me.last_read_seq')
    .where('m.sender_id', '!=', userId)
    .where('m.deleted_at', 'is', null)
    .groupBy('me.room_id')
    .execute();
}

export const insertAttachment = (db: Db, row: AttachmentRow) => db.insertInto('chat_attachments').values(row).execute();
export const findAttachment = (db: Db, id: string) => db.selectFrom('chat_attachments').selectAll().where('id', '=', id).executeTakeFirst();
export const findAttachments = (db: Db, ids: string[]) =>
  ids.length ? db.selectFrom('chat_attachments').selectAll().where('id', 'in', ids).execute() : Promise.resolve([] as AttachmentRow[]);

export const filesInRoomsOf = (db: Db, userId: string, limit: number) =>
  db
    .selectFrom('chat_attachments as a')
    .innerJoin('chat_members as me', 'me.room_id', 'a.room_id')
    .selectAll('a')
    .where('me.user_id', '=', userId)
    .orderBy('a.created_at', 'desc')
    .limit(limit)
    .execute();

/** Whether a message that is not deleted still shows this file. */
export async function attachmentStillShown(db: Db, attachmentId: string): Promise<boolean> {
  const row = await db
    .selectFrom('chat_messages')
    .select('id')
    .where('attachment_id', '=', attachmentId)
    .where('deleted_at', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Detaches a file from the messages that referred to it and removes its row; the caller deletes the stored object. */
export async function deleteAttachment(db: Db, attachmentId: string) {
  await db.updateTable('chat_messages').set({ attachment_id: null }).where('attachment_id', '=', attachmentId).execute();
  await db.deleteFrom('chat_attachments').where('id', '=', attachmentId).execute();
}

/**
 * Erases every file a person uploaded: the messages that carried one are deleted as a sender's
 * own deletion would (so no file name or link stays), then the rows go.
 */
export async function eraseAttachmentsOf(db: Db, uploaderId: string, at: number) {
  const theirs = db.selectFrom('chat_attachments').select('id').where('uploader_id', '=', uploaderId);
  await db
    .updateTable('chat_messages')
    .set({ body: '', original_text: null, deleted_at: at })
    .where('attachment_id', 'in', theirs)
    .where('deleted_at', 'is', null)
    .execute();
  await db.updateTable('chat_messages').set({ attachment_id: null }).where('attachment_id', 'in', theirs).execute();
  await db.deleteFrom('chat_attachments').where('uploader_id', '=', uploaderId).execute();
}

export const groupsOwnedBy = (db: Db, userId: string) =>
  db.selectFrom('chat_rooms').select('id').where('owner_id', '=', userId).where('kind', '=', 'group').execute();

/** Makes the longest-standing remaining member the owner, or leaves the group without one when nobody is left. */
export async function handToLongestStanding(db: Db, roomId: string) {
  const heir = await db
    .selectFrom('chat_members')
    .select('user_id')
    .where('room_id', '=', roomId)
    .orderBy('joined_at')
    .orderBy('user_id')
    .limit(1)
    .executeTakeFirst();
  await db
    .updateTable('chat_rooms')
    .set({ owner_id: heir?.user_id ?? null })
    .where('id', '=', roomId)
    .execute();
  if (heir)
    await db.updateTable('chat_members').set({ role: 'owner' }).where('room_id', '=', roomId).where('user_id', '=', heir.user_id).execute();
}

export const eraseMemberships = (db: Db, userId: string) => db.deleteFrom('chat_members').where('user_id', '=', userId).execute();
export const attachmentsUploadedBy = (db: Db, userId: string) =>
  db.selectFrom('chat_attachments').selectAll().where('uploader_id', '=', userId).execute();

/** Messages of a room whose seq lies in [from, to], oldest first: the conversation around a reported message. */
export const messagesBetween = (db: Db, roomId: AuthorizedRoomId, from: number, to: number) =>
  db
    .selectFrom('chat_messages')
    .selectAll()
    .where('room_id', '=', roomId)
    .where('seq', '>=', from)
    .where('seq', '<=', to)
    .orderBy('seq', 'asc')
    .execute();

/** Messages stored per UTC day (days since the epoch) since `since`, counted in the database. */
export async function messagesPerDay(db: Db, since: number) {
  const day = sql<number>`(created_at - (created_at % 86400000)) / 86400000`;
  const rows = await db
    .selectFrom('chat_messages')
    .select([day.as('day'), (e) => e.fn.countAll<number>().as('n')])
    .where('created_at', '>=', since)
    .groupBy(day)
    .execute();
  return rows.map((r) => ({ day: Math.round(Number(r.day)), n: Number(r.n) }));
}

/** Whether two people are both members of some group (not a 1:1). */
export async function shareAGroup(db: Db, a: string, b: string): Promise<boolean> {
  const row = await db
    .selectFrom('chat_members as x')
    .innerJoin('chat_members as y', 'y.room_id', 'x.room_id')
    .innerJoin('chat_rooms', 'chat_rooms.id', 'x.room_id')
    .select('x.room_id')
    .where('x.user_id', '=', a)
    .where('y.user_id', '=', b)
    .where('chat_rooms.kind', '=', 'group')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
