import { startSqliteWorker, type SqliteWorker } from './sqlite-worker.js';

const CHECKPOINT_BODY = `
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage(String(error));
  }
}, workerData.intervalMs);
onStop.push(() => clearInterval(timer));
`;

export type Checkpointer = Pick<SqliteWorker, 'stop'>;

/**
 * SQLite in WAL mode copies the log back into the database file at checkpoints, with an fsync.
 * Left to itself it does that inside whichever COMMIT crosses 1,000 pages, on the event loop,
 * where a slow disk stalls every request and socket of the process at once. So the main
 * connection never checkpoints (`onFailure` turns that back on); a worker thread with its own
 * connection runs a PASSIVE checkpoint, which waits for no reader or writer, every interval.
 * Small and often: while a checkpoint's fsync flushes, ext4's journal holds back the writers'
 * log appends too; a second's worth of chat at 3,000 messages/s held commits back by 50-100 ms,
 * a tenth of a second's worth by a few (`bench/stomp-fanout.mjs`, p99 per second). Under steady
 * writes a checkpoint here never ends with the whole log folded in, so the log would never start
 * over: the write thread folds the rest in itself once a second (write-thread.ts).
 */
export function startCheckpointer(file: string, onFailure: (error: string) => void, intervalMs = 100): Checkpointer {
  const checkpointer = startSqliteWorker({
    file,
    pragmas: ['busy_timeout = 1000'],
    body: CHECKPOINT_BODY,
    data: { intervalMs },
    onFailure,
  });
  checkpointer.worker.on('message', (error: string) => onFailure(error));
  return checkpointer;
}
