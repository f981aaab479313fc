import { sql, type Kysely } from 'kysely';

/**
 * Sessions: a waiting move says whether it is for one occurrence or for the rest of the series.
 * Calls: each open leg carries when its node last vouched for it (`seen_at`), so the legs of a
 * node that died are found and closed at that time rather than left open.
 */
export async function up(db: Kysely<any>) {
  await db.schema.alterTable('study_session_exceptions').addColumn('proposed_scope', 'varchar(16)').execute();
  await db.schema.alterTable('call_legs').addColumn('seen_at', 'bigint').execute();
  // Legs already open count as seen when they began: if their node is gone, the sweep ends them.
  await db
    .updateTable('call_legs')
    .set({ seen_at: sql`joined_at` })
    .where('left_at', 'is', null)
    .execute();
  await db.schema.createIndex('call_legs_open').on('call_legs').columns(['left_at', 'seen_at']).execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropIndex('call_legs_open').on('call_legs').execute();
  await db.schema.alterTable('call_legs').dropColumn('seen_at').execute();
  await db.schema.alterTable('study_session_exceptions').dropColumn('proposed_scope').execute();
}
