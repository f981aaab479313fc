import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  type DatabaseIntrospector,
  type DialectAdapter,
  type QueryCompiler,
  DummyDriver,
  Kysely,
  MysqlAdapter,
  MysqlIntrospector,
  MysqlQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import { queryShape, queryShapesBySize } from '../src/platform/db/query-shape.js';
import * as repo from '../src/modules/chat/repository.js';
import type { AuthorizedRoomId } from '../src/modules/chat/policy.js';
import type { ChatTables, MessageRow } from '../src/modules/chat/repository.js';
import * as notifyRepo from '../src/modules/notifications/repository.js';
import type { NotificationsTables } from '../src/modules/notifications/repository.js';

/** A Kysely that compiles for a dialect and runs nothing. */
const compilerOnly = (adapter: DialectAdapter, compiler: QueryCompiler, introspector: (db: Kysely<any>) => DatabaseIntrospector) =>
  new Kysely<ChatTables>({
    dialect: {
      createAdapter: () => adapter,
      createDriver: () => new DummyDriver(),
      createIntrospector: introspector,
      createQueryCompiler: () => compiler,
    },
  });
const dialects = {
  mysql: compilerOnly(new MysqlAdapter(), new MysqlQueryCompiler(), (db) => new MysqlIntrospector(db)),
  sqlite: compilerOnly(new SqliteAdapter(), new SqliteQueryCompiler(), (db) => new SqliteIntrospector(db)),
};

const row = fc.record({
  id: fc.uuid(),
  room_id: fc.constantFrom(randomUUID(), randomUUID()),
  seq: fc.nat(),
  sender_id: fc.uuid(),
  client_id: fc.string({ minLength: 8, maxLength: 64 }),
  kind: fc.constantFrom('text', 'correction', 'image'),
  body: fc.string(),
  original_text: fc.option(fc.string()),
  reply_to_id: fc.option(fc.uuid()),
  attachment_id: fc.option(fc.uuid()),
  created_at: fc.nat(),
  edited_at: fc.option(fc.nat()),
  deleted_at: fc.option(fc.nat()),
  screened: fc.constantFrom(0, 1),
}) satisfies fc.Arbitrary<MessageRow>;

describe.each(Object.entries(dialects))('query shapes [%s]', (_name, db) => {
  it('compile to what Kysely compiles for the same values', () => {
    const reserve = queryShape((standIn) => repo.reserveSeqs(db, standIn(), standIn(), standIn()));
    fc.assert(
      fc.property(fc.uuid(), fc.integer({ min: 1, max: 100 }), fc.nat(), (roomId, count, at) => {
        const expected = repo.reserveSeqs(db, roomId as AuthorizedRoomId, count, at);
        expect(reserve([roomId, count, at])).toMatchObject({ sql: expected.sql, parameters: expected.parameters });
      }),
    );
    // One shape per row count, reused for every batch of that size.
    const insert = queryShapesBySize((size, standIn) =>
      repo.insertReserved(
        db,
        Array.from({ length: size }, () => ({
          row: Object.fromEntries(repo.MESSAGE_COLUMNS.map((c) => [c, standIn()])) as MessageRow,
          back: standIn(),
        })),
      ),
    );
    fc.assert(
      fc.property(fc.array(fc.record({ row, back: fc.integer({ min: 1, max: 100 }) }), { minLength: 1, maxLength: 8 }), (rows) => {
        const values = rows.flatMap(({ row, back }) => [...repo.MESSAGE_COLUMNS.map((c) => row[c]), back]);
        const expected = repo.insertReserved(db, rows);
        expect(insert(rows.length)(values)).toMatchObject({ sql: expected.sql, parameters: expected.parameters });
      }),
    );
  });

  it('give the SQL for any size of a multi-row insert or an IN list from one repeated piece', () => {
    const notifications = db as unknown as Kysely<NotificationsTables>;
    const insert = queryShapesBySize((size, standIn) =>
      notifyRepo.insertIgnoringRepeats(
        notifications,
        Array.from({ length: size }, () => Object.fromEntries(notifyRepo.NOTIFICATION_COLUMNS.map((c) => [c, standIn()])) as never),
      ),
    );
    const addUnread = queryShapesBySize((size, standIn) => notifyRepo.addUnread(notifications, Array.from({ length: size }, standIn)));
    // A fixed value after the list: not values in order, so shaped per size.
    const inRoom = queryShapesBySize((size, standIn) =>
      db
        .selectFrom('chat_messages')
        .select('id')
        .where('id', 'in', Array.from({ length: size }, standIn))
        .where('room_id', '=', 'room')
        .compile(),
    );
    for (const size of [1, 2, 4, 5, 64, 499, 2000]) {
      const rows = Array.from({ length: size }, (_, i) => ({
        id: `n${i}`,
        user_id: `u${i % 7}`,
        content_id: 'c',
        read_at: null,
        created_at: i,
      }));
      const ids = rows.map((r) => r.id);
      const expectedInsert = notifyRepo.insertIgnoringRepeats(notifications, rows);
      const values = rows.flatMap((r) => notifyRepo.NOTIFICATION_COLUMNS.map((c) => r[c]));
      expect(insert(size)(values)).toMatchObject({ sql: expectedInsert.sql, parameters: expectedInsert.parameters });
      const expectedUnread = notifyRepo.addUnread(notifications, ids);
      expect(addUnread(size)(ids)).toMatchObject({ sql: expectedUnread.sql, parameters: expectedUnread.parameters });
      const expectedInRoom = db.selectFrom('chat_messages').select('id').where('id', 'in', ids).where('room_id', '=', 'room').compile();
      expect(inRoom(size)(ids)).toMatchObject({ sql: expectedInRoom.sql, parameters: expectedInRoom.parameters });
    }
    expect(() => addUnread(3)(['a', 'b'])).toThrow(/takes 3 values/);
  });

  it('refuses the wrong number of values', () => {
    const shape = queryShape((standIn) => repo.seqsOf(db, [standIn(), standIn()]));
    expect(() => shape(['only one'])).toThrow(/takes 2 values/);
  });
});
