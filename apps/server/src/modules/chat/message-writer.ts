import type { Kysely } from 'kysely';
import { transactionRunner } from '../../platform/db/write-thread.js';
import type { AuthorizedRoomId } from './policy.js';
import * as repo from './repository.js';
import type { ChatTables, MessageRow } from './repository.js';

/** More rows than this wait for the next batch. */
const MAX_BATCH = 100;

interface Pending {
  row: MessageRow;
  done: (error?: unknown) => void;
}

/**
 * Stores new messages in batches: the sends that arrive in one turn of the event loop share one
 * transaction, one seq reservation per room and one INSERT, instead of a transaction each, and
 * on SQLite that transaction runs on the database's write thread. At 2,000 messages/s the
 * per-message transaction (its statements, its commit, its turn on the connection) was most of
 * the send path. A batch fails as a whole: then each of its messages is
 * stored on its own, so only the one at fault (a retried clientId, usually) fails, as before.
 */
export function createMessageWriter(db: Kysely<ChatTables>) {
  const pending: Pending[] = [];

  const runTransaction = transactionRunner(db);

  async function write(rows: MessageRow[]) {
    const byRoom = new Map<string, MessageRow[]>();
    for (const row of rows) byRoom.set(row.room_id, [...(byRoom.get(row.room_id) ?? []), row]);
    const rooms = [...byRoom.keys()].sort();
    const numbered = rooms.flatMap((roomId) => byRoom.get(roomId)!.map((row, i, inRoom) => ({ row, back: inRoom.length - i })));
    const results = await runTransaction([
      ...rooms.map((roomId) => {
        const inRoom = byRoom.get(roomId)!;
        return repo.reserveSeqs(db, roomId as AuthorizedRoomId, inRoom.length, inRoom.at(-1)!.created_at);
      }),
      repo.insertReserved(db, numbered),
      repo.seqsOf(
        db,
        rows.map((row) => row.id),
      ),
    ]);
    const seqs = new Map((results.at(-1) as { id: string; seq: number }[]).map((r) => [r.id, Number(r.seq)]));
    for (const row of rows) row.seq = seqs.get(row.id)!;
  }

  async function flush() {
    const batch = pending.splice(0, MAX_BATCH);
    if (pending.length) setImmediate(flush);
    try {
      await write(batch.map((p) => p.row));
      for (const p of batch) p.done();
    } catch (error) {
      if (batch.length === 1) return batch[0]!.done(error);
      for (const p of batch) {
        p.row.seq = 0;
        write([p.row]).then(
          () => p.done(),
          (alone: unknown) => p.done(alone),
        );
      }
    }
  }

  return {
    /** Resolves once the row is committed with its seq set; rejects if it cannot be stored. */
    store(row: MessageRow): Promise<void> {
      return new Promise((resolve, reject) => {
        if (pending.push({ row, done: (error) => (error === undefined ? resolve() : reject(error)) }) === 1) setImmediate(flush);
      });
    },
  };
}
