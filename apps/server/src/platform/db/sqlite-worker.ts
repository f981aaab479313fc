import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface SqliteWorker {
  worker: Worker;
  stop(): void;
}

/**
 * A thread with its own connection to a SQLite file, for disk work that must stay off the event
 * loop. `body` is CommonJS run with `eval`, so the same source works from the esbuild bundle and
 * under tsx. It sees `db` (with `pragmas` applied), `parentPort`, `workerData` (`data`) and
 * `onStop`, a list of functions run before the connection closes on `stop()`. `onFailure` hears of
 * an error or an exit that `stop()` did not ask for.
 */
export function startSqliteWorker(options: {
  file: string;
  pragmas: string[];
  body: string;
  data?: Record<string, unknown>;
  onFailure(error: string): void;
}): SqliteWorker {
  const source = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const db = new SQLite(workerData.file);
for (const pragma of workerData.pragmas) db.pragma(pragma);
const onStop = [];
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  for (const run of onStop) run();
  db.close();
  parentPort.close();
});
${options.body}
`;
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(source, { eval: true, workerData: { ...options.data, driver, file: options.file, pragmas: options.pragmas } });
  worker.unref();
  let stopping = false;
  worker.on('error', (error) => options.onFailure(String(error)));
  worker.on('exit', (code) => {
    if (!stopping) options.onFailure(`the worker exited with ${code}`);
  });
  return {
    worker,
    stop() {
      stopping = true;
      worker.postMessage('stop');
    },
  };
}
