import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AcceptReply, BlockedPerson, Mate, MatchRequest, PartnerCard, SendRequestBody } from '@studymate/contracts';
import type { Static } from '@sinclair/typebox';
import type { Locale } from '@studymate/matching';
import type { Cache } from '../../platform/cache/cache.js';
import { nowMs, rowLockTransaction, toIso } from '../../platform/db/database.js';
import { ok, refuse, type Result } from '../../platform/http/errors.js';
import type { JobRunner } from '../../platform/jobs/jobs.js';
import { presenceEvent, type PresenceLookup } from '../chat/service.js';
import type { DomainEvents } from '../events.js';
import type { NotificationInput, SignalInput } from '../notifications/service.js';
import type { ProfileService } from '../profile/service.js';
import type { AccountParticipant, UsersService } from '../users/service.js';
import { contactState, mayAnswer, mayBlock, mayCancel, mayRequest, senderSees, type ContactState, type RequestRefusal } from './policy.js';
import { createQuickMatch, type QuickMatchQueue } from './quick-match.js';
import { fitEffects } from './effects.js';
import { createMatchingPool } from './pool.js';
import { createRecommender } from './recommendations.js';
import * as repo from './repository.js';
import type { MatchEventKind, MatchingTables, RequestRow } from './repository.js';

/** How matching opens the pair's 1:1 room: the chat module's service implements it (idempotent, one room per pair). */
export interface RoomOpener {
  openDirectRoom(userId: string, partnerId: string): Promise<Result<{ id: string }>>;
}

export const EXPIRE_JOB = 'matching.expire-request';
export const COMPLETE_ACCEPT_JOB = 'matching.complete-accept';
/**
 * The accept itself opens the room and tells the sender; this job, committed with the accept, only
 * finishes that work when the node died in between, so it waits a little before looking.
 */
const COMPLETE_ACCEPT_DELAY_MS = 30_000;
const DAY_MS = 24 * 3600_000;
/** How long this node believes a pair may still write to each other without asking the database. */
const OPEN_BELIEVED_MS = 5_000;
const MAX_OPEN_PAIRS = 100_000;
const SENT_LIST_LIMIT = 50;

const REFUSALS: Record<RequestRefusal, () => Result<never>> = {
  self: () => refuse('VALIDATION_FAILED', 'receiverId must be someone else', [{ field: '/receiverId', message: 'must be someone else' }]),
  'unknown-partner': () => refuse('NOT_FOUND', 'No such partner.'),
  'not-onboarded': () => refuse('FORBIDDEN', 'Finish setting up your profile before sending requests.'),
  'already-mates': () => refuse('ALREADY_MATES', 'You are already mates.'),
  pending: () => refuse('MATCH_REQUEST_EXISTS', 'A request between you two is already waiting for an answer.'),
  'daily-limit': () => refuse('MATCH_REQUEST_LIMIT', 'You have sent as many requests as a day allows; try again tomorrow.'),
};

export type MatchingService = ReturnType<typeof createMatchingService>;

/** What safety decides for matching's replies; every answer is per viewer and bulk. */
export interface Visibility {
  hiddenFromDiscovery(viewerId: string, ids: string[]): Promise<Set<string>>;
  hiddenProfiles(viewerId: string, ids: string[], mates: ReadonlySet<string>): Promise<Set<string>>;
  /** Of these people, those who hide their city from others. */
  citiesHidden(ids: string[]): Promise<Set<string>>;
  /** Of these people, those who hide their age (an age-filtered search must not reveal it). */
  agesHidden?(ids: string[]): Promise<Set<string>>;
  /** Whether screening would mask this text (a self-introduction with abusive words is shown masked). */
  masked?(text: string): boolean;
  /** A name as others see it: abusive words masked. */
  maskName?(name: string): string;
}

export function createMatchingService(deps: {
  db: Kysely<MatchingTables>;
  users: UsersService;
  profile: ProfileService;
  rooms: RoomOpener;
  /** To one person's notification queue on all their devices. */
  notify: (notification: NotificationInput) => Promise<void>;
  /** Tells a person's open apps something they act on, kept nowhere (an open chat closing). */
  signal?: (input: SignalInput) => Promise<void>;
  jobs: JobRunner;
  cache: Cache;
  /** How long a request waits for an answer (7 days). */
  requestTtlMs: number;
  /** The quick-match queue: Redis across nodes, or in this process. */
  quickMatchQueue: QuickMatchQueue;
  presence?: PresenceLookup;
  /** Facts for other modules (progress counts mates). */
  events?: DomainEvents;
  /** Safety's rules: who may be found (sanctions, "allow matching") and whose profile and city a viewer may see. */
  visibility?: Visibility;
}) {
  const { db, users, profile, jobs } = deps;
  const pool = createMatchingPool({ db, profile, users });
  const recommender = createRecommender({ db, profile, users, cache: deps.cache, pool, presence: deps.presence });
  const unknownRequest = () => refuse<never>('NOT_FOUND', 'No such request.');
  const closedRequest = () => refuse<never>('MATCH_REQUEST_CLOSED', 'This request is no longer waiting for an answer.');

  // A candidate's or viewer's profile edit changes what they should be shown.
  // The pool row is rewritten first, so the invalidated viewers rank them from the new facts.
  profile.onChange(async (userId) => {
    await pool.refresh([userId]);
    await recommender.invalidate(userId);
  });

  const event = (actor: string, subject: string, kind: MatchEventKind, at: number) => ({
    id: randomUUID(),
    actor_id: actor,
    subject_id: subject,
    kind,
    at,
  });
  const invalidate = (...userIds: string[]) => Promise.all(userIds.map((id) => recommender.invalidate(id)));

  /** Takes requests out of every list for good and frees their pairs. */
  async function withdraw(executor: Kysely<MatchingTables>, rows: RequestRow[]) {
    for (const r of rows) await repo.moveRequest(executor, r.id, ['open', 'declined'], 'withdrawn', { open_pair_key: null });
  }

  /**
   * A suspended or banned person's open requests, sent and received, are withdrawn: nobody can
   * accept one and make them a mate, and nobody waits for their answer. Safe to run twice.
   */
  async function withdrawRequestsOf(userId: string) {
    const rows = await repo.occupyingRequestsOf(db, userId);
    if (!rows.length) return;
    await db.transaction().execute((tx) => withdraw(tx, rows));
    await invalidate(...new Set(rows.flatMap((r) => [r.sender_id, r.receiver_id])));
  }

  /** Whether the person is suspended or banned now (the users module asks safety). */
  const suspendedNow = async (userId: string) => (await users.standingRefusal(userId)) !== null;

  async function nameOf(userId: string) {
    return (await users.namesOf([userId])).get(userId)?.displayName ?? '';
  }

  /**
   * After an accept has committed: the pair's room (chat opens it once per pair, so a retry finds
   * it), its id on the mates link, and the sender told once. Null when the pair can no longer
   * talk (a block or a deleted account since).
   */
  async function completeAccept(request: RequestRow): Promise<string | null> {
    const room = await deps.rooms.openDirectRoom(request.receiver_id, request.sender_id);
    if (!room.ok) return null;
    await repo.setMatesRoom(db, request.sender_id, request.receiver_id, room.value.id);
    if (await repo.claimNotification(db, request.id, nowMs())) {
      const name = await nameOf(request.receiver_id);
      await deps.notify({
        userId: request.sender_id,
        category: 'match',
        kind: 'match-accepted',
        title: { ko: `${name}님이 요청을 수락했어요`, en: `${name} accepted your request` },
        body: { ko: '이제 대화를 시작해 보세요.', en: 'Say hello in your new chat.' },
        link: `/chat/${room.value.id}`,
        key: `match-accepted:${request.id}`,
        about: request.receiver_id,
      });
    }
    return room.value.id;
  }

  jobs.register(EXPIRE_JOB, {
    async run({ requestId }: { requestId: string }) {
      const row = await repo.findRequest(db, requestId);
      if (!row) return;
      const at = nowMs();
      // Unanswered: the receiver ignored it, which the engine counts as a no.
      if (await repo.moveRequest(db, requestId, ['open'], 'expired', { open_pair_key: null })) {
        await repo.recordEvents(db, [event(row.receiver_id, row.sender_id, 'ignore', at)]);
        await invalidate(row.sender_id, row.receiver_id);
      } else if (row.status === 'declined' && row.open_pair_key) {
        // A silent decline keeps the pair until now, so the sender could not tell it from waiting.
        await repo.freePair(db, requestId);
        await invalidate(row.sender_id, row.receiver_id);
      }
    },
  });
  jobs.register(COMPLETE_ACCEPT_JOB, {
    async run({ requestId }: { requestId: string }) {
      const row = await repo.findRequest(db, requestId);
      if (row?.status === 'accepted') await completeAccept(row);
    },
  });

  /**
   * A card as screening lets others see it: an abusive name masked, an abusive introduction marked
   * for "show anyway"; the owner sees their own as written.
   */
  function screened(viewerId: string, c: PartnerCard): PartnerCard {
    const v = deps.visibility;
    if (!v || c.userId === viewerId) return c;
    const name = v.maskName?.(c.name) ?? c.name;
    const introScreened = !!c.intro && !!v.masked?.(c.intro);
    return name === c.name && !introScreened ? c : { ...c, name, ...(introScreened ? { introScreened: true as const } : {}) };
  }
  /** A card whose person hides their city shows none to others. */
  async function citiesShown(viewerId: string, cards: PartnerCard[]): Promise<PartnerCard[]> {
    const v = deps.visibility;
    if (!v || cards.length === 0) return cards;
    const noCity = await v.citiesHidden(cards.map((c) => c.userId));
    return cards.map((c) => (noCity.has(c.userId) && c.userId !== viewerId ? { ...c, cityId: null } : c));
  }
  /** Cards of these people for this viewer (requests, mates, quick match): hidden cities blanked, screened. */
  async function cardsFor(viewerId: string, ids: string[], locale: Locale, relaxed?: boolean) {
    const cards = await citiesShown(viewerId, [...(await recommender.cardsFor(viewerId, ids, locale, relaxed)).values()]);
    return new Map(cards.map((card) => [card.userId, screened(viewerId, card)]));
  }

  async function requestsAs(viewerId: string, rows: RequestRow[], side: 'sender' | 'receiver', locale: Locale): Promise<MatchRequest[]> {
    const partnerOf = (r: RequestRow) => (side === 'sender' ? r.receiver_id : r.sender_id);
    const cards = await cardsFor(viewerId, [...new Set(rows.map(partnerOf))], locale);
    const now = nowMs();
    return rows
      .filter((r) => cards.has(partnerOf(r)))
      .map((r) => ({
        id: r.id,
        partner: cards.get(partnerOf(r))!,
        message: r.message,
        state: side === 'sender' ? senderSees(r, now) : 'pending',
        createdAt: toIso(r.created_at)!,
        expiresAt: toIso(r.expires_at)!,
      }));
  }

  /** Cards as safety lets this viewer see them: the hidden left out, hidden cities blanked, abusive words screened. */
  async function shaped(viewerId: string, cards: PartnerCard[], purpose: 'discover' | 'profile'): Promise<PartnerCard[]> {
    const v = deps.visibility;
    if (!v || cards.length === 0) return cards;
    const ids = cards.map((c) => c.userId);
    const hidden =
      purpose === 'discover'
        ? await v.hiddenFromDiscovery(viewerId, ids)
        : await v.hiddenProfiles(viewerId, ids, new Set((await repo.matesOf(db, viewerId)).map((m) => m.mate_id)));
    return (
      await citiesShown(
        viewerId,
        cards.filter((c) => !hidden.has(c.userId)),
      )
    ).map((c) => screened(viewerId, c));
  }

  const quickMatch = createQuickMatch({
    queue: deps.quickMatchQueue,
    async compatibility(userId, waiting, relaxed) {
      const hidden = deps.visibility ? await deps.visibility.hiddenFromDiscovery(userId, [userId, ...waiting]) : new Set<string>();
      // Someone suspended or not matchable is paired with nobody, and nobody is paired with them.
      if (hidden.has(userId)) return new Map();
      const others = waiting.filter((id) => !hidden.has(id));
      const cards = await recommender.cardsFor(userId, others, 'en', relaxed);
      return new Map([...cards].map(([id, card]) => [id, card.percent]));
    },
    openRoom: (userId, partnerId) => deps.rooms.openDirectRoom(userId, partnerId),
    notify: deps.notify,
    nameOf,
  });

  // Chat asks before every message in a 1:1. An open pair is believed for a few seconds on this
  // node; a block or an unmatch forgets it here at once, and other nodes within OPEN_BELIEVED_MS.
  const openPairs = new Map<string, number>();
  const forgetPair = (a: string, b: string) => openPairs.delete(repo.pairKey(a, b));
  async function contact(a: string, b: string): Promise<ContactState> {
    const key = repo.pairKey(a, b);
    const at = openPairs.get(key);
    if (at !== undefined && Date.now() - at < OPEN_BELIEVED_MS) return 'open';
    const state = contactState(await repo.contactBetween(db, a, b));
    openPairs.delete(key);
    if (state === 'open') {
      if (openPairs.size >= MAX_OPEN_PAIRS) openPairs.delete(openPairs.keys().next().value!);
      openPairs.set(key, Date.now());
    }
    return state;
  }

  /** Both people's open apps ask again whether they may write to each other (a chat on screen closes at once). */
  async function contactChanged(a: string, b: string) {
    await Promise.all(
      [
        [a, b],
        [b, a],
      ].map(([userId, other]) =>
        deps
          .signal?.({ userId: userId!, kind: 'contact-changed', title: { ko: '', en: '' }, link: `/matching/people/${other}` })
          .catch(() => undefined),
      ),
    );
  }

  const participant: AccountParticipant = {
    name: 'matching',
    async exportData(userId) {
      const [blocks, sent, mates] = await Promise.all([repo.blocksBy(db, userId), repo.sentBy(db, userId, 1000), repo.matesOf(db, userId)]);
      return {
        blocked: blocks.map((b) => ({ userId: b.blocked_id, blockedAt: toIso(b.created_at) })),
        requestsSent: sent.map((r) => ({ to: r.receiver_id, message: r.message, sentAt: toIso(r.created_at) })),
        mates: mates.map((m) => ({ userId: m.mate_id, since: toIso(m.since) })),
      };
    },
    async erase(accountTx, userId) {
      await repo.eraseMatching(accountTx as unknown as Kysely<MatchingTables>, userId);
      return async () => void (await recommender.invalidate(userId));
    },
  };

  return {
    participant,
    /** Brings matching's copy of profiles up to date after a restart (the first time: everyone). */
    catchUpPool: (progress?: (done: number, total: number) => void) => pool.catchUp(progress),
    /** Fits everyone's decision effects from the latest decisions (a periodic job, module.ts). */
    fitEffects: () => fitEffects(db),
    /** The person used STUDYMATE at `at` (now by default): their recent activity, written at most hourly. */
    recordActivity: (userId: string, at?: number) => pool.recordActivity(userId, at),
    /** Writes the recommendation "shown" events still batched in memory. */
    flushShown: () => recommender.flushShown(),
    contact,
    withdrawRequestsOf,
    /** What `senderId` wrote to `receiverId` in requests, newest first (a report copies it as evidence). */
    async requestMessagesFrom(senderId: string, receiverId: string, limit: number) {
      const rows = await repo.requestMessagesFrom(db, senderId, receiverId, limit);
      return rows.map((r) => ({ requestId: r.id, message: r.message, createdAt: Number(r.created_at) }));
    },
    /** Whether the two are mates now (not unmatched): calls ring only between mates. */
    async isMate(a: string, b: string): Promise<boolean> {
      const mate = await repo.findMate(db, a, b);
      return !!mate && mate.ended_at == null;
    },

    /** Which of `ids` are the person's mates now: an unmatch or a block (either way) ends a mate. */
    async currentMatesAmong(userId: string, ids: string[]): Promise<Set<string>> {
      return new Set((await repo.currentMatesAmong(db, userId, [...new Set(ids)])).map((r) => r.mate_id));
    },

    /** Whether either of the two blocked the other. */
    async isBlocked(a: string, b: string): Promise<boolean> {
      return (await contact(a, b)) === 'blocked';
    },

    /** Joins the quick-match queue (or checks in again) and pairs at once when a compatible person waits. */
    joinQuickMatch: quickMatch.join,
    leaveQuickMatch: quickMatch.leave,

    async recommendations(userId: string, page: number, locale: Locale) {
      const found = await recommender.page(userId, page, locale);
      return { ...found, items: await shaped(userId, found.items, 'discover') };
    },
    async search(viewerId: string, q: Parameters<typeof recommender.search>[1], locale: Locale) {
      const found = await shaped(viewerId, await recommender.search(viewerId, q, locale), 'discover');
      if (!(q.ageMin || q.ageMax) || !deps.visibility?.agesHidden) return found;
      // Someone who hides their age never matches an age filter: the filter would tell it.
      const noAge = await deps.visibility.agesHidden(found.map((c) => c.userId));
      return found.filter((c) => !noAge.has(c.userId));
    },
    /** Whether the two are mates now. */
    async areMates(a: string, b: string) {
      const row = await repo.findMate(db, a, b);
      return !!row && row.ended_at == null;
    },

    async person(viewerId: string, subjectId: string, locale: Locale): Promise<Result<PartnerCard>> {
      const found = (await recommender.cardsFor(viewerId, [subjectId], locale)).get(subjectId);
      const [card] = found ? await shaped(viewerId, [found], 'profile') : [];
      return card ? ok(card) : refuse('NOT_FOUND', 'No such person.');
    },

    async sendRequest(senderId: string, body: SendRequestBody, locale: Locale): Promise<Result<MatchRequest>> {
      const receiverId = body.receiverId;
      const now = nowMs();
      const [receiver, receiverSuspended, between, profiles, mate, occupied, sent] = await Promise.all([
        users.getActiveUser(receiverId),
        suspendedNow(receiverId),
        repo.contactBetween(db, senderId, receiverId),
        profile.partnerProfiles([senderId, receiverId]),
        repo.findMate(db, senderId, receiverId),
        repo.findOpenPairRequest(db, repo.pairKey(senderId, receiverId)),
        repo.countSentSince(db, senderId, now - DAY_MS),
      ]);
      const refusal = mayRequest({
        self: senderId === receiverId,
        partnerActive: !!receiver && !receiverSuspended && !!profiles.get(receiverId)?.onboarded,
        blockedEitherWay: between.blocked,
        senderOnboarded: !!profiles.get(senderId)?.onboarded,
        mates: !!mate && mate.ended_at == null,
        pairOccupied: !!occupied,
        sentInLastDay: sent,
      });
      if (refusal) return REFUSALS[refusal]();
      const row: RequestRow = {
        id: randomUUID(),
        sender_id: senderId,
        receiver_id: receiverId,
        message: body.message.trim(),
        status: 'open',
        open_pair_key: repo.pairKey(senderId, receiverId),
        created_at: now,
        expires_at: now + deps.requestTtlMs,
        answered_at: null,
        notified_at: null,
      };
      try {
        await rowLockTransaction(db).execute(async (tx) => {
          await repo.insertRequest(tx, row);
          await repo.recordEvents(tx, [event(senderId, receiverId, 'request', now)]);
          await jobs.enqueue(EXPIRE_JOB, { requestId: row.id }, tx, row.expires_at);
        });
      } catch (error) {
        // The other side (or another tab) sent one for this pair at the same moment.
        if (await repo.findOpenPairRequest(db, row.open_pair_key!)) return REFUSALS.pending();
        throw error;
      }
      await invalidate(senderId, receiverId);
      const name = await nameOf(senderId);
      await deps.notify({
        userId: receiverId,
        category: 'match',
        kind: 'match-request',
        title: { ko: name, en: name },
        body: { ko: row.message, en: row.message },
        link: '/matching/requests',
        key: `match-request:${row.id}`,
        about: senderId,
      });
      const [presented] = await requestsAs(senderId, [row], 'sender', locale);
      return ok(presented!);
    },

    /** Open requests waiting for my answer, newest first. */
    async receivedRequests(userId: string, locale: Locale): Promise<MatchRequest[]> {
      const now = nowMs();
      const rows = (await repo.receivedOpen(db, userId)).filter((r) => Number(r.expires_at) > now);
      return requestsAs(userId, rows, 'receiver', locale);
    },

    async sentRequests(userId: string, locale: Locale): Promise<MatchRequest[]> {
      return requestsAs(userId, await repo.sentBy(db, userId, SENT_LIST_LIMIT), 'sender', locale);
    },

    /**
     * Accepting makes the two mates and opens their room. The status change, the mates link and a
     * completion job commit together; a retry of an accept already made completes it again.
     */
    async acceptRequest(userId: string, requestId: string): Promise<Result<Static<typeof AcceptReply>>> {
      const row = await repo.findRequest(db, requestId);
      if (!row || row.receiver_id !== userId) return unknownRequest();
      if (row.status !== 'accepted') {
        const now = nowMs();
        // Checked before the request's own state: the sanction withdraws it (by an event, a moment
        // later), and "suspended" says more to someone looking at a stale list than "closed".
        if (['open', 'withdrawn'].includes(row.status) && (await suspendedNow(row.sender_id))) {
          await withdrawRequestsOf(row.sender_id);
          return refuse('PARTNER_UNAVAILABLE', 'This person’s account is not active now, so their request cannot be accepted.');
        }
        const refusal = mayAnswer(row, userId, now);
        if (refusal) return refusal === 'closed' ? closedRequest() : unknownRequest();
        const moved = await rowLockTransaction(db).execute(async (tx) => {
          if (!(await repo.moveRequest(tx, requestId, ['open'], 'accepted', { answered_at: now, open_pair_key: null }))) return false;
          await repo.linkMates(tx, row.sender_id, row.receiver_id, now);
          await repo.recordEvents(tx, [event(userId, row.sender_id, 'accept', now)]);
          await jobs.enqueue(COMPLETE_ACCEPT_JOB, { requestId }, tx, now + COMPLETE_ACCEPT_DELAY_MS);
          await deps.events?.publish(tx, 'matching.mate-added', { a: row.sender_id, b: row.receiver_id, at: toIso(now)! });
          return true;
        });
        if (!moved) return closedRequest();
        deps.events?.deliver();
        await invalidate(row.sender_id, row.receiver_id);
      }
      const roomId = await completeAccept(row);
      if (!roomId) return closedRequest();
      return ok({ roomId, mateId: row.sender_id });
    },

    /** Silent: the sender keeps seeing the request as pending until it would have expired. */
    async declineRequest(userId: string, requestId: string): Promise<Result<void>> {
      const row = await repo.findRequest(db, requestId);
      if (!row) return unknownRequest();
      const now = nowMs();
      const refusal = mayAnswer(row, userId, now);
      if (refusal) return refusal === 'closed' ? closedRequest() : unknownRequest();
      if (!(await repo.moveRequest(db, requestId, ['open'], 'declined', { answered_at: now }))) return closedRequest();
      await repo.recordEvents(db, [event(userId, row.sender_id, 'decline', now)]);
      await invalidate(userId);
      return ok(undefined);
    },

    async cancelRequest(userId: string, requestId: string): Promise<Result<void>> {
      const row = await repo.findRequest(db, requestId);
      if (!row) return unknownRequest();
      const now = nowMs();
      const refusal = mayCancel(row, userId, now);
      if (refusal) return refusal === 'closed' ? closedRequest() : unknownRequest();
      if (!(await repo.moveRequest(db, requestId, ['open', 'declined'], 'cancelled', { open_pair_key: null }))) return closedRequest();
      await repo.recordEvents(db, [event(userId, row.receiver_id, 'cancel', now)]);
      await invalidate(row.sender_id, row.receiver_id);
      return ok(undefined);
    },

    async mates(userId: string, locale: Locale): Promise<Mate[]> {
      const rows = await repo.matesOf(db, userId);
      const cards = await cardsFor(
        userId,
        rows.map((r) => r.mate_id),
        locale,
      );
      const visible = rows.filter((r) => cards.has(r.mate_id));
      const lookup = deps.presence;
      const presence = await Promise.all(
        visible.map((r) =>
          lookup
            ? lookup(r.mate_id).then(
                (s) => presenceEvent(r.mate_id, s),
                () => presenceEvent(r.mate_id, { state: 'offline', lastSeen: null }),
              )
            : presenceEvent(r.mate_id, { state: 'offline', lastSeen: null }),
        ),
      );
      return visible.map((r, i) => ({
        partner: cards.get(r.mate_id)!,
        since: toIso(r.since)!,
        roomId: r.room_id,
        presence: presence[i]!.status,
        lastSeenAt: presence[i]!.lastSeenAt,
      }));
    },

    /** The room stays readable for both; chat refuses new messages until they match again. */
    async unmatch(userId: string, mateId: string): Promise<Result<void>> {
      const now = nowMs();
      const ended = await db.transaction().execute(async (tx) => {
        const done = Number((await repo.endMates(tx, userId, mateId, now)).numUpdatedRows) > 0;
        if (done) await deps.events?.publish(tx, 'matching.contact-closed', { a: userId, b: mateId, why: 'unmatched', at: toIso(now)! });
        return done;
      });
      if (!ended) return refuse('NOT_FOUND', 'No such mate.');
      deps.events?.deliver();
      forgetPair(userId, mateId);
      await invalidate(userId, mateId);
      await contactChanged(userId, mateId);
      return ok(undefined);
    },

    /**
     * Blocking hides the two from each other everywhere, withdraws any request between them and
     * ends a mates link; chat then refuses their messages and a new 1:1.
     */
    async block(userId: string, targetId: string): Promise<Result<void>> {
      if (!mayBlock(userId, targetId))
        return refuse('VALIDATION_FAILED', 'userId must be someone else', [{ field: '/userId', message: 'must be someone else' }]);
      if (!(await users.getActiveUser(targetId))) return refuse('NOT_FOUND', 'No such person.');
      const now = nowMs();
      await db.transaction().execute(async (tx) => {
        await repo.insertBlock(tx, { blocker_id: userId, blocked_id: targetId, created_at: now });
        await withdraw(tx, await repo.occupyingPair(tx, userId, targetId));
        await repo.endMates(tx, userId, targetId, now);
        await deps.events?.publish(tx, 'matching.contact-closed', { a: userId, b: targetId, why: 'blocked', at: toIso(now)! });
      });
      deps.events?.deliver();
      forgetPair(userId, targetId);
      await invalidate(userId, targetId);
      await contactChanged(userId, targetId);
      return ok(undefined);
    },

    async unblock(userId: string, targetId: string): Promise<Result<void>> {
      const deleted = await repo.deleteBlock(db, userId, targetId);
      if (Number(deleted.numDeletedRows) === 0) return refuse('NOT_FOUND', 'You have not blocked this person.');
      await invalidate(userId, targetId);
      return ok(undefined);
    },

    /** Everyone this person blocked or was blocked by. */
    async blockedWith(userId: string): Promise<string[]> {
      return (await repo.hiddenFrom(db, userId)).blocked;
    },

    async blocked(userId: string): Promise<BlockedPerson[]> {
      const rows = await repo.blocksBy(db, userId);
      const ids = rows.map((r) => r.blocked_id);
      const [names, photos] = await Promise.all([users.namesOf(ids), profile.photoUrlsOf(ids)]);
      return rows.map((r) => ({
        userId: r.blocked_id,
        name: names.get(r.blocked_id)?.displayName ?? '',
        photoUrl: photos.get(r.blocked_id) ?? null,
        blockedAt: toIso(r.created_at)!,
      }));
    },
  };
}
