import type { RequestRow } from './repository.js';

/** Match requests one person may send in 24 hours (SPEC 4, issue #11): a nudge to choose, not to spray. */
export const DAILY_REQUEST_LIMIT = 5;

/** Why a request may not be sent, or null when it may. */
export type RequestRefusal = 'self' | 'unknown-partner' | 'not-onboarded' | 'already-mates' | 'pending' | 'daily-limit';

/**
 * Who may ask whom. A block either way reads as an unknown partner to the sender: a refusal must
 * not tell someone that they were blocked.
 */
export function mayRequest(facts: {
  self: boolean;
  partnerActive: boolean;
  blockedEitherWay: boolean;
  senderOnboarded: boolean;
  mates: boolean;
  pairOccupied: boolean;
  sentInLastDay: number;
}): RequestRefusal | null {
  if (facts.self) return 'self';
  if (!facts.partnerActive || facts.blockedEitherWay) return 'unknown-partner';
  if (!facts.senderOnboarded) return 'not-onboarded';
  if (facts.mates) return 'already-mates';
  if (facts.pairOccupied) return 'pending';
  if (facts.sentInLastDay >= DAILY_REQUEST_LIMIT) return 'daily-limit';
  return null;
}

/** Only the receiver answers (accepts or declines), only while the request is open and unexpired. */
export function mayAnswer(request: Pick<RequestRow, 'receiver_id' | 'status' | 'expires_at'>, userId: string, now: number) {
  if (request.receiver_id !== userId) return 'unknown-request' as const;
  if (request.status !== 'open' || Number(request.expires_at) <= now) return 'closed' as const;
  return null;
}

/**
 * Only the sender cancels, while the request still looks pending to them: open, or declined
 * before it would have expired (the decline is silent, so cancelling it must work the same).
 */
export function mayCancel(request: Pick<RequestRow, 'sender_id' | 'status' | 'expires_at'>, userId: string, now: number) {
  if (request.sender_id !== userId) return 'unknown-request' as const;
  if (!['open', 'declined'].includes(request.status) || Number(request.expires_at) <= now) return 'closed' as const;
  return null;
}

/** What the sender sees of a request: a decline looks like waiting, then like no answer, as an expiry does. */
export function senderSees(request: Pick<RequestRow, 'status' | 'expires_at'>, now: number) {
  switch (request.status) {
    case 'accepted':
      return 'accepted' as const;
    case 'cancelled':
      return 'cancelled' as const;
    case 'open':
    case 'declined':
      return Number(request.expires_at) > now ? ('pending' as const) : ('no-answer' as const);
    default:
      return 'no-answer' as const;
  }
}

/** Blocked people never see each other: not in recommendations, search, requests, mates or a profile view. */
export const maySee = (viewerId: string, subjectId: string, blockedEitherWay: ReadonlySet<string>) =>
  viewerId !== subjectId && !blockedEitherWay.has(subjectId);

/** Anyone may block anyone else; blocking yourself is a mistake. */
export const mayBlock = (userId: string, targetId: string) => userId !== targetId;

/**
 * Whether two people may write to each other in their 1:1: `open`, `read-only` after an unmatch
 * (the history stays), `blocked` when either blocked the other (no new room either).
 */
export type ContactState = 'open' | 'read-only' | 'blocked';
export const contactState = (facts: { blocked: boolean; unmatched: boolean }): ContactState =>
  facts.blocked ? 'blocked' : facts.unmatched ? 'read-only' : 'open';
