import type { Kysely } from 'kysely';
import { batchQueue } from '../../platform/db/batches.js';
import { queryShape, queryShapesBySize } from '../../platform/db/query-shape.js';
import { transactionRunner } from '../../platform/db/write-thread.js';
import * as repo from './repository.js';
import type { ChatTables, MessageRow } from './repository.js';

/** More rows than this wait for the next batch. */
const MAX_BATCH = 100;

interface Pending {
  row: MessageRow;
  done: (error?: unknown) => void;
}

/**
 * Stores new messages in batches: one batch is written at a time, and the sends that arrive
 * meanwhile (or in one turn of the event loop) make the next, with one transaction, one seq
 * reservation per room and one INSERT, instead of a transaction each. When a commit is slow (a
 * checkpoint's fsync holding up the log), what waits goes out in one transaction rather than a
 * queue of them. On SQLite that transaction runs on the database's write thread. At 2,000 messages/s the
 * per-message transaction (its statements, its commit, its turn on the connection) was most of
 * the send path. A batch fails as a whole; then its messages already stored (a retried clientId,
 * usually) fail, as they would alone, and the rest is written together again. Any other failure
 * stores each message on its own, so only the one at fault fails.
 */
export function createMessageWriter(db: Kysely<ChatTables>) {
  const runTransaction = transactionRunner(db);

  // The three statements of a batch, compiled once (the last two once per batch size).
  const reserve = queryShape((standIn) => repo.reserveSeqs(db, standIn(), standIn(), standIn()));
  const insert = queryShapesBySize((size, standIn) =>
    repo.insertReserved(
      db,
      Array.from({ length: size }, () => ({
        row: Object.fromEntries(repo.MESSAGE_COLUMNS.map((column) => [column, standIn()])) as MessageRow,
        back: standIn(),
      })),
    ),
  );
  const seqsOf = queryShapesBySize((size, standIn) => repo.seqsOf(db, Array.from({ length: size }, standIn)));

  async function write(rows: MessageRow[]) {
    const byRoom = new Map<string, MessageRow[]>();
    for (const row of rows) {
      const inRoom = byRoom.get(row.room_id);
      if (inRoom) inRoom.push(row);
      else byRoom.set(row.room_id, [row]);
    }
    const rooms = [...byRoom].sort(([a], [b]) => (a < b ? -1 : 1));
    // Each row takes the seq `back` places before its room's new next_seq.
    const insertValues = rooms.flatMap(([, inRoom]) =>
      inRoom.flatMap((row, i) => [...repo.MESSAGE_COLUMNS.map((column) => row[column]), inRoom.length - i]),
    );
    const results = await runTransaction([
      ...rooms.map(([roomId, inRoom]) => reserve([roomId, inRoom.length, inRoom.at(-1)!.created_at])),
      insert(rows.length)(insertValues),
      seqsOf(rows.length)(rows.map((row) => row.id)),
    ]);
    const seqs = new Map((results.at(-1) as { id: string; seq: number }[]).map((r) => [r.id, Number(r.seq)]));
    for (const row of rows) row.seq = seqs.get(row.id)!;
  }

  async function settle(batch: Pending[]): Promise<void> {
    try {
      await write(batch.map((p) => p.row));
      for (const p of batch) p.done();
      return;
    } catch (error) {
      for (const p of batch) p.row.seq = 0;
      if (batch.length === 1) return batch[0]!.done(error);
      // Usually a retried clientId, already stored: fail just those, and write the rest together again.
      const stored = await repo
        .storedClientIds(
          db,
          batch.map((p) => p.row),
        )
        .catch(() => null);
      if (!stored) return batch.forEach((p) => p.done(error));
      const retried = batch.filter((p) => stored.has(repo.clientKey(p.row)));
      if (retried.length) {
        for (const p of retried) p.done(error);
        return settle(batch.filter((p) => !stored.has(repo.clientKey(p.row))));
      }
      // Something else: each message on its own, so only the one at fault fails.
      await Promise.all(batch.map((p) => settle([p])));
    }
  }

  const enqueue = batchQueue(MAX_BATCH, settle);

  return {
    /** Resolves once the row is committed with its seq set; rejects if it cannot be stored. */
    store(row: MessageRow): Promise<void> {
      return new Promise((resolve, reject) => {
        enqueue({ row, done: (error) => (error === undefined ? resolve() : reject(error)) });
      });
    },
  };
}
