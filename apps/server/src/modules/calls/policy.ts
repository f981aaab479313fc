import type { CallRow } from './repository.js';

declare const authorized: unique symbol;
/** A call id the user takes part in, minted only here: the repository's reads of a call's legs and the STOMP paths require it. */
export type AuthorizedCallId = string & { readonly [authorized]: true };

/** The user's side of the call, or null for anyone else (who then learns nothing, not even that it exists). */
export function roleIn(call: Pick<CallRow, 'caller_id' | 'callee_id'>, userId: string): 'caller' | 'callee' | null {
  if (call.caller_id === userId) return 'caller';
  if (call.callee_id === userId) return 'callee';
  return null;
}

export const authorizeCall = (call: Pick<CallRow, 'id' | 'caller_id' | 'callee_id'> | undefined, userId: string) =>
  call && roleIn(call, userId) ? (call.id as AuthorizedCallId) : null;

/** Why an instant call to someone may not start, or null when it may: only open mates ring each other. */
export function mayRing(facts: { self: boolean; mates: boolean; contact: 'open' | 'read-only' | 'blocked' }) {
  if (facts.self || !facts.mates || facts.contact === 'blocked') return 'unknown-mate' as const;
  if (facts.contact !== 'open') return 'contact-closed' as const;
  return null;
}

/**
 * Who may join now: both participants of an accepted (or booked) call; while it rings only the
 * caller (the callee answers first); nobody once it is over.
 */
export function mayJoin(call: Pick<CallRow, 'state' | 'caller_id' | 'callee_id'>, userId: string) {
  const role = roleIn(call, userId);
  if (!role) return 'unknown-call' as const;
  if (call.state === 'accepted') return null;
  if (call.state === 'ringing') return role === 'caller' ? null : ('not-answered' as const);
  return 'over' as const;
}

/** Only the callee answers, and only while it rings. */
export function mayAnswer(call: Pick<CallRow, 'state' | 'caller_id' | 'callee_id'>, userId: string) {
  const role = roleIn(call, userId);
  if (role !== 'callee') return role ? ('not-callee' as const) : ('unknown-call' as const);
  return call.state === 'ringing' ? null : ('not-ringing' as const);
}

/** A participant rates the other once the call is over and both were in it together. */
export function mayRate(call: Pick<CallRow, 'state' | 'caller_id' | 'callee_id' | 'connected_ms'>, userId: string) {
  if (!roleIn(call, userId)) return 'unknown-call' as const;
  if (call.state !== 'ended') return 'not-over' as const;
  return null;
}

type Span = { joined_at: number; left_at: number | null };

/**
 * How long both were in the call at once: the overlap of each participant's legs (joins until a
 * leave or a dropped connection), an open leg counting until `end`. From the server's own
 * timestamps, never a number a browser sent.
 */
export function bothPresentMs(a: Span[], b: Span[], end: number): number {
  const merge = (spans: Span[]) => {
    const sorted = spans.map((s) => [s.joined_at, Math.min(s.left_at ?? end, end)] as const).filter(([x, y]) => y > x);
    sorted.sort((x, y) => x[0] - y[0]);
    const out: [number, number][] = [];
    for (const [x, y] of sorted) {
      const last = out[out.length - 1];
      if (last && x <= last[1]) last[1] = Math.max(last[1], y);
      else out.push([x, y]);
    }
    return out;
  };
  const [ma, mb] = [merge(a), merge(b)];
  let total = 0;
  let i = 0;
  let j = 0;
  while (i < ma.length && j < mb.length) {
    const start = Math.max(ma[i]![0], mb[j]![0]);
    const stop = Math.min(ma[i]![1], mb[j]![1]);
    if (stop > start) total += stop - start;
    if (ma[i]![1] < mb[j]![1]) i++;
    else j++;
  }
  return total;
}
