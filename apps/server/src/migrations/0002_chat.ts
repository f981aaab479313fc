import type { Kysely } from 'kysely';
import { createTable } from '../platform/db/schema-helpers.js';

/**
 * Chat rooms, members and messages. Each room hands out a dense message sequence (`next_seq`,
 * bumped inside the inserting transaction), so history cursors stay stable under concurrent
 * inserts and a reconnecting client asks for "everything after seq N".
 */
export async function up(db: Kysely<any>) {
  await createTable(db, 'chat_rooms')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
    .addColumn('kind', 'varchar(8)', (c) => c.notNull())
    .addColumn('name', 'varchar(100)')
    .addColumn('owner_id', 'varchar(36)', (c) => c.references('users.id'))
    .addColumn('direct_key', 'varchar(80)', (c) => c.unique())
    .addColumn('next_seq', 'bigint', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_message_at', 'bigint')
    .execute();

  await createTable(db, 'chat_members')
    .addColumn('room_id', 'varchar(36)', (c) => c.notNull().references('chat_rooms.id').onDelete('cascade'))
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'varchar(8)', (c) => c.notNull())
    .addColumn('joined_at', 'bigint', (c) => c.notNull())
    .addColumn('last_read_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('chat_members_pk', ['room_id', 'user_id'])
    .execute();
  await db.schema.createIndex('chat_members_user').on('chat_members').column('user_id').execute();

  await createTable(db, 'chat_attachments')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
    .addColumn('room_id', 'varchar(36)', (c) => c.notNull().references('chat_rooms.id').onDelete('cascade'))
    .addColumn('uploader_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('storage_key', 'varchar(120)', (c) => c.notNull())
    .addColumn('kind', 'varchar(8)', (c) => c.notNull())
    .addColumn('file_name', 'varchar(200)', (c) => c.notNull())
    .addColumn('content_type', 'varchar(100)', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('chat_attachments_room').on('chat_attachments').columns(['room_id', 'created_at']).execute();

  await createTable(db, 'chat_messages')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey().notNull())
    .addColumn('room_id', 'varchar(36)', (c) => c.notNull().references('chat_rooms.id').onDelete('cascade'))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('sender_id', 'varchar(36)', (c) => c.notNull().references('users.id'))
    .addColumn('client_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('kind', 'varchar(12)', (c) => c.notNull())
    .addColumn('body', 'varchar(4000)', (c) => c.notNull())
    .addColumn('original_text', 'varchar(4000)')
    .addColumn('reply_to_id', 'varchar(36)')
    .addColumn('attachment_id', 'varchar(36)', (c) => c.references('chat_attachments.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('edited_at', 'bigint')
    .addColumn('deleted_at', 'bigint')
    .addUniqueConstraint('chat_messages_room_seq', ['room_id', 'seq'])
    .addUniqueConstraint('chat_messages_sender_client', ['sender_id', 'client_id'])
    .execute();
}

export async function down(db: Kysely<any>) {
  for (const table of ['chat_messages', 'chat_attachments', 'chat_members', 'chat_rooms']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
