import type { Kysely } from 'kysely';
import { createTable } from '../platform/db/schema-helpers.js';

/**
 * Progress: the append-only activity ledger (one row per event and person it concerns, so a
 * replayed or twice-delivered event is kept once), daily roll-ups per person, day and language
 * (derived from the ledger; `npm run progress:rebuild` recomputes them), and achievements awarded.
 */
export async function up(db: Kysely<any>) {
  await createTable(db, 'progress_activity')
    .addColumn('event_id', 'varchar(80)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('kind', 'varchar(12)', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('time_zone', 'varchar(64)', (c) => c.notNull())
    .addColumn('language', 'varchar(8)', (c) => c.notNull())
    .addColumn('amount', 'integer', (c) => c.notNull())
    .addColumn('partner_id', 'varchar(36)')
    .addColumn('detail', 'varchar(500)')
    .addPrimaryKeyConstraint('progress_activity_pk', ['event_id', 'user_id'])
    .execute();
  // Covers the statistics' top partners (a year of calls summed per partner) without reading rows.
  await db.schema
    .createIndex('progress_activity_user')
    .on('progress_activity')
    .columns(['user_id', 'kind', 'at', 'partner_id', 'amount'])
    .execute();

  await createTable(db, 'progress_daily')
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('language', 'varchar(8)', (c) => c.notNull())
    .addColumn('time_zone', 'varchar(64)', (c) => c.notNull())
    .addColumn('chat_messages', 'integer', (c) => c.notNull())
    .addColumn('call_seconds', 'integer', (c) => c.notNull())
    .addColumn('calls', 'integer', (c) => c.notNull())
    .addColumn('video_calls', 'integer', (c) => c.notNull())
    .addColumn('voice_calls', 'integer', (c) => c.notNull())
    .addColumn('level_tests', 'integer', (c) => c.notNull())
    .addColumn('mates', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('progress_daily_pk', ['user_id', 'day', 'language'])
    .execute();

  await createTable(db, 'progress_awards')
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('achievement', 'varchar(32)', (c) => c.notNull())
    .addColumn('awarded_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('progress_awards_pk', ['user_id', 'achievement'])
    .execute();

  // Notification preferences per person (categories turned off, quiet hours in their zone), as JSON.
  await db.schema.alterTable('notification_settings').addColumn('preferences', 'varchar(1000)').execute();

  // Chat's tally of messages sent (chat/tally.ts): the watermark in the time-ordered message ids
  // and the one job chain that moves it.
  await createTable(db, 'chat_tally')
    .addColumn('name', 'varchar(16)', (c) => c.primaryKey().notNull())
    .addColumn('chain', 'varchar(36)', (c) => c.notNull())
    .addColumn('last_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('heard_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.alterTable('notification_settings').dropColumn('preferences').execute();
  for (const table of ['chat_tally', 'progress_awards', 'progress_daily', 'progress_activity']) await db.schema.dropTable(table).execute();
}
