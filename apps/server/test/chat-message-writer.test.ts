import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/database.js';
import { migrations } from '../src/migrations/index.js';
import { createMessageWriter } from '../src/modules/chat/message-writer.js';
import type { ChatTables, MessageRow } from '../src/modules/chat/repository.js';
import { openDatabase } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrate.js';
import { until } from './helpers/wait.js';

for (const where of ['in memory, as a Kysely transaction', 'in a file, on the write thread'] as const) {
  describe(`chat message writer (${where})`, () => {
    let db: Kysely<Database>;
    let transactions = 0;
    let dir: string;
    let n = 0;
    const row = (roomId: string, senderId: string, clientId = `c${++n}`): MessageRow => ({
      id: `m${++n}`,
      room_id: roomId,
      seq: 0,
      sender_id: senderId,
      client_id: clientId,
      kind: 'text',
      body: `message ${n}`,
      original_text: null,
      reply_to_id: null,
      attachment_id: null,
      created_at: Date.now(),
      edited_at: null,
      deleted_at: null,
      screened: 0,
    });
    /** The seqs a room had, then `count` more in order. */
    const following = (had: number[], count: number) => [...had, ...Array.from({ length: count }, (_, i) => had.length + i + 1)];
    const seqsOf = async (roomId: string) =>
      (await db.selectFrom('chat_messages').select('seq').where('room_id', '=', roomId).orderBy('seq').execute()).map((r) => Number(r.seq));

    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'studymate-writer-'));
      db = await openDatabase<Database>({
        kind: 'sqlite',
        file: where.startsWith('in memory') ? ':memory:' : path.join(dir, 'studymate.db'),
      });
      await migrateToLatest(db, migrations);
      const user = (id: string) => ({
        id,
        email: `${id}@example.test`,
        display_name: id,
        role: 'user' as const,
        status: 'active' as const,
        created_at: 0,
        terms_accepted_at: 0,
        marketing_consent: 0,
        deleted_at: null,
      });
      await db
        .insertInto('users')
        .values([user('minji'), user('alex')])
        .execute();
      await db
        .insertInto('chat_rooms')
        .values(
          ['r1', 'r2'].map((id) => ({
            id,
            kind: 'group' as const,
            name: id,
            owner_id: 'minji',
            direct_key: null,
            next_seq: 1,
            created_at: 0,
            last_message_at: null,
          })),
        )
        .execute();
      const open = db.transaction.bind(db);
      db.transaction = () => (transactions++, open());
    });
    afterAll(async () => {
      await db?.destroy();
      // The write and checkpoint threads close their connections (removing -wal/-shm) just after
      // destroy() returns: retried, the removal does not trip over files vanishing beside it.
      rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
    });

    it('stores the sends of one turn in one transaction, numbered densely per room', async () => {
      const writer = createMessageWriter(db as unknown as Kysely<ChatTables>);
      const [r1, r2] = [await seqsOf('r1'), await seqsOf('r2')];
      const before = transactions;
      const rows = Array.from({ length: 12 }, (_, i) => row(i % 3 ? 'r1' : 'r2', i % 2 ? 'alex' : 'minji'));
      await Promise.all(rows.map((r) => writer.store(r)));
      // The write thread runs its own transactions; on the main connection, count them.
      if (where.startsWith('in memory')) expect(transactions - before).toBe(1);
      expect(await seqsOf('r1')).toEqual(following(r1, 8));
      expect(await seqsOf('r2')).toEqual(following(r2, 4));
      // Each row carries the seq it was stored with.
      expect(rows.filter((r) => r.room_id === 'r2').map((r) => r.seq)).toEqual(following(r2, 4).slice(r2.length));
    });

    it.runIf(where.startsWith('in memory'))('writes one batch at a time; what arrives meanwhile goes in the next one', async () => {
      const writer = createMessageWriter(db as unknown as Kysely<ChatTables>);
      const counting = db.transaction;
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let started = 0;
      // The first transaction waits for the test to let it go, as a slow commit would.
      db.transaction = () => {
        const builder = counting();
        if (++started > 1) return builder;
        return Object.assign(Object.create(builder), {
          execute: async (work: Parameters<typeof builder.execute>[0]) => {
            await held;
            return builder.execute(work);
          },
        });
      };
      try {
        const first = writer.store(row('r1', 'minji'));
        await until('the first batch is being written', () => started === 1);
        const later = Array.from({ length: 5 }, () => writer.store(row('r2', 'alex')));
        await new Promise((resolve) => setImmediate(resolve));
        expect(started).toBe(1);
        release();
        await Promise.all([first, ...later]);
        expect(started).toBe(2);
      } finally {
        db.transaction = counting;
      }
    });

    it('fails only a retried message in a batch, and writes the rest together', async () => {
      const writer = createMessageWriter(db as unknown as Kysely<ChatTables>);
      const stored = row('r1', 'minji');
      await writer.store(stored);
      const [r1, r2] = [await seqsOf('r1'), await seqsOf('r2')];
      const before = transactions;
      const batch = [row('r1', 'alex'), row('r1', 'minji', stored.client_id), row('r2', 'alex'), row('r1', 'alex')];
      const results = await Promise.allSettled(batch.map((r) => writer.store(r)));
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      // The failed batch, then the other three in one more transaction: not one each.
      if (where.startsWith('in memory')) expect(transactions - before).toBe(2);
      // No seq was taken by the failed batch or the refused message: still dense.
      expect(await seqsOf('r1')).toEqual(following(r1, 2));
      expect(await seqsOf('r2')).toEqual(following(r2, 1));
    });
  });
}
