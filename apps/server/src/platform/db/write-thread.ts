import type { CompiledQuery, Kysely } from 'kysely';
import { startSqliteWorker } from './sqlite-worker.js';

const WRITE_BODY = `
const statements = new Map();
const prepare = (text) => {
  let statement = statements.get(text);
  if (!statement) statements.set(text, (statement = db.prepare(text)));
  return statement;
};
const run = db.transaction((queries) =>
  queries.map(({ sql, parameters }) => {
    const statement = prepare(sql);
    if (statement.reader) return statement.all(parameters);
    return [{ changes: statement.run(parameters).changes }];
  }),
);
// The checkpoint thread folds the log in while this thread keeps appending, so under steady
// writes the log never ends fully folded, is never started over, and grows without end (a
// gigabyte in 20 s of chat at 2,000 messages/s). So now and then, after a transaction has been
// answered, one checkpoint runs here: it folds in the little the checkpoint thread has not, the
// next transaction starts the log over, and the file is reused from its start. When the
// checkpoint thread holds the checkpoint at that moment, this one is busy and folds nothing, so it
// is tried again after the next transaction: waiting a second instead let the log grow to 290 MB
// at 10,000 notifications a second, and folding that in held writes back for 170 ms.
let folded = Date.now();
parentPort.on('message', (message) => {
  if (message === 'stop') return;
  try {
    parentPort.postMessage({ id: message.id, rows: run(message.queries) });
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: { message: String(error && error.message), code: error && error.code } });
  }
  if (Date.now() - folded >= workerData.foldEveryMs) {
    try {
      if (!db.pragma('wal_checkpoint(PASSIVE)')[0].busy) folded = Date.now();
    } catch {
      // a lock held elsewhere: the next round tries again
    }
  }
});
`;

/**
 * Runs a transaction of compiled statements; each statement's rows come back in order, and for a
 * statement that returns none (an insert, an update), one row of the rows it changed: `{ changes }`.
 */
export type TransactionRunner = (queries: readonly CompiledQuery[]) => Promise<unknown[][]>;

export interface WriteThread {
  run: TransactionRunner;
  /** Set once the thread has died; writes then go through the main connection. */
  readonly failed: boolean;
  stop(): void;
}

/**
 * A second SQLite connection on a worker thread, for the one write that runs at chat's message
 * rate. better-sqlite3 works synchronously: on the main thread each commit (its statements, the
 * log pages it writes) held up every socket of the process, and was the largest part of a chat
 * message's cost. On the worker that work runs on the other core. WAL mode lets the main
 * connection read meanwhile; if both write at once, SQLite's busy timeout makes one wait.
 */
export function startWriteThread(
  file: string,
  pragmas: string[],
  /** How often this thread folds the whole log in itself, so that it starts over. */
  foldEveryMs: number,
): WriteThread {
  const waiting = new Map<number, { resolve(rows: unknown[][]): void; reject(error: Error): void }>();
  let next = 0;
  let failed: Error | null = null;
  const thread = startSqliteWorker({
    file,
    pragmas,
    body: WRITE_BODY,
    data: { foldEveryMs },
    onFailure(reason) {
      failed = new Error(`the database write thread failed: ${reason}`);
      process.emitWarning(`${failed.message}; writes go through the main connection`);
      for (const { reject } of waiting.values()) reject(failed);
      waiting.clear();
    },
  });
  thread.worker.on('message', (reply: { id: number; rows?: unknown[][]; error?: { message: string; code?: string } }) => {
    const call = waiting.get(reply.id);
    if (!call) return;
    waiting.delete(reply.id);
    if (reply.error) call.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
    else call.resolve(reply.rows!);
  });
  return {
    get failed() {
      return failed !== null;
    },
    run(queries) {
      if (failed) return Promise.reject(failed);
      const id = ++next;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        thread.worker.postMessage({ id, queries: queries.map(({ sql, parameters }) => ({ sql, parameters })) });
      });
    },
    stop: thread.stop,
  };
}

const writeThreads = new WeakMap<Kysely<any>, WriteThread>();

export function attachWriteThread(db: Kysely<any>, thread: WriteThread) {
  writeThreads.set(db, thread);
}

/**
 * How to run a write transaction of compiled statements on this database: on its write thread
 * when it has a live one (SQLite files), otherwise as a Kysely transaction (MySQL, where the
 * server process does the work anyway; or a SQLite file whose write thread died).
 */
export function transactionRunner(db: Kysely<any>): TransactionRunner {
  return runner(db, asTransaction(db));
}

const asTransaction =
  (db: Kysely<any>): TransactionRunner =>
  (queries) =>
    db.transaction().execute((tx) => inOrder(tx, queries));

/**
 * How to run statements in order when each may commit on its own (a single insert, then reads of
 * what it committed): on MySQL one connection, without BEGIN and COMMIT, two round trips fewer;
 * on a SQLite write thread as one transaction all the same (one message to the thread).
 */
export function statementRunner(db: Kysely<any>): TransactionRunner {
  return runner(db, (queries) => db.connection().execute((connection) => inOrder(connection, queries)));
}

function runner(db: Kysely<any>, onMainConnection: TransactionRunner): TransactionRunner {
  const thread = writeThreads.get(db);
  // A dead thread's writes go through the main connection, as one transaction either way.
  return thread ? (queries) => (thread.failed ? asTransaction(db)(queries) : thread.run(queries)) : onMainConnection;
}

async function inOrder(executor: Kysely<any>, queries: readonly CompiledQuery[]): Promise<unknown[][]> {
  const results: unknown[][] = [];
  for (const query of queries) results.push(resultRows(await executor.executeQuery(query)));
  return results;
}

/** A statement's rows, or for one that returns none, `{ changes }`. */
function resultRows({ rows, numAffectedRows }: { rows: unknown[]; numAffectedRows?: bigint }): unknown[] {
  return rows.length || numAffectedRows === undefined ? rows : [{ changes: Number(numAffectedRows) }];
}
