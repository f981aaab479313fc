import { sql, type Kysely } from 'kysely';
import { isMysql } from '../platform/db/database.js';
import { createTable } from '../platform/db/schema-helpers.js';

/**
 * Each person's unread count as a kept number (`notification_counts`), moved in the same
 * transaction as the rows it counts, in place of the (user_id, read_at) index it was counted
 * over. That index took a random page per notification stored: at issue 13's 10,000 a second it
 * was a third of the write-ahead log written and half the write thread's time (bench/README.md).
 */
export async function up(db: Kysely<any>) {
  await createTable(db, 'notification_counts')
    .addColumn('user_id', 'varchar(36)', (c) => c.primaryKey().notNull().references('users.id').onDelete('cascade'))
    .addColumn('unread', 'integer', (c) => c.notNull())
    .execute();
  await sql`insert into notification_counts (user_id, unread)
    select user_id, count(*) from notifications where read_at is null group by user_id`.execute(db);
  await (
    isMysql(db) ? db.schema.dropIndex('notifications_unread').on('notifications') : db.schema.dropIndex('notifications_unread')
  ).execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.createIndex('notifications_unread').on('notifications').columns(['user_id', 'read_at']).execute();
  await db.schema.dropTable('notification_counts').execute();
}
