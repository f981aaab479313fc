import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import { isMysql } from './database.js';

/**
 * Creates a table that behaves the same on MySQL/MariaDB and SQLite: on MySQL it is InnoDB with
 * utf8mb4_unicode_ci, whatever the server's defaults are.
 */
export function createTable(db: Kysely<any>, name: string): CreateTableBuilder<string, never> {
  const builder = db.schema.createTable(name);
  return isMysql(db) ? builder.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_unicode_ci`) : builder;
}
