import { sql, type Kysely, type Selectable } from 'kysely';
import { rowLockTransaction } from '../../platform/db/database.js';

export interface BlocksTable {
  blocker_id: string;
  blocked_id: string;
  created_at: number;
}
/** open: waits for an answer; declined: looks pending to the sender until it expires; the rest are final. */
export type RequestStatus = 'open' | 'accepted' | 'declined' | 'cancelled' | 'expired' | 'withdrawn';
export interface MatchRequestsTable {
  id: string;
  sender_id: string;
  receiver_id: string;
  message: string;
  status: RequestStatus;
  open_pair_key: string | null;
  created_at: number;
  expires_at: number;
  answered_at: number | null;
  notified_at: number | null;
}
export interface MatesTable {
  user_id: string;
  mate_id: string;
  since: number;
  room_id: string | null;
  ended_at: number | null;
}
export type MatchEventKind = 'shown' | 'request' | 'accept' | 'decline' | 'ignore' | 'cancel';
export interface MatchEventsTable {
  id: string;
  actor_id: string;
  subject_id: string;
  kind: MatchEventKind;
  at: number;
}
/** Matching's copy of a person's features, one row per language pair they can exchange (migration 0013). */
export interface MatchingPoolTable {
  offer_language: string;
  learn_language: string;
  user_id: string;
  features: string;
  /** When this node wrote the row: a version for per-node caches of the parsed features. */
  saved_at: number;
  /** When the person was last seen using STUDYMATE (migration 0015), kept across rewrites; at most hourly. */
  last_active_at: number | null;
}
export interface MatchingPoolStateTable {
  id: number;
  synced_until: number;
}
export interface MatchingTables {
  matching_pool: MatchingPoolTable;
  matching_pool_state: MatchingPoolStateTable;
  blocks: BlocksTable;
  match_requests: MatchRequestsTable;
  mates: MatesTable;
  match_events: MatchEventsTable;
}
export type RequestRow = Selectable<MatchRequestsTable>;
export type MateRow = Selectable<MatesTable>;
type Db = Kysely<MatchingTables>;

export const pairKey = (a: string, b: string) => [a, b].sort().join(':');

// ---- blocks ----

export async function insertBlock(db: Db, row: BlocksTable) {
  const exists = await db
    .selectFrom('blocks')
    .select('blocker_id')
    .where('blocker_id', '=', row.blocker_id)
    .where('blocked_id', '=', row.blocked_id)
    .executeTakeFirst();
  if (!exists) await db.insertInto('blocks').values(row).execute();
}

export const deleteBlock = (db: Db, blockerId: string, blockedId: string) =>
  db.deleteFrom('blocks').where('blocker_id', '=', blockerId).where('blocked_id', '=', blockedId).executeTakeFirst();

export const blocksBy = (db: Db, blockerId: string) =>
  db.selectFrom('blocks').selectAll().where('blocker_id', '=', blockerId).orderBy('created_at', 'desc').execute();

/** Everyone on either side of a block with this person. */
export async function blockedEitherWay(db: Db, userId: string): Promise<string[]> {
  const rows = await sql<{ id: string }>`
    select blocked_id as id from blocks where blocker_id = ${userId}
    union select blocker_id as id from blocks where blocked_id = ${userId}
  `.execute(db);
  return rows.rows.map((r) => r.id);
}

/** Whether the pair may write to each other: a block either way closes it, and so does an unmatch. */
export async function contactBetween(db: Db, a: string, b: string): Promise<{ blocked: boolean; unmatched: boolean }> {
  const rows = await sql<{ what: string }>`
    select 'block' as what from blocks where (blocker_id = ${a} and blocked_id = ${b}) or (blocker_id = ${b} and blocked_id = ${a})
    union all select 'unmatched' from mates where user_id = ${a} and mate_id = ${b} and ended_at is not null
  `.execute(db);
  return { blocked: rows.rows.some((r) => r.what === 'block'), unmatched: rows.rows.some((r) => r.what === 'unmatched') };
}

// ---- requests ----

export const insertRequest = (db: Db, row: MatchRequestsTable) => db.insertInto('match_requests').values(row).execute();

export const findRequest = (db: Db, id: string) => db.selectFrom('match_requests').selectAll().where('id', '=', id).executeTakeFirst();

export const findOpenPairRequest = (db: Db, key: string) =>
  db.selectFrom('match_requests').selectAll().where('open_pair_key', '=', key).executeTakeFirst();

export async function countSentSince(db: Db, senderId: string, since: number): Promise<number> {
  const row = await db
    .selectFrom('match_requests')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('sender_id', '=', senderId)
    .where('created_at', '>=', since)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Moves a request from one status to another only if it still has it; true when this call made the change. */
export async function moveRequest(
  db: Db,
  id: string,
  from: RequestStatus[],
  to: RequestStatus,
  values: Partial<Pick<MatchRequestsTable, 'answered_at' | 'open_pair_key'>> = {},
): Promise<boolean> {
  const result = await db
    .updateTable('match_requests')
    .set({ status: to, ...values })
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export const freePair = (db: Db, id: string) =>
  db.updateTable('match_requests').set({ open_pair_key: null }).where('id', '=', id).execute();

/** Sets notified_at once; true for the one caller that set it. */
export async function claimNotification(db: Db, id: string, at: number): Promise<boolean> {
  const result = await db
    .updateTable('match_requests')
    .set({ notified_at: at })
    .where('id', '=', id)
    .where('notified_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export const receivedOpen = (db: Db, userId: string) =>
  db
    .selectFrom('match_requests')
    .selectAll()
    .where('receiver_id', '=', userId)
    .where('status', '=', 'open')
    .orderBy('created_at', 'desc')
    .execute();

export const sentBy = (db: Db, userId: string, limit: number) =>
  db
    .selectFrom('match_requests')
    .selectAll()
    .where('sender_id', '=', userId)
    .where('status', '<>', 'withdrawn')
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();

/** Requests occupying the pair (open or declined-not-yet-expired), in either direction. */
export const occupyingPair = (db: Db, a: string, b: string) =>
  db.selectFrom('match_requests').selectAll().where('open_pair_key', '=', pairKey(a, b)).execute();

/** The people with whom this person has a request pending either way: not recommended again meanwhile. */
export async function pendingPartners(db: Db, userId: string): Promise<string[]> {
  const rows = await sql<{ id: string }>`
    select receiver_id as id from match_requests where sender_id = ${userId} and open_pair_key is not null
    union select sender_id as id from match_requests where receiver_id = ${userId} and open_pair_key is not null
  `.execute(db);
  return rows.rows.map((r) => r.id);
}

/** Open requests waiting for each of these people: what exposure damping looks at. */
export async function openIncomingCounts(db: Db, userIds: string[]): Promise<Map<string, number>> {
  if (!userIds.length) return new Map();
  const rows = await db
    .selectFrom('match_requests')
    .select(['receiver_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('receiver_id', 'in', userIds)
    .where('status', '=', 'open')
    .groupBy('receiver_id')
    .execute();
  return new Map(rows.map((r) => [r.receiver_id, Number(r.n)]));
}

// ---- mates ----

export async function linkMates(db: Db, a: string, b: string, at: number) {
  for (const [userId, mateId] of [
    [a, b],
    [b, a],
  ] as const) {
    const updated = await db
      .updateTable('mates')
      .set({ since: at, ended_at: null })
      .where('user_id', '=', userId)
      .where('mate_id', '=', mateId)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0)
      await db.insertInto('mates').values({ user_id: userId, mate_id: mateId, since: at, room_id: null, ended_at: null }).execute();
  }
}

export const setMatesRoom = (db: Db, a: string, b: string, roomId: string) =>
  db
    .updateTable('mates')
    .set({ room_id: roomId })
    .where((eb) => eb.or([eb.and([eb('user_id', '=', a), eb('mate_id', '=', b)]), eb.and([eb('user_id', '=', b), eb('mate_id', '=', a)])]))
    .execute();

export const endMates = (db: Db, a: string, b: string, at: number) =>
  db
    .updateTable('mates')
    .set({ ended_at: at })
    .where('ended_at', 'is', null)
    .where((eb) => eb.or([eb.and([eb('user_id', '=', a), eb('mate_id', '=', b)]), eb.and([eb('user_id', '=', b), eb('mate_id', '=', a)])]))
    .executeTakeFirst();

export const matesOf = (db: Db, userId: string) =>
  db.selectFrom('mates').selectAll().where('user_id', '=', userId).where('ended_at', 'is', null).orderBy('since', 'desc').execute();

export const findMate = (db: Db, userId: string, mateId: string) =>
  db.selectFrom('mates').selectAll().where('user_id', '=', userId).where('mate_id', '=', mateId).executeTakeFirst();

// ---- decision events ----

export async function recordEvents(db: Db, rows: MatchEventsTable[]) {
  if (rows.length) await db.insertInto('match_events').values(rows).execute();
}

/** Decisions made by and about each person: accept and decline/ignore counts, as the engine's DecisionStats. */
export async function decisionCounts(db: Db, userIds: string[]) {
  const stats = new Map(userIds.map((id) => [id, { given: 0, accepted: 0, received: 0, acceptedBy: 0 }]));
  if (!userIds.length) return stats;
  // A request is the sender's yes; an accept the receiver's; a decline or an ignored request a no.
  const decisions = ['request', 'accept', 'decline', 'ignore'] as const;
  const yes = (kind: string) => kind === 'request' || kind === 'accept';
  const [given, received] = await Promise.all([
    db
      .selectFrom('match_events')
      .select(['actor_id as id', 'kind', (eb) => eb.fn.countAll<number>().as('n')])
      .where('actor_id', 'in', userIds)
      .where('kind', 'in', decisions)
      .groupBy(['actor_id', 'kind'])
      .execute(),
    db
      .selectFrom('match_events')
      .select(['subject_id as id', 'kind', (eb) => eb.fn.countAll<number>().as('n')])
      .where('subject_id', 'in', userIds)
      .where('kind', 'in', decisions)
      .groupBy(['subject_id', 'kind'])
      .execute(),
  ]);
  for (const r of given) {
    const s = stats.get(r.id)!;
    s.given += Number(r.n);
    if (yes(r.kind)) s.accepted += Number(r.n);
  }
  for (const r of received) {
    const s = stats.get(r.id)!;
    s.received += Number(r.n);
    if (yes(r.kind)) s.acceptedBy += Number(r.n);
  }
  return stats;
}

/** The person's latest decisions on others, newest first: what their learned preference is built from. */
export const decisionsBy = (db: Db, userId: string, limit: number) =>
  db
    .selectFrom('match_events')
    .select(['subject_id', 'kind'])
    .where('actor_id', '=', userId)
    .where('kind', 'in', ['request', 'accept', 'decline', 'ignore'])
    .orderBy('at', 'desc')
    .limit(limit)
    .execute();

/** Everything of this person's in matching's tables, for account deletion. */
export async function eraseMatching(db: Db, userId: string) {
  await db.deleteFrom('matching_pool').where('user_id', '=', userId).execute();
  await db
    .deleteFrom('blocks')
    .where((eb) => eb.or([eb('blocker_id', '=', userId), eb('blocked_id', '=', userId)]))
    .execute();
  await db
    .deleteFrom('match_requests')
    .where((eb) => eb.or([eb('sender_id', '=', userId), eb('receiver_id', '=', userId)]))
    .execute();
  await db
    .deleteFrom('mates')
    .where((eb) => eb.or([eb('user_id', '=', userId), eb('mate_id', '=', userId)]))
    .execute();
  await db
    .deleteFrom('match_events')
    .where((eb) => eb.or([eb('actor_id', '=', userId), eb('subject_id', '=', userId)]))
    .execute();
}

// ---- the pool: matching's copy of what it scores ----

/** Rows per insert: 6 values each, well under SQLite's and MariaDB's placeholder limits. */
const POOL_INSERT_CHUNK = 400;

/**
 * Replaces the rows of `userIds` with `rows` (people with no rows leave the pool), in one
 * transaction, keeping each person's last activity. On the main connection, like the profile
 * writes it follows: on SQLite's separate write thread it raced them, and a deferred transaction
 * that read before another connection's write cannot take the lock (SQLITE_BUSY_SNAPSHOT). Row
 * locks only: on MariaDB the delete by user_id locked the index gaps, and the refreshes of people
 * onboarding at once deadlocked (issue 11).
 */
export async function replacePoolRows(db: Db, userIds: string[], rows: Omit<MatchingPoolTable, 'last_active_at'>[]) {
  if (!userIds.length) return;
  await rowLockTransaction(db).execute(async (tx) => {
    const seen = await tx
      .selectFrom('matching_pool')
      .select(['user_id', (eb) => eb.fn.max('last_active_at').as('at')])
      .where('user_id', 'in', userIds)
      .groupBy('user_id')
      .execute();
    const lastActive = new Map(seen.map((r) => [r.user_id, r.at == null ? null : Number(r.at)]));
    await tx.deleteFrom('matching_pool').where('user_id', 'in', userIds).execute();
    const values = rows.map((r) => ({ ...r, last_active_at: lastActive.get(r.user_id) ?? null }));
    for (let i = 0; i < values.length; i += POOL_INSERT_CHUNK) {
      await tx
        .insertInto('matching_pool')
        .values(values.slice(i, i + POOL_INSERT_CHUNK))
        .execute();
    }
  });
}

/**
 * Records that the person was active at `at`, unless the pool already has them active within
 * `minGapMs` before it: at most one write per person per `minGapMs` across every node. No rows
 * (not onboarded yet): nothing to record.
 */
export async function recordActivity(db: Db, userId: string, at: number, minGapMs: number): Promise<boolean> {
  return rowLockTransaction(db).execute(async (tx) => {
    const result = await tx
      .updateTable('matching_pool')
      .set({ last_active_at: at })
      .where('user_id', '=', userId)
      .where((eb) => eb.or([eb('last_active_at', 'is', null), eb('last_active_at', '<=', at - minGapMs)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  });
}

/**
 * Up to `limit` people who offer `offer` and learn `learn`, from `pivot` on in id order, wrapping
 * around: one primary-key range (two when it wraps).
 */
export async function poolRange(db: Db, offer: string, learn: string, pivot: string, limit: number) {
  const range = (side: '>=' | '<', n: number) =>
    db
      .selectFrom('matching_pool')
      .select(['user_id', 'features', 'saved_at', 'last_active_at'])
      .where('offer_language', '=', offer)
      .where('learn_language', '=', learn)
      .where('user_id', side, pivot)
      .orderBy('user_id')
      .limit(n)
      .execute();
  const after = await range('>=', limit);
  return after.length < limit ? [...after, ...(await range('<', limit - after.length))] : after;
}

/** The pool rows of some people (one per person). */
export async function poolRowsOf(db: Db, userIds: string[]) {
  if (!userIds.length) return [];
  return db
    .selectFrom('matching_pool')
    .select(['user_id', 'features', 'saved_at', 'last_active_at'])
    .where('user_id', 'in', userIds)
    .execute();
}

export async function poolSyncedUntil(db: Db): Promise<number> {
  const row = await db.selectFrom('matching_pool_state').select('synced_until').where('id', '=', 1).executeTakeFirst();
  return row ? Number(row.synced_until) : 0;
}

export async function setPoolSyncedUntil(db: Db, at: number) {
  const updated = await db.updateTable('matching_pool_state').set({ synced_until: at }).where('id', '=', 1).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) {
    await db
      .insertInto('matching_pool_state')
      .values({ id: 1, synced_until: at })
      .execute()
      .catch(() => setPoolSyncedUntil(db, at));
  }
}
