import type { Kysely } from 'kysely';

/**
 * When each person in matching's pool was last seen using STUDYMATE (epoch ms; null: not since
 * the pool had this column), for the engine's recent-activity component. Matching writes it from
 * what other modules tell it (a realtime connection opening or closing, messages sent), at most
 * once an hour per person; it lives on the pool rows so the candidate walk reads it for free.
 */
export async function up(db: Kysely<any>) {
  await db.schema.alterTable('matching_pool').addColumn('last_active_at', 'bigint').execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.alterTable('matching_pool').dropColumn('last_active_at').execute();
}
