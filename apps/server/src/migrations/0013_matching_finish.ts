import { sql, type Kysely } from 'kysely';
import { isMysql } from '../platform/db/database.js';
import { createTable } from '../platform/db/schema-helpers.js';

/**
 * Matching's own copy of what it scores, so a recommendation is one index range instead of
 * hundreds of profile reads (bench/recommendations.mjs: the reads were most of a cold ranking).
 */
export async function up(db: Kysely<any>) {
  // One row per language a person can offer (native, or C1 and above) and language they learn, with
  // their matching features; the primary key is the candidate walk: a language pair from a pivot id.
  // Kept by matching after every committed profile change (profile's onChange), and caught up at
  // start-up from `matching_pool_state.synced_until`.
  // On SQLite the rows live in the primary key's b-tree (WITHOUT ROWID), as InnoDB keeps them in
  // its clustered index: a candidate walk reads consecutive pages, not 500 scattered row look-ups.
  const pool = createTable(db, 'matching_pool');
  await (isMysql(db) ? pool : pool.modifyEnd(sql`without rowid`))
    .addColumn('offer_language', 'varchar(16)', (c) => c.notNull())
    .addColumn('learn_language', 'varchar(16)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('features', 'text', (c) => c.notNull())
    .addColumn('saved_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('matching_pool_pk', ['offer_language', 'learn_language', 'user_id'])
    .execute();
  await db.schema.createIndex('matching_pool_user').on('matching_pool').column('user_id').execute();
  await createTable(db, 'matching_pool_state')
    .addColumn('id', 'integer', (c) => c.primaryKey().notNull())
    .addColumn('synced_until', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropTable('matching_pool_state').ifExists().execute();
  await db.schema.dropTable('matching_pool').ifExists().execute();
}
