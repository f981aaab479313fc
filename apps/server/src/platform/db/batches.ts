/**
 * A queue written one batch at a time: what arrives while a batch is being written (or within
 * one turn of the event loop) makes the next batch, up to `maxBatch` items. Under load, a slow
 * commit then gathers what waits into one transaction instead of a queue of them. `write` must
 * settle every item it is given, and never reject.
 */
export function batchQueue<T>(maxBatch: number, write: (batch: T[]) => Promise<void>): (item: T) => void {
  const pending: T[] = [];
  let writing = false;
  function flush() {
    if (writing || !pending.length) return;
    writing = true;
    void write(pending.splice(0, maxBatch)).finally(() => {
      writing = false;
      flush();
    });
  }
  return (item) => {
    if (pending.push(item) === 1) setImmediate(flush);
  };
}
