import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { sql, type Kysely } from 'kysely';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface JobsTable {
  id: string;
  kind: string;
  payload: string;
  status: JobStatus;
  attempts: number;
  run_after: number;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}
export interface JobsTables {
  jobs: JobsTable;
}

export interface JobContext {
  jobId: string;
  /** 1 on the first run; counts every claim, including ones whose node died. */
  attempt: number;
  /** Aborted when this node stops or loses the job's lease; a handler passes it to its I/O. */
  signal: AbortSignal;
}

/**
 * Runs one job. Handlers must be idempotent: a job whose node died is run again from the start,
 * so a handler keeps its own progress in its module's tables and skips what is already done.
 */
export type JobHandler = (payload: any, context: JobContext) => Promise<void>;

export interface JobKind {
  run: JobHandler;
  /** Called once when the job has failed for the last time, so the module can say so to its user. */
  onGiveUp?: (payload: any, error: string) => Promise<void>;
}

export interface JobOptions {
  pollMs: number;
  leaseMs: number;
  maxAttempts: number;
  /** Jobs this node runs at once. */
  concurrency?: number;
  /** Backoff before the n-th retry: base * 4^(n-1), capped. */
  backoffBaseMs?: number;
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/** Raised inside a handler when the node is stopping; the job is released, not counted as failed. */
class Released extends Error {}

/**
 * A durable job queue kept in the database, so scoring survives restarts and runs on exactly one
 * node at a time. A node claims a job with a conditional UPDATE (only one UPDATE can flip the
 * row), holds it with a lease it renews while the handler runs, and a job whose lease ran out
 * (its node died) is claimable again.
 */
export class JobRunner {
  readonly nodeId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly kinds = new Map<string, JobKind>();
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  /** Settles when the poll in flight has launched or handed back what it claimed. */
  private polled: Promise<void> = Promise.resolve();
  private again = false;
  private stopped = true;
  private prunedAt = 0;

  constructor(
    private readonly db: Kysely<JobsTables>,
    private readonly options: JobOptions,
  ) {}

  register(kind: string, job: JobKind) {
    if (this.kinds.has(kind)) throw new Error(`job kind ${kind} is registered twice`);
    this.kinds.set(kind, job);
  }

  /**
   * Stores a job; pass the caller's transaction so the job exists exactly when the change that
   * asked for it commits. Call `kick()` after the commit to start it at once on this node.
   */
  async enqueue(kind: string, payload: unknown, executor: Kysely<any> = this.db, runAfter = Date.now()): Promise<string> {
    const id = randomUUID();
    const at = Date.now();
    await (executor as Kysely<JobsTables>)
      .insertInto('jobs')
      .values({
        id,
        kind,
        payload: JSON.stringify(payload),
        status: 'queued',
        attempts: 0,
        run_after: runAfter,
        locked_by: null,
        locked_until: null,
        last_error: null,
        created_at: at,
        updated_at: at,
      })
      .execute();
    return id;
  }

  /**
   * Whether a job of this kind whose payload holds `fragment` (a piece of its JSON) is still queued
   * or running, on any node: lets a job wait for work it depends on rather than repeat it.
   */
  async hasUnfinished(kind: string, fragment: string): Promise<boolean> {
    // LIKE's wildcards differ in escaping between SQLite and MariaDB: a fragment may not hold them.
    if (/[%_\\]/.test(fragment)) throw new Error('hasUnfinished: the fragment may not contain %, _ or a backslash');
    const row = await this.db
      .selectFrom('jobs')
      .select('id')
      .where('kind', '=', kind)
      .where('status', 'in', ['queued', 'running'])
      .where('payload', 'like', `%${fragment}%`)
      .executeTakeFirst();
    return !!row;
  }

  /** Jobs of a kind waiting or running (for a periodic job that keeps a single chain of itself). */
  async pending(kind: string): Promise<number> {
    const row = await this.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('kind', '=', kind)
      .where('status', 'in', ['queued', 'running'])
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.kick();
  }

  /** Looks for work now rather than at the next poll. */
  kick() {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    void this.poll();
  }

  /**
   * Stops claiming, asks running handlers to stop, and waits up to `graceMs` for them; each
   * stopped job goes back to the queue for the next node. A handler that ignores its signal is
   * left behind: its lease runs out and another node runs the job again.
   */
  async stop(graceMs = 5000) {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const grace = new Promise((r) => setTimeout(r, graceMs).unref());
    // A poll claiming as the stop came would otherwise start its jobs after the database closed.
    await Promise.race([this.polled, grace]);
    const inFlight = [...this.running.values()];
    for (const job of inFlight) job.controller.abort(new Released('node stopping'));
    await Promise.race([Promise.allSettled(inFlight.map((j) => j.done)), grace]);
  }

  /**
   * Deletes finished jobs older than `keepMs`; failed ones stay for an operator to read. The
   * runner calls it about once an hour, so the table holds days of history, not years.
   */
  async prune(keepMs = 7 * 24 * 3600_000) {
    const result = await this.db
      .deleteFrom('jobs')
      .where('status', '=', 'done')
      .where('updated_at', '<', Date.now() - keepMs)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  private schedule() {
    if (this.stopped) return;
    if (Date.now() - this.prunedAt > 3600_000) {
      this.prunedAt = Date.now();
      void this.prune().catch(() => undefined);
    }
    this.timer = setTimeout(() => void this.poll(), this.options.pollMs);
    this.timer.unref();
  }

  private async poll() {
    if (this.polling) {
      this.again = true;
      return;
    }
    this.polling = true;
    let polled!: () => void;
    this.polled = new Promise((resolve) => (polled = resolve));
    try {
      do {
        this.again = false;
        const free = (this.options.concurrency ?? 2) - this.running.size;
        if (free <= 0 || this.stopped) break;
        const claimed = await this.claim(free);
        if (this.stopped) {
          await Promise.all(claimed.map((job) => this.handBack(job.id)));
          break;
        }
        for (const job of claimed) this.launch(job);
        if (claimed.length === free) this.again = true;
      } while (this.again && !this.stopped);
    } catch (error) {
      // The database may be restarting; the next poll tries again.
      if (!this.stopped) this.options.log?.warn({ err: error }, 'job poll failed');
    } finally {
      this.polling = false;
      polled();
      this.schedule();
    }
  }

  /** The rows this node may run now: due queued jobs, and running jobs whose lease ran out. */
  private claimable(now: number) {
    return sql<boolean>`((status = 'queued' and run_after <= ${now}) or (status = 'running' and locked_until < ${now}))`;
  }

  private async claim(limit: number) {
    const now = Date.now();
    const kinds = [...this.kinds.keys()];
    if (!kinds.length) return [];
    const candidates = await this.db
      .selectFrom('jobs')
      .select(['id'])
      .where('kind', 'in', kinds)
      .where(this.claimable(now))
      .orderBy('run_after')
      .limit(limit * 2)
      .execute();
    const claimed: { id: string; kind: string; payload: string; attempts: number }[] = [];
    for (const { id } of candidates) {
      if (claimed.length >= limit) break;
      // Only one node's UPDATE can match the condition; the others see zero rows changed.
      const result = await this.db
        .updateTable('jobs')
        .set({
          status: 'running',
          locked_by: this.nodeId,
          locked_until: now + this.options.leaseMs,
          attempts: sql`attempts + 1`,
          updated_at: now,
        })
        .where('id', '=', id)
        .where(this.claimable(now))
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) continue;
      const row = await this.db.selectFrom('jobs').select(['id', 'kind', 'payload', 'attempts']).where('id', '=', id).executeTakeFirst();
      if (row) claimed.push({ ...row, attempts: Number(row.attempts) });
    }
    return claimed;
  }

  private launch(job: { id: string; kind: string; payload: string; attempts: number }) {
    const controller = new AbortController();
    const done = this.execute(job, controller).finally(() => {
      this.running.delete(job.id);
      this.kick();
    });
    this.running.set(job.id, { controller, done });
  }

  private async execute(job: { id: string; kind: string; payload: string; attempts: number }, controller: AbortController) {
    const kind = this.kinds.get(job.kind)!;
    const payload = JSON.parse(job.payload);
    const mine = () =>
      this.db.updateTable('jobs').where('id', '=', job.id).where('locked_by', '=', this.nodeId).where('status', '=', 'running');
    if (job.attempts > this.options.maxAttempts) {
      // A job that keeps killing its node (or whose nodes keep dying) ends here.
      await this.giveUp(job, kind, payload, 'gave up after its node stopped responding too often', mine);
      return;
    }
    const heartbeat = setInterval(
      () => {
        void mine()
          .set({ locked_until: Date.now() + this.options.leaseMs, updated_at: Date.now() })
          .executeTakeFirst()
          .then((r) => {
            if (Number(r.numUpdatedRows) !== 1) controller.abort(new Error('lease lost to another node'));
          })
          .catch(() => undefined);
      },
      Math.max(100, Math.floor(this.options.leaseMs / 3)),
    );
    heartbeat.unref();
    try {
      await kind.run(payload, { jobId: job.id, attempt: job.attempts, signal: controller.signal });
      await mine().set({ status: 'done', locked_by: null, locked_until: null, last_error: null, updated_at: Date.now() }).execute();
    } catch (error) {
      const reason = controller.signal.aborted ? controller.signal.reason : error;
      if (reason instanceof Released) {
        await this.handBack(job.id);
        return;
      }
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
      if (job.attempts >= this.options.maxAttempts) {
        await this.giveUp(job, kind, payload, message, mine);
      } else {
        const delay = Math.min((this.options.backoffBaseMs ?? 1000) * 4 ** (job.attempts - 1), 10 * 60_000);
        this.options.log?.warn({ jobId: job.id, kind: job.kind, attempt: job.attempts, err: error }, 'job failed; will retry');
        await mine()
          .set({
            status: 'queued',
            locked_by: null,
            locked_until: null,
            last_error: message,
            run_after: Date.now() + delay,
            updated_at: Date.now(),
          })
          .execute()
          .catch(() => undefined);
      }
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Shutting down is not the job's fault: the job goes back to the queue without counting the attempt. */
  private async handBack(id: string) {
    await this.db
      .updateTable('jobs')
      .where('id', '=', id)
      .where('locked_by', '=', this.nodeId)
      .where('status', '=', 'running')
      .set({
        status: 'queued',
        locked_by: null,
        locked_until: null,
        attempts: sql`attempts - 1`,
        run_after: Date.now(),
        updated_at: Date.now(),
      })
      .execute()
      .catch(() => undefined);
  }

  private async giveUp(
    job: { id: string; kind: string },
    kind: JobKind,
    payload: unknown,
    message: string,
    mine: () => ReturnType<Kysely<JobsTables>['updateTable']>,
  ) {
    this.options.log?.error({ jobId: job.id, kind: job.kind, error: message }, 'job failed for the last time');
    const result = await (mine() as any)
      .set({ status: 'failed', locked_by: null, locked_until: null, last_error: message, updated_at: Date.now() })
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) await kind.onGiveUp?.(payload, message).catch(() => undefined);
  }

  /** For status pages and tests: the stored state of one job. */
  async find(id: string) {
    return this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  }
}
