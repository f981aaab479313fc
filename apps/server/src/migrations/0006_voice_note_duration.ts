import type { Kysely } from 'kysely';

/**
 * A voice note's length and a coarse loudness outline. A browser's MediaRecorder writes WebM
 * without a duration, so players showed 0:00 and could not seek; the sender's measure (checked
 * against the file's size) is kept with the file. Older notes keep NULL and show no length.
 */
export async function up(db: Kysely<any>) {
  await db.schema.alterTable('chat_attachments').addColumn('duration_ms', 'bigint').execute();
  await db.schema.alterTable('chat_attachments').addColumn('waveform', 'varchar(64)').execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.alterTable('chat_attachments').dropColumn('waveform').execute();
  await db.schema.alterTable('chat_attachments').dropColumn('duration_ms').execute();
}
