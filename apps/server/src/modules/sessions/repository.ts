import { sql, type Kysely, type Selectable } from 'kysely';
import type { SessionKind, SessionRepeatEvery } from '@studymate/contracts';
import { isMysql } from '../../platform/db/database.js';

/** proposed: waits for the partner; booked: accepted; declined and cancelled are final. */
export type SessionRowState = 'proposed' | 'booked' | 'declined' | 'cancelled';

export interface StudySessionsTable {
  id: string;
  organiser_id: string;
  partner_id: string;
  kind: SessionKind;
  topic: string | null;
  time_zone: string;
  local_start: string;
  minutes: number;
  repeat_every: SessionRepeatEvery | null;
  repeat_until: string | null;
  repeat_count: number | null;
  /** Minutes before each start, comma-separated ('15,1440'). */
  reminders: string;
  state: SessionRowState;
  /** Bounds of the whole series in UTC (moved occurrences included). */
  first_start: number;
  last_end: number;
  /** Why it was declined or cancelled. */
  reason: string | null;
  /** Bumped on every change, for calendar apps (iCalendar SEQUENCE). */
  sequence: number;
  created_at: number;
  updated_at: number;
}
export interface StudySessionExceptionsTable {
  session_id: string;
  occurrence: number;
  cancelled: number;
  cancel_reason: string | null;
  moved_start: number | null;
  proposed_start: number | null;
  proposed_by: string | null;
  proposed_reason: string | null;
  /** 'occurrence', or 'following' for a move of this occurrence and the rest of the series. */
  proposed_scope: string | null;
  updated_at: number;
}
export interface StudySessionRemindersTable {
  reminder_key: string;
  session_id: string;
  sent_at: number;
}
export interface SessionCalendarsTable {
  user_id: string;
  feed_token_hash: string | null;
  feed_created_at: number | null;
  bookings: number;
}
export interface SessionsTables {
  study_sessions: StudySessionsTable;
  study_session_exceptions: StudySessionExceptionsTable;
  study_session_reminders: StudySessionRemindersTable;
  session_calendars: SessionCalendarsTable;
}
export type SessionRow = Selectable<StudySessionsTable>;
export type ExceptionRow = Selectable<StudySessionExceptionsTable>;
type Db = Kysely<SessionsTables>;

/** MariaDB returns BIGINT as a string; every instant leaves here as a number. */
const asSession = (r: SessionRow): SessionRow => ({
  ...r,
  first_start: Number(r.first_start),
  last_end: Number(r.last_end),
  minutes: Number(r.minutes),
  sequence: Number(r.sequence),
  repeat_count: r.repeat_count == null ? null : Number(r.repeat_count),
  created_at: Number(r.created_at),
  updated_at: Number(r.updated_at),
});
const asException = (r: ExceptionRow): ExceptionRow => ({
  ...r,
  occurrence: Number(r.occurrence),
  cancelled: Number(r.cancelled),
  moved_start: r.moved_start == null ? null : Number(r.moved_start),
  proposed_start: r.proposed_start == null ? null : Number(r.proposed_start),
});

export const insertSession = (db: Db, row: StudySessionsTable) => db.insertInto('study_sessions').values(row).execute();

export async function findSession(db: Db, id: string): Promise<SessionRow | undefined> {
  const row = await db.selectFrom('study_sessions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && asSession(row);
}

/** Moves a session from one of `from` states; false when it was no longer in one (someone else got there first). */
export async function updateSession(db: Db, id: string, from: SessionRowState[], changes: Partial<StudySessionsTable>): Promise<boolean> {
  const result = await db
    .updateTable('study_sessions')
    .set({ ...changes, sequence: sql`sequence + 1` } as never)
    .where('id', '=', id)
    .where('state', 'in', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Sessions of these people (either side) in the given states that reach into [from, to): each
 * side is an index range on (person, last_end).
 */
export async function sessionsOf(db: Db, userIds: string[], from: number, to: number, states?: SessionRowState[]): Promise<SessionRow[]> {
  if (!userIds.length) return [];
  const side = (column: 'organiser_id' | 'partner_id') => {
    let q = db
      .selectFrom('study_sessions')
      .selectAll()
      .where(column, 'in', userIds)
      .where('last_end', '>', from)
      .where('first_start', '<', to);
    if (states) q = q.where('state', 'in', states);
    return q.execute();
  };
  const [a, b] = await Promise.all([side('organiser_id'), side('partner_id')]);
  const seen = new Map<string, SessionRow>();
  for (const r of [...a, ...b]) seen.set(r.id, asSession(r));
  return [...seen.values()];
}

export async function exceptionsOf(db: Db, sessionIds: string[]): Promise<Map<string, Map<number, ExceptionRow>>> {
  const out = new Map<string, Map<number, ExceptionRow>>();
  if (!sessionIds.length) return out;
  const rows = await db.selectFrom('study_session_exceptions').selectAll().where('session_id', 'in', sessionIds).execute();
  for (const raw of rows) {
    const r = asException(raw);
    let forSession = out.get(r.session_id);
    if (!forSession) out.set(r.session_id, (forSession = new Map()));
    forSession.set(r.occurrence, r);
  }
  return out;
}

/** Writes the changed columns of one occurrence's exception, creating it when there is none yet. */
export async function saveException(
  db: Db,
  sessionId: string,
  occurrence: number,
  changes: Partial<StudySessionExceptionsTable>,
  now: number,
) {
  const updated = await db
    .updateTable('study_session_exceptions')
    .set({ ...changes, updated_at: now })
    .where('session_id', '=', sessionId)
    .where('occurrence', '=', occurrence)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) return;
  await db
    .insertInto('study_session_exceptions')
    .values({
      session_id: sessionId,
      occurrence,
      cancelled: 0,
      cancel_reason: null,
      moved_start: null,
      proposed_start: null,
      proposed_by: null,
      proposed_reason: null,
      proposed_scope: null,
      ...changes,
      updated_at: now,
    })
    .execute();
}

/** Drops the exceptions of occurrences from `fromIndex` on (a series move gives them a new rule). */
export const deleteExceptionsFrom = (db: Db, sessionId: string, fromIndex: number) =>
  db.deleteFrom('study_session_exceptions').where('session_id', '=', sessionId).where('occurrence', '>=', fromIndex).execute();

/** Clears waiting moves of occurrences after `afterIndex` (a move of the rest of the series replaces them). */
export const clearProposalsAfter = (db: Db, sessionId: string, afterIndex: number, now: number) =>
  db
    .updateTable('study_session_exceptions')
    .set({ proposed_start: null, proposed_by: null, proposed_reason: null, proposed_scope: null, updated_at: now })
    .where('session_id', '=', sessionId)
    .where('occurrence', '>', afterIndex)
    .execute();

/** Bumps the series' sequence and widens its bounds to take a moved occurrence in. */
export const widenBounds = (db: Db, id: string, start: number, end: number, now: number) =>
  db
    .updateTable('study_sessions')
    .set({
      first_start: sql`case when first_start < ${start} then first_start else ${start} end`,
      last_end: sql`case when last_end > ${end} then last_end else ${end} end`,
      sequence: sql`sequence + 1`,
      updated_at: now,
    } as never)
    .where('id', '=', id)
    .execute();

export const touchSession = (db: Db, id: string, now: number) =>
  db
    .updateTable('study_sessions')
    .set({ sequence: sql`sequence + 1`, updated_at: now } as never)
    .where('id', '=', id)
    .execute();

/**
 * Holds both people's calendar rows until the transaction ends (a row lock on MySQL; SQLite runs
 * one writer at a time), so two bookings involving the same person check overlaps one after the
 * other. Run it inside `rowLockTransaction`: under REPEATABLE READ an update that finds no row
 * locks the gap where the row would go, two first bookings whose rows fall in the same gap then
 * wait on each other's insert (a deadlock), and the overlap check after the lock would still read
 * the snapshot from before the other booking committed. Each row is made or locked by one upsert
 * (an exclusive lock on the key either way, never a shared one to upgrade), in id order, so two
 * bookings cannot deadlock.
 */
export async function lockCalendars(db: Db, userIds: string[]) {
  for (const userId of [...new Set(userIds)].sort()) {
    const insert = db
      .insertInto('session_calendars')
      .values({ user_id: userId, feed_token_hash: null, feed_created_at: null, bookings: 1 });
    const bump = { bookings: sql`bookings + 1` } as never;
    if (isMysql(db)) await insert.onDuplicateKeyUpdate(bump).execute();
    else
      await insert
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ bookings: sql`session_calendars.bookings + 1` } as never))
        .execute();
  }
}

export const findCalendar = (db: Db, userId: string) =>
  db.selectFrom('session_calendars').selectAll().where('user_id', '=', userId).executeTakeFirst();

export const calendarByFeedToken = (db: Db, tokenHash: string) =>
  db.selectFrom('session_calendars').select(['user_id']).where('feed_token_hash', '=', tokenHash).executeTakeFirst();

export async function setFeedToken(db: Db, userId: string, tokenHash: string | null, at: number | null) {
  const updated = await db
    .updateTable('session_calendars')
    .set({ feed_token_hash: tokenHash, feed_created_at: at })
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0 && tokenHash)
    await db
      .insertInto('session_calendars')
      .values({ user_id: userId, feed_token_hash: tokenHash, feed_created_at: at, bookings: 0 })
      .execute();
}

/** Claims one reminder; false when it was already sent (a job that ran twice). */
export async function claimReminder(db: Db, key: string, sessionId: string, at: number): Promise<boolean> {
  try {
    await db.insertInto('study_session_reminders').values({ reminder_key: key, session_id: sessionId, sent_at: at }).execute();
    return true;
  } catch (error) {
    const existing = await db
      .selectFrom('study_session_reminders')
      .select('reminder_key')
      .where('reminder_key', '=', key)
      .executeTakeFirst();
    if (existing) return false;
    throw error;
  }
}

export async function eraseSessions(db: Db, userId: string) {
  await db
    .deleteFrom('study_sessions')
    .where((eb) => eb.or([eb('organiser_id', '=', userId), eb('partner_id', '=', userId)]))
    .execute();
  await db.deleteFrom('session_calendars').where('user_id', '=', userId).execute();
}
