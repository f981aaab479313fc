// A server node that claims one job and then hangs in its handler, so the jobs test can kill it
// with SIGKILL mid-job: a real crash, with no chance to hand the job back.
import { openDatabase, type DatabaseTarget } from '../../src/platform/db/database.js';
import { JobRunner, type JobsTables } from '../../src/platform/jobs/jobs.js';

const target = JSON.parse(process.env.CRASH_DB_TARGET!) as DatabaseTarget;
const db = await openDatabase<JobsTables>(target);
const runner = new JobRunner(db, { pollMs: 50, leaseMs: Number(process.env.CRASH_LEASE_MS ?? 1000), maxAttempts: 3 });
runner.register('test.work', {
  run: async (payload: { n: number }) => {
    process.stdout.write(`claimed ${payload.n}\n`);
    await new Promise(() => undefined);
  },
});
runner.start();
