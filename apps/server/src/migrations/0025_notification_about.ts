import type { Kysely } from 'kysely';

/**
 * The person a notification's words name (`notification_contents.about_id`: who sent the request,
 * proposed the session, called), so that deleting an account removes what others were told of
 * it, as its messages read "deleted user". Null for words that name nobody (announcements,
 * achievements) and for those stored before this.
 */
export async function up(db: Kysely<any>) {
  await db.schema.alterTable('notification_contents').addColumn('about_id', 'varchar(36)').execute();
  await db.schema.createIndex('notification_contents_about').on('notification_contents').column('about_id').execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropIndex('notification_contents_about').on('notification_contents').execute();
  await db.schema.alterTable('notification_contents').dropColumn('about_id').execute();
}
