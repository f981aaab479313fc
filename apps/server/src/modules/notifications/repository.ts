import type { Kysely, Selectable } from 'kysely';
import type { NotificationCategory, NotificationLocale } from '@studymate/contracts';

export interface NotificationsTable {
  id: string;
  user_id: string;
  category: NotificationCategory;
  kind: string;
  title_ko: string;
  title_en: string;
  body_ko: string | null;
  body_en: string | null;
  link: string | null;
  dedupe_key: string | null;
  read_at: number | null;
  created_at: number;
}
export interface NotificationSettingsTable {
  user_id: string;
  locale: NotificationLocale;
  updated_at: number;
  /** JSON: { muted: category[], quietHours: { start, end, timeZone } | null }; NULL for the defaults. */
  preferences: string | null;
}
export interface NotificationsTables {
  notifications: NotificationsTable;
  notification_settings: NotificationSettingsTable;
}
export type NotificationRow = Selectable<NotificationsTable>;
type Db = Kysely<NotificationsTables>;

/** Every column of a notification row, in the order the batched insert writes them. */
export const NOTIFICATION_COLUMNS = [
  'id',
  'user_id',
  'category',
  'kind',
  'title_ko',
  'title_en',
  'body_ko',
  'body_en',
  'link',
  'dedupe_key',
  'read_at',
  'created_at',
] as const satisfies readonly (keyof NotificationsTable)[];

/** Stores many rows in one statement; a row whose dedupe key is stored already is skipped (the unique index decides). */
export const insertIgnoringKeys = (db: Db, rows: NotificationsTable[]) => db.insertInto('notifications').orIgnore().values(rows).compile();

/** Which of these ids are stored. */
export const storedIds = (db: Db, ids: string[]) => db.selectFrom('notifications').select('id').where('id', 'in', ids).compile();

/** Unread notifications per person, for those who have any. */
export const unreadCounts = (db: Db, userIds: string[]) =>
  db
    .selectFrom('notifications')
    .select(['user_id', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('user_id', 'in', userIds)
    .where('read_at', 'is', null)
    .groupBy('user_id')
    .compile();

export async function settingsOfMany(db: Db, userIds: string[]) {
  const rows = await db
    .selectFrom('notification_settings')
    .select(['user_id', 'locale', 'preferences'])
    .where('user_id', 'in', userIds)
    .execute();
  return new Map(rows.map((r) => [r.user_id, r]));
}

/** Newest first, below the (created_at, id) cursor. */
export function page(db: Db, userId: string, limit: number, before: { at: number; id: string } | null, unreadOnly: boolean) {
  let query = db.selectFrom('notifications').selectAll().where('user_id', '=', userId);
  if (before)
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', before.at), eb.and([eb('created_at', '=', before.at), eb('id', '<', before.id)])]),
    );
  if (unreadOnly) query = query.where('read_at', 'is', null);
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export async function unreadCount(db: Db, userId: string) {
  const row = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function markRead(db: Db, userId: string, ids: string[] | 'all', at: number) {
  let query = db.updateTable('notifications').set({ read_at: at }).where('user_id', '=', userId).where('read_at', 'is', null);
  if (ids !== 'all') query = query.where('id', 'in', ids);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function remove(db: Db, userId: string, id: string) {
  const result = await db.deleteFrom('notifications').where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function removeOlderThan(db: Db, at: number) {
  const result = await db.deleteFrom('notifications').where('created_at', '<', at).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export function allOf(db: Db, userId: string) {
  return db.selectFrom('notifications').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
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
  await db.deleteFrom('notifications').where('user_id', '=', userId).execute();
  await db.deleteFrom('notification_settings').where('user_id', '=', userId).execute();
}
