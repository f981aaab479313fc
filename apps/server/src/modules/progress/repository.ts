import { sql, type Kysely } from 'kysely';
import { isMysql } from '../../platform/db/database.js';
import type { ActivityEntry, ActivityKind, DailyTotals } from './ledger.js';
import { dailyIncrement } from './ledger.js';

export interface ProgressActivityTable {
  event_id: string;
  user_id: string;
  kind: ActivityKind;
  at: number;
  day: string;
  time_zone: string;
  language: string;
  amount: number;
  partner_id: string | null;
  detail: string | null;
}
export interface ProgressDailyTable {
  user_id: string;
  day: string;
  language: string;
  time_zone: string;
  chat_messages: number;
  call_seconds: number;
  calls: number;
  video_calls: number;
  voice_calls: number;
  level_tests: number;
  mates: number;
}
export interface ProgressAwardsTable {
  user_id: string;
  achievement: string;
  awarded_at: number;
}
export interface ProgressTables {
  progress_activity: ProgressActivityTable;
  progress_daily: ProgressDailyTable;
  progress_awards: ProgressAwardsTable;
}
type Db = Kysely<ProgressTables>;

const toRow = (e: ActivityEntry): ProgressActivityTable => ({
  event_id: e.eventId,
  user_id: e.userId,
  kind: e.kind,
  at: e.at,
  day: e.day,
  time_zone: e.timeZone,
  language: e.language,
  amount: e.amount,
  partner_id: e.partnerId,
  detail: e.detail,
});
export const toEntry = (r: ProgressActivityTable): ActivityEntry => ({
  eventId: r.event_id,
  userId: r.user_id,
  kind: r.kind,
  at: Number(r.at),
  day: r.day,
  timeZone: r.time_zone,
  language: r.language,
  amount: Number(r.amount),
  partnerId: r.partner_id,
  detail: r.detail,
});
const toDailyRow = (d: DailyTotals): ProgressDailyTable => ({
  user_id: d.userId,
  day: d.day,
  language: d.language,
  time_zone: d.timeZone,
  chat_messages: d.chatMessages,
  call_seconds: d.callSeconds,
  calls: d.calls,
  video_calls: d.videoCalls,
  voice_calls: d.voiceCalls,
  level_tests: d.levelTests,
  mates: d.mates,
});
export const toDailyTotals = (r: ProgressDailyTable): DailyTotals => ({
  userId: r.user_id,
  day: r.day,
  language: r.language,
  timeZone: r.time_zone,
  chatMessages: Number(r.chat_messages),
  callSeconds: Number(r.call_seconds),
  calls: Number(r.calls),
  videoCalls: Number(r.video_calls),
  voiceCalls: Number(r.voice_calls),
  levelTests: Number(r.level_tests),
  mates: Number(r.mates),
});

/** Appends an entry unless this event was already recorded for this person; true when it was new. */
export async function appendEntry(db: Db, entry: ActivityEntry): Promise<boolean> {
  // `insert ignore` on MySQL (its "on duplicate key" counts a found row as affected), `insert or ignore` on SQLite.
  const result = await db.insertInto('progress_activity').orIgnore().values(toRow(entry)).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

const SUMMED = ['chat_messages', 'call_seconds', 'calls', 'video_calls', 'voice_calls', 'level_tests', 'mates'] as const;

/** Adds an entry to its day's roll-up; the first entry of a day fixes the day's zone. One statement, safe on two nodes. */
export async function addToDaily(db: Db, entry: ActivityEntry): Promise<void> {
  await upsertDaily(db, [toDailyRow(dailyIncrement(entry))]);
}

async function upsertDaily(db: Db, rows: ProgressDailyTable[]) {
  if (!rows.length) return;
  const insert = db.insertInto('progress_daily').values(rows);
  if (isMysql(db))
    await insert.onDuplicateKeyUpdate(Object.fromEntries(SUMMED.map((c) => [c, sql`${sql.ref(c)} + values(${sql.ref(c)})`]))).execute();
  else
    await insert
      .onConflict((oc) =>
        oc
          .columns(['user_id', 'day', 'language'])
          .doUpdateSet(Object.fromEntries(SUMMED.map((c) => [c, sql`progress_daily.${sql.ref(c)} + excluded.${sql.ref(c)}`]))),
      )
      .execute();
}

export const dailyOf = async (db: Db, userId: string) =>
  (await db.selectFrom('progress_daily').selectAll().where('user_id', '=', userId).execute()).map(toDailyTotals);

export const entriesOf = async (db: Db, userId: string, kind: ActivityKind, from = 0) =>
  (
    await db
      .selectFrom('progress_activity')
      .selectAll()
      .where('user_id', '=', userId)
      .where('kind', '=', kind)
      .where('at', '>=', from)
      .orderBy('at')
      .execute()
  ).map(toEntry);

/** The latest entries of a kind, newest first. */
export const latestEntries = async (db: Db, userId: string, kind: ActivityKind, limit: number) =>
  (
    await db
      .selectFrom('progress_activity')
      .selectAll()
      .where('user_id', '=', userId)
      .where('kind', '=', kind)
      .orderBy('at', 'desc')
      .limit(limit)
      .execute()
  ).map(toEntry);

/** A person's calls with someone since an instant (the covering index progress_activity_user). */
const callsSince = (db: Db, userId: string, from: number) =>
  db
    .selectFrom('progress_activity')
    .where('user_id', '=', userId)
    .where('kind', '=', 'call')
    .where('at', '>=', from)
    .where('partner_id', 'is not', null)
    .groupBy('partner_id');

/** Call partners since an instant, by connected seconds. */
export async function topPartners(db: Db, userId: string, from: number, limit: number) {
  const rows = await callsSince(db, userId, from)
    .select(['partner_id', (eb) => eb.fn.sum<number>('amount').as('seconds'), (eb) => eb.fn.countAll<number>().as('calls')])
    .orderBy('seconds', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ partnerId: r.partner_id!, seconds: Number(r.seconds), calls: Number(r.calls) }));
}

/** Each call partner since an instant, with the instant of the latest call with them. */
export async function lastCallWith(db: Db, userId: string, from: number) {
  const rows = await callsSince(db, userId, from)
    .select(['partner_id', (eb) => eb.fn.max<number>('at').as('last')])
    .execute();
  return rows.map((r) => ({ partnerId: r.partner_id!, at: Number(r.last) }));
}

export async function awardsOf(db: Db, userId: string) {
  const rows = await db.selectFrom('progress_awards').selectAll().where('user_id', '=', userId).execute();
  return new Map(rows.map((r) => [r.achievement, Number(r.awarded_at)]));
}

/** Awards once: true only for the call that stored it (two nodes evaluating at once award once). */
export async function insertAward(db: Db, row: ProgressAwardsTable): Promise<boolean> {
  const result = await db.insertInto('progress_awards').orIgnore().values(row).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

// ---- rebuild ----

/** Ledger rows in (user, arrival) order, a page at a time from after `after`. */
export async function ledgerPage(db: Db, after: { userId: string; at: number; eventId: string } | null, limit: number) {
  let q = db.selectFrom('progress_activity').selectAll();
  if (after)
    q = q.where((eb) =>
      eb.or([
        eb('user_id', '>', after.userId),
        eb.and([eb('user_id', '=', after.userId), eb('at', '>', after.at)]),
        eb.and([eb('user_id', '=', after.userId), eb('at', '=', after.at), eb('event_id', '>', after.eventId)]),
      ]),
    );
  return (await q.orderBy('user_id').orderBy('at').orderBy('event_id').limit(limit).execute()).map(toEntry);
}

export async function replaceAllDaily(db: Db, rows: DailyTotals[]) {
  await db.deleteFrom('progress_daily').execute();
  for (let i = 0; i < rows.length; i += 200) await upsertDaily(db, rows.slice(i, i + 200).map(toDailyRow));
}

export async function eraseUser(db: Db, userId: string) {
  for (const table of ['progress_activity', 'progress_daily', 'progress_awards'] as const)
    await db.deleteFrom(table).where('user_id', '=', userId).execute();
}

export const exportUser = async (db: Db, userId: string) => ({
  activity: await db.selectFrom('progress_activity').selectAll().where('user_id', '=', userId).orderBy('at').execute(),
  awards: await db.selectFrom('progress_awards').selectAll().where('user_id', '=', userId).execute(),
});
