import type { JobRunner } from './jobs.js';

/**
 * A durable job that runs every `everyMs` on one node at a time, kept as a single chain: each run
 * queues the next; a node starting with none queued starts one (`ensure`, on ready); a run that
 * finds another queued (two nodes started at once) ends its own chain, so one remains. A run that
 * failed for the last time still queues the next, so an outage of a day does not end the chain.
 */
export function periodicJob(jobs: JobRunner, kind: string, everyMs: number, run: () => Promise<void>) {
  const queueNext = async (others: number) => {
    if ((await jobs.pending(kind)) <= others) await jobs.enqueue(kind, {}, undefined, Date.now() + everyMs);
  };
  jobs.register(kind, {
    async run() {
      await run();
      // This run is still counted as running.
      await queueNext(1);
    },
    // By now this run is marked failed: it no longer counts.
    onGiveUp: () => queueNext(0),
  });
  return {
    async ensure() {
      if ((await jobs.pending(kind)) === 0) await jobs.enqueue(kind, {});
    },
  };
}
