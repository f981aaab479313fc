import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { JobRunner } from '../../platform/jobs/jobs.js';
import type { DomainEvents } from '../events.js';
import type { ChatTables } from './repository.js';

export const TALLY_JOB = 'chat.tally-sent';

/** The lowest UUID v7 of a millisecond: message ids (timeOrderedId) sort by time as strings. */
export function idFloor(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

/**
 * Tells other modules how many messages each person sent, without touching the send path: the
 * message writer stays one transaction per batch of up to 100 messages and publishes nothing
 * (a durable job per message would double the writes at 2,000 messages a second). Instead one
 * durable job a minute, on one node, counts the messages stored since the last tally from chat's
 * own table (a range of the time-ordered primary key) and publishes one 'chat.messages-sent' per
 * sender, in the same transaction that moves the watermark, so each message is counted once even
 * if the tally's node dies. The cost: progress sees chat up to about 75 seconds late.
 */
export function chatTally(deps: { db: Kysely<ChatTables>; jobs: JobRunner; events: DomainEvents; everyMs: number; now?: () => number }) {
  const { db, everyMs } = deps;
  const now = deps.now ?? Date.now;
  // A message counts once its id is this far in the past, so a batch still committing is not passed by.
  const settleMs = Math.min(15_000, everyMs / 4);
  // A chain not heard from for this long died (its job gave up); the next start-up begins another.
  const staleMs = 10 * everyMs;

  async function run(payload: { chain: string }) {
    const state = await db.selectFrom('chat_tally').selectAll().where('name', '=', 'sent').executeTakeFirst();
    // A chain replaced by a newer one (a restart revived it) ends here.
    if (!state || state.chain !== payload.chain) return;
    const upTo = idFloor(now() - settleMs);
    await db
      .transaction()
      .execute(async (tx) => {
        if (upTo > state.last_id) {
          const senders = await tx
            .selectFrom('chat_messages')
            .select([
              'sender_id',
              (eb) => eb.fn.countAll<number>().as('count'),
              (eb) => eb.fn.min('created_at').as('first'),
              (eb) => eb.fn.max('created_at').as('last'),
            ])
            .where('id', '>=', state.last_id)
            .where('id', '<', upTo)
            .groupBy('sender_id')
            .execute();
          for (const s of senders)
            await deps.events.publish(
              tx,
              'chat.messages-sent',
              {
                userId: s.sender_id,
                count: Number(s.count),
                firstAt: new Date(Number(s.first)).toISOString(),
                lastAt: new Date(Number(s.last)).toISOString(),
              },
              `chat.messages-sent:${s.sender_id}:${state.last_id}`,
            );
        }
        const moved = await tx
          .updateTable('chat_tally')
          .set({ last_id: upTo > state.last_id ? upTo : state.last_id, heard_at: now() })
          .where('name', '=', 'sent')
          .where('chain', '=', payload.chain)
          .where('last_id', '=', state.last_id)
          .executeTakeFirst();
        // Another run of this chain got there first: nothing of ours commits.
        if (Number(moved.numUpdatedRows) !== 1) throw new TallyRaced();
        await deps.jobs.enqueue(TALLY_JOB, payload, tx, now() + everyMs);
      })
      .catch((error) => {
        if (!(error instanceof TallyRaced)) throw error;
      });
    deps.events.deliver();
  }

  /** Starts the chain unless a live one exists (checked and set in one conditional write). */
  async function ensure() {
    const at = now();
    const state = await db.selectFrom('chat_tally').selectAll().where('name', '=', 'sent').executeTakeFirst();
    if (state && Number(state.heard_at) > at - staleMs) return;
    const chain = randomUUID();
    await db.transaction().execute(async (tx) => {
      if (!state) {
        // Counting starts now: messages from before progress existed are not replayed.
        const inserted =
          await sql`insert into chat_tally (name, chain, last_id, heard_at) select ${'sent'}, ${chain}, ${idFloor(at)}, ${at} where not exists (select 1 from chat_tally where name = ${'sent'})`.execute(
            tx,
          );
        if (Number(inserted.numAffectedRows ?? 0n) !== 1) return;
      } else {
        const taken = await tx
          .updateTable('chat_tally')
          .set({ chain, heard_at: at })
          .where('name', '=', 'sent')
          .where('chain', '=', state.chain)
          .executeTakeFirst();
        if (Number(taken.numUpdatedRows) !== 1) return;
      }
      await deps.jobs.enqueue(TALLY_JOB, { chain }, tx, at);
    });
  }

  deps.jobs.register(TALLY_JOB, { run });
  return { ensure, run };
}

class TallyRaced extends Error {}
