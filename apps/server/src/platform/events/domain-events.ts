import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { JobRunner } from '../jobs/jobs.js';

/** One fact as its subscribers receive it: `id` is the same on every delivery, so handlers dedupe by it. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  id: string;
  type: Type;
  /** When the fact was committed (ISO instant). */
  at: string;
  data: Data;
}

export type EventHandler<Data> = (event: DomainEvent<string, Data>) => Promise<void>;

/**
 * Facts one module tells the others (a call ended, a mate was added), typed by a catalogue
 * (`modules/events.ts`). `publish` stores one durable job per subscriber in the publisher's
 * transaction, an outbox kept in the job table: the event exists exactly when the fact commits,
 * a crash before delivery loses nothing, and one subscriber failing retries only itself. Delivery
 * is at least once, so every handler is idempotent by `event.id`.
 */
export class DomainEvents<Catalogue extends Record<string, unknown>> {
  private readonly subscribers = new Map<keyof Catalogue, string[]>();

  constructor(private readonly jobs: JobRunner) {}

  /**
   * Subscribes `subscriber` (a module's name) to `type`. Call it while wiring, before the app
   * serves: an event published earlier has no job for a subscriber that came later.
   */
  on<T extends keyof Catalogue & string>(type: T, subscriber: string, handler: EventHandler<Catalogue[T]>) {
    const names = this.subscribers.get(type) ?? [];
    if (names.includes(subscriber)) throw new Error(`${subscriber} subscribes to ${type} twice`);
    this.subscribers.set(type, [...names, subscriber]);
    this.jobs.register(jobKind(type, subscriber), { run: (event: DomainEvent<T, Catalogue[T]>) => handler(event) });
  }

  /**
   * Records the fact for every subscriber, inside `executor` (the caller's transaction). Outside a
   * transaction the delivery starts at once; inside one, call `deliver()` after the commit (else
   * the next poll of the job runner picks it up).
   */
  async publish<T extends keyof Catalogue & string>(executor: Kysely<any>, type: T, data: Catalogue[T], id: string = randomUUID()) {
    const event: DomainEvent<T, Catalogue[T]> = { id, type, at: new Date().toISOString(), data };
    for (const subscriber of this.subscribers.get(type) ?? []) await this.jobs.enqueue(jobKind(type, subscriber), event, executor);
    if (!executor.isTransaction) this.deliver();
    return event;
  }

  /** Starts delivering what was published, now rather than at the next poll. */
  deliver() {
    this.jobs.kick();
  }
}

const jobKind = (type: string, subscriber: string) => `event:${type}:${subscriber}`;
