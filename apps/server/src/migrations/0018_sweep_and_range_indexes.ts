import type { Kysely } from 'kysely';

/**
 * Two range queries that read their whole table without an index:
 * - the hourly sweep of account exports past their day (`status in (ready, failed)` and
 *   `finished_at <= cutoff`, oldest first), and
 * - the administrators' call figures (calls ended since an instant, per day).
 */
export async function up(db: Kysely<any>) {
  await db.schema.createIndex('account_exports_finished').on('account_exports').columns(['status', 'finished_at']).execute();
  await db.schema.createIndex('calls_ended').on('calls').column('ended_at').execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropIndex('calls_ended').on('calls').execute();
  await db.schema.dropIndex('account_exports_finished').on('account_exports').execute();
}
