import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { startCheckpointer } from './checkpointer.js';
import { Kysely, MysqlAdapter, MysqlDialect, SqliteDialect, sql, type Dialect, type SqliteDatabase, type SqliteStatement } from 'kysely';

export type DatabaseTarget = { kind: 'mysql'; url: string } | { kind: 'sqlite'; file: string };

/**
 * Opens the one database STUDYMATE uses. Instants are stored as epoch milliseconds (BIGINT) on
 * both dialects, so no driver or session time zone can shift them.
 */
export async function openDatabase<DB>(target: DatabaseTarget): Promise<Kysely<DB>> {
  let dialect: Dialect;
  if (target.kind === 'mysql') {
    // Loaded only when used, so the embedded mode starts without the MySQL driver.
    const { createPool } = await import('mysql2');
    const pool = createPool({
      uri: target.url,
      connectionLimit: 20,
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
      supportBigNumbers: true,
      bigNumberStrings: false,
      enableKeepAlive: true,
    });
    dialect = new MysqlDialect({ pool });
  } else {
    if (target.file !== ':memory:') mkdirSync(path.dirname(target.file), { recursive: true });
    const file = new SQLite(target.file);
    // WAL lets readers proceed while a write commits; busy_timeout rides out short write locks.
    file.pragma('journal_mode = WAL');
    file.pragma('synchronous = NORMAL');
    file.pragma('busy_timeout = 5000');
    file.pragma('foreign_keys = ON');
    // 64 MB of page cache instead of 2: chat's indexes are keyed by random ids, so their pages
    // are touched everywhere.
    file.pragma('cache_size = -65536');
    let database = withStatementCache(file);
    if (target.file !== ':memory:') {
      file.pragma('wal_autocheckpoint = 0');
      file.pragma('journal_size_limit = 67108864');
      const checkpointer = startCheckpointer(target.file, (error) => {
        process.emitWarning(`SQLite checkpoints are back on the main thread: ${error}`);
        if (file.open) file.pragma('wal_autocheckpoint = 1000');
      });
      const close = database.close;
      database = { ...database, close: () => (checkpointer.stop(), close()) };
    }
    dialect = new SqliteDialect({ database });
  }
  return new Kysely<DB>({ dialect });
}

export const isMysql = (db: Kysely<any>) => db.getExecutor().adapter instanceof MysqlAdapter;

export async function pingDatabase(db: Kysely<any>): Promise<void> {
  await sql`select 1`.execute(db);
}

/** Epoch milliseconds now; the one representation of an instant in every table. */
export const nowMs = () => Date.now();
export const toIso = (ms: number | null | undefined) => (ms == null ? null : new Date(Number(ms)).toISOString());

/**
 * Kysely prepares every query afresh; preparing was a fifth of the server's time when sending
 * chat messages. Statements are reusable, so keep the most recent ones by their SQL text.
 */
export function withStatementCache(database: SqliteDatabase, capacity = 500): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => {
      cache.clear();
      database.close();
    },
    prepare(text: string) {
      let statement = cache.get(text);
      if (statement) {
        // Refresh its place so the least recently used statement is the one evicted.
        cache.delete(text);
      } else {
        statement = database.prepare(text);
        if (cache.size >= capacity) cache.delete(cache.keys().next().value!);
      }
      cache.set(text, statement);
      return statement;
    },
  };
}
