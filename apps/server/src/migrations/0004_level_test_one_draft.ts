import type { Kysely } from 'kysely';

/**
 * At most one draft level test per person, kept by the database: `draft_of` holds the owner's id
 * while the attempt is a draft and is cleared when it is handed in, and is unique. Two "start"
 * requests at the same moment (two tabs, two nodes) then make one draft, not two. Drafts from
 * before this migration keep a NULL `draft_of`; start still finds them by status.
 */
export async function up(db: Kysely<any>) {
  await db.schema.alterTable('level_test_attempts').addColumn('draft_of', 'varchar(36)').execute();
  await db.schema.createIndex('level_test_attempts_one_draft').on('level_test_attempts').column('draft_of').unique().execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropIndex('level_test_attempts_one_draft').on('level_test_attempts').execute();
  await db.schema.alterTable('level_test_attempts').dropColumn('draft_of').execute();
}
