import { sql, type Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { migrations } from '../src/migrations/index.js';
import { openDatabase, isMysql } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrate.js';
import { loadConfig } from '../src/config.js';
import { embedded, mysqlRedis, type Backend } from './helpers/backends.js';

interface SchemaShape {
  tables: Record<string, { columns: string[]; primaryKey: string[]; indexes: string[] }>;
}

/** Tables, columns with nullability, primary keys and indexes (by columns, not by name). */
async function describeSchema(db: Kysely<any>): Promise<SchemaShape> {
  const tables: SchemaShape['tables'] = {};
  const meta = await db.introspection.getTables();
  for (const table of meta) {
    if (table.name.startsWith('schema_migrations')) continue;
    const columns = table.columns.map((c) => `${c.name}${c.isNullable ? '?' : ''}`).sort();
    let primaryKey: string[] = [];
    let indexes: string[] = [];
    if (isMysql(db)) {
      const rows = (
        await sql<{ INDEX_NAME: string; COLUMN_NAME: string; NON_UNIQUE: number; SEQ_IN_INDEX: number }>`
        select index_name as INDEX_NAME, column_name as COLUMN_NAME, non_unique as NON_UNIQUE, seq_in_index as SEQ_IN_INDEX
        from information_schema.statistics where table_schema = database() and table_name = ${table.name}
        order by index_name, seq_in_index`.execute(db)
      ).rows;
      const byName = new Map<string, { cols: string[]; unique: boolean }>();
      for (const r of rows) {
        const entry = byName.get(r.INDEX_NAME) ?? { cols: [], unique: Number(r.NON_UNIQUE) === 0 };
        entry.cols.push(r.COLUMN_NAME);
        byName.set(r.INDEX_NAME, entry);
      }
      primaryKey = byName.get('PRIMARY')?.cols ?? [];
      byName.delete('PRIMARY');
      // MySQL adds an index, named after the column, for each foreign key no index covers; SQLite
      // does not. Those are not part of the declared schema.
      for (const [indexName, i] of byName) if (!i.unique && i.cols.length === 1 && i.cols[0] === indexName) byName.delete(indexName);
      indexes = [...byName.values()].map((i) => `${i.unique ? 'unique ' : ''}(${i.cols.join(',')})`);
    } else {
      const info = (await sql<{ name: string; pk: number }>`select name, pk from pragma_table_info(${table.name})`.execute(db)).rows;
      primaryKey = info
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name);
      const list = (
        await sql<{
          name: string;
          unique: number;
          origin: string;
        }>`select name, "unique", origin from pragma_index_list(${table.name})`.execute(db)
      ).rows;
      for (const index of list) {
        if (index.origin === 'pk') continue;
        const cols = (await sql<{ name: string }>`select name from pragma_index_info(${index.name}) order by seqno`.execute(db)).rows.map(
          (c) => c.name,
        );
        indexes.push(`${index.unique ? 'unique ' : ''}(${cols.join(',')})`);
      }
    }
    tables[table.name] = { columns, primaryKey, indexes: indexes.sort() };
  }
  return { tables };
}

describe('migrations', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  /** A fresh database of the backend with every migration applied; a second run applies none. */
  async function migratedFromEmpty(backend: Backend) {
    const env = await backend.provision();
    cleanups.push(env.drop);
    const db = await openDatabase<any>(loadConfig(env.env).database);
    cleanups.unshift(() => db.destroy());
    expect(await migrateToLatest(db, migrations)).toEqual(Object.keys(migrations));
    expect(await migrateToLatest(db, migrations)).toEqual([]);
    return db;
  }

  let sqliteShape: SchemaShape;
  it('apply from empty on SQLite, and a second run applies nothing', async () => {
    const db = await migratedFromEmpty(embedded);
    sqliteShape = await describeSchema(db);
    expect(Object.keys(sqliteShape.tables).sort()).toEqual(
      [
        'availability_slots',
        'blocks',
        'chat_attachments',
        'chat_members',
        'chat_messages',
        'chat_rooms',
        'chat_tally',
        'jobs',
        'level_test_answers',
        'level_test_attempts',
        'login_events',
        'match_events',
        'match_requests',
        'mates',
        'notification_settings',
        'notifications',
        'profile_languages',
        'profile_tags',
        'profiles',
        'progress_activity',
        'progress_awards',
        'progress_daily',
        'privacy_settings',
        'refresh_tokens',
        'safety_audit',
        'safety_evidence',
        'safety_flags',
        'safety_reports',
        'safety_sanctions',
        'safety_words',
        'user_identities',
        'users',
        'verified_levels',
      ].sort(),
    );
  });

  it.skipIf(mysqlRedis.skip)(
    `apply from empty on MariaDB/MySQL and produce the same schema as SQLite${mysqlRedis.skip ? ` (skipped: ${mysqlRedis.skip})` : ''}`,
    async () => {
      const db = await migratedFromEmpty(mysqlRedis);
      const mysqlShape = await describeSchema(db);
      expect(mysqlShape).toEqual(sqliteShape);
      // Every table is utf8mb4 with the portable collation, whatever the server default is.
      const collations = (
        await sql<{ c: string }>`select table_collation as c from information_schema.tables where table_schema = database()`.execute(db)
      ).rows;
      for (const row of collations) expect(row.c).toBe('utf8mb4_unicode_ci');
    },
  );
});
