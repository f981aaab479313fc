import type { Kysely } from 'kysely';
import { createTable } from '../platform/db/schema-helpers.js';

/**
 * Matching: blocks, match requests, mates and the decision events the engine learns from.
 * A pair is keyed by its two ids sorted and joined with ':' (`pair_key`).
 */
export async function up(db: Kysely<any>) {
  // Candidate generation (profile's repository, candidateIds) walks a language and role from a
  // pivot id: one index range per query.
  await db.schema.createIndex('profile_languages_match').on('profile_languages').columns(['language', 'role', 'user_id']).execute();

  await createTable(db, 'blocks')
    .addColumn('blocker_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('blocked_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('blocks_pk', ['blocker_id', 'blocked_id'])
    .execute();
  await db.schema.createIndex('blocks_blocked').on('blocks').column('blocked_id').execute();

  // `open_pair_key` holds the pair while a request occupies it (open, or declined and not yet
  // expired, so a silent decline cannot be probed by sending again) and is unique: one per pair,
  // even when both send at the same moment on two nodes.
  await createTable(db, 'match_requests')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
    .addColumn('sender_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('receiver_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('message', 'varchar(300)', (c) => c.notNull())
    .addColumn('status', 'varchar(10)', (c) => c.notNull())
    .addColumn('open_pair_key', 'varchar(80)', (c) => c.unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('answered_at', 'bigint')
    .addColumn('notified_at', 'bigint')
    .execute();
  await db.schema.createIndex('match_requests_receiver').on('match_requests').columns(['receiver_id', 'status']).execute();
  await db.schema.createIndex('match_requests_sender').on('match_requests').columns(['sender_id', 'created_at']).execute();

  // Two rows per pair, one per side, so "my mates" is one index range. `ended_at` is set by an
  // unmatch: the room stays readable, and chat asks us whether new messages may be sent.
  await createTable(db, 'mates')
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('mate_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('since', 'bigint', (c) => c.notNull())
    .addColumn('room_id', 'varchar(36)')
    .addColumn('ended_at', 'bigint')
    .addPrimaryKeyConstraint('mates_pk', ['user_id', 'mate_id'])
    .execute();

  // Every shown recommendation, request, accept, decline, ignore and cancel, from the first day:
  // the engine's strongest signals are accept rates given and received.
  await createTable(db, 'match_events')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
    .addColumn('actor_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('subject_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('kind', 'varchar(10)', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('match_events_actor').on('match_events').columns(['actor_id', 'kind']).execute();
  await db.schema.createIndex('match_events_subject').on('match_events').columns(['subject_id', 'kind']).execute();
}

export async function down(db: Kysely<any>) {
  for (const table of ['match_events', 'mates', 'match_requests', 'blocks']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await db.schema.dropIndex('profile_languages_match').on('profile_languages').execute();
}
