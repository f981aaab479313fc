import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { isMysql } from '../platform/db/database.js';
import { createTable } from '../platform/db/schema-helpers.js';

const TEXT_COLUMNS = ['category', 'kind', 'title_ko', 'title_en', 'body_ko', 'body_en', 'link'] as const;
const PAGE = 500;

/** MySQL names the table of an index dropped; SQLite has no such clause. */
const dropIndex = (db: Kysely<any>, name: string) =>
  (isMysql(db) ? db.schema.dropIndex(name).on('notifications') : db.schema.dropIndex(name)).execute();

/** As modules/notifications/contents.ts names a keyed content (kept here as it was when this ran). */
function keyedContentId(scope: string, key: string) {
  const hex = createHash('sha256').update(`${scope}\n${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A notification's words are stored once, in `notification_contents`, and each recipient's row
 * keeps only who, which content, read state and time: an announcement to 10,000 people wrote its
 * title and body in both languages 10,000 times. A keyed content's id is derived from its key
 * (per person, or shared by all recipients of an announcement), so the unique (content, person)
 * index is what makes a repeated send store nothing; `dedupe_key` goes.
 */
export async function up(db: Kysely<any>) {
  await createTable(db, 'notification_contents')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
    .addColumn('category', 'varchar(12)', (c) => c.notNull())
    .addColumn('kind', 'varchar(40)', (c) => c.notNull())
    .addColumn('title_ko', 'varchar(200)', (c) => c.notNull())
    .addColumn('title_en', 'varchar(200)', (c) => c.notNull())
    .addColumn('body_ko', 'varchar(1000)')
    .addColumn('body_en', 'varchar(1000)')
    .addColumn('link', 'varchar(300)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // The 90-day prune goes by age.
  await db.schema.createIndex('notification_contents_created').on('notification_contents').column('created_at').execute();
  await db.schema.alterTable('notifications').addColumn('content_id', 'varchar(36)').execute();

  // Each stored row's words become a content (one per announcement), a page of rows at a time.
  for (let after = ''; ;) {
    const rows = await db
      .selectFrom('notifications')
      .select(['id', 'user_id', 'dedupe_key', 'created_at', ...TEXT_COLUMNS])
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    if (!rows.length) break;
    after = rows.at(-1)!.id;
    const contents = new Map<string, Record<string, unknown>>();
    const holders = new Map<string, string[]>();
    for (const row of rows) {
      const key: string | null = row.dedupe_key;
      const id = key === null ? row.id : key.startsWith('announcement:') ? keyedContentId('*', key) : keyedContentId(row.user_id, key);
      contents.set(id, { id, created_at: row.created_at, ...Object.fromEntries(TEXT_COLUMNS.map((c) => [c, row[c]])) });
      if (id !== row.id) holders.set(id, [...(holders.get(id) ?? []), row.id]);
    }
    const move = async (tx: Kysely<any>) => {
      const known = new Set(
        (
          await tx
            .selectFrom('notification_contents')
            .select('id')
            .where('id', 'in', [...contents.keys()])
            .execute()
        ).map((r: { id: string }) => r.id),
      );
      const fresh = [...contents.values()].filter((c) => !known.has(c.id as string));
      if (fresh.length) await tx.insertInto('notification_contents').values(fresh).execute();
      for (const [id, rowIds] of holders) await tx.updateTable('notifications').set({ content_id: id }).where('id', 'in', rowIds).execute();
    };
    // A page in one commit: on MySQL (no transactional DDL) each statement would otherwise commit, a disk flush each.
    await (db.isTransaction ? move(db) : db.transaction().execute(move));
  }
  // A row sent without a key got a content of its own id.
  await db
    .updateTable('notifications')
    .set((eb) => ({ content_id: eb.ref('id') }))
    .where('content_id', 'is', null)
    .execute();

  await dropIndex(db, 'notifications_dedupe');
  for (const column of [...TEXT_COLUMNS, 'dedupe_key']) await db.schema.alterTable('notifications').dropColumn(column).execute();
  await db.schema.createIndex('notifications_content').on('notifications').columns(['content_id', 'user_id']).unique().execute();
}

/** Back to one full row per recipient; the keys were hashed into content ids, so a repeat after this is not recognised. */
export async function down(db: Kysely<any>) {
  await dropIndex(db, 'notifications_content');
  const columns: [string, 'varchar(12)' | 'varchar(40)' | 'varchar(200)' | 'varchar(300)' | 'varchar(1000)' | 'varchar(120)', string?][] = [
    ['category', 'varchar(12)', 'system'],
    ['kind', 'varchar(40)', ''],
    ['title_ko', 'varchar(200)', ''],
    ['title_en', 'varchar(200)', ''],
    ['body_ko', 'varchar(1000)'],
    ['body_en', 'varchar(1000)'],
    ['link', 'varchar(300)'],
    ['dedupe_key', 'varchar(120)'],
  ];
  for (const [name, type, fallback] of columns)
    await db.schema
      .alterTable('notifications')
      .addColumn(name, type, (c) => (fallback === undefined ? c : c.notNull().defaultTo(fallback)))
      .execute();
  const contents = await db.selectFrom('notification_contents').selectAll().execute();
  for (const content of contents) {
    const { id, created_at: _at, ...texts } = content;
    await db.updateTable('notifications').set(texts).where('content_id', '=', id).execute();
  }
  await db.schema.alterTable('notifications').dropColumn('content_id').execute();
  await db.schema.createIndex('notifications_dedupe').on('notifications').columns(['user_id', 'dedupe_key']).unique().execute();
  await db.schema.dropTable('notification_contents').execute();
}
