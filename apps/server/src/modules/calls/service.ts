import { createHmac, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  type CallEvent,
  type CallInvite,
  type CallKind,
  type CallRating,
  type CallSignalBody,
  type CallView,
  type CreateCallBody,
  type IceServersReply,
  type RoomSummary,
} from '@studymate/contracts';
import { nowMs, toIso } from '../../platform/db/database.js';
import { ok, refuse, type Result } from '../../platform/http/errors.js';
import type { JobRunner } from '../../platform/jobs/jobs.js';
import type { AccountParticipant } from '../users/service.js';
import { bothPresentMs, mayAnswer, mayJoin, mayRate, mayRing, roleIn, type AuthorizedCallId } from './policy.js';
import * as repo from './repository.js';
import type { CallRow, CallsTables } from './repository.js';

/**
 * What the sessions module tells us about a booked session: its two people, kind and window, or
 * null when it does not exist or the user is not one of its two people.
 */
export interface SessionCallPort {
  callTarget(
    sessionId: string,
    userId: string,
  ): Promise<{ participants: [string, string]; kind: CallKind; startsAt: Date | string | number; endsAt: Date | string | number } | null>;
}

/** Matching's say on a pair: whether they are mates, and whether they may still reach each other. */
export interface MateRules {
  contact(a: string, b: string): Promise<'open' | 'read-only' | 'blocked'>;
  isMate(a: string, b: string): Promise<boolean>;
}

/** The pair's 1:1 room (chat): the in-call chat, and a quick match's pair. */
export interface CallRooms {
  openDirectRoom(userId: string, partnerId: string): Promise<Result<RoomSummary>>;
  room(userId: string, roomId: string): Promise<Result<RoomSummary>>;
}

export interface CallSignals {
  toCall(callId: string, event: CallEvent): Promise<void>;
  toUser(userId: string, invite: CallInvite): Promise<void>;
}

export interface CallCompleted {
  callId: string;
  sessionId: string | null;
  kind: CallKind;
  participants: [string, string];
  startedAt: string;
  endedAt: string;
  connectedSeconds: number;
}

export interface MissedCallNote {
  userId: string;
  callId: string;
  /** Whom the words name: it goes when their account is deleted. */
  callerId: string;
  callerName: string;
  kind: CallKind;
  /** The pair's 1:1 room, where the person can call back. */
  roomId: string | null;
}

/** A connection of a participant, as the gateway names it. */
export interface CallConnection {
  userId: string;
  sessionId: string;
}

const RING_JOB = 'calls.ring-timeout';
const DROP_JOB = 'calls.drop-check';
/** An accepted call nobody is in for this long no longer holds the pair: a new call starts afresh. */
const ABANDONED_MS = 2 * 60_000;
const MAX_REMEMBERED_CALLS = 100_000;

type EndReason = Extract<CallEvent, { type: 'ended' }>['reason'];
const finalState = { hangup: 'ended', dropped: 'ended', declined: 'declined', missed: 'missed', cancelled: 'cancelled' } as const;

const pairKey = (a: string, b: string) => `p:${[a, b].sort().join(':')}`;
const instant = (value: Date | string | number) => new Date(value).getTime();

export type CallsService = ReturnType<typeof createCallsService>;

export function createCallsService(deps: {
  db: Kysely<CallsTables>;
  /** Names as `viewerId` sees them (others' abusive names masked). */
  names: (ids: string[], viewerId?: string) => Promise<Map<string, { displayName: string; deleted: boolean }>>;
  photos: (ids: string[]) => Promise<Map<string, string | null>>;
  rooms: CallRooms;
  mates: MateRules;
  sessions?: SessionCallPort | undefined;
  signals: CallSignals;
  /** The missed-call note, stored and pushed by the notifications module. */
  missed: (note: MissedCallNote) => Promise<void>;
  /** Called inside the transaction that ends a call both people were in (the domain event). */
  completed?: (tx: Kysely<CallsTables>, payload: CallCompleted) => Promise<unknown>;
  /** After the commit of a completed call: deliver its event now rather than at the next poll. */
  delivered?: () => void;
  jobs: JobRunner;
  /** Where a failed background beat is reported (the app's logger). */
  warn?: (error: unknown) => void;
  turn: { urls: string[]; secret: string; ttlSeconds: number } | null;
  timing: { ringSeconds: number; reconnectSeconds: number };
}) {
  const { db, jobs } = deps;
  const RING_MS = deps.timing.ringSeconds * 1000;
  const RECONNECT_MS = deps.timing.reconnectSeconds * 1000;
  // Each node vouches for the legs its connections hold every HEARTBEAT_MS; a leg unvouched for
  // three beats belongs to a node that died (no close ever came), and ends when it was last seen.
  // Three beats are half the reconnect window (at 30 s), so the partner still sees "reconnecting" a while.
  const HEARTBEAT_MS = Math.min(5000, Math.max(1000, Math.floor(RECONNECT_MS / 6)));
  const STALE_MS = 3 * HEARTBEAT_MS;

  // A call's two people never change: remembered per node, so signalling needs no query.
  const pairs = new Map<string, [string, string]>();
  // The legs this node's connections hold: connection -> call -> leg id.
  const legs = new Map<string, Map<string, string>>();

  async function authorize(userId: string, callId: string): Promise<AuthorizedCallId | null> {
    let pair = pairs.get(callId);
    if (!pair) {
      const call = await repo.findCall(db, callId);
      if (!call) return null;
      pair = [call.caller_id, call.callee_id];
      if (pairs.size >= MAX_REMEMBERED_CALLS) pairs.delete(pairs.keys().next().value!);
      pairs.set(callId, pair);
    }
    return pair.includes(userId) ? (callId as AuthorizedCallId) : null;
  }

  const notFound = () => refuse<never>('NOT_FOUND', 'No such call.');

  async function person(ids: string[], viewerId?: string) {
    const [names, photos] = await Promise.all([deps.names(ids, viewerId), deps.photos(ids)]);
    return (id: string) => ({ userId: id, name: names.get(id)?.displayName ?? '', photoUrl: photos.get(id) ?? null });
  }

  /** Inserts a call unless the pair or session already has an open one, which is returned instead. */
  async function openCall(row: repo.CallsTable, ring: boolean): Promise<{ call: CallRow; created: boolean }> {
    const existing = await repo.findOpenCall(db, row.open_key!);
    if (existing) {
      const stale = existing.state === 'accepted' && nowMs() - existing.created_at > ABANDONED_MS && !(await anyoneIn(existing.id));
      if (!stale) return { call: existing, created: false };
      await end(existing.id, null, 'dropped');
    }
    try {
      await db.transaction().execute(async (tx) => {
        await repo.insertCall(tx, row);
        if (ring) await jobs.enqueue(RING_JOB, { callId: row.id }, tx, row.created_at + RING_MS);
      });
    } catch (error) {
      // Both pressed "call" at once (perhaps on two nodes): the unique open_key let one in.
      const winner = await repo.findOpenCall(db, row.open_key!);
      if (!winner) throw error;
      return { call: winner, created: false };
    }
    return { call: row, created: true };
  }

  async function anyoneIn(callId: string) {
    return (await repo.legsOf(db, callId)).some((leg) => leg.left_at === null);
  }

  async function pairRoom(a: string, b: string) {
    const room = await deps.rooms.openDirectRoom(a, b);
    return room.ok ? room.value.id : null;
  }

  /** An instant call: it rings on every device of the other person for CALL_RING_SECONDS. */
  async function ring(callerId: string, calleeId: string, kind: CallKind, roomId: string | null): Promise<Result<{ id: string }>> {
    const at = nowMs();
    const { call, created } = await openCall(
      {
        id: randomUUID(),
        kind,
        state: 'ringing',
        caller_id: callerId,
        callee_id: calleeId,
        room_id: roomId ?? (await pairRoom(callerId, calleeId)),
        session_id: null,
        starts_at: null,
        ends_at: null,
        open_key: pairKey(callerId, calleeId),
        created_at: at,
        answered_at: null,
        ended_at: null,
        connected_ms: null,
      },
      true,
    );
    if (!created) {
      // They were calling me at the same moment: my call answers theirs.
      if (call.state === 'ringing' && call.callee_id === callerId) {
        const answered = await accept(callerId, call.id);
        if (!answered.ok) return answered;
      }
      return ok({ id: call.id });
    }
    const who = await person([callerId]);
    await deps.signals.toUser(calleeId, {
      type: 'ringing',
      callId: call.id,
      kind,
      from: who(callerId),
      expiresAt: toIso(at + RING_MS)!,
    });
    return ok({ id: call.id });
  }

  async function accept(userId: string, callId: string): Promise<Result<CallView>> {
    const call = await repo.findCall(db, callId);
    if (!call || !roleIn(call, userId)) return notFound();
    const refusal = mayAnswer(call, userId);
    if (refusal === 'not-ringing' && call.state === 'accepted') return view(userId, callId);
    if (refusal)
      return refuse('CONFLICT', refusal === 'not-ringing' ? 'This call is no longer ringing.' : 'Only the person called answers.');
    if (!(await repo.moveCall(db, callId, ['ringing'], { state: 'accepted', answered_at: nowMs() }))) {
      return refuse('CONFLICT', 'This call is no longer ringing.');
    }
    // Every device of both: the caller's page starts, the callee's other devices stop ringing.
    await Promise.all([
      deps.signals.toUser(call.caller_id, { type: 'accepted', callId }),
      deps.signals.toUser(call.callee_id, { type: 'accepted', callId }),
    ]);
    return view(userId, callId);
  }

  /**
   * Ends an open call once (whichever node gets there first): closes the legs, works out how long
   * both were in it, and tells both participants.
   */
  async function end(callId: string, by: string | null, reason: EndReason): Promise<boolean> {
    const at = nowMs();
    const ended = await db.transaction().execute(async (tx) => {
      const call = await repo.findCall(tx, callId);
      if (!call) return null;
      if (!(await repo.moveCall(tx, callId, ['ringing', 'accepted'], { state: finalState[reason], ended_at: at, open_key: null })))
        return null;
      await repo.closeLegs(tx, callId, at, {}, at - STALE_MS);
      const all = await repo.legsOf(tx, callId);
      const connectedMs = bothPresentMs(
        all.filter((l) => l.user_id === call.caller_id),
        all.filter((l) => l.user_id === call.callee_id),
        at,
      );
      await tx.updateTable('calls').set({ connected_ms: connectedMs }).where('id', '=', callId).execute();
      if (connectedMs > 0 && deps.completed) {
        const firstBoth = Math.max(
          Math.min(...all.filter((l) => l.user_id === call.caller_id).map((l) => l.joined_at)),
          Math.min(...all.filter((l) => l.user_id === call.callee_id).map((l) => l.joined_at)),
        );
        await deps.completed(tx, {
          callId,
          sessionId: call.session_id,
          kind: call.kind,
          participants: [call.caller_id, call.callee_id],
          startedAt: toIso(firstBoth)!,
          endedAt: toIso(at)!,
          connectedSeconds: Math.round(connectedMs / 1000),
        });
      }
      return { call, connectedMs };
    });
    if (!ended) return false;
    if (ended.connectedMs > 0) deps.delivered?.();
    for (const held of legs.values()) held.delete(callId);
    await deps.signals.toCall(callId, { type: 'ended', by, reason, connectedSeconds: Math.round(ended.connectedMs / 1000) });
    if (reason === 'cancelled' || reason === 'missed' || reason === 'declined') {
      await deps.signals.toUser(ended.call.callee_id, { type: reason, callId });
      if (reason !== 'cancelled') await deps.signals.toUser(ended.call.caller_id, { type: reason, callId });
    }
    return true;
  }

  /** Who is in the call now (their current leg), and who dropped and may still come back. */
  async function presence(callId: string) {
    const all = await repo.legsOf(db, callId);
    const present: { userId: string; leg: string }[] = [];
    const reconnecting: { userId: string; until: string }[] = [];
    for (const userId of new Set(all.map((l) => l.user_id))) {
      const mine = all.filter((l) => l.user_id === userId);
      const open = mine.find((l) => l.left_at === null);
      if (open) {
        present.push({ userId, leg: open.id });
        continue;
      }
      const until = Math.max(...mine.map((l) => l.left_at!)) + RECONNECT_MS;
      if (until > nowMs()) reconnecting.push({ userId, until: toIso(until)! });
    }
    await deps.signals.toCall(callId, { type: 'presence', present, reconnecting });
  }

  async function join(connection: CallConnection, callId: string): Promise<Result<void>> {
    const call = await repo.findCall(db, callId);
    const refusal = call ? mayJoin(call, connection.userId) : 'unknown-call';
    if (refusal === 'unknown-call') return notFound();
    if (refusal === 'not-answered') return refuse('CONFLICT', 'Answer the call first.');
    if (refusal === 'over') return refuse('CONFLICT', 'This call is over.');
    let held = legs.get(connection.sessionId);
    if (!held?.has(callId)) {
      const leg = randomUUID();
      const at = nowMs();
      // One leg per person: joining from another device or tab takes the call over. Two statements,
      // not a transaction: both people joining at once on MariaDB deadlocked on the index gap
      // locks of update-then-insert (found by bench/signalling.mjs on two nodes).
      await repo.closeLegs(db, callId, at, { userId: connection.userId }, at - STALE_MS);
      await repo.insertLeg(db, {
        id: leg,
        call_id: callId,
        user_id: connection.userId,
        connection_id: connection.sessionId,
        joined_at: at,
        left_at: null,
        seen_at: at,
      });
      if (!held) legs.set(connection.sessionId, (held = new Map()));
      held.set(callId, leg);
    }
    await presence(callId);
    return ok(undefined);
  }

  /** A connection closed: its legs end now, and the call ends if its person is not back in CALL_RECONNECT_SECONDS. */
  async function connectionClosed(connection: CallConnection) {
    const held = legs.get(connection.sessionId);
    if (!held) return;
    legs.delete(connection.sessionId);
    const at = nowMs();
    for (const callId of held.keys()) {
      await db.transaction().execute(async (tx) => {
        await repo.closeLegs(tx, callId, at, { connectionId: connection.sessionId });
        await jobs.enqueue(DROP_JOB, { callId, userId: connection.userId }, tx, at + RECONNECT_MS);
      });
      await presence(callId);
    }
  }

  /** Vouches for this node's legs, then ends the legs of nodes that died (any node may; one wins each). */
  async function heartbeat() {
    const at = nowMs();
    const held = [...legs.values()].flatMap((calls) => [...calls.values()]);
    if (held.length) await repo.markSeen(db, held, at);
    for (const leg of await repo.staleLegs(db, at - STALE_MS)) {
      const lastSeen = Number(leg.seen_at);
      const closed = await db.transaction().execute(async (tx) => {
        if (!(await repo.closeLeg(tx, leg.id, lastSeen))) return false;
        await jobs.enqueue(DROP_JOB, { callId: leg.call_id, userId: leg.user_id }, tx, lastSeen + RECONNECT_MS);
        return true;
      });
      if (!closed) continue;
      jobs.kick();
      await presence(leg.call_id);
    }
  }
  let beating = false;
  const beat = setInterval(() => {
    if (beating) return;
    beating = true;
    heartbeat()
      .catch((error: unknown) => deps.warn?.(error))
      .finally(() => (beating = false));
  }, HEARTBEAT_MS);
  beat.unref();

  jobs.register(RING_JOB, {
    async run({ callId }: { callId: string }) {
      const call = await repo.findCall(db, callId);
      if (call?.state !== 'ringing') return;
      if (!(await end(callId, null, 'missed'))) return;
      const who = await person([call.caller_id]);
      await deps.missed({
        userId: call.callee_id,
        callId,
        callerId: call.caller_id,
        callerName: who(call.caller_id).name,
        kind: call.kind,
        roomId: call.room_id,
      });
    },
  });
  jobs.register(DROP_JOB, {
    async run({ callId, userId }: { callId: string; userId: string }) {
      const call = await repo.findCall(db, callId);
      if (call?.state !== 'accepted' && call?.state !== 'ringing') return;
      const mine = (await repo.legsOf(db, callId)).filter((l) => l.user_id === userId);
      if (mine.some((l) => l.left_at === null)) return;
      const lastLeft = Math.max(...mine.map((l) => l.left_at ?? 0));
      // Back and gone again since: that later drop has its own check.
      if (lastLeft + RECONNECT_MS > nowMs() + 250) return;
      await end(callId, userId, 'dropped');
    },
  });

  async function view(userId: string, callId: string): Promise<Result<CallView>> {
    const call = await repo.findCall(db, callId);
    const role = call ? roleIn(call, userId) : null;
    if (!call || !role) return notFound();
    const partnerId = role === 'caller' ? call.callee_id : call.caller_id;
    const [who, rating] = await Promise.all([person([userId, partnerId], userId), repo.findRating(db, callId, userId)]);
    return ok({
      id: call.id,
      kind: call.kind,
      state: call.state,
      role,
      partner: who(partnerId),
      me: who(userId),
      roomId: call.room_id,
      sessionId: call.session_id,
      startsAt: toIso(call.starts_at),
      endsAt: toIso(call.ends_at),
      createdAt: toIso(call.created_at)!,
      endedAt: toIso(call.ended_at),
      connectedSeconds: call.connected_ms === null ? null : Math.round(Number(call.connected_ms) / 1000),
      myRating: rating ? { stars: rating.stars, talkAgain: !!rating.talk_again, ...(rating.note ? { note: rating.note } : {}) } : null,
    });
  }

  const participant: AccountParticipant = {
    name: 'calls',
    async exportData(userId) {
      const [calls, ratings] = await Promise.all([repo.callsOf(db, userId, 1000), repo.ratingsBy(db, userId)]);
      return {
        calls: calls.map((c) => ({
          id: c.id,
          kind: c.kind,
          state: c.state,
          with: c.caller_id === userId ? c.callee_id : c.caller_id,
          at: toIso(c.created_at),
          connectedSeconds: c.connected_ms === null ? null : Math.round(Number(c.connected_ms) / 1000),
        })),
        ratingsGiven: ratings.map((r) => ({ callId: r.call_id, stars: r.stars, talkAgain: !!r.talk_again, note: r.note })),
      };
    },
    async erase(accountTx, userId) {
      await repo.eraseCalls(accountTx as unknown as Kysely<CallsTables>, userId);
    },
  };

  return {
    participant,
    /** Stops this node's heartbeat (the app is closing; its connections close their own legs). */
    stop: () => clearInterval(beat),
    authorize,
    view,
    accept,
    /** Completed calls and their connected time per UTC day since `since` (administrators' figures). */
    completedPerDay: (since: number) => repo.completedPerDay(db, since),

    /** Starts (or finds the open) call for a mate, a booked session or a 1:1 room's pair. */
    async createCall(userId: string, body: CreateCallBody): Promise<Result<{ id: string }>> {
      if ('mateId' in body) {
        const [mates, contact] = await Promise.all([deps.mates.isMate(userId, body.mateId), deps.mates.contact(userId, body.mateId)]);
        const refusal = mayRing({ self: body.mateId === userId, mates, contact });
        if (refusal === 'unknown-mate') return refuse('NOT_FOUND', 'No such mate.');
        if (refusal) return refuse('CONTACT_CLOSED', 'You can no longer call this person.');
        return ring(userId, body.mateId, body.kind, null);
      }
      if ('roomId' in body) {
        const room = await deps.rooms.room(userId, body.roomId);
        const partnerId = room.ok && room.value.kind === 'direct' ? room.value.members.find((m) => m.id !== userId)?.id : undefined;
        if (!partnerId) return refuse('NOT_FOUND', 'No such conversation.');
        const contact = await deps.mates.contact(userId, partnerId);
        if (contact !== 'open')
          return refuse(contact === 'blocked' ? 'NOT_FOUND' : 'CONTACT_CLOSED', 'You can no longer call this person.');
        return ring(userId, partnerId, body.kind, body.roomId);
      }
      const target = deps.sessions ? await deps.sessions.callTarget(body.sessionId, userId) : null;
      if (!target || !target.participants.includes(userId)) return refuse('NOT_FOUND', 'No such session.');
      const partnerId = target.participants.find((p) => p !== userId) ?? target.participants[1];
      // An unmatch or a block cancels the pair's sessions; until that has gone through, it still closes the call.
      const contact = await deps.mates.contact(userId, partnerId);
      if (contact !== 'open') return refuse(contact === 'blocked' ? 'NOT_FOUND' : 'CONTACT_CLOSED', 'You can no longer call this person.');
      const { call } = await openCall(
        {
          id: randomUUID(),
          kind: target.kind,
          state: 'accepted',
          caller_id: userId,
          callee_id: partnerId,
          room_id: await pairRoom(userId, partnerId),
          session_id: body.sessionId,
          starts_at: instant(target.startsAt),
          ends_at: instant(target.endsAt),
          open_key: `s:${body.sessionId}`,
          created_at: nowMs(),
          answered_at: nowMs(),
          ended_at: null,
          connected_ms: null,
        },
        false,
      );
      return ok({ id: call.id });
    },

    async decline(userId: string, callId: string): Promise<Result<void>> {
      const call = await repo.findCall(db, callId);
      if (!call || !roleIn(call, userId)) return notFound();
      const refusal = mayAnswer(call, userId);
      if (refusal)
        return refuse('CONFLICT', refusal === 'not-ringing' ? 'This call is no longer ringing.' : 'Only the person called answers.');
      await end(callId, userId, 'declined');
      return ok(undefined);
    },

    /** A participant's SEND to the call: join, a negotiation message for the other side, or hang up. */
    async signal(connection: CallConnection, callId: string, body: CallSignalBody): Promise<Result<void>> {
      if (!(await authorize(connection.userId, callId))) return notFound();
      switch (body.type) {
        case 'join':
          return join(connection, callId);
        case 'hangup': {
          const call = await repo.findCall(db, callId);
          if (call?.state === 'ringing' || call?.state === 'accepted') {
            await end(callId, connection.userId, call.state === 'ringing' && call.caller_id === connection.userId ? 'cancelled' : 'hangup');
          }
          return ok(undefined);
        }
        default: {
          const leg = legs.get(connection.sessionId)?.get(callId);
          if (!leg) return refuse('CONFLICT', 'Join the call before negotiating.');
          await deps.signals.toCall(
            callId,
            body.type === 'description'
              ? { type: 'description', from: connection.userId, leg, ...(body.to ? { to: body.to } : {}), description: body.description }
              : { type: 'candidate', from: connection.userId, leg, ...(body.to ? { to: body.to } : {}), candidate: body.candidate },
          );
          return ok(undefined);
        }
      }
    },

    connectionClosed,

    async rate(userId: string, callId: string, rating: CallRating): Promise<Result<CallView>> {
      const call = await repo.findCall(db, callId);
      const refusal = call ? mayRate(call, userId) : 'unknown-call';
      if (refusal === 'unknown-call' || !call) return notFound();
      if (refusal) return refuse('CONFLICT', 'Rate the call once it is over.');
      await repo.saveRating(db, {
        call_id: callId,
        rater_id: userId,
        ratee_id: roleIn(call, userId) === 'caller' ? call.callee_id : call.caller_id,
        stars: rating.stars,
        talk_again: rating.talkAgain ? 1 : 0,
        note: rating.note?.trim() || null,
        created_at: nowMs(),
      });
      return view(userId, callId);
    },

    /**
     * STUN and TURN for this person: TURN REST credentials (coturn `use-auth-secret`), the username
     * `expiry:userId` and the password base64(HMAC-SHA1(secret, username)), valid for the TTL.
     */
    iceServers(userId: string): IceServersReply {
      const turn = deps.turn;
      if (!turn) return { iceServers: [], turn: false, expiresAt: null };
      const expiry = Math.floor(nowMs() / 1000) + turn.ttlSeconds;
      const username = `${expiry}:${userId}`;
      const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
      const stun = [
        ...new Set(turn.urls.filter((u) => u.startsWith('turn:')).map((u) => `stun:${u.slice('turn:'.length).replace(/\?.*$/, '')}`)),
      ];
      return {
        iceServers: [...(stun.length ? [{ urls: stun }] : []), { urls: turn.urls, username, credential }],
        turn: true,
        expiresAt: toIso(expiry * 1000),
      };
    },
  };
}
