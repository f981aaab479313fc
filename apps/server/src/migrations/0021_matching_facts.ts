import { sql, type Kysely } from 'kysely';
import { createTable } from '../platform/db/schema-helpers.js';

/**
 * Each person's decision counts as matching's own running totals (`matching_facts`), and the
 * display name on the pool rows, so a cold ranking reads its candidates as one range with a
 * key look-up each: counting every candidate's decisions in the events table took more than half
 * of MariaDB's time for that range, and the names were one more round trip (bench/README.md).
 * Beside the totals, each person's decision effects as the last periodic fit left them, and that
 * fit's base rate and priors (`matching_effects_fit`); the fit reads the latest decisions by time.
 */
export async function up(db: Kysely<any>) {
  await createTable(db, 'matching_facts')
    .addColumn('user_id', 'varchar(36)', (c) => c.primaryKey().notNull().references('users.id').onDelete('cascade'))
    .addColumn('given', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('accepted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('received', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('accepted_by', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('accepts_effect', 'double precision')
    .addColumn('accepted_effect', 'double precision')
    .addColumn('follows', 'double precision')
    .addColumn('effects_at', 'bigint')
    .execute();
  await createTable(db, 'matching_effects_fit')
    .addColumn('id', 'integer', (c) => c.primaryKey().notNull())
    .addColumn('base_rate', 'double precision', (c) => c.notNull())
    .addColumn('prior_given', 'double precision', (c) => c.notNull())
    .addColumn('prior_received', 'double precision', (c) => c.notNull())
    .addColumn('decisions', 'integer', (c) => c.notNull())
    .addColumn('fitted_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('match_events_kind_at').on('match_events').columns(['kind', 'at']).execute();
  // Everyone's totals from the decisions recorded so far (the same counting as the running totals).
  await sql`insert into matching_facts (user_id, given, accepted, received, accepted_by)
    select user_id, sum(given), sum(accepted), sum(received), sum(accepted_by) from (
      select actor_id as user_id, 1 as given, case when kind in ('request', 'accept') then 1 else 0 end as accepted, 0 as received, 0 as accepted_by
        from match_events where kind in ('request', 'accept', 'decline', 'ignore')
      union all
      select subject_id, 0, 0, 1, case when kind in ('request', 'accept') then 1 else 0 end
        from match_events where kind in ('request', 'accept', 'decline', 'ignore')
    ) d group by user_id`.execute(db);
  await db.schema.alterTable('matching_pool').addColumn('display_name', 'varchar(100)').execute();
  // The pool is rewritten from the profiles at the next start (its catch-up from zero), which fills in the names.
  await db.updateTable('matching_pool_state').set({ synced_until: 0 }).execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropIndex('match_events_kind_at').on('match_events').execute();
  await db.schema.dropTable('matching_effects_fit').ifExists().execute();
  await db.schema.alterTable('matching_pool').dropColumn('display_name').execute();
  await db.schema.dropTable('matching_facts').ifExists().execute();
}
