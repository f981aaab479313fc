import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// CommonJS, run with `eval`: the same source works from the esbuild bundle and under tsx.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const db = new SQLite(workerData.file);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage(String(error));
  }
}, workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  stop(): void;
}

/**
 * SQLite in WAL mode copies the log back into the database file at checkpoints, with an fsync.
 * Left to itself it does that inside whichever COMMIT crosses 1,000 pages, on the event loop,
 * where a slow disk stalls every request and socket of the process at once. So the main
 * connection never checkpoints (`onFailure` turns that back on); a worker thread with its own
 * connection runs a PASSIVE checkpoint, which waits for no reader or writer, every interval.
 * Small and often: while a checkpoint's fsync flushes, ext4's journal holds back the writers'
 * log appends too; a second's worth of chat at 3,000 messages/s held commits back by 50-100 ms,
 * a tenth of a second's worth by a few (`bench/stomp-fanout.mjs`, p99 per second).
 */
export function startCheckpointer(file: string, onFailure: (error: string) => void, intervalMs = 100): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file, intervalMs } });
  worker.unref();
  let stopping = false;
  worker.on('message', (error: string) => onFailure(error));
  worker.on('error', (error) => onFailure(String(error)));
  worker.on('exit', (code) => {
    if (!stopping) onFailure(`checkpoint worker exited with ${code}`);
  });
  return {
    stop() {
      stopping = true;
      worker.postMessage('stop');
    },
  };
}
