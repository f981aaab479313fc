import type { Kysely } from 'kysely';
import { createTable } from '../platform/db/schema-helpers.js';

/**
 * Data exports built as durable jobs: one row per request, with its progress (how many modules
 * have exported their part) and, once ready, the stored file a person downloads for a day.
 */
export async function up(db: Kysely<any>) {
  await createTable(db, 'account_exports')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('status', 'varchar(10)', (c) => c.notNull())
    .addColumn('parts_done', 'integer', (c) => c.notNull())
    .addColumn('parts_total', 'integer', (c) => c.notNull())
    .addColumn('storage_key', 'varchar(200)')
    .addColumn('size', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('account_exports_user').on('account_exports').columns(['user_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropTable('account_exports').execute();
}
