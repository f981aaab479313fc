import type { Kysely, Selectable } from 'kysely';
import type { LevelTestPrompt, LevelTestResult, LevelTestStatus } from '@studymate/contracts';
import type { AuthorizedAttemptId } from './policy.js';

export interface LevelTestAttemptsTable {
  id: string;
  user_id: string;
  language: 'en';
  status: LevelTestStatus;
  /** JSON: the prompts drawn for this attempt, frozen so a later bank change cannot alter it. */
  prompts: string;
  started_at: number;
  submitted_at: number | null;
  scored_at: number | null;
  /** JSON: the presented result. */
  result: string | null;
  /** Comma list of the providers that took part. */
  providers: string | null;
  error: string | null;
  /** The owner's id while this is a draft, else null; unique, so a person has one draft at most. */
  draft_of: string | null;
}
export interface LevelTestAnswersTable {
  attempt_id: string;
  prompt_id: string;
  stage: number;
  storage_key: string;
  content_type: string;
  duration_ms: number;
  client_transcript: string | null;
  uploaded_at: number;
  /** JSON: transcript and voice activity, saved as soon as each answer is analysed. */
  analysis: string | null;
  analysed_at: number | null;
}
export interface LevelTestTables {
  level_test_attempts: LevelTestAttemptsTable;
  level_test_answers: LevelTestAnswersTable;
}
export type AttemptRow = Selectable<LevelTestAttemptsTable>;
/** The prompts drawn for an attempt, stored as JSON. */
export const promptsOf = (row: Pick<AttemptRow, 'prompts'>) => JSON.parse(row.prompts) as LevelTestPrompt[];
/** The scored result, stored as JSON once the attempt is scored. */
export const resultOf = (row: Pick<AttemptRow, 'result'>) => (row.result ? (JSON.parse(row.result) as LevelTestResult) : null);
export type AnswerRow = Selectable<LevelTestAnswersTable>;
type Db = Kysely<LevelTestTables>;

/** Unchecked: for the policy, which decides whether the caller may see it. */
export const findAttemptUnchecked = (db: Db, id: string) =>
  db.selectFrom('level_test_attempts').selectAll().where('id', '=', id).executeTakeFirst();

export const findAttempt = (db: Db, id: AuthorizedAttemptId) =>
  db.selectFrom('level_test_attempts').selectAll().where('id', '=', id).executeTakeFirst();

export const attemptsOf = (db: Db, userId: string, limit = 50) =>
  db.selectFrom('level_test_attempts').selectAll().where('user_id', '=', userId).orderBy('started_at', 'desc').limit(limit).execute();

export const insertAttempt = (db: Db, row: AttemptRow) => db.insertInto('level_test_attempts').values(row).execute();

export const updateAttempt = (db: Db, id: AuthorizedAttemptId, values: Partial<LevelTestAttemptsTable>) =>
  db.updateTable('level_test_attempts').set(values).where('id', '=', id).execute();

/** Moves an attempt on only from the status the caller saw, so two requests cannot both win. */
export async function moveAttempt(db: Db, id: AuthorizedAttemptId, from: LevelTestStatus[], values: Partial<LevelTestAttemptsTable>) {
  const result = await db
    .updateTable('level_test_attempts')
    .set(values)
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export const answersOf = (db: Db, attemptId: AuthorizedAttemptId) =>
  db.selectFrom('level_test_answers').selectAll().where('attempt_id', '=', attemptId).orderBy('stage').execute();

/** For the data export: the answers of attempts already known to be the person's (from attemptsOf). */
export const answersOfOwnAttempts = (db: Db, attemptIds: string[]) =>
  attemptIds.length
    ? db.selectFrom('level_test_answers').selectAll().where('attempt_id', 'in', attemptIds).orderBy('stage').execute()
    : Promise.resolve([] as AnswerRow[]);

export const findAnswer = (db: Db, attemptId: AuthorizedAttemptId, promptId: string) =>
  db.selectFrom('level_test_answers').selectAll().where('attempt_id', '=', attemptId).where('prompt_id', '=', promptId).executeTakeFirst();

/** A re-recording replaces the earlier answer to the same prompt. */
export async function putAnswer(db: Db, row: AnswerRow) {
  await db.deleteFrom('level_test_answers').where('attempt_id', '=', row.attempt_id).where('prompt_id', '=', row.prompt_id).execute();
  await db.insertInto('level_test_answers').values(row).execute();
}

/** Saves an answer's analysis only if that recording is still the answer and nobody saved one first. */
export async function saveAnalysisOf(
  db: Db,
  attemptId: AuthorizedAttemptId,
  promptId: string,
  storageKey: string,
  analysis: string,
  at: number,
) {
  const result = await db
    .updateTable('level_test_answers')
    .set({ analysis, analysed_at: at })
    .where('attempt_id', '=', attemptId)
    .where('prompt_id', '=', promptId)
    .where('storage_key', '=', storageKey)
    .where('analysis', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export const clearAnalyses = (db: Db, attemptId: AuthorizedAttemptId) =>
  db.updateTable('level_test_answers').set({ analysis: null, analysed_at: null }).where('attempt_id', '=', attemptId).execute();

export const storageKeysOfUser = (db: Db, userId: string) =>
  db
    .selectFrom('level_test_answers')
    .innerJoin('level_test_attempts', 'level_test_attempts.id', 'level_test_answers.attempt_id')
    .select('level_test_answers.storage_key')
    .where('level_test_attempts.user_id', '=', userId)
    .execute();

export const eraseAttemptsOf = async (db: Db, userId: string) => {
  const ids = (await db.selectFrom('level_test_attempts').select('id').where('user_id', '=', userId).execute()).map((r) => r.id);
  if (ids.length) await db.deleteFrom('level_test_answers').where('attempt_id', 'in', ids).execute();
  await db.deleteFrom('level_test_attempts').where('user_id', '=', userId).execute();
};
