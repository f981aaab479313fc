import { sql, type Kysely, type Selectable } from 'kysely';
import type { Decision, DecisionEffects } from '@studymate/matching';
import { isMysql, rowLockTransaction } from '../../platform/db/database.js';

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
  /** The person's display name as the users module had it (migration 0021); null in rows written before. */
  display_name: string | null;
}
/** Each person's decision counts, kept as running totals beside every decision recorded (migration 0021). */
export interface MatchingFactsTable {
  user_id: string;
  given: number;
  accepted: number;
  received: number;
  accepted_by: number;
  /** The engine's DecisionEffects from the last periodic fit that saw the person's decisions; null otherwise. */
  accepts_effect: number | null;
  accepted_effect: number | null;
  follows: number | null;
  effects_at: number | null;
}
/** The base rate and priors the last fit used, which scores must use with its effects (one row, id 1). */
export interface MatchingEffectsFitTable {
  id: number;
  base_rate: number;
  prior_given: number;
  prior_received: number;
  decisions: number;
  fitted_at: number;
}
export interface MatchingPoolStateTable {
  id: number;
  synced_until: number;
}
export interface MatchingTables {
  matching_pool: MatchingPoolTable;
  matching_pool_state: MatchingPoolStateTable;
  matching_facts: MatchingFactsTable;
  matching_effects_fit: MatchingEffectsFitTable;
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

/** Requests occupying a pair (open, or declined and not yet expired) that this person sent or received. */
export const occupyingRequestsOf = (db: Db, userId: string) =>
  db
    .selectFrom('match_requests')
    .selectAll()
    .where('open_pair_key', 'is not', null)
    .where((eb) => eb.or([eb('sender_id', '=', userId), eb('receiver_id', '=', userId)]))
    .execute();

/** What one person wrote to another in their requests, newest first (withdrawn and answered ones too). */
export const requestMessagesFrom = (db: Db, senderId: string, receiverId: string, limit: number) =>
  db
    .selectFrom('match_requests')
    .select(['id', 'message', 'created_at'])
    .where('sender_id', '=', senderId)
    .where('receiver_id', '=', receiverId)
    .where('message', '<>', '')
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();

/** Who a viewer is never shown, in one statement: blocks either way, current mates, and requests pending either way. */
export async function hiddenFrom(
  db: Db,
  userId: string,
): Promise<{ blocked: string[]; mates: string[]; pending: string[]; unmatched: string[] }> {
  const rows = await sql<{ what: 'b' | 'm' | 'p' | 'u'; id: string }>`
    select 'b' as what, blocked_id as id from blocks where blocker_id = ${userId}
    union all select 'b', blocker_id from blocks where blocked_id = ${userId}
    union all select 'm', mate_id from mates where user_id = ${userId} and ended_at is null
    union all select 'u', mate_id from mates where user_id = ${userId} and ended_at is not null
    union all select 'p', receiver_id from match_requests where sender_id = ${userId} and open_pair_key is not null
    union all select 'p', sender_id from match_requests where receiver_id = ${userId} and open_pair_key is not null
  `.execute(db);
  const of = (what: string) => [...new Set(rows.rows.filter((r) => r.what === what).map((r) => r.id))];
  return { blocked: of('b'), mates: of('m'), pending: of('p'), unmatched: of('u') };
}

// ---- mates ----

/**
 * Both sides of the pair in one upsert: an update that found no row, then an insert, took a gap
 * lock on MariaDB, and two accepts involving the same person at once deadlocked (a 500). A pair
 * that unmatched before becomes mates again and keeps its room.
 */
export async function linkMates(db: Db, a: string, b: string, at: number) {
  const insert = db.insertInto('mates').values([
    { user_id: a, mate_id: b, since: at, room_id: null, ended_at: null },
    { user_id: b, mate_id: a, since: at, room_id: null, ended_at: null },
  ]);
  const again = { since: at, ended_at: null };
  if (isMysql(db)) await insert.onDuplicateKeyUpdate(again).execute();
  else await insert.onConflict((oc) => oc.columns(['user_id', 'mate_id']).doUpdateSet(again)).execute();
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

/** Which of `ids` are the person's mates now (not unmatched, not ended by a block). */
export const currentMatesAmong = (db: Db, userId: string, ids: string[]) =>
  ids.length
    ? db
        .selectFrom('mates')
        .select('mate_id')
        .where('user_id', '=', userId)
        .where('mate_id', 'in', ids)
        .where('ended_at', 'is', null)
        .execute()
    : Promise.resolve([]);

export const findMate = (db: Db, userId: string, mateId: string) =>
  db.selectFrom('mates').selectAll().where('user_id', '=', userId).where('mate_id', '=', mateId).executeTakeFirst();

// ---- decision events ----

const DECISIONS: readonly MatchEventKind[] = ['request', 'accept', 'decline', 'ignore'];
const YESES: readonly MatchEventKind[] = ['request', 'accept'];

/**
 * Records events; the decisions among them move both people's running totals in the same
 * transaction, so the totals never disagree with the events.
 */
export async function recordEvents(db: Db, rows: MatchEventsTable[]) {
  if (!rows.length) return;
  const decisions = rows.filter((r) => DECISIONS.includes(r.kind));
  if (!decisions.length) return void (await db.insertInto('match_events').values(rows).execute());
  const write = async (tx: Db) => {
    await tx.insertInto('match_events').values(rows).execute();
    await addToFacts(tx, decisions);
  };
  await (db.isTransaction ? write(db) : rowLockTransaction(db).execute(write));
}

/** A decision event as the engine reads it: requests and accepts are yes. */
export const asDecision = (e: Pick<MatchEventsTable, 'actor_id' | 'subject_id' | 'kind'>): Decision => ({
  chooser: e.actor_id,
  partner: e.subject_id,
  accepted: YESES.includes(e.kind),
});

/** Each person's counts over some decisions, in id order, so writers lock their rows in the same order. */
export function tallyDecisions(decisions: Iterable<Decision>): [string, DecisionStats][] {
  const totals = new Map<string, DecisionStats>();
  const of = (id: string) => {
    let t = totals.get(id);
    if (!t) totals.set(id, (t = { given: 0, accepted: 0, received: 0, acceptedBy: 0 }));
    return t;
  };
  for (const d of decisions) {
    const yes = d.accepted ? 1 : 0;
    const chooser = of(d.chooser);
    chooser.given++;
    chooser.accepted += yes;
    const partner = of(d.partner);
    partner.received++;
    partner.acceptedBy += yes;
  }
  return [...totals].sort(([a], [b]) => (a < b ? -1 : 1));
}

/** Adds decisions to the totals of everyone they involve. */
async function addToFacts(db: Db, decisions: Pick<MatchEventsTable, 'actor_id' | 'subject_id' | 'kind'>[]) {
  const values = tallyDecisions(decisions.map(asDecision)).map(([user_id, t]) => ({
    user_id,
    given: t.given,
    accepted: t.accepted,
    received: t.received,
    accepted_by: t.acceptedBy,
    accepts_effect: null,
    accepted_effect: null,
    follows: null,
    effects_at: null,
  }));
  const insert = db.insertInto('matching_facts').values(values);
  const columns = ['given', 'accepted', 'received', 'accepted_by'] as const;
  await (
    isMysql(db)
      ? insert.onDuplicateKeyUpdate(Object.fromEntries(columns.map((c) => [c, sql`${sql.ref(c)} + values(${sql.ref(c)})`])))
      : insert.onConflict((oc) =>
          oc
            .column('user_id')
            .doUpdateSet(Object.fromEntries(columns.map((c) => [c, sql`matching_facts.${sql.ref(c)} + excluded.${sql.ref(c)}`]))),
        )
  ).execute();
}

/**
 * The insert of "shown" events, compiled for a write transaction of its own (on SQLite's write
 * thread: a second's batch of them blocked the event loop); showing is no decision, so no totals move.
 */
export const shownInsert = (db: Db, rows: MatchEventsTable[]) => db.insertInto('match_events').values(rows).compile();

/** A person's decision counts (a viewer's), from the running totals, and their fitted effects. */
export async function factsOf(db: Db, userId: string): Promise<{ decisions: DecisionStats; effects: DecisionEffects | null }> {
  const row = await db.selectFrom('matching_facts').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return { decisions: statsOf(row ?? {}), effects: row ? effectsOf(row) : null };
}

type FactsColumns = {
  [K in 'given' | 'accepted' | 'received' | 'accepted_by' | 'accepts_effect' | 'accepted_effect' | 'follows']?: number | string | null;
};
const statsOf = (r: FactsColumns): DecisionStats => ({
  given: Number(r.given ?? 0),
  accepted: Number(r.accepted ?? 0),
  received: Number(r.received ?? 0),
  acceptedBy: Number(r.accepted_by ?? 0),
});
const effectsOf = (r: FactsColumns): DecisionEffects | null =>
  r.accepts_effect == null || r.accepted_effect == null
    ? null
    : { accepts: Number(r.accepts_effect), accepted: Number(r.accepted_effect), follows: r.follows == null ? 1 : Number(r.follows) };

/** The latest decisions anyone made, newest first: what the periodic fit of effects reads. */
export const latestDecisions = (db: Db, limit: number) =>
  db
    .selectFrom('match_events')
    .select(['actor_id', 'subject_id', 'kind'])
    .where('kind', 'in', DECISIONS)
    .orderBy('at', 'desc')
    .limit(limit)
    .execute();

/** Rows per upsert of effects: 5 values each. */
const EFFECTS_CHUNK = 500;

/**
 * Stores a fit: each person's effects beside their totals, the fit's rates, and no effects for
 * anyone the fit no longer saw (their decisions aged out of it).
 */
export async function saveEffects(
  db: Db,
  effects: Map<string, DecisionEffects>,
  rates: { baseAcceptRate: number; ratePriors: { given: number; received: number } },
  decisions: number,
  at: number,
) {
  const values = [...effects]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([user_id, e]) => ({
      user_id,
      // Totals only for a row this creates; an existing row keeps its own (the update sets effects alone).
      ...{ given: 0, accepted: 0, received: 0, accepted_by: 0 },
      accepts_effect: e.accepts,
      accepted_effect: e.accepted,
      follows: e.follows ?? 1,
      effects_at: at,
    }));
  const fresh = (c: 'accepts_effect' | 'accepted_effect' | 'follows' | 'effects_at') =>
    isMysql(db) ? sql<number>`values(${sql.ref(c)})` : sql<number>`excluded.${sql.ref(c)}`;
  for (let i = 0; i < values.length; i += EFFECTS_CHUNK) {
    const insert = db.insertInto('matching_facts').values(values.slice(i, i + EFFECTS_CHUNK));
    const set = {
      accepts_effect: fresh('accepts_effect'),
      accepted_effect: fresh('accepted_effect'),
      follows: fresh('follows'),
      effects_at: fresh('effects_at'),
    };
    await (isMysql(db) ? insert.onDuplicateKeyUpdate(set) : insert.onConflict((oc) => oc.column('user_id').doUpdateSet(set))).execute();
  }
  await db
    .updateTable('matching_facts')
    .set({ accepts_effect: null, accepted_effect: null, follows: null, effects_at: null })
    .where('effects_at', '<', at)
    .execute();
  const fit = {
    id: 1,
    base_rate: rates.baseAcceptRate,
    prior_given: rates.ratePriors.given,
    prior_received: rates.ratePriors.received,
    decisions,
    fitted_at: at,
  };
  const row = db.insertInto('matching_effects_fit').values(fit);
  const { id: _id, ...again } = fit;
  await (isMysql(db) ? row.onDuplicateKeyUpdate(again) : row.onConflict((oc) => oc.column('id').doUpdateSet(again))).execute();
}

/** The last fit's rates, or null before the first fit. */
export async function effectsFit(db: Db) {
  const row = await db.selectFrom('matching_effects_fit').selectAll().where('id', '=', 1).executeTakeFirst();
  return row
    ? { baseAcceptRate: Number(row.base_rate), ratePriors: { given: Number(row.prior_given), received: Number(row.prior_received) } }
    : null;
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
  // The others' totals lose the decisions made with this person: taken back from the events before they go.
  const theirs = await db
    .selectFrom('match_events')
    .select(['actor_id', 'subject_id', 'kind'])
    .where((eb) => eb.or([eb('actor_id', '=', userId), eb('subject_id', '=', userId)]))
    .where('kind', 'in', DECISIONS)
    .execute();
  await db
    .deleteFrom('match_events')
    .where((eb) => eb.or([eb('actor_id', '=', userId), eb('subject_id', '=', userId)]))
    .execute();
  await db.deleteFrom('matching_facts').where('user_id', '=', userId).execute();
  for (const [other, t] of tallyDecisions(theirs.map(asDecision))) {
    if (other === userId) continue;
    await db
      .updateTable('matching_facts')
      .set({
        given: sql`given - ${t.given}`,
        accepted: sql`accepted - ${t.accepted}`,
        received: sql`received - ${t.received}`,
        accepted_by: sql`accepted_by - ${t.acceptedBy}`,
      })
      .where('user_id', '=', other)
      .execute();
  }
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

/** A pool row with the facts of the moment the engine scores beside the features. */
export interface PoolRowWithFacts {
  user_id: string;
  features: string;
  saved_at: number;
  last_active_at: number | null;
  display_name: string | null;
  decisions: DecisionStats;
  /** From the last periodic fit; null when it saw none of the person's decisions. */
  effects: DecisionEffects | null;
  /** Open requests waiting for the person (exposure damping). */
  waiting: number;
}
export interface DecisionStats {
  given: number;
  accepted: number;
  received: number;
  acceptedBy: number;
}

/**
 * The pool columns with each person's decision totals (a key look-up in matching_facts) and the
 * requests waiting for them (a count on the requests' receiver index), in the same statement as
 * their rows.
 */
const poolWithFacts = sql`matching_pool p left join matching_facts f on f.user_id = p.user_id`;
const poolColumnsWithFacts = sql`p.user_id, p.features, p.saved_at, p.last_active_at, p.display_name,
  f.given, f.accepted, f.received, f.accepted_by, f.accepts_effect, f.accepted_effect, f.follows,
  (select count(*) from match_requests r where r.receiver_id = p.user_id and r.status = 'open') as waiting`;

type RawPoolRow = Omit<PoolRowWithFacts, 'decisions' | 'effects' | 'waiting'> & FactsColumns & { waiting: number | string };
function withFacts(r: RawPoolRow): PoolRowWithFacts {
  return {
    user_id: r.user_id,
    features: r.features,
    saved_at: Number(r.saved_at),
    last_active_at: r.last_active_at == null ? null : Number(r.last_active_at),
    display_name: r.display_name,
    decisions: statsOf(r),
    effects: effectsOf(r),
    waiting: Number(r.waiting),
  };
}

/**
 * Up to `limit` people who offer `offer` and learn `learn`, from `pivot` on in id order, wrapping
 * around: one primary-key range (two when it wraps), with each person's facts (`PoolRowWithFacts`).
 */
export async function poolRange(db: Db, offer: string, learn: string, pivot: string, limit: number) {
  const range = async (side: '>=' | '<', n: number) =>
    (
      await sql<RawPoolRow>`select ${poolColumnsWithFacts} from ${poolWithFacts}
        where p.offer_language = ${offer} and p.learn_language = ${learn} and p.user_id ${sql.raw(side)} ${pivot}
        order by p.user_id limit ${n}`.execute(db)
    ).rows.map(withFacts);
  const after = await range('>=', limit);
  return after.length < limit ? [...after, ...(await range('<', limit - after.length))] : after;
}

/** The pool rows of some people, with their facts (one row per language pair they exchange). */
export async function poolRowsOf(db: Db, userIds: string[]): Promise<PoolRowWithFacts[]> {
  if (!userIds.length) return [];
  const rows =
    await sql<RawPoolRow>`select ${poolColumnsWithFacts} from ${poolWithFacts} where p.user_id in (${sql.join(userIds)})`.execute(db);
  return rows.rows.map(withFacts);
}

export async function poolSyncedUntil(db: Db): Promise<number> {
  const row = await db.selectFrom('matching_pool_state').select('synced_until').where('id', '=', 1).executeTakeFirst();
  return row ? Number(row.synced_until) : 0;
}

/**
 * Moves the watermark forward to `at` (never back: a node whose catch-up started earlier and ended
 * later leaves the later start in place). One upsert in a row-lock transaction: the earlier
 * update-then-insert locked the gap where the row would go on InnoDB, and two nodes finishing
 * their catch-up together could deadlock.
 */
export async function setPoolSyncedUntil(db: Db, at: number) {
  await rowLockTransaction(db).execute(async (tx) => {
    const insert = tx.insertInto('matching_pool_state').values({ id: 1, synced_until: at });
    await (
      isMysql(tx)
        ? insert.onDuplicateKeyUpdate({ synced_until: sql`greatest(synced_until, values(synced_until))` })
        : insert.onConflict((oc) =>
            oc.column('id').doUpdateSet({ synced_until: sql`max(matching_pool_state.synced_until, excluded.synced_until)` }),
          )
    ).execute();
  });
}
