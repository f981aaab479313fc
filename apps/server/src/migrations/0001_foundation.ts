import type { Kysely } from 'kysely';
import { createTable } from '../platform/db/schema-helpers.js';

/** Users, sign-in and the onboarding profile. Instants are epoch milliseconds (bigint). */
export async function up(db: Kysely<any>) {
  await createTable(db, 'users')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
    .addColumn('email', 'varchar(254)')
    .addColumn('display_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('role', 'varchar(10)', (c) => c.notNull().defaultTo('user'))
    .addColumn('status', 'varchar(12)', (c) => c.notNull().defaultTo('active'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('terms_accepted_at', 'bigint')
    .addColumn('marketing_consent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('deleted_at', 'bigint')
    .execute();
  await db.schema.createIndex('users_email').on('users').column('email').execute();

  await createTable(db, 'user_identities')
    .addColumn('provider', 'varchar(16)', (c) => c.notNull())
    .addColumn('subject', 'varchar(191)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_identities_pk', ['provider', 'subject'])
    .execute();
  await db.schema.createIndex('user_identities_user').on('user_identities').column('user_id').execute();

  await createTable(db, 'refresh_tokens')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('family_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('rotated_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('refresh_tokens_user').on('refresh_tokens').column('user_id').execute();
  await db.schema.createIndex('refresh_tokens_family').on('refresh_tokens').column('family_id').execute();

  await createTable(db, 'login_events')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('method', 'varchar(16)', (c) => c.notNull())
    .addColumn('user_agent', 'varchar(255)')
    .addColumn('ip', 'varchar(64)')
    .execute();
  await db.schema.createIndex('login_events_user_at').on('login_events').columns(['user_id', 'at']).execute();

  await createTable(db, 'profiles')
    .addColumn('user_id', 'varchar(36)', (c) => c.primaryKey().notNull().references('users.id').onDelete('cascade'))
    .addColumn('english_name', 'varchar(50)')
    .addColumn('city_id', 'varchar(40)')
    .addColumn('time_zone', 'varchar(64)')
    .addColumn('intro', 'varchar(500)')
    .addColumn('gender', 'varchar(10)')
    .addColumn('birth_year', 'integer')
    .addColumn('photo_key', 'varchar(120)')
    .addColumn('native_language', 'varchar(2)')
    .addColumn('learning_style', 'varchar(16)')
    .addColumn('expectation', 'varchar(16)')
    .addColumn('partner_gender', 'varchar(10)')
    .addColumn('partner_age_min', 'integer')
    .addColumn('partner_age_max', 'integer')
    .addColumn('communication_method', 'varchar(10)')
    .addColumn('daily_minutes', 'integer')
    .addColumn('basic_saved_at', 'bigint')
    .addColumn('languages_saved_at', 'bigint')
    .addColumn('interests_saved_at', 'bigint')
    .addColumn('partner_saved_at', 'bigint')
    .addColumn('schedule_saved_at', 'bigint')
    .execute();

  await createTable(db, 'profile_languages')
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'varchar(8)', (c) => c.notNull())
    .addColumn('language', 'varchar(2)', (c) => c.notNull())
    .addColumn('level', 'varchar(2)')
    .addColumn('partner_level', 'varchar(2)')
    .addPrimaryKeyConstraint('profile_languages_pk', ['user_id', 'role', 'language'])
    .execute();
  await db.schema.createIndex('profile_languages_lookup').on('profile_languages').columns(['language', 'role']).execute();

  await createTable(db, 'profile_tags')
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('value', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('profile_tags_pk', ['user_id', 'kind', 'value'])
    .execute();

  await createTable(db, 'availability_slots')
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('slot', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('availability_slots_pk', ['user_id', 'day', 'slot'])
    .execute();

  await createTable(db, 'verified_levels')
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('language', 'varchar(2)', (c) => c.notNull())
    .addColumn('level', 'varchar(2)', (c) => c.notNull())
    .addColumn('source', 'varchar(32)', (c) => c.notNull())
    .addColumn('verified_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('verified_levels_pk', ['user_id', 'language'])
    .execute();
}

export async function down(db: Kysely<any>) {
  for (const table of [
    'verified_levels',
    'availability_slots',
    'profile_tags',
    'profile_languages',
    'profiles',
    'login_events',
    'refresh_tokens',
    'user_identities',
    'users',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
