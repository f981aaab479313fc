import { sql, type Kysely, type Selectable } from 'kysely';
import type { CallKind, CallState } from '@studymate/contracts';

export interface CallsTable {
  id: string;
  kind: CallKind;
  state: CallState;
  caller_id: string;
  callee_id: string;
  room_id: string | null;
  session_id: string | null;
  starts_at: number | null;
  ends_at: number | null;
  open_key: string | null;
  created_at: number;
  answered_at: number | null;
  ended_at: number | null;
  connected_ms: number | null;
}
export interface CallLegsTable {
  id: string;
  call_id: string;
  user_id: string;
  connection_id: string;
  joined_at: number;
  left_at: number | null;
  /** When the node holding this leg last vouched for it (it does every few seconds while the leg is open). */
  seen_at: number | null;
}
export interface CallRatingsTable {
  call_id: string;
  rater_id: string;
  ratee_id: string;
  stars: number;
  talk_again: number;
  note: string | null;
  created_at: number;
}
export interface CallsTables {
  calls: CallsTable;
  call_legs: CallLegsTable;
  call_ratings: CallRatingsTable;
}
export type CallRow = Selectable<CallsTable>;
export type LegRow = Selectable<CallLegsTable>;
type Db = Kysely<CallsTables>;

export const insertCall = (db: Db, row: CallsTable) => db.insertInto('calls').values(row).execute();

export const findCall = (db: Db, id: string) => db.selectFrom('calls').selectAll().where('id', '=', id).executeTakeFirst();

export const findOpenCall = (db: Db, openKey: string) =>
  db.selectFrom('calls').selectAll().where('open_key', '=', openKey).executeTakeFirst();

/** Moves a call from one state to another; false when another node moved it first. */
export async function moveCall(db: Db, id: string, from: CallState[], changes: Partial<CallsTable>): Promise<boolean> {
  const result = await db.updateTable('calls').set(changes).where('id', '=', id).where('state', 'in', from).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export const insertLeg = (db: Db, row: CallLegsTable) => db.insertInto('call_legs').values(row).execute();

export const legsOf = (db: Db, callId: string) =>
  db.selectFrom('call_legs').selectAll().where('call_id', '=', callId).orderBy('joined_at').execute();

/**
 * Closes a participant's open legs (one connection, or all of theirs in the call). With
 * `staleBefore`, a leg its node stopped vouching for before then (the node died) ends when it was
 * last seen, not now: the time after that was not time together.
 */
export async function closeLegs(
  db: Db,
  callId: string,
  at: number,
  which: { userId?: string; connectionId?: string } = {},
  staleBefore?: number,
): Promise<number> {
  const leftAt =
    staleBefore === undefined ? at : sql<number>`case when seen_at is not null and seen_at < ${staleBefore} then seen_at else ${at} end`;
  let query = db.updateTable('call_legs').set({ left_at: leftAt }).where('call_id', '=', callId).where('left_at', 'is', null);
  if (which.userId) query = query.where('user_id', '=', which.userId);
  if (which.connectionId) query = query.where('connection_id', '=', which.connectionId);
  return Number((await query.executeTakeFirst()).numUpdatedRows);
}

/** This node still holds these legs: they are seen now. */
export async function markSeen(db: Db, legIds: string[], at: number) {
  for (let i = 0; i < legIds.length; i += 500)
    await db
      .updateTable('call_legs')
      .set({ seen_at: at })
      .where('id', 'in', legIds.slice(i, i + 500))
      .where('left_at', 'is', null)
      .execute();
}

/** Open legs no node has vouched for since `before`: their node died without closing them. */
export const staleLegs = (db: Db, before: number) =>
  db
    .selectFrom('call_legs')
    .select(['id', 'call_id', 'user_id', 'seen_at'])
    .where('left_at', 'is', null)
    .where('seen_at', '<', before)
    .limit(500)
    .execute();

/** Closes one leg at `at` unless it is already closed; false when another node got there first. */
export async function closeLeg(db: Db, legId: string, at: number): Promise<boolean> {
  const result = await db
    .updateTable('call_legs')
    .set({ left_at: at })
    .where('id', '=', legId)
    .where('left_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export const findRating = (db: Db, callId: string, raterId: string) =>
  db.selectFrom('call_ratings').selectAll().where('call_id', '=', callId).where('rater_id', '=', raterId).executeTakeFirst();

export async function saveRating(db: Db, row: CallRatingsTable) {
  await db.deleteFrom('call_ratings').where('call_id', '=', row.call_id).where('rater_id', '=', row.rater_id).execute();
  await db.insertInto('call_ratings').values(row).execute();
}

export const callsOf = (db: Db, userId: string, limit: number) =>
  db
    .selectFrom('calls')
    .selectAll()
    .where((eb) => eb.or([eb('caller_id', '=', userId), eb('callee_id', '=', userId)]))
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();

export const ratingsBy = (db: Db, userId: string) => db.selectFrom('call_ratings').selectAll().where('rater_id', '=', userId).execute();

/**
 * Calls the two were connected in, per UTC day they ended (days since the epoch), with the time
 * connected; for the administrators' figures (the window's calls, by the index calls_ended).
 */
export function completedPerDayQuery(db: Db, since: number) {
  const day = sql<number>`(ended_at - (ended_at % 86400000)) / 86400000`;
  return db
    .selectFrom('calls')
    .select([day.as('day'), (e) => e.fn.countAll<number>().as('n'), (e) => e.fn.sum<number>('connected_ms').as('ms')])
    .where('ended_at', '>=', since)
    .where('connected_ms', '>', 0)
    .groupBy(day);
}
export async function completedPerDay(db: Db, since: number) {
  const rows = await completedPerDayQuery(db, since).execute();
  return rows.map((r) => ({ day: Math.round(Number(r.day)), calls: Number(r.n), connectedMs: Number(r.ms) }));
}

/** A deleted account's private notes and ratings go; the calls stay in the partner's history. */
export async function eraseCalls(db: Db, userId: string) {
  await db.deleteFrom('call_ratings').where('rater_id', '=', userId).execute();
  await db.updateTable('call_ratings').set({ ratee_id: '' }).where('ratee_id', '=', userId).execute();
}
