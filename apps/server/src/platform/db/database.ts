import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { startCheckpointer } from './checkpointer.js';
import { attachWriteThread, startWriteThread } from './write-thread.js';
import {
  CompiledQuery,
  Kysely,
  MysqlAdapter,
  MysqlDialect,
  SqliteDialect,
  SqliteDriver,
  sql,
  type DatabaseConnection,
  type SqliteDatabase,
  type SqliteDialectConfig,
  type SqliteStatement,
} from 'kysely';

/** The SQLite log (WAL) is cut back to this size whenever it starts over. */
const LOG_LIMIT_BYTES = 64 * 1024 * 1024;

export type DatabaseTarget = { kind: 'mysql'; url: string } | { kind: 'sqlite'; file: string };

/**
 * Opens the one database STUDYMATE uses. Instants are stored as epoch milliseconds (BIGINT) on
 * both dialects, so no driver or session time zone can shift them.
 */
export async function openDatabase<DB>(target: DatabaseTarget): Promise<Kysely<DB>> {
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
    return new Kysely<DB>({ dialect: new MysqlDialect({ pool }) });
  }
  if (target.file !== ':memory:') mkdirSync(path.dirname(target.file), { recursive: true });
  const file = new SQLite(target.file);
  // WAL lets readers proceed while a write commits; busy_timeout rides out short write locks.
  // Temporary storage in memory: a multi-row INSERT's statement journal spilled to a temp file
  // at a few rows, about ten thousand small writes a second at 3,000 chat messages/s.
  // The log is cut back to 64 MB whenever a writer starts it over; every writing connection needs
  // the limit, or a burst (ten thousand sign-ins) leaves it at its largest for good.
  const pragmas = [
    'journal_mode = WAL',
    'synchronous = NORMAL',
    'busy_timeout = 5000',
    'foreign_keys = ON',
    'temp_store = MEMORY',
    `journal_size_limit = ${LOG_LIMIT_BYTES}`,
  ];
  for (const pragma of pragmas) file.pragma(pragma);
  // 64 MB of page cache instead of 2: chat's indexes are keyed by random ids, so their pages
  // are touched everywhere.
  file.pragma('cache_size = -65536');
  if (target.file === ':memory:') return new Kysely<DB>({ dialect: new WritingSqliteDialect({ database: withStatementCache(file) }) });

  file.pragma('wal_autocheckpoint = 0');
  const checkpointer = startCheckpointer(target.file, (error) => {
    process.emitWarning(`SQLite checkpoints are back on the main thread: ${error}`);
    if (file.open) file.pragma('wal_autocheckpoint = 1000');
  });
  const writer = startWriteThread(target.file, [...pragmas, 'cache_size = -16384', 'wal_autocheckpoint = 0'], 1000);
  const cached = withStatementCache(file);
  const database = {
    ...cached,
    close() {
      writer.stop();
      checkpointer.stop();
      cached.close();
    },
  };
  const db = new Kysely<DB>({ dialect: new WritingSqliteDialect({ database }) });
  attachWriteThread(db, writer);
  return db;
}

/**
 * Transactions on the main SQLite connection begin IMMEDIATE, taking the write lock before their
 * first read. A deferred one that read, then wrote after the write thread had committed, failed at
 * once with SQLITE_BUSY_SNAPSHOT, which busy_timeout does not wait out (one of six people
 * accepting a session at the same moment got a 500). Transactions here exist to write.
 */
class WritingSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver() {
    return new WritingSqliteDriver(this.#config);
  }
}

class WritingSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

export const isMysql = (db: Kysely<any>) => db.getExecutor().adapter instanceof MysqlAdapter;

/**
 * A transaction that locks only the rows it touches: READ COMMITTED on MySQL/MariaDB (SQLite has
 * one writer and ignores the level). Under InnoDB's default REPEATABLE READ, a delete or update by
 * a condition that is not a whole unique key (a person's rows by user_id) also locks the gaps
 * around what it scanned, and an insert into a locked gap waits: people saving their first rows at
 * the same moment, whose rows fall in the same gap, locked each other's inserts (issue 11: ten
 * people onboarding at once deadlocked and got a 500). Use it where a transaction replaces a set
 * of rows; its reads see what others committed meanwhile, so it must not rely on one snapshot.
 * Binary logging, where on, must be ROW or MIXED (the defaults of MariaDB and MySQL 8).
 */
export const rowLockTransaction = <DB>(db: Kysely<DB>) => db.transaction().setIsolationLevel('read committed');

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
