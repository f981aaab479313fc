import { sql, type Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { migrations } from '../src/migrations/index.js';
import { openDatabase, isMysql } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrate.js';
import { loadConfig } from '../src/config.js';
import { completedPerDayQuery } from '../src/modules/calls/repository.js';
import { exportsFinishedBeforeQuery } from '../src/modules/users/repository.js';
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
        'account_exports',
        'availability_slots',
        'blocks',
        'call_legs',
        'call_ratings',
        'calls',
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
        'matching_effects_fit',
        'matching_facts',
        'matching_pool',
        'matching_pool_state',
        'notification_contents',
        'notification_counts',
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
        'session_calendars',
        'study_session_exceptions',
        'study_session_reminders',
        'study_sessions',
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

  /** How the backend plans a compiled query: MariaDB's EXPLAIN rows, or SQLite's query plan lines. */
  async function plan(db: Kysely<any>, query: { compile(): { sql: string; parameters: readonly unknown[] } }) {
    const { sql: text, parameters } = query.compile();
    const raw = { sql: `explain ${isMysql(db) ? '' : 'query plan '}${text}`, parameters, query: { kind: 'RawNode' } } as never;
    return (await db.executeQuery<Record<string, unknown>>(raw)).rows;
  }

  for (const backend of [embedded, mysqlRedis])
    it.skipIf(backend.skip)(`the exports sweep and the call figures read by index on ${backend.name}`, async () => {
      const db = await migratedFromEmpty(backend);
      const day = 86_400_000;
      const now = Date.now();
      await db.insertInto('users').values({ id: 'u', display_name: 'U', created_at: now }).execute();
      // Enough rows, mostly outside the ranges asked for, that a full scan is the worse plan.
      const exportRows = Array.from({ length: 3000 }, (_, i) => ({
        id: `e${i}`,
        user_id: 'u',
        status: i % 10 === 0 ? 'ready' : 'building',
        parts_done: 0,
        parts_total: 1,
        created_at: now - i * 60_000,
        finished_at: i % 10 === 0 ? now - i * 60_000 : null,
      }));
      const callRows = Array.from({ length: 3000 }, (_, i) => ({
        id: `c${i}`,
        kind: 'video',
        state: 'ended',
        caller_id: 'u',
        callee_id: 'u',
        created_at: now - i * day,
        ended_at: now - i * day,
        connected_ms: 60_000,
      }));
      for (let i = 0; i < 3000; i += 500) {
        await db
          .insertInto('account_exports')
          .values(exportRows.slice(i, i + 500))
          .execute();
        await db
          .insertInto('calls')
          .values(callRows.slice(i, i + 500))
          .execute();
      }
      if (isMysql(db)) await sql`analyze table account_exports, calls`.execute(db);
      else await sql`analyze`.execute(db);

      const sweep = await plan(db, exportsFinishedBeforeQuery(db, now - 1000 * 60_000, 100));
      const figures = await plan(db, completedPerDayQuery(db, now - 30 * day));
      if (isMysql(db)) {
        expect(sweep[0]).toMatchObject({ table: 'account_exports', key: 'account_exports_finished', type: 'range' });
        expect(figures[0]).toMatchObject({ table: 'calls', key: 'calls_ended', type: 'range' });
      } else {
        expect(sweep.map((r) => r.detail).join('\n')).toMatch(/SEARCH account_exports USING INDEX account_exports_finished/);
        expect(figures.map((r) => r.detail).join('\n')).toMatch(/SEARCH calls USING INDEX calls_ended/);
      }
    });

  for (const backend of [embedded, mysqlRedis])
    it.skipIf(backend.skip)(`0024 gives every onboarded account its English name as the name others see, on ${backend.name}`, async () => {
      const env = await backend.provision();
      cleanups.push(env.drop);
      const db = await openDatabase<any>(loadConfig(env.env).database);
      cleanups.unshift(() => db.destroy());
      await migrateToLatest(db, Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0024')));
      const account = (id: string, status: string) => ({ id, display_name: `signed in as ${id}`, status, created_at: 1 });
      await db
        .insertInto('users')
        .values([account('onboarded', 'active'), account('new', 'active'), account('gone', 'deleted')])
        .execute();
      await db
        .insertInto('profiles')
        .values([
          { user_id: 'onboarded', english_name: 'Ann Lee' },
          { user_id: 'gone', english_name: 'Gone Away' },
        ])
        .execute();
      expect(await migrateToLatest(db, migrations)).toContain('0024_public_names');
      expect(await db.selectFrom('users').select(['id', 'public_name']).orderBy('id').execute()).toEqual([
        { id: 'gone', public_name: null },
        { id: 'new', public_name: null },
        { id: 'onboarded', public_name: 'Ann Lee' },
      ]);
    });
});
