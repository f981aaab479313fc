import { sql, type Kysely, type Selectable } from 'kysely';
import { isMysql } from '../../platform/db/database.js';
import type { NotificationCategory, NotificationLocale } from '@studymate/contracts';

/** One person's notification: whose, which words, read state. The words are stored once per content. */
export interface NotificationsTable {
  id: string;
  user_id: string;
  content_id: string;
  read_at: number | null;
  created_at: number;
}
/** What a notification says, in both app languages; shared by every recipient of an announcement. */
export interface NotificationContentsTable {
  id: string;
  category: NotificationCategory;
  kind: string;
  title_ko: string;
  title_en: string;
  body_ko: string | null;
  body_en: string | null;
  link: string | null;
  created_at: number;
  /** The person the words name (a request's sender, a caller): they go when that account is deleted. */
  about_id: string | null;
}
export interface NotificationSettingsTable {
  user_id: string;
  locale: NotificationLocale;
  updated_at: number;
  /** JSON: { muted: category[], quietHours: { start, end, timeZone } | null }; NULL for the defaults. */
  preferences: string | null;
}
/**
 * Each person's unread count, kept: moved with the rows it counts in one transaction, and
 * counted afresh from them whenever the person reads or deletes (so a count put wrong by hand
 * mends itself). No row means none unread.
 */
export interface NotificationCountsTable {
  user_id: string;
  unread: number;
}
export interface NotificationsTables {
  notifications: NotificationsTable;
  notification_counts: NotificationCountsTable;
  notification_contents: NotificationContentsTable;
  notification_settings: NotificationSettingsTable;
}
/** A person's notification with its words. */
export type NotificationRow = Selectable<NotificationsTable> &
  Omit<Selectable<NotificationContentsTable>, 'id' | 'created_at' | 'about_id'>;
type Db = Kysely<NotificationsTables>;

/** Every column of a notification row, in the order the batched insert writes them. */
export const NOTIFICATION_COLUMNS = [
  'id',
  'user_id',
  'content_id',
  'read_at',
  'created_at',
] as const satisfies readonly (keyof NotificationsTable)[];
/** Every column of a content, in the order the batched insert writes them. */
export const CONTENT_COLUMNS = [
  'id',
  'category',
  'kind',
  'title_ko',
  'title_en',
  'body_ko',
  'body_en',
  'link',
  'created_at',
  'about_id',
] as const satisfies readonly (keyof NotificationContentsTable)[];

/** Stores many rows in one statement; a person's second row of one content is skipped (the unique index decides). */
export const insertIgnoringRepeats = (db: Db, rows: NotificationsTable[]) =>
  db.insertInto('notifications').orIgnore().values(rows).compile();

/** Stores many contents in one statement; one stored already (a keyed content sent again) is kept as it is. */
export const insertContents = (db: Db, rows: NotificationContentsTable[]) =>
  db.insertInto('notification_contents').orIgnore().values(rows).compile();

/** Which of these ids are stored. */
export const storedIds = (db: Db, ids: string[]) => db.selectFrom('notifications').select('id').where('id', 'in', ids).compile();

/**
 * Adds the stored rows among these ids to their people's unread counts (a repeat that was not
 * stored has no row), and returns those people's counts after it: one statement, where a second
 * to read the counts back cost MariaDB a round trip and a statement a batch. Each row adds its one
 * (a person with two rows in the batch is counted up twice, and returned twice, the second time
 * higher): grouping by person first made MariaDB build a temporary table for every batch.
 */
export const addUnread = (db: Db, rowIds: string[]) => {
  const insert = db
    .insertInto('notification_counts')
    .columns(['user_id', 'unread'])
    .expression(
      db
        .selectFrom('notifications')
        .select(['user_id', sql<number>`1`.as('unread')])
        .where('id', 'in', rowIds),
    );
  return (
    isMysql(db)
      ? insert.onDuplicateKeyUpdate({ unread: sql`notification_counts.unread + values(unread)` })
      : insert.onConflict((oc) => oc.column('user_id').doUpdateSet({ unread: sql`notification_counts.unread + excluded.unread` }))
  )
    .returning(['user_id', 'unread as n'])
    .compile();
};

/** Sets these people's counts from their rows. */
async function recount(db: Db, userIds: string[]) {
  for (let i = 0; i < userIds.length; i += 500)
    await db
      .updateTable('notification_counts')
      .set((eb) => ({
        unread: eb
          .selectFrom('notifications')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('notifications.user_id', '=', 'notification_counts.user_id')
          .where('notifications.read_at', 'is', null),
      }))
      .where('user_id', 'in', userIds.slice(i, i + 500))
      .execute();
}

export async function settingsOfMany(db: Db, userIds: string[]) {
  const rows = await db
    .selectFrom('notification_settings')
    .select(['user_id', 'locale', 'preferences'])
    .where('user_id', 'in', userIds)
    .execute();
  return new Map(rows.map((r) => [r.user_id, r]));
}

const withContents = (db: Db) =>
  db
    .selectFrom('notifications as n')
    .innerJoin('notification_contents as c', 'c.id', 'n.content_id')
    .select(['n.id', 'n.user_id', 'n.content_id', 'n.read_at', 'n.created_at', 'c.category', 'c.kind'])
    .select(['c.title_ko', 'c.title_en', 'c.body_ko', 'c.body_en', 'c.link']);

/** Newest first, below the (created_at, id) cursor. */
export function page(db: Db, userId: string, limit: number, before: { at: number; id: string } | null, unreadOnly: boolean) {
  let query = withContents(db).where('n.user_id', '=', userId);
  if (before)
    query = query.where((eb) =>
      eb.or([eb('n.created_at', '<', before.at), eb.and([eb('n.created_at', '=', before.at), eb('n.id', '<', before.id)])]),
    );
  if (unreadOnly) query = query.where('n.read_at', 'is', null);
  return query.orderBy('n.created_at', 'desc').orderBy('n.id', 'desc').limit(limit).execute();
}

export async function unreadCount(db: Db, userId: string) {
  const row = await db.selectFrom('notification_counts').select('unread').where('user_id', '=', userId).executeTakeFirst();
  return Number(row?.unread ?? 0);
}

/** Marks some (or all) of a person's unread notifications read; how many changed and what is left unread. */
export function markRead(db: Db, userId: string, ids: string[] | 'all', at: number) {
  return db.transaction().execute(async (tx) => {
    let query = tx.updateTable('notifications').set({ read_at: at }).where('user_id', '=', userId).where('read_at', 'is', null);
    if (ids !== 'all') query = query.where('id', 'in', ids);
    const result = await query.executeTakeFirst();
    const changed = Number(result.numUpdatedRows);
    if (changed) await recount(tx, [userId]);
    return { changed, unread: await unreadCount(tx, userId) };
  });
}

export async function remove(db: Db, userId: string, id: string) {
  const row = await db
    .selectFrom('notifications')
    .select('content_id')
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return false;
  const deleted = await db.transaction().execute(async (tx) => {
    const result = await tx.deleteFrom('notifications').where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
    await recount(tx, [userId]);
    return Number(result.numDeletedRows) > 0;
  });
  await removeUnsent(db, [row.content_id]);
  return deleted;
}

/** Drops these contents where nobody holds them any more: a deleted notification's words go with it. */
async function removeUnsent(db: Db, contentIds: string[]) {
  if (!contentIds.length) return;
  await db
    .deleteFrom('notification_contents')
    .where('id', 'in', contentIds)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('notifications').select('notifications.id').whereRef('notifications.content_id', '=', 'notification_contents.id'),
        ),
      ),
    )
    .execute();
}

/** Deletes these rows; whoever lost an unread one is counted afresh from the rows left. */
async function removeRows(db: Db, rows: { id: string; user_id: string; read_at: number | null }[]) {
  if (!rows.length) return 0;
  const deleted = await db
    .deleteFrom('notifications')
    .where(
      'id',
      'in',
      rows.map((r) => r.id),
    )
    .executeTakeFirst();
  await recount(db, [...new Set(rows.filter((r) => r.read_at === null).map((r) => r.user_id))]);
  return Number(deleted.numDeletedRows);
}

/** Rows pruned per transaction, so sends and reads meanwhile wait on none of them for long. */
const PRUNE_CHUNK = 500;

/**
 * Removes the notifications stored before `at`, and then the words nobody holds any more (every
 * recipient of a content is stored at the content's time, so both go by the same age). The table
 * has no index by age: one walk along the primary key picks the old rows a chunk at a time, and
 * each chunk's rows go by id, with the people who lose an unread one counted afresh, in one short
 * transaction. Finding the people and then deleting by age read the whole table twice, in one
 * transaction that held every row it passed.
 */
export async function removeOlderThan(db: Db, at: number, chunk = PRUNE_CHUNK) {
  let removed = 0;
  let after = '';
  for (;;) {
    const rows = await db
      .selectFrom('notifications')
      .select(['id', 'user_id', 'read_at'])
      .where('id', '>', after)
      .where('created_at', '<', at)
      .orderBy('id')
      .limit(chunk)
      .execute();
    if (!rows.length) break;
    after = rows.at(-1)!.id;
    removed += await db.transaction().execute((tx) => removeRows(tx, rows));
    if (rows.length < chunk) break;
  }
  await db.deleteFrom('notification_contents').where('created_at', '<', at).execute();
  return removed;
}

export function allOf(db: Db, userId: string) {
  return withContents(db).where('n.user_id', '=', userId).orderBy('n.created_at').execute();
}

export async function localeOf(db: Db, userId: string): Promise<NotificationLocale | null> {
  const row = await db.selectFrom('notification_settings').select('locale').where('user_id', '=', userId).executeTakeFirst();
  return row?.locale ?? null;
}

export const settingsOf = (db: Db, userId: string) =>
  db.selectFrom('notification_settings').select(['locale', 'preferences']).where('user_id', '=', userId).executeTakeFirst();

/** Saves the locale and/or preferences given; a first save fills the other with its default. */
export async function saveSettings(
  db: Db,
  userId: string,
  changes: { locale?: NotificationLocale; preferences?: string },
  at: number,
  defaultLocale: NotificationLocale,
) {
  const updated = await db
    .updateTable('notification_settings')
    .set({ ...changes, updated_at: at })
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) return;
  try {
    await db
      .insertInto('notification_settings')
      .values({ user_id: userId, locale: changes.locale ?? defaultLocale, preferences: changes.preferences ?? null, updated_at: at })
      .execute();
  } catch {
    // Saved by another request in between: the last writer wins.
    await db
      .updateTable('notification_settings')
      .set({ ...changes, updated_at: at })
      .where('user_id', '=', userId)
      .execute();
  }
}

export async function eraseUser(db: Db, userId: string) {
  const held = await db.selectFrom('notifications').select('content_id').where('user_id', '=', userId).execute();
  await db.deleteFrom('notifications').where('user_id', '=', userId).execute();
  await db.deleteFrom('notification_counts').where('user_id', '=', userId).execute();
  // Words addressed to this person alone go too; an announcement's stay for its other recipients.
  const contentIds = [...new Set(held.map((r) => r.content_id))];
  for (let i = 0; i < contentIds.length; i += 500) await removeUnsent(db, contentIds.slice(i, i + 500));
  await db.deleteFrom('notification_settings').where('user_id', '=', userId).execute();
  await eraseWordsAbout(db, userId);
}

/**
 * What others were told that names this person (their request, their call): removed with the
 * account, a page of contents at a time, and the unread counts of those who lose one set afresh.
 */
async function eraseWordsAbout(db: Db, userId: string) {
  for (;;) {
    const contents = (await db.selectFrom('notification_contents').select('id').where('about_id', '=', userId).limit(500).execute()).map(
      (r) => r.id,
    );
    if (!contents.length) return;
    await removeRows(
      db,
      await db.selectFrom('notifications').select(['id', 'user_id', 'read_at']).where('content_id', 'in', contents).execute(),
    );
    await db.deleteFrom('notification_contents').where('id', 'in', contents).execute();
  }
}
