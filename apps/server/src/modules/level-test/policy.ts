import type { Kysely } from 'kysely';
import type { SignedLinks } from '../../platform/auth/signed-links.js';
import * as repo from './repository.js';
import type { AttemptRow, LevelTestTables } from './repository.js';

declare const authorized: unique symbol;
/**
 * An attempt id proven to be the caller's own attempt (or an administrator's re-score). Only this
 * file mints it; the repository's attempt reads and writes require it.
 */
export type AuthorizedAttemptId = string & { readonly [authorized]: true };

/** A person sees only their own attempts; anyone else is told it does not exist. */
export async function authorizeAttempt(
  db: Kysely<LevelTestTables>,
  userId: string,
  attemptId: string,
): Promise<{ id: AuthorizedAttemptId; row: AttemptRow } | null> {
  const row = await repo.findAttemptUnchecked(db, attemptId);
  return row ? ownAttempt(userId, row) : null;
}

/** The same check on a row already read (one of the person's own, listed by user). */
export const ownAttempt = (userId: string, row: AttemptRow) => (row.user_id === userId ? { id: row.id as AuthorizedAttemptId, row } : null);

/** Administrators may re-score anyone's attempt; the route has checked the role. */
export async function authorizeAttemptForAdmin(db: Kysely<LevelTestTables>, attemptId: string) {
  const row = await repo.findAttemptUnchecked(db, attemptId);
  return row ? { id: row.id as AuthorizedAttemptId, row } : null;
}

/** What a data export's recording links open; part of each link's signature. */
const RECORDING_LINK = 'level-test-recording';
const recordingSubject = (attemptId: string, promptId: string) => `${attemptId}/${promptId}`;

/** The query of a data export's link to one answer's recording (the export is its owner's, built for them). */
export const recordingLinkQuery = (links: SignedLinks, attemptId: string, promptId: string, expires: number) =>
  links.query(RECORDING_LINK, recordingSubject(attemptId, promptId), expires);

/** Whoever holds such a link may fetch that one recording until the link expires; a forged or expired one opens nothing. */
export const attemptOfRecordingLink = (links: SignedLinks, attemptId: string, promptId: string, expires: number, sig: string) =>
  links.valid(RECORDING_LINK, recordingSubject(attemptId, promptId), expires, sig) ? (attemptId as AuthorizedAttemptId) : null;

/** The scoring job acts on behalf of the system on the attempt named in its payload. */
export const attemptOfJob = (attemptId: string) => attemptId as AuthorizedAttemptId;

/** Answers change only before the attempt is handed in. */
export const mayChangeAnswers = (attempt: Pick<AttemptRow, 'status'>) => attempt.status === 'draft';

/** Only finished scoring can be redone; one in progress would race the new run. */
export const mayRescore = (attempt: Pick<AttemptRow, 'status'>) => attempt.status === 'scored' || attempt.status === 'failed';

/** The test assesses English speaking; a native English speaker has no English level to place. */
export const levelTestOffered = (nativeLanguage: string | null) => nativeLanguage !== 'en';
