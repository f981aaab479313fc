import type { Kysely } from 'kysely';
import { createTable } from '../platform/db/schema-helpers.js';

/**
 * Safety: reports with the evidence copied at report time, sanctions, the append-only audit log,
 * privacy settings, the administrators' own word list and automatic screening flags.
 * Reports, evidence, sanctions and the audit log name people by id without a foreign key: they
 * outlive the account of the person they are about (evidence must survive an account deletion).
 */
export async function up(db: Kysely<any>) {
  await createTable(db, 'safety_reports')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
    .addColumn('reporter_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('subject_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('message_id', 'varchar(36)')
    .addColumn('room_id', 'varchar(36)')
    .addColumn('reason', 'varchar(20)', (c) => c.notNull())
    .addColumn('comment', 'varchar(1000)', (c) => c.notNull())
    .addColumn('state', 'varchar(10)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('resolved_at', 'bigint')
    .addColumn('resolved_by', 'varchar(36)')
    .addColumn('outcome', 'varchar(10)')
    .execute();
  await db.schema.createIndex('safety_reports_queue').on('safety_reports').columns(['state', 'created_at']).execute();
  await db.schema.createIndex('safety_reports_subject').on('safety_reports').columns(['subject_id', 'created_at']).execute();
  await db.schema.createIndex('safety_reports_reporter').on('safety_reports').columns(['reporter_id', 'created_at']).execute();

  // A copy of each message as it was: edits, deletions and account deletion change chat's rows, not these.
  await createTable(db, 'safety_evidence')
    .addColumn('report_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('message_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('sender_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('sender_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('kind', 'varchar(12)', (c) => c.notNull())
    .addColumn('body', 'varchar(4000)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('edited_at', 'bigint')
    .addColumn('deleted_at', 'bigint')
    .addColumn('reported', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('safety_evidence_pk', ['report_id', 'position'])
    .execute();

  await createTable(db, 'safety_sanctions')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('kind', 'varchar(10)', (c) => c.notNull())
    .addColumn('reason', 'varchar(500)', (c) => c.notNull())
    .addColumn('report_id', 'varchar(36)')
    .addColumn('created_by', 'varchar(36)', (c) => c.notNull())
    .addColumn('starts_at', 'bigint', (c) => c.notNull())
    .addColumn('ends_at', 'bigint')
    .addColumn('lifted_at', 'bigint')
    .addColumn('seen_at', 'bigint')
    .execute();
  await db.schema.createIndex('safety_sanctions_user').on('safety_sanctions').columns(['user_id', 'starts_at']).execute();

  // Append-only: the repository has an insert and reads, no update and no delete.
  await createTable(db, 'safety_audit')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('action', 'varchar(20)', (c) => c.notNull())
    .addColumn('subject_id', 'varchar(36)')
    .addColumn('report_id', 'varchar(36)')
    .addColumn('reason', 'varchar(500)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('safety_audit_at').on('safety_audit').column('at').execute();

  await createTable(db, 'privacy_settings')
    .addColumn('user_id', 'varchar(36)', (c) => c.primaryKey().notNull().references('users.id').onDelete('cascade'))
    .addColumn('profile_visibility', 'varchar(10)', (c) => c.notNull())
    .addColumn('show_age', 'integer', (c) => c.notNull())
    .addColumn('show_city', 'integer', (c) => c.notNull())
    .addColumn('show_online', 'integer', (c) => c.notNull())
    .addColumn('allow_matching', 'integer', (c) => c.notNull())
    .addColumn('who_can_message', 'varchar(10)', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await createTable(db, 'safety_words')
    .addColumn('word', 'varchar(60)', (c) => c.primaryKey().notNull())
    .addColumn('added_by', 'varchar(36)', (c) => c.notNull())
    .addColumn('added_at', 'bigint', (c) => c.notNull())
    .execute();

  await createTable(db, 'safety_flags')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('source', 'varchar(20)', (c) => c.notNull())
    .addColumn('ref_id', 'varchar(36)')
    .addColumn('detail', 'varchar(200)', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('safety_flags_user').on('safety_flags').columns(['user_id', 'at']).execute();

  // A screened chat message is masked for its recipients until they choose to see it.
  await db.schema
    .alterTable('chat_messages')
    .addColumn('screened', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.alterTable('chat_messages').dropColumn('screened').execute();
  for (const table of [
    'safety_flags',
    'safety_words',
    'privacy_settings',
    'safety_audit',
    'safety_sanctions',
    'safety_evidence',
    'safety_reports',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
