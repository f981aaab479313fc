import type { Kysely } from 'kysely';
import { createTable } from '../platform/db/schema-helpers.js';

/**
 * Sessions two mates book. A session is its rule (first local start in the organiser's zone, a
 * repeat and its end) plus exceptions per occurrence (cancelled, moved, a move waiting for an
 * answer). `first_start` and `last_end` bound the whole series in UTC, so a calendar month is one
 * index range per side. `session_calendars` holds one row per person: the hash of their private
 * feed token, and a row that booking locks for both people, so two bookings of the same person on
 * two nodes cannot both pass the overlap check.
 */
export async function up(db: Kysely<any>) {
  await createTable(db, 'study_sessions')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
    .addColumn('organiser_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('partner_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'varchar(5)', (c) => c.notNull())
    .addColumn('topic', 'varchar(200)')
    .addColumn('time_zone', 'varchar(64)', (c) => c.notNull())
    .addColumn('local_start', 'varchar(16)', (c) => c.notNull())
    .addColumn('minutes', 'integer', (c) => c.notNull())
    .addColumn('repeat_every', 'varchar(10)')
    .addColumn('repeat_until', 'varchar(10)')
    .addColumn('repeat_count', 'integer')
    .addColumn('reminders', 'varchar(40)', (c) => c.notNull())
    .addColumn('state', 'varchar(10)', (c) => c.notNull())
    .addColumn('first_start', 'bigint', (c) => c.notNull())
    .addColumn('last_end', 'bigint', (c) => c.notNull())
    .addColumn('reason', 'varchar(300)')
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('study_sessions_organiser').on('study_sessions').columns(['organiser_id', 'last_end']).execute();
  await db.schema.createIndex('study_sessions_partner').on('study_sessions').columns(['partner_id', 'last_end']).execute();

  await createTable(db, 'study_session_exceptions')
    .addColumn('session_id', 'varchar(36)', (c) => c.notNull().references('study_sessions.id').onDelete('cascade'))
    .addColumn('occurrence', 'integer', (c) => c.notNull())
    .addColumn('cancelled', 'integer', (c) => c.notNull())
    .addColumn('cancel_reason', 'varchar(300)')
    .addColumn('moved_start', 'bigint')
    .addColumn('proposed_start', 'bigint')
    .addColumn('proposed_by', 'varchar(36)')
    .addColumn('proposed_reason', 'varchar(300)')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('study_session_exceptions_pk', ['session_id', 'occurrence'])
    .execute();

  // One row per reminder sent: the claim that makes a reminder job that runs twice send once.
  await createTable(db, 'study_session_reminders')
    .addColumn('reminder_key', 'varchar(160)', (c) => c.primaryKey().notNull())
    .addColumn('session_id', 'varchar(36)', (c) => c.notNull().references('study_sessions.id').onDelete('cascade'))
    .addColumn('sent_at', 'bigint', (c) => c.notNull())
    .execute();

  await createTable(db, 'session_calendars')
    .addColumn('user_id', 'varchar(36)', (c) => c.primaryKey().notNull().references('users.id').onDelete('cascade'))
    .addColumn('feed_token_hash', 'varchar(64)', (c) => c.unique())
    .addColumn('feed_created_at', 'bigint')
    .addColumn('bookings', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>) {
  for (const table of ['session_calendars', 'study_session_reminders', 'study_session_exceptions', 'study_sessions'])
    await db.schema.dropTable(table).ifExists().execute();
}
