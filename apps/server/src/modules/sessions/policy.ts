import type { SessionRowState } from './repository.js';

/**
 * Who may do what to a session, as small functions over facts: tested as truth tables in
 * test/sessions-policy.test.ts. Someone who is neither of the two learns nothing ('not-found').
 */
export type SessionRefusal = 'not-found' | 'closed' | 'decline-instead' | 'own-move' | 'started' | 'not-series';

export interface SessionFacts {
  organiserId: string;
  partnerId: string;
  state: SessionRowState;
  /** The first occurrence's start and the series' last end (UTC ms). */
  firstStart: number;
  lastEnd: number;
  /** Whether it repeats (a series), or is one session. */
  repeating: boolean;
}
export interface OccurrenceFacts {
  /** Does the rule have this occurrence at all. */
  exists: boolean;
  cancelled: boolean;
  start: number;
  end: number;
  /** A move waiting for an answer, and who asked for it. */
  proposedBy: string | null;
  proposedStart: number | null;
}

export type SessionRole = 'organiser' | 'partner' | 'stranger';
export const roleOf = (s: Pick<SessionFacts, 'organiserId' | 'partnerId'>, userId: string): SessionRole =>
  s.organiserId === userId ? 'organiser' : s.partnerId === userId ? 'partner' : 'stranger';

/** Only the partner answers a proposal (accept or decline), while it waits and before it starts. */
export function mayAnswer(s: SessionFacts, userId: string, now: number): SessionRefusal | null {
  const role = roleOf(s, userId);
  if (role === 'stranger') return 'not-found';
  if (role !== 'partner' || s.state !== 'proposed') return 'closed';
  if (s.firstStart <= now) return 'started';
  return null;
}

/**
 * Cancelling. A proposal: only its organiser withdraws it, whole (the partner declines instead).
 * A booked session: either person cancels the whole series while some of it is still to come, or
 * one occurrence that is neither cancelled nor over.
 */
export function mayCancel(s: SessionFacts, userId: string, occurrence: OccurrenceFacts | null, now: number): SessionRefusal | null {
  const role = roleOf(s, userId);
  if (role === 'stranger') return 'not-found';
  if (s.state === 'proposed') {
    if (role === 'partner') return 'decline-instead';
    return occurrence ? 'closed' : null;
  }
  if (s.state !== 'booked') return 'closed';
  if (!occurrence) return s.lastEnd > now ? null : 'closed';
  if (!occurrence.exists) return 'not-found';
  if (occurrence.cancelled || occurrence.end <= now) return 'closed';
  return null;
}

/** Either person asks to move a booked occurrence that has not started to a time still ahead; a new ask replaces a waiting one. */
export function mayMove(
  s: SessionFacts,
  userId: string,
  occurrence: OccurrenceFacts,
  newStart: number,
  now: number,
): SessionRefusal | null {
  if (roleOf(s, userId) === 'stranger') return 'not-found';
  if (!occurrence.exists) return 'not-found';
  if (s.state !== 'booked' || occurrence.cancelled) return 'closed';
  if (occurrence.start <= now || newStart <= now) return 'started';
  return null;
}

/**
 * Either person asks to move the rest of a booked series, from an occurrence still to come (the
 * first one the move changes) to a start still ahead; the other must accept. A one-off session
 * has no rest to move.
 */
export function mayMoveSeries(
  s: SessionFacts,
  userId: string,
  first: OccurrenceFacts,
  newStart: number,
  now: number,
): SessionRefusal | null {
  const refusal = mayMove(s, userId, first, newStart, now);
  if (refusal) return refusal;
  return s.repeating ? null : 'not-series';
}

/** The other person (never the one who asked) accepts or declines a waiting move, before either time has come. */
export function mayAnswerMove(s: SessionFacts, userId: string, occurrence: OccurrenceFacts, now: number): SessionRefusal | null {
  if (roleOf(s, userId) === 'stranger') return 'not-found';
  if (!occurrence.exists) return 'not-found';
  if (s.state !== 'booked' || occurrence.cancelled || occurrence.proposedStart == null) return 'closed';
  if (occurrence.proposedBy === userId) return 'own-move';
  if (occurrence.start <= now || occurrence.proposedStart <= now) return 'started';
  return null;
}

/** Two sets of [start, end) intervals overlap: touching ends do not count (a 19:00-19:30 then a 19:30). */
export const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;
