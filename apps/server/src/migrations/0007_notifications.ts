import type { Kysely } from 'kysely';
import { createTable } from '../platform/db/schema-helpers.js';

/**
 * Notifications, stored per person in both app languages so a change of language rereads them
 * rightly; `dedupe_key` makes a retried delivery (a domain event delivered twice) store one row.
 */
export async function up(db: Kysely<any>) {
  await createTable(db, 'notifications')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('category', 'varchar(12)', (c) => c.notNull())
    .addColumn('kind', 'varchar(40)', (c) => c.notNull())
    .addColumn('title_ko', 'varchar(200)', (c) => c.notNull())
    .addColumn('title_en', 'varchar(200)', (c) => c.notNull())
    .addColumn('body_ko', 'varchar(1000)')
    .addColumn('body_en', 'varchar(1000)')
    .addColumn('link', 'varchar(300)')
    .addColumn('dedupe_key', 'varchar(120)')
    .addColumn('read_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // The list and the unread count are ranges of one person's rows, newest first.
  await db.schema.createIndex('notifications_user').on('notifications').columns(['user_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('notifications_unread').on('notifications').columns(['user_id', 'read_at']).execute();
  await db.schema.createIndex('notifications_dedupe').on('notifications').columns(['user_id', 'dedupe_key']).unique().execute();

  await createTable(db, 'notification_settings')
    .addColumn('user_id', 'varchar(36)', (c) => c.primaryKey().notNull().references('users.id').onDelete('cascade'))
    .addColumn('locale', 'varchar(5)', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropTable('notification_settings').execute();
  await db.schema.dropTable('notifications').execute();
}
