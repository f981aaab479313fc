import { availabilityBitset, overlapIntervals, weekStartUtc } from '@studymate/matching';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  SESSION_JOIN_EARLY_MINUTES,
  type CancelSessionBody,
  type MoveSessionBody,
  type ProposeSessionBody,
  type SessionOccurrence,
  type SessionSuggestions,
} from '@studymate/contracts';
import { nowMs, rowLockTransaction, toIso } from '../../platform/db/database.js';
import { ok, refuse, type Result } from '../../platform/http/errors.js';
import type { JobRunner } from '../../platform/jobs/jobs.js';
import type { DomainEventCatalogue } from '../events.js';
import type { ProfileService } from '../profile/service.js';
import type { AccountParticipant, UsersService } from '../users/service.js';
import { sessionsCalendar, type FeedSession } from './calendar-feed.js';
import {
  mayAnswer,
  mayAnswerMove,
  mayCancel,
  mayMove,
  mayMoveSeries,
  overlaps,
  type OccurrenceFacts,
  type SessionFacts,
  type SessionRefusal,
} from './policy.js';
import * as repo from './repository.js';
import type { SessionRow, SessionsTables } from './repository.js';
import {
  isTimeZone,
  occurrencesOf,
  restOfSeries,
  ruleStarts,
  shiftedLocalStart,
  utcToWallClock,
  wallClockToUtc,
  type Occurrence,
} from './series.js';

export const REMIND_JOB = 'sessions.remind';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** The longest range one calendar request may ask for (a month view with its spill-over weeks). */
const MAX_RANGE_MS = 62 * DAY;
/** What a calendar feed holds: the recent past and the year ahead. */
const FEED_PAST_MS = 90 * DAY;
const FEED_AHEAD_MS = 400 * DAY;
/** How far ahead the home page looks for the next booked session. */
const NEXT_BOOKED_AHEAD_MS = 90 * DAY;

/** Text in both of our languages; the notifications module picks the recipient's. */
export interface Bilingual {
  ko: string;
  en: string;
}
/** One notice to one person about a session (stored and pushed live by the notifications module). */
export interface SessionNotice {
  userId: string;
  kind: string;
  title: Bilingual;
  body?: Bilingual;
  link?: string;
  /** Sent at most once per key. */
  key?: string;
  /** The other person, whom the words name: it goes when their account is deleted. */
  about?: string;
}

/** What a call needs of a booked session to let its two people in. */
export interface CallTarget {
  participants: [string, string];
  kind: 'video' | 'voice';
  startsAt: string;
  endsAt: string;
}

/** A person's next booked occurrence, for the home page. */
export interface NextBooked {
  sessionId: string;
  index: number;
  kind: 'video' | 'voice';
  startsAt: string;
  minutes: number;
  partnerId: string;
}

/** A booked session's fact for other modules: the 'session.booked' event's payload. */
export type SessionBooked = DomainEventCatalogue['session.booked'];

const REFUSALS: Record<SessionRefusal, () => Result<never>> = {
  'not-found': () => refuse('NOT_FOUND', 'No such session.'),
  closed: () => refuse('SESSION_CLOSED', 'This session was answered, moved or cancelled meanwhile.'),
  'decline-instead': () => refuse('SESSION_CLOSED', 'This session waits for your answer: decline it instead.'),
  'own-move': () => refuse('FORBIDDEN', 'You asked for this new time; your partner answers it.'),
  started: () => refuse('SESSION_CLOSED', 'That time has already come.'),
  'not-series': () =>
    refuse('VALIDATION_FAILED', 'This session does not repeat: move it alone.', [
      { field: '/scope', message: 'the session does not repeat' },
    ]),
};

const facts = (s: SessionRow): SessionFacts => ({
  organiserId: s.organiser_id,
  partnerId: s.partner_id,
  state: s.state,
  firstStart: s.first_start,
  lastEnd: s.last_end,
  repeating: !!s.repeat_every,
});
/** `YYYY-MM-DDTHH:mm` in a zone, as an instant. */
const localInstant = (localStart: string, timeZone: string) => wallClockToUtc(localStart.slice(0, 10), localStart.slice(11), timeZone);
const localOf = (at: number, timeZone: string) => {
  const { date, time } = utcToWallClock(at, timeZone);
  return `${date}T${time}`;
};
const NO_PROPOSAL = { proposed_start: null, proposed_by: null, proposed_reason: null, proposed_scope: null };
const occurrenceFacts = (o: Occurrence | undefined): OccurrenceFacts =>
  o
    ? { exists: true, cancelled: o.cancelled, start: o.start, end: o.end, proposedBy: o.proposedBy, proposedStart: o.proposedStart }
    : { exists: false, cancelled: false, start: 0, end: 0, proposedBy: null, proposedStart: null };

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** "Mon 2 Mar 19:00" / "3월 2일 (월) 19:00" in the reader's zone. */
function when(at: number, timeZone: string): Bilingual {
  const options: Intl.DateTimeFormatOptions = {
    timeZone,
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  };
  return { ko: new Intl.DateTimeFormat('ko-KR', options).format(at), en: new Intl.DateTimeFormat('en-GB', options).format(at) };
}
const KIND: Record<'video' | 'voice', Bilingual> = { video: { ko: '화상', en: 'video' }, voice: { ko: '음성', en: 'voice' } };

export type SessionsService = ReturnType<typeof createSessionsService>;

export function createSessionsService(deps: {
  db: Kysely<SessionsTables>;
  users: UsersService;
  profile: ProfileService;
  /** Whether the two are mates now (matching). */
  areMates: (a: string, b: string) => Promise<boolean>;
  notify: (notice: SessionNotice) => Promise<void>;
  /** Called inside the transaction that books a session, so the fact commits with it. */
  booked?: (tx: Kysely<SessionsTables>, fact: SessionBooked) => Promise<void>;
  jobs: JobRunner;
  /** The app's public address, for links in calendar files. */
  publicUrl: string;
}) {
  const { db, users, profile, jobs } = deps;

  async function zonesOf(userIds: string[]): Promise<Map<string, string>> {
    const profiles = await profile.partnerProfiles(userIds);
    return new Map(userIds.map((id) => [id, profiles.get(id)?.timeZone ?? 'UTC']));
  }
  async function nameOf(userId: string) {
    return (await users.namesOf([userId])).get(userId)?.displayName ?? '';
  }

  async function load(executor: Kysely<SessionsTables>, sessionId: string) {
    const row = await repo.findSession(executor, sessionId);
    if (!row) return null;
    const exceptions = (await repo.exceptionsOf(executor, [sessionId])).get(sessionId);
    return { row, exceptions, occurrences: occurrencesOf(row, exceptions) };
  }

  /**
   * Cancels what of a session has not started: all of it when nothing has happened yet (or it was
   * only proposed), else the occurrences to come, the ones behind us staying as they were.
   */
  async function cancelAhead(
    tx: Kysely<SessionsTables>,
    found: NonNullable<Awaited<ReturnType<typeof load>>>,
    reason: string | null,
    now: number,
  ) {
    const { row } = found;
    const ahead = found.occurrences.filter((o) => !o.cancelled && o.start > now);
    if (row.state === 'proposed' || ahead.length === found.occurrences.filter((o) => !o.cancelled).length)
      return repo.updateSession(tx, row.id, [row.state], { state: 'cancelled', reason, updated_at: now });
    for (const o of ahead) await repo.saveException(tx, row.id, o.index, { cancelled: 1, cancel_reason: reason, ...NO_PROPOSAL }, now);
    await repo.updateSession(tx, row.id, ['booked'], { reason, updated_at: now });
    return true;
  }

  /**
   * The first booked occurrence of either person that overlaps one of `candidates`, leaving out
   * the session's own occurrences being (re)booked: all of them, one (`index`), or those from `from` on.
   */
  async function findOverlap(
    executor: Kysely<SessionsTables>,
    people: string[],
    candidates: { start: number; end: number }[],
    skip: { sessionId: string; index?: number; from?: number },
  ) {
    if (!candidates.length) return null;
    const from = Math.min(...candidates.map((c) => c.start));
    const to = Math.max(...candidates.map((c) => c.end));
    const rows = await repo.sessionsOf(executor, people, from, to, ['booked']);
    const exceptions = await repo.exceptionsOf(
      executor,
      rows.map((r) => r.id),
    );
    for (const row of rows) {
      for (const o of occurrencesOf(row, exceptions.get(row.id))) {
        if (o.cancelled) continue;
        if (
          row.id === skip.sessionId &&
          (skip.from !== undefined ? o.index >= skip.from : skip.index === undefined || skip.index === o.index)
        )
          continue;
        if (candidates.some((c) => overlaps(c, o))) return { row, occurrence: o };
      }
    }
    return null;
  }

  /** 409 naming the session in the way: by partner and time when it is mine, by time only when it is my partner's with someone else. */
  async function overlapRefusal(viewerId: string, hit: { row: SessionRow; occurrence: Occurrence }): Promise<Result<never>> {
    const mine = hit.row.organiser_id === viewerId || hit.row.partner_id === viewerId;
    const other = hit.row.organiser_id === viewerId ? hit.row.partner_id : hit.row.organiser_id;
    const startsAt = toIso(hit.occurrence.start)!;
    const endsAt = toIso(hit.occurrence.end)!;
    if (mine) {
      const name = await nameOf(other);
      return refuse('SESSION_OVERLAP', `This overlaps your session with ${name} at ${startsAt}.`, {
        sessionId: hit.row.id,
        index: hit.occurrence.index,
        partnerName: name,
        startsAt,
        endsAt,
        whose: 'mine',
      });
    }
    return refuse('SESSION_OVERLAP', `Your partner already has a session at ${startsAt}.`, { startsAt, endsAt, whose: 'partner' });
  }

  function enqueueReminders(tx: Kysely<SessionsTables>, row: SessionRow, occurrences: Occurrence[], now: number) {
    const offsets = row.reminders.split(',').filter(Boolean).map(Number);
    const jobsToAdd: Promise<string>[] = [];
    for (const o of occurrences) {
      if (o.cancelled) continue;
      for (const minutesBefore of offsets) {
        const at = o.start - minutesBefore * MINUTE;
        if (at <= now) continue;
        jobsToAdd.push(jobs.enqueue(REMIND_JOB, { sessionId: row.id, index: o.index, startsAt: o.start, minutesBefore }, tx, at));
      }
    }
    return Promise.all(jobsToAdd);
  }

  jobs.register(REMIND_JOB, {
    /**
     * Sent once per person, at its time, by whichever node holds the job. The occurrence is read
     * as it is now: cancelled, moved (its start differs from the one this reminder was for) or no
     * longer booked means nothing is sent.
     */
    async run({
      sessionId,
      index,
      startsAt,
      minutesBefore,
    }: {
      sessionId: string;
      index: number;
      startsAt: number;
      minutesBefore: number;
    }) {
      const found = await load(db, sessionId);
      if (!found || found.row.state !== 'booked') return;
      const o = found.occurrences[index];
      if (!o || o.cancelled || o.start !== startsAt || o.end <= nowMs()) return;
      const { row } = found;
      const people = [row.organiser_id, row.partner_id];
      const [names, zones] = await Promise.all([users.namesOf(people), zonesOf(people)]);
      for (const userId of people) {
        const other = userId === row.organiser_id ? row.partner_id : row.organiser_id;
        const key = `reminder:${sessionId}:${index}:${startsAt}:${minutesBefore}:${userId}`;
        if (!(await repo.claimReminder(db, key, sessionId, nowMs()))) continue;
        const name = names.get(other)?.displayName ?? '';
        const at = when(o.start, zones.get(userId)!);
        try {
          await deps.notify({
            userId,
            kind: 'session-reminder',
            title: {
              ko: `${name}님과 ${KIND[row.kind].ko} 세션이 곧 시작돼요`,
              en: `Your ${KIND[row.kind].en} session with ${name} starts soon`,
            },
            body: at,
            link: `/sessions?session=${sessionId}`,
            key,
            about: other,
          });
        } catch (error) {
          // Not sent: give the claim back so the job's retry sends it.
          await db.deleteFrom('study_session_reminders').where('reminder_key', '=', key).execute();
          throw error;
        }
      }
    },
  });

  /** Tells the other person what changed, with the time in their own zone. */
  async function tell(
    to: string,
    from: string,
    row: SessionRow,
    kind: string,
    title: (name: string) => Bilingual,
    at: number,
    reason?: string | null,
  ) {
    const [name, zones] = await Promise.all([nameOf(from), zonesOf([to])]);
    const time = when(at, zones.get(to)!);
    const note = reason ? ` · ${reason}` : '';
    await deps
      .notify({
        userId: to,
        kind,
        title: title(name),
        body: { ko: `${time.ko}${note}`, en: `${time.en}${note}` },
        link: `/sessions?session=${row.id}`,
        about: from,
      })
      .catch(() => undefined);
  }

  function present(
    viewerId: string,
    row: SessionRow,
    o: Occurrence,
    partner: { name: string; photoUrl: string | null },
  ): SessionOccurrence {
    const organiser = row.organiser_id === viewerId;
    return {
      sessionId: row.id,
      index: o.index,
      startsAt: toIso(o.start)!,
      endsAt: toIso(o.end)!,
      minutes: row.minutes,
      kind: row.kind,
      state: o.cancelled ? 'cancelled' : row.state,
      organiser,
      partner: { userId: organiser ? row.partner_id : row.organiser_id, ...partner },
      topic: row.topic,
      repeat: row.repeat_every,
      timeZone: row.time_zone,
      reminders: row.reminders.split(',').filter(Boolean).map(Number),
      pendingMove:
        o.proposedStart != null && !o.cancelled
          ? { startsAt: toIso(o.proposedStart)!, byMe: o.proposedBy === viewerId, reason: o.proposedReason ?? '', scope: o.proposedScope }
          : null,
      moved: o.moved,
      cancelReason: o.cancelled ? o.cancelReason : row.state === 'cancelled' || row.state === 'declined' ? row.reason : null,
    };
  }

  async function partnersOf(viewerId: string, rows: SessionRow[]) {
    const ids = [...new Set(rows.map((r) => (r.organiser_id === viewerId ? r.partner_id : r.organiser_id)))];
    const [names, photos] = await Promise.all([users.namesOf(ids), profile.photoUrlsOf(ids)]);
    return (row: SessionRow) => {
      const id = row.organiser_id === viewerId ? row.partner_id : row.organiser_id;
      return { name: names.get(id)?.displayName ?? '', photoUrl: photos.get(id) ?? null };
    };
  }

  async function viewOne(viewerId: string, sessionId: string, index = 0): Promise<Result<SessionOccurrence>> {
    const found = await load(db, sessionId);
    if (!found || (found.row.organiser_id !== viewerId && found.row.partner_id !== viewerId)) return REFUSALS['not-found']();
    const o = found.occurrences[index] ?? found.occurrences[0];
    if (!o) return REFUSALS['not-found']();
    return ok(present(viewerId, found.row, o, (await partnersOf(viewerId, [found.row]))(found.row)));
  }

  async function feedSessions(viewerId: string, rows: SessionRow[]): Promise<FeedSession[]> {
    const [exceptions, partner] = await Promise.all([
      repo.exceptionsOf(
        db,
        rows.map((r) => r.id),
      ),
      partnersOf(viewerId, rows),
    ]);
    return rows.map((row) => ({ row, occurrences: occurrencesOf(row, exceptions.get(row.id)), partnerName: partner(row).name }));
  }

  const participant: AccountParticipant = {
    name: 'sessions',
    async exportData(userId) {
      const rows = await repo.sessionsOf(db, [userId], 0, Number.MAX_SAFE_INTEGER);
      return rows.map((r) => ({
        id: r.id,
        role: r.organiser_id === userId ? 'organiser' : 'partner',
        kind: r.kind,
        topic: r.topic,
        timeZone: r.time_zone,
        localStart: r.local_start,
        minutes: r.minutes,
        repeat: r.repeat_every,
        state: r.state,
        createdAt: toIso(r.created_at),
      }));
    },
    async erase(accountTx, userId) {
      await repo.eraseSessions(accountTx as unknown as Kysely<SessionsTables>, userId);
    },
  };

  /**
   * Accepting a move of the rest of a series: from the first occurrence, the rule itself is
   * rewritten; from a later one the series splits, the old rule ending before it and the rest
   * becoming a series of its own (as calendar apps do for "this and following"). Overlaps are
   * checked again, cancelled occurrences stay cancelled, reminders are planned for the new times
   * (the old ones find their occurrence gone or moved and send nothing). Inside the caller's
   * transaction, with both calendars locked.
   */
  async function acceptSeriesMove(
    tx: Kysely<SessionsTables>,
    found: NonNullable<Awaited<ReturnType<typeof load>>>,
    from: number,
    now: number,
  ) {
    const { row } = found;
    const o = found.occurrences[from]!;
    const localStart = localOf(o.proposedStart!, row.time_zone);
    const plan = restOfSeries(row, found.occurrences, from, localStart);
    const hit = await findOverlap(tx, [row.organiser_id, row.partner_id], plan.occurring, { sessionId: row.id, from });
    if (hit) return { hit };
    const starts = ruleStarts(plan.rule);
    const length = row.minutes * MINUTE;
    const bounds = { first_start: starts[0]!, last_end: starts[starts.length - 1]! + length };
    let target: SessionRow;
    if (from === 0) {
      await repo.deleteExceptionsFrom(tx, row.id, 0);
      await repo.updateSession(tx, row.id, ['booked'], {
        local_start: localStart,
        repeat_until: null,
        repeat_count: plan.rule.count,
        ...bounds,
        updated_at: now,
      });
      target = { ...row, local_start: localStart, repeat_until: null, repeat_count: plan.rule.count, ...bounds };
    } else {
      const kept = found.occurrences.slice(0, from);
      await repo.deleteExceptionsFrom(tx, row.id, from);
      await repo.updateSession(tx, row.id, ['booked'], {
        repeat_until: null,
        repeat_count: from,
        first_start: Math.min(...kept.map((k) => k.start)),
        last_end: Math.max(...kept.map((k) => k.end)),
        updated_at: now,
      });
      target = {
        ...row,
        id: randomUUID(),
        local_start: localStart,
        repeat_until: null,
        repeat_count: plan.rule.count,
        state: 'booked',
        ...bounds,
        reason: null,
        sequence: 0,
        created_at: now,
        updated_at: now,
      };
      await repo.insertSession(tx, target);
    }
    for (const [i, reason] of plan.cancelled) await repo.saveException(tx, target.id, i, { cancelled: 1, cancel_reason: reason }, now);
    await enqueueReminders(
      tx,
      target,
      occurrencesOf(target).filter((x) => !plan.cancelled.has(x.index)),
      now,
    );
    return { target, start: plan.occurring[0]?.start ?? bounds.first_start };
  }

  return {
    participant,

    /** Proposes a session (or a series) to a mate; the partner is told and answers. */
    async proposeSession(userId: string, body: ProposeSessionBody): Promise<Result<SessionOccurrence>> {
      if (body.partnerId === userId)
        return refuse('VALIDATION_FAILED', 'partnerId must be someone else', [{ field: '/partnerId', message: 'must be someone else' }]);
      if (!(await users.getActiveUser(body.partnerId)) || !(await deps.areMates(userId, body.partnerId)))
        return refuse('NOT_FOUND', 'No such mate: sessions are booked with mates.');
      const given = body.timeZone && isTimeZone(body.timeZone) ? body.timeZone : null;
      if (body.timeZone && !given)
        return refuse('VALIDATION_FAILED', 'Unknown time zone', [{ field: '/timeZone', message: 'unknown time zone' }]);
      const timeZone = (await profile.partnerProfiles([userId])).get(userId)?.timeZone ?? given ?? 'UTC';
      const repeat = body.repeat ?? null;
      if (repeat && !repeat.until && !repeat.count)
        return refuse('VALIDATION_FAILED', 'A repeat ends on a date or after a count', [
          { field: '/repeat', message: 'needs until or count' },
        ]);
      if (repeat?.until && repeat.until < body.date)
        return refuse('VALIDATION_FAILED', 'The repeat ends before it starts', [{ field: '/repeat/until', message: 'is before date' }]);
      const localStart = `${body.date}T${body.time}`;
      if (!Number.isFinite(wallClockToUtc(body.date, body.time, timeZone)))
        return refuse('VALIDATION_FAILED', 'No such date', [{ field: '/date', message: 'is not a calendar date' }]);
      const rule = {
        timeZone,
        localStart,
        minutes: body.minutes,
        every: repeat?.every ?? null,
        until: repeat?.until ?? null,
        count: repeat?.count ?? null,
      };
      const starts = ruleStarts(rule);
      const now = nowMs();
      if (!starts.length || starts[0]! <= now)
        return refuse('VALIDATION_FAILED', 'A session starts in the future', [{ field: '/date', message: 'is in the past' }]);
      const length = body.minutes * MINUTE;
      const hit = await findOverlap(
        db,
        [userId, body.partnerId],
        starts.map((s) => ({ start: s, end: s + length })),
        { sessionId: '' },
      );
      if (hit) return overlapRefusal(userId, hit);
      const row: SessionRow = {
        id: randomUUID(),
        organiser_id: userId,
        partner_id: body.partnerId,
        kind: body.kind,
        topic: body.topic?.trim() || null,
        time_zone: timeZone,
        local_start: localStart,
        minutes: body.minutes,
        repeat_every: rule.every,
        repeat_until: rule.until,
        repeat_count: rule.count,
        reminders: [...new Set(body.reminders ?? [])].sort((a, b) => a - b).join(','),
        state: 'proposed',
        first_start: starts[0]!,
        last_end: starts[starts.length - 1]! + length,
        reason: null,
        sequence: 0,
        created_at: now,
        updated_at: now,
      };
      await repo.insertSession(db, row);
      await tell(
        row.partner_id,
        userId,
        row,
        'session-proposed',
        (name) => ({ ko: `${name}님이 ${KIND[row.kind].ko} 세션을 제안했어요`, en: `${name} proposes a ${KIND[row.kind].en} session` }),
        row.first_start,
        row.topic,
      );
      return viewOne(userId, row.id);
    },

    /**
     * The partner accepts: both people's calendars are locked, overlaps checked again (something
     * may have been booked since the proposal), and the session, its reminders and the booked
     * fact commit together.
     */
    async acceptSession(userId: string, sessionId: string): Promise<Result<SessionOccurrence>> {
      const now = nowMs();
      const outcome = await rowLockTransaction(db).execute(async (tx) => {
        const found = await load(tx, sessionId);
        if (!found) return { refusal: 'not-found' as const };
        const refusal = mayAnswer(facts(found.row), userId, now);
        if (refusal) return { refusal };
        const { row } = found;
        await repo.lockCalendars(tx, [row.organiser_id, row.partner_id]);
        const ahead = found.occurrences.filter((o) => !o.cancelled);
        const hit = await findOverlap(tx, [row.organiser_id, row.partner_id], ahead, { sessionId });
        if (hit) return { hit };
        if (!(await repo.updateSession(tx, sessionId, ['proposed'], { state: 'booked', updated_at: now })))
          return { refusal: 'closed' as const };
        await enqueueReminders(tx, row, found.occurrences, now);
        await deps.booked?.(tx, {
          sessionId,
          organiserId: row.organiser_id,
          partnerId: row.partner_id,
          kind: row.kind,
          startsAt: toIso(row.first_start)!,
          minutes: row.minutes,
        });
        return { row };
      });
      if ('refusal' in outcome) return REFUSALS[outcome.refusal!]();
      if ('hit' in outcome) return overlapRefusal(userId, outcome.hit!);
      jobs.kick();
      const row = outcome.row!;
      await tell(
        row.organiser_id,
        userId,
        row,
        'session-accepted',
        (name) => ({ ko: `${name}님이 세션을 수락했어요`, en: `${name} accepted your session` }),
        row.first_start,
      );
      return viewOne(userId, sessionId);
    },

    async declineSession(userId: string, sessionId: string, reason?: string): Promise<Result<SessionOccurrence>> {
      const found = await load(db, sessionId);
      if (!found) return REFUSALS['not-found']();
      const refusal = mayAnswer(facts(found.row), userId, nowMs());
      if (refusal) return REFUSALS[refusal]();
      const text = reason?.trim() || null;
      if (!(await repo.updateSession(db, sessionId, ['proposed'], { state: 'declined', reason: text, updated_at: nowMs() })))
        return REFUSALS.closed();
      await tell(
        found.row.organiser_id,
        userId,
        found.row,
        'session-declined',
        (name) => ({ ko: `${name}님이 세션을 거절했어요`, en: `${name} declined your session` }),
        found.row.first_start,
        text,
      );
      return viewOne(userId, sessionId);
    },

    /**
     * Cancels one occurrence, or the whole series: what has not started yet (a proposal is
     * withdrawn whole). Either way the other person is told, with the reason.
     */
    async cancelSession(userId: string, sessionId: string, body: CancelSessionBody): Promise<Result<SessionOccurrence>> {
      const found = await load(db, sessionId);
      if (!found) return REFUSALS['not-found']();
      const now = nowMs();
      const one = body.index === undefined ? null : (found.occurrences[body.index] ?? null);
      const refusal = mayCancel(facts(found.row), userId, body.index === undefined ? null : occurrenceFacts(one ?? undefined), now);
      if (refusal) return REFUSALS[refusal]();
      const { row } = found;
      const reason = body.reason.trim() || null;
      const ahead = found.occurrences.filter((o) => !o.cancelled && o.start > now);
      const cancelled = await db.transaction().execute(async (tx) => {
        if (one) {
          await repo.saveException(tx, sessionId, one.index, { cancelled: 1, cancel_reason: reason, ...NO_PROPOSAL }, now);
          await repo.touchSession(tx, sessionId, now);
          return true;
        }
        return cancelAhead(tx, found, reason, now);
      });
      if (!cancelled) return REFUSALS.closed();
      const other = row.organiser_id === userId ? row.partner_id : row.organiser_id;
      await tell(
        other,
        userId,
        row,
        'session-cancelled',
        (name) =>
          one || !row.repeat_every
            ? { ko: `${name}님이 세션을 취소했어요`, en: `${name} cancelled a session` }
            : { ko: `${name}님이 반복 세션을 모두 취소했어요`, en: `${name} cancelled the whole series` },
        (one ?? ahead[0] ?? found.occurrences[0]!).start,
        reason,
      );
      return viewOne(userId, sessionId, one?.index ?? 0);
    },

    /**
     * Asks to move one occurrence, or the rest of the series (`following` from this one, `series`
     * from the first one still to come), to a new time; the other person accepts or declines it.
     * A series move waits on the first occurrence it changes and replaces later waiting asks.
     */
    async proposeMove(userId: string, sessionId: string, index: number, body: MoveSessionBody): Promise<Result<SessionOccurrence>> {
      const found = await load(db, sessionId);
      if (!found) return REFUSALS['not-found']();
      if (body.timeZone && !isTimeZone(body.timeZone))
        return refuse('VALIDATION_FAILED', 'Unknown time zone', [{ field: '/timeZone', message: 'unknown time zone' }]);
      const zone = body.timeZone ?? (await zonesOf([userId])).get(userId)!;
      const newStart = wallClockToUtc(body.date, body.time, zone);
      if (!Number.isFinite(newStart))
        return refuse('VALIDATION_FAILED', 'No such date', [{ field: '/date', message: 'is not a calendar date' }]);
      const o = found.occurrences[index];
      const now = nowMs();
      const { row } = found;
      const scope = body.scope ?? 'occurrence';
      const people = [row.organiser_id, row.partner_id];
      let from = index;
      let start = newStart;
      let candidates = [{ start: newStart, end: newStart + row.minutes * MINUTE }];
      if (scope === 'occurrence') {
        const refusal = mayMove(facts(row), userId, occurrenceFacts(o), newStart, now);
        if (refusal) return REFUSALS[refusal]();
      } else {
        if (!o) return REFUSALS['not-found']();
        if (scope === 'series') from = found.occurrences.find((x) => !x.cancelled && x.start > now)?.index ?? index;
        const first = found.occurrences[from]!;
        const localStart = shiftedLocalStart(first.ruleStart, o.ruleStart, newStart, row.time_zone);
        start = localInstant(localStart, row.time_zone);
        const refusal = mayMoveSeries(facts(row), userId, occurrenceFacts(first), start, now);
        if (refusal) return REFUSALS[refusal]();
        candidates = restOfSeries(row, found.occurrences, from, localStart).occurring;
      }
      const hit = await findOverlap(db, people, candidates, scope === 'occurrence' ? { sessionId, index } : { sessionId, from });
      if (hit) return overlapRefusal(userId, hit);
      const reason = body.reason.trim();
      const whole = scope !== 'occurrence';
      await db.transaction().execute(async (tx) => {
        await repo.saveException(
          tx,
          sessionId,
          from,
          { proposed_start: start, proposed_by: userId, proposed_reason: reason, proposed_scope: whole ? 'following' : 'occurrence' },
          now,
        );
        if (whole) await repo.clearProposalsAfter(tx, sessionId, from, now);
        await repo.touchSession(tx, sessionId, now);
      });
      const other = row.organiser_id === userId ? row.partner_id : row.organiser_id;
      await tell(
        other,
        userId,
        row,
        'session-move-proposed',
        (name) =>
          whole
            ? { ko: `${name}님이 반복 세션의 시간을 바꾸자고 해요`, en: `${name} asks to move the series` }
            : { ko: `${name}님이 세션 시간을 바꾸자고 해요`, en: `${name} asks to move a session` },
        start,
        reason,
      );
      return viewOne(userId, sessionId, from);
    },

    /**
     * The other person answers a move: accepted, the occurrence is at its new time (overlaps
     * checked again, reminders for the new time), or the rest of the series follows its new rule.
     */
    async answerMove(userId: string, sessionId: string, index: number, accept: boolean): Promise<Result<SessionOccurrence>> {
      const now = nowMs();
      const outcome = await rowLockTransaction(db).execute(async (tx) => {
        const found = await load(tx, sessionId);
        if (!found) return { refusal: 'not-found' as const };
        const o = found.occurrences[index];
        const refusal = mayAnswerMove(facts(found.row), userId, occurrenceFacts(o), now);
        if (refusal) return { refusal };
        const { row } = found;
        const whole = o!.proposedScope === 'following';
        const answered = { row, proposer: o!.proposedBy!, whole };
        if (!accept) {
          await repo.saveException(tx, sessionId, index, NO_PROPOSAL, now);
          await repo.touchSession(tx, sessionId, now);
          return { ...answered, start: o!.start, view: { sessionId, index } };
        }
        await repo.lockCalendars(tx, [row.organiser_id, row.partner_id]);
        if (whole) {
          const moved = await acceptSeriesMove(tx, found, index, now);
          if ('hit' in moved) return { hit: moved.hit! };
          const view = moved.target.id === sessionId ? { sessionId, index } : { sessionId: moved.target.id, index: 0 };
          return { ...answered, start: moved.start, view };
        }
        const start = o!.proposedStart!;
        const end = start + row.minutes * MINUTE;
        const hit = await findOverlap(tx, [row.organiser_id, row.partner_id], [{ start, end }], { sessionId, index });
        if (hit) return { hit };
        await repo.saveException(tx, sessionId, index, { ...NO_PROPOSAL, moved_start: start }, now);
        await repo.widenBounds(tx, sessionId, start, end, now);
        await enqueueReminders(tx, row, [{ ...o!, start, end }], now);
        return { ...answered, start, view: { sessionId, index } };
      });
      if ('refusal' in outcome) return REFUSALS[outcome.refusal!]();
      if ('hit' in outcome) return overlapRefusal(userId, outcome.hit!);
      jobs.kick();
      const { whole, view } = outcome;
      await tell(
        outcome.proposer!,
        userId,
        { ...outcome.row!, id: view!.sessionId },
        accept ? 'session-moved' : 'session-move-declined',
        (name) =>
          accept
            ? whole
              ? { ko: `${name}님이 반복 세션의 새 시간을 수락했어요`, en: `${name} accepted the new time for the series` }
              : { ko: `${name}님이 새 시간을 수락했어요`, en: `${name} accepted the new time` }
            : { ko: `${name}님이 새 시간을 거절했어요`, en: `${name} declined the new time` },
        outcome.start!,
      );
      return viewOne(userId, view!.sessionId, view!.index);
    },

    getSession: viewOne,

    /** My occurrences that reach into [from, to), every state, ordered by start. */
    async calendar(userId: string, from: number, to: number): Promise<Result<SessionOccurrence[]>> {
      if (!(to > from) || to - from > MAX_RANGE_MS)
        return refuse('VALIDATION_FAILED', 'to must be after from, at most 62 days', [{ field: '/to', message: 'out of range' }]);
      const rows = await repo.sessionsOf(db, [userId], from, to);
      const [exceptions, partner] = await Promise.all([
        repo.exceptionsOf(
          db,
          rows.map((r) => r.id),
        ),
        partnersOf(userId, rows),
      ]);
      const items: SessionOccurrence[] = [];
      const starts: number[] = [];
      for (const row of rows) {
        const person = partner(row);
        for (const o of occurrencesOf(row, exceptions.get(row.id))) {
          if (o.end <= from || o.start >= to) continue;
          items.push(present(userId, row, o, person));
          starts.push(o.start);
        }
      }
      const order = items.map((_, i) => i).sort((a, b) => starts[a]! - starts[b]!);
      return ok(order.map((i) => items[i]!));
    },

    /**
     * For the home page (progress): the person's next booked occurrence that has not ended, as it
     * stands now (moves applied, cancelled ones skipped), with the partner's id, or null. Read
     * from the two indexed (person, last_end) ranges, bounded to the weeks ahead so it stays cheap.
     */
    async nextBooked(userId: string): Promise<NextBooked | null> {
      const now = nowMs();
      const rows = await repo.sessionsOf(db, [userId], now, now + NEXT_BOOKED_AHEAD_MS, ['booked']);
      if (!rows.length) return null;
      const exceptions = await repo.exceptionsOf(
        db,
        rows.map((r) => r.id),
      );
      let next: { row: SessionRow; o: Occurrence } | null = null;
      for (const row of rows)
        for (const o of occurrencesOf(row, exceptions.get(row.id)))
          if (!o.cancelled && o.end > now && o.start < now + NEXT_BOOKED_AHEAD_MS && (!next || o.start < next.o.start)) next = { row, o };
      if (!next) return null;
      const { row, o } = next;
      return {
        sessionId: row.id,
        index: o.index,
        kind: row.kind,
        startsAt: toIso(o.start)!,
        minutes: Math.round((o.end - o.start) / MINUTE),
        partnerId: row.organiser_id === userId ? row.partner_id : row.organiser_id,
      };
    },

    /**
     * The next starts when both people's weekly availability overlaps (each schedule in its own
     * zone, per week, so daylight-saving weeks come out right) and neither has a booked session.
     */
    async suggestions(userId: string, mateId: string, minutes: number): Promise<Result<SessionSuggestions>> {
      if (mateId === userId || !(await deps.areMates(userId, mateId))) return refuse('NOT_FOUND', 'No such mate.');
      const profiles = await profile.partnerProfiles([userId, mateId]);
      const mine = profiles.get(userId);
      const theirs = profiles.get(mateId);
      if (!mine?.timeZone || !theirs?.timeZone || !mine.availability.length || !theirs.availability.length) return ok({ items: [] });
      const now = nowMs();
      // Half an hour's notice at least, on the half hour.
      const earliest = Math.ceil((now + 30 * MINUTE) / (30 * MINUTE)) * 30 * MINUTE;
      const length = minutes * MINUTE;
      const candidates: { start: number; end: number }[] = [];
      for (let week = 0; week < 3 && candidates.length < 40; week++) {
        const at = new Date(now + week * 7 * DAY);
        const weekStart = weekStartUtc(at.getTime());
        const both = overlapIntervals(
          availabilityBitset(mine.availability, mine.timeZone, weekStart),
          availabilityBitset(theirs.availability, theirs.timeZone, weekStart),
        );
        for (const [s, e] of both)
          for (let start = weekStart + s * MINUTE; start + length <= weekStart + e * MINUTE; start += 30 * MINUTE)
            if (start >= earliest) candidates.push({ start, end: start + length });
      }
      candidates.sort((a, b) => a.start - b.start);
      const rows = candidates.length
        ? await repo.sessionsOf(db, [userId, mateId], candidates[0]!.start, candidates[candidates.length - 1]!.end, ['booked'])
        : [];
      const exceptions = await repo.exceptionsOf(
        db,
        rows.map((r) => r.id),
      );
      const busy = rows.flatMap((r) => occurrencesOf(r, exceptions.get(r.id)).filter((o) => !o.cancelled));
      const free = candidates.filter((c) => !busy.some((b) => overlaps(b, c))).slice(0, 6);
      return ok({ items: free.map((c) => ({ startsAt: toIso(c.start)!, endsAt: toIso(c.end)! })) });
    },

    /** One session as an .ics file for either of its two people. */
    async sessionIcs(userId: string, sessionId: string): Promise<Result<string>> {
      const row = await repo.findSession(db, sessionId);
      if (!row || (row.organiser_id !== userId && row.partner_id !== userId)) return REFUSALS['not-found']();
      return ok(sessionsCalendar('STUDYMATE', await feedSessions(userId, [row]), deps.publicUrl));
    },

    async feedStatus(userId: string) {
      const row = await repo.findCalendar(db, userId);
      const active = !!row?.feed_token_hash;
      return { active, createdAt: active ? toIso(row!.feed_created_at) : null };
    },

    /** A new private feed URL; the old one (if any) stops working at once. Only its hash is kept. */
    async createFeed(userId: string) {
      const token = randomBytes(32).toString('base64url');
      const now = nowMs();
      await repo.setFeedToken(db, userId, hashToken(token), now);
      return { url: `${deps.publicUrl}/api/v1/sessions/feed.ics?token=${token}`, createdAt: toIso(now)! };
    },

    async revokeFeed(userId: string) {
      await repo.setFeedToken(db, userId, null, null);
    },

    /** The calendar behind a feed token, or null for a token that is unknown or revoked. */
    async feed(token: string): Promise<string | null> {
      if (!/^[A-Za-z0-9_-]{20,80}$/.test(token)) return null;
      const owner = await repo.calendarByFeedToken(db, hashToken(token));
      if (!owner) return null;
      const now = nowMs();
      const rows = await repo.sessionsOf(db, [owner.user_id], now - FEED_PAST_MS, now + FEED_AHEAD_MS, ['proposed', 'booked', 'cancelled']);
      return sessionsCalendar('STUDYMATE', await feedSessions(owner.user_id, rows), deps.publicUrl);
    },

    /**
     * For the calls module: the two people, kind and times of the session's occurrence that is on
     * now (from 10 minutes before its start until its end), or null unless the user is one of the
     * two and that occurrence is booked.
     */
    /**
     * Two people stopped being mates, or one blocked the other: whatever they proposed or booked
     * together and has not started is cancelled, without a notice (after a block, one would tell
     * the blocked person who did it), so neither can join it, move it, or be reminded of it.
     * Idempotent: an event delivered twice finds nothing left to cancel.
     */
    async endPair(a: string, b: string) {
      const now = nowMs();
      const rows = (await repo.sessionsOf(db, [a], now, Number.MAX_SAFE_INTEGER, ['proposed', 'booked'])).filter(
        (r) => [r.organiser_id, r.partner_id].includes(b) && r.organiser_id !== r.partner_id,
      );
      for (const r of rows) {
        const found = await load(db, r.id);
        if (found) await db.transaction().execute((tx) => cancelAhead(tx, found, null, now));
      }
      return rows.length;
    },

    async callTarget(sessionId: string, userId: string): Promise<CallTarget | null> {
      const found = await load(db, sessionId);
      if (!found || found.row.state !== 'booked') return null;
      const { row } = found;
      if (row.organiser_id !== userId && row.partner_id !== userId) return null;
      const now = nowMs();
      const current = found.occurrences.find((o) => !o.cancelled && o.start - SESSION_JOIN_EARLY_MINUTES * MINUTE <= now && now < o.end);
      if (!current) return null;
      return {
        participants: [row.organiser_id, row.partner_id],
        kind: row.kind,
        startsAt: toIso(current.start)!,
        endsAt: toIso(current.end)!,
      };
    },
  };
}
