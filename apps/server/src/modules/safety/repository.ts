import type { Kysely, Selectable } from 'kysely';
import type { AuditAction } from '@studymate/contracts';

export interface SafetyReportsTable {
  id: string;
  reporter_id: string;
  subject_id: string;
  message_id: string | null;
  room_id: string | null;
  reason: string;
  comment: string;
  state: 'open' | 'dismissed' | 'actioned';
  created_at: number;
  resolved_at: number | null;
  resolved_by: string | null;
  outcome: string | null;
}
export interface SafetyEvidenceTable {
  report_id: string;
  position: number;
  message_id: string;
  seq: number;
  sender_id: string;
  sender_name: string;
  kind: string;
  body: string;
  created_at: number;
  edited_at: number | null;
  deleted_at: number | null;
  reported: number;
}
export interface SafetySanctionsTable {
  id: string;
  user_id: string;
  kind: 'warn' | 'suspend' | 'ban';
  reason: string;
  report_id: string | null;
  created_by: string;
  starts_at: number;
  ends_at: number | null;
  lifted_at: number | null;
  seen_at: number | null;
}
export interface SafetyAuditTable {
  id: string;
  at: number;
  actor_id: string;
  action: AuditAction;
  subject_id: string | null;
  report_id: string | null;
  reason: string;
}
export interface PrivacySettingsTable {
  user_id: string;
  profile_visibility: 'everyone' | 'mates';
  show_age: number;
  show_city: number;
  show_online: number;
  allow_matching: number;
  who_can_message: 'mates' | 'groups';
  updated_at: number;
}
export interface SafetyWordsTable {
  word: string;
  added_by: string;
  added_at: number;
}
export interface SafetyFlagsTable {
  id: string;
  user_id: string;
  source: string;
  ref_id: string | null;
  detail: string;
  at: number;
}
export interface SafetyTables {
  safety_reports: SafetyReportsTable;
  safety_evidence: SafetyEvidenceTable;
  safety_sanctions: SafetySanctionsTable;
  safety_audit: SafetyAuditTable;
  privacy_settings: PrivacySettingsTable;
  safety_words: SafetyWordsTable;
  safety_flags: SafetyFlagsTable;
}
export type ReportRow = Selectable<SafetyReportsTable>;
export type EvidenceRow = Selectable<SafetyEvidenceTable>;
export type SanctionRow = Selectable<SafetySanctionsTable>;
export type AuditRow = Selectable<SafetyAuditTable>;
export type PrivacyRow = Selectable<PrivacySettingsTable>;
type Db = Kysely<SafetyTables>;

// ---- reports and evidence ----
export async function insertReport(db: Db, report: ReportRow, evidence: EvidenceRow[]) {
  await db.insertInto('safety_reports').values(report).execute();
  if (evidence.length) await db.insertInto('safety_evidence').values(evidence).execute();
}
export const findReport = (db: Db, id: string) => db.selectFrom('safety_reports').selectAll().where('id', '=', id).executeTakeFirst();
export const reportsBy = (db: Db, reporterId: string, limit: number) =>
  db.selectFrom('safety_reports').selectAll().where('reporter_id', '=', reporterId).orderBy('created_at', 'desc').limit(limit).execute();
export const reportsAbout = (db: Db, subjectId: string, limit: number) =>
  db.selectFrom('safety_reports').selectAll().where('subject_id', '=', subjectId).orderBy('created_at', 'desc').limit(limit).execute();
export async function countReportsBy(db: Db, reporterId: string) {
  const row = await db
    .selectFrom('safety_reports')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('reporter_id', '=', reporterId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
/** The queue: oldest first, optionally narrowed by state and reason. */
export function queue(db: Db, filter: { state?: string; reason?: string }, limit: number) {
  let q = db.selectFrom('safety_reports').selectAll();
  if (filter.state) q = q.where('state', '=', filter.state as ReportRow['state']);
  if (filter.reason) q = q.where('reason', '=', filter.reason);
  return q.orderBy('created_at', 'asc').orderBy('id', 'asc').limit(limit).execute();
}
export const openReportTimes = (db: Db) => db.selectFrom('safety_reports').select('created_at').where('state', '=', 'open').execute();
export const evidenceOf = (db: Db, reportId: string) =>
  db.selectFrom('safety_evidence').selectAll().where('report_id', '=', reportId).orderBy('position', 'asc').execute();
/** Closes a report once: false when it was already closed (two administrators at once). */
export async function resolveReport(db: Db, id: string, state: 'dismissed' | 'actioned', outcome: string, by: string, at: number) {
  const result = await db
    .updateTable('safety_reports')
    .set({ state, outcome, resolved_by: by, resolved_at: at })
    .where('id', '=', id)
    .where('state', '=', 'open')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
/** Every open report about a person closes with the sanction taken on them. */
export const resolveOpenAbout = (db: Db, subjectId: string, outcome: string, by: string, at: number) =>
  db
    .updateTable('safety_reports')
    .set({ state: 'actioned', outcome, resolved_by: by, resolved_at: at })
    .where('subject_id', '=', subjectId)
    .where('state', '=', 'open')
    .execute();

// ---- sanctions ----
export const insertSanction = (db: Db, row: SanctionRow) => db.insertInto('safety_sanctions').values(row).execute();
export const sanctionsOf = (db: Db, userId: string) =>
  db.selectFrom('safety_sanctions').selectAll().where('user_id', '=', userId).orderBy('starts_at', 'desc').execute();
/** Suspensions and bans in force at `at`. */
export const sanctionsInForce = (db: Db, userIds: string[], at: number) =>
  userIds.length === 0
    ? Promise.resolve([] as SanctionRow[])
    : db
        .selectFrom('safety_sanctions')
        .selectAll()
        .where('user_id', 'in', userIds)
        .where('kind', 'in', ['suspend', 'ban'])
        .where('lifted_at', 'is', null)
        .where((e) => e.or([e('ends_at', 'is', null), e('ends_at', '>', at)]))
        .execute();
export const liftSanctions = (db: Db, userId: string, at: number) =>
  db
    .updateTable('safety_sanctions')
    .set({ lifted_at: at })
    .where('user_id', '=', userId)
    .where('kind', 'in', ['suspend', 'ban'])
    .where('lifted_at', 'is', null)
    .execute();
export const unseenWarnings = (db: Db, userId: string) =>
  db
    .selectFrom('safety_sanctions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('kind', '=', 'warn')
    .where('seen_at', 'is', null)
    .orderBy('starts_at', 'asc')
    .execute();
export const markWarningSeen = (db: Db, userId: string, id: string, at: number) =>
  db.updateTable('safety_sanctions').set({ seen_at: at }).where('id', '=', id).where('user_id', '=', userId).execute();

// ---- the audit log: insert and read, nothing else ----
export const appendAudit = (db: Db, row: AuditRow) => db.insertInto('safety_audit').values(row).execute();
export const auditLog = (db: Db, limit: number) =>
  db.selectFrom('safety_audit').selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();

// ---- privacy ----
export const findPrivacy = (db: Db, userIds: string[]) =>
  userIds.length
    ? db.selectFrom('privacy_settings').selectAll().where('user_id', 'in', userIds).execute()
    : Promise.resolve([] as PrivacyRow[]);
export async function savePrivacy(db: Db, row: PrivacyRow) {
  await db.deleteFrom('privacy_settings').where('user_id', '=', row.user_id).execute();
  await db.insertInto('privacy_settings').values(row).execute();
}
export const erasePrivacy = (db: Db, userId: string) => db.deleteFrom('privacy_settings').where('user_id', '=', userId).execute();

// ---- screening ----
export const adminWords = (db: Db) => db.selectFrom('safety_words').selectAll().orderBy('word').execute();
export const addWord = (db: Db, row: Selectable<SafetyWordsTable>) => db.insertInto('safety_words').values(row).execute();
export const removeWord = (db: Db, word: string) => db.deleteFrom('safety_words').where('word', '=', word).execute();
export const insertFlag = (db: Db, row: Selectable<SafetyFlagsTable>) => db.insertInto('safety_flags').values(row).execute();
export async function countFlags(db: Db, userId: string, since: number) {
  const row = await db
    .selectFrom('safety_flags')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('at', '>=', since)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
