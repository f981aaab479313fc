import { sql, type Kysely } from 'kysely';

/**
 * The name other people see (`users.public_name`): the English name a person chose in onboarding's
 * first step. Cards, chat, sessions, calls and notifications all read names through the users
 * module, so one column there makes them agree; the name from sign-in stays the account's own.
 */
export async function up(db: Kysely<any>) {
  await db.schema.alterTable('users').addColumn('public_name', 'varchar(50)').execute();
  await sql`update users set public_name = (select english_name from profiles where profiles.user_id = users.id)
    where status <> 'deleted'`.execute(db);
}

export async function down(db: Kysely<any>) {
  await db.schema.alterTable('users').dropColumn('public_name').execute();
}
