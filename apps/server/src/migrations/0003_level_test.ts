import { sql, type Kysely } from 'kysely';
import { isMysql } from '../platform/db/database.js';
import { createTable } from '../platform/db/schema-helpers.js';

/**
 * The durable job queue (its first user is level-test scoring) and the level test's attempts and
 * answers. JSON is kept as text: results and transcripts are read whole, never queried inside.
 */
export async function up(db: Kysely<any>) {
  // A scored attempt carries four transcripts; MySQL's TEXT stops at 64 KB.
  const bigText = isMysql(db) ? sql`mediumtext` : sql`text`;

  await createTable(db, 'jobs')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
    .addColumn('kind', 'varchar(64)', (c) => c.notNull())
    .addColumn('payload', bigText, (c) => c.notNull())
    .addColumn('status', 'varchar(8)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('run_after', 'bigint', (c) => c.notNull())
    .addColumn('locked_by', 'varchar(100)')
    .addColumn('locked_until', 'bigint')
    .addColumn('last_error', 'varchar(1000)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'run_after']).execute();

  await createTable(db, 'level_test_attempts')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('language', 'varchar(2)', (c) => c.notNull())
    .addColumn('status', 'varchar(10)', (c) => c.notNull())
    .addColumn('prompts', bigText, (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('submitted_at', 'bigint')
    .addColumn('scored_at', 'bigint')
    .addColumn('result', bigText)
    .addColumn('providers', 'varchar(200)')
    .addColumn('error', 'varchar(500)')
    .execute();
  await db.schema.createIndex('level_test_attempts_user').on('level_test_attempts').columns(['user_id', 'started_at']).execute();

  await createTable(db, 'level_test_answers')
    .addColumn('attempt_id', 'varchar(36)', (c) => c.notNull().references('level_test_attempts.id').onDelete('cascade'))
    .addColumn('prompt_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('stage', 'integer', (c) => c.notNull())
    .addColumn('storage_key', 'varchar(120)', (c) => c.notNull())
    .addColumn('content_type', 'varchar(40)', (c) => c.notNull())
    .addColumn('duration_ms', 'bigint', (c) => c.notNull())
    .addColumn('client_transcript', 'text')
    .addColumn('uploaded_at', 'bigint', (c) => c.notNull())
    .addColumn('analysis', bigText)
    .addColumn('analysed_at', 'bigint')
    .addPrimaryKeyConstraint('level_test_answers_pk', ['attempt_id', 'prompt_id'])
    .execute();
}

export async function down(db: Kysely<any>) {
  for (const table of ['level_test_answers', 'level_test_attempts', 'jobs']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
