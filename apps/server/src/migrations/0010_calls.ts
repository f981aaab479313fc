import type { Kysely } from 'kysely';
import { createTable } from '../platform/db/schema-helpers.js';

/**
 * Calls: one row per 1:1 call, the legs (each time a participant joined it over a connection,
 * until they left or the connection dropped) that give the server's own view of how long both
 * were there, and each participant's rating of the other. Instants are ms since the epoch (UTC).
 */
export async function up(db: Kysely<any>) {
  // `open_key` holds the pair (`p:a:b`) or the session (`s:id`) while the call is open, and is
  // unique: two people pressing "call" at once on two nodes end up in the same call.
  await createTable(db, 'calls')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
    .addColumn('kind', 'varchar(8)', (c) => c.notNull())
    .addColumn('state', 'varchar(12)', (c) => c.notNull())
    .addColumn('caller_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('callee_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('room_id', 'varchar(36)')
    .addColumn('session_id', 'varchar(64)')
    .addColumn('starts_at', 'bigint')
    .addColumn('ends_at', 'bigint')
    .addColumn('open_key', 'varchar(90)', (c) => c.unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('answered_at', 'bigint')
    .addColumn('ended_at', 'bigint')
    .addColumn('connected_ms', 'bigint')
    .execute();
  await db.schema.createIndex('calls_caller').on('calls').columns(['caller_id', 'created_at']).execute();
  await db.schema.createIndex('calls_callee').on('calls').columns(['callee_id', 'created_at']).execute();

  await createTable(db, 'call_legs')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
    .addColumn('call_id', 'varchar(36)', (c) => c.notNull().references('calls.id').onDelete('cascade'))
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('connection_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('joined_at', 'bigint', (c) => c.notNull())
    .addColumn('left_at', 'bigint')
    .execute();
  await db.schema.createIndex('call_legs_call').on('call_legs').columns(['call_id', 'user_id']).execute();

  await createTable(db, 'call_ratings')
    .addColumn('call_id', 'varchar(36)', (c) => c.notNull().references('calls.id').onDelete('cascade'))
    .addColumn('rater_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('ratee_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('stars', 'integer', (c) => c.notNull())
    .addColumn('talk_again', 'integer', (c) => c.notNull())
    .addColumn('note', 'varchar(1000)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('call_ratings_pk', ['call_id', 'rater_id'])
    .execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropTable('call_ratings').execute();
  await db.schema.dropTable('call_legs').execute();
  await db.schema.dropTable('calls').execute();
}
