import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AchievementId, AchievementList, Dashboard, Statistics, StatisticsRange } from '@studymate/contracts';
import { CHAT_CREDIT } from '@studymate/contracts';
import type { Cache } from '../../platform/cache/cache.js';
import { ViewCache } from '../../platform/cache/view-cache.js';
import { nowMs, toIso } from '../../platform/db/database.js';
import type { ProfileService } from '../profile/service.js';
import type { NextBooked } from '../sessions/service.js';
import type { AccountParticipant, UsersService } from '../users/service.js';
import { achievementProgress, newlyReached } from './achievements.js';
import { addDays, dayStart, localDay, monthStart, weekStart } from './days.js';
import {
  activeDays,
  applyEntry,
  chatCreditMinutes,
  daySummaries,
  factsOf,
  type ActivityEntry,
  type DailyTotals,
  type DaySummary,
} from './ledger.js';
import * as repo from './repository.js';
import type { ProgressTables } from './repository.js';
import { streaksOf } from './streaks.js';

/** The events progress records; each names the people it concerns. */
export interface ChatMessagesSent {
  userId: string;
  count: number;
  firstAt: string;
  lastAt: string;
}
export interface CallCompleted {
  callId: string;
  sessionId: string | null;
  kind: 'video' | 'voice';
  participants: [string, string];
  startedAt: string;
  endedAt: string;
  connectedSeconds: number;
}
export interface SessionBooked {
  sessionId: string;
  organiserId: string;
  partnerId: string;
  kind: 'video' | 'voice';
  startsAt: string;
  minutes: number;
}
export interface LevelTestScored {
  userId: string;
  testId: string;
  level: string;
  verified: boolean;
  language: string;
  at: string;
}
export interface MateAdded {
  a: string;
  b: string;
  at: string;
}

/** How many mates the dashboard lists, and how many of the latest ledger mates it looks through to find them. */
const RECENT_MATES = 5;
const MATE_ENTRIES_READ = 50;
/** A person's goal when onboarding did not set one. */
const DEFAULT_DAILY_MINUTES = 15;
const DAY_MS = 86_400_000;

type NewEntry = Pick<ActivityEntry, 'userId' | 'kind' | 'at' | 'amount' | 'partnerId' | 'detail'> & { language?: string };

export type ProgressService = ReturnType<typeof createProgressService>;

export function createProgressService(deps: {
  db: Kysely<ProgressTables>;
  profile: ProfileService;
  users: UsersService;
  /** Who is someone's mate now (the matching module): an unmatch or a block ends a mate the ledger still lists. */
  mates: { currentMatesAmong(userId: string, ids: string[]): Promise<Set<string>> };
  /** Keeps each person's day summaries between changes (on every node, through the shared cache). */
  cache: Cache;
  /** Tells a person about an achievement (the notifications module); idempotent per person and achievement. */
  announce?: (userId: string, achievement: AchievementId) => Promise<void>;
  /**
   * The person's next booked occurrence, asked of the sessions module when the home page is read.
   * Sessions owns what a booking becomes (a cancel, a move of one occurrence or of the rest of a
   * series, the next week of a repeating session, the cancels after an unmatch or a block): a copy
   * kept here from events would have to replay all of that and once showed a cancelled session at
   * its old time. The read is two indexed queries bounded to the weeks ahead.
   */
  nextSession: (userId: string) => Promise<NextBooked | null>;
  now?: () => number;
}) {
  const { db, profile, users } = deps;
  const now = deps.now ?? nowMs;

  /** Each person's zone, the language they practise (their first learning language) and daily goal, now. */
  async function people(userIds: string[]) {
    const profiles = await profile.partnerProfiles(userIds);
    return new Map(
      userIds.map((id) => {
        const p = profiles.get(id);
        return [
          id,
          {
            timeZone: p?.timeZone ?? 'UTC',
            language: p?.learns[0]?.language ?? '',
            dailyMinutes: p?.dailyMinutes ?? DEFAULT_DAILY_MINUTES,
            verified: p?.verified ?? [],
            photoUrl: p?.photoUrl ?? null,
          },
        ];
      }),
    );
  }

  /**
   * Appends the event's entries (one per person it concerns) and adds each new one to its day,
   * in one transaction; an entry already in the ledger (a replay, another node) changes nothing.
   * Achievements are evaluated every time, so a crash between commit and award is healed by the retry.
   */
  async function record(eventId: string, entries: NewEntry[]): Promise<void> {
    const who = await people([...new Set(entries.map((e) => e.userId))]);
    const full: ActivityEntry[] = entries.map((e) => {
      const person = who.get(e.userId)!;
      return {
        ...e,
        eventId,
        day: localDay(e.at, person.timeZone),
        timeZone: person.timeZone,
        language: e.language ?? person.language,
      };
    });
    const added = await db.transaction().execute(async (tx) => {
      let any = false;
      for (const entry of full)
        if (await repo.appendEntry(tx, entry)) {
          await repo.addToDaily(tx, entry);
          any = true;
        }
      return any;
    });
    for (const userId of who.keys()) {
      if (added) await summaries.invalidate(userId);
      await awardReached(userId);
    }
  }

  /**
   * A person's days (languages added together), practice per day and language, level tests, and
   * their zone, goal and verified levels: everything the pages derive from the roll-ups and the
   * profile, loaded once per change. Every record and every profile change invalidates it after
   * commit (the generation is shared, so on every node), and each load carries its own id.
   */
  // Two years of days are about 180 KB: each node keeps its own copy while the generation holds.
  const summaries = new ViewCache(deps.cache, 'progress-days', undefined, 500);
  // The parsed copy of the last summary served per person, reused while the cache hands back the same text.
  const parsed = new Map<string, { json: string; summary: Summary }>();
  /**
   * Answers read from the ledger beside a summary (top partners of a range, recent mates and
   * bookings, partners of the last month), kept with the parsed summary they were read after.
   * A summary's text is unique to its load (its `loadId`), and a load is served only while no
   * record or profile change happened since, so these answers are dropped with it: the ledger they
   * came from is at least as new as the summary, and any later change brings a new summary.
   */
  const beside = new WeakMap<Summary, Map<string, unknown>>();
  async function summaryOf(userId: string): Promise<Summary> {
    const json = (await summaries.read(userId, async () => JSON.stringify(await loadSummary(userId))))!;
    const memo = parsed.get(userId);
    if (memo && memo.json === json) return memo.summary;
    const summary = JSON.parse(json) as Summary;
    if (parsed.size >= 500) parsed.delete(parsed.keys().next().value!);
    parsed.set(userId, { json, summary });
    return summary;
  }
  async function loadSummary(userId: string): Promise<Summary> {
    const [daily, tests, who, account] = await Promise.all([
      repo.dailyOf(db, userId),
      repo.entriesOf(db, userId, 'level-test'),
      people([userId]),
      users.getActiveUser(userId),
    ]);
    const { timeZone, language, dailyMinutes, verified } = who.get(userId)!;
    return {
      loadId: randomUUID(),
      person: { name: account?.display_name ?? null, timeZone, language, dailyMinutes, verified },
      days: daySummaries(daily),
      languageDays: daily.map((r) => ({ day: r.day, language: r.language, minutes: languageMinutes(r) })),
      tests: tests.map((t) => ({ ...levelOf(t), ms: t.at })),
    };
  }
  /** A ledger answer kept beside the summary (see `beside`); read after the summary, never before. */
  async function besideSummary<T>(summary: Summary, key: string, read: () => Promise<T>): Promise<T> {
    let answers = beside.get(summary);
    if (!answers) beside.set(summary, (answers = new Map()));
    if (answers.has(key)) return answers.get(key) as T;
    const answer = await read();
    // A handful of keys per summary (three ranges a day, mates, bookings); bounded all the same.
    if (answers.size >= 16) answers.delete(answers.keys().next().value!);
    answers.set(key, answer);
    return answer;
  }
  /**
   * Partners of calls in the 30 days before `at`: read once per summary as each partner's latest
   * call since a day earlier, so the answer stays exact for a day of requests.
   */
  async function partnersOfMonth(userId: string, summary: Summary, at: number): Promise<number> {
    const since = at - 30 * DAY_MS;
    const dayAgo = Math.floor(at / DAY_MS) * DAY_MS - 31 * DAY_MS;
    const latest = await besideSummary(summary, `month-partners:${dayAgo}`, () => repo.lastCallWith(db, userId, dayAgo));
    return latest.filter((l) => l.at >= since).length;
  }

  async function factsFor(userId: string) {
    const summary = await summaryOf(userId);
    const { person } = summary;
    return { ...summary, facts: factsOf(summary.days, summary.tests, person.dailyMinutes, now(), person.timeZone) };
  }

  async function awardReached(userId: string) {
    const { facts } = await factsFor(userId);
    const awarded = await repo.awardsOf(db, userId);
    for (const id of newlyReached(facts, new Set(awarded.keys()))) {
      if (await repo.insertAward(db, { user_id: userId, achievement: id, awarded_at: now() })) await deps.announce?.(userId, id);
    }
  }

  const levelOf = (e: ActivityEntry) => {
    const d = JSON.parse(e.detail ?? '{}') as { level: string; verified: boolean };
    return { at: toIso(e.at)!, language: e.language, level: d.level, verified: !!d.verified };
  };

  /**
   * The latest mate entries of people who are mates now, one per person: the ledger keeps every
   * mate ever added (achievements count them), but someone unmatched, blocked either way or gone
   * is no longer a mate. Asked of matching at each request, so an unmatch shows at once.
   */
  async function recentMates(userId: string, entries: ActivityEntry[]): Promise<ActivityEntry[]> {
    // Newest first: the first entry of each person is their latest.
    const seen = new Set<string>();
    const latest = entries.filter((e) => !seen.has(e.partnerId!) && !!seen.add(e.partnerId!));
    if (!latest.length) return [];
    const current = await deps.mates.currentMatesAmong(
      userId,
      latest.map((e) => e.partnerId!),
    );
    return latest.filter((e) => current.has(e.partnerId!)).slice(0, RECENT_MATES);
  }

  async function peopleCards(ids: string[]) {
    const [names, photos] = await Promise.all([users.namesOf(ids), profile.photoUrlsOf(ids)]);
    return (id: string) => ({ userId: id, name: names.get(id)?.displayName ?? '', photoUrl: photos.get(id) ?? null });
  }

  const participant: AccountParticipant = {
    name: 'progress',
    exportData: (userId) => repo.exportUser(db, userId),
    async erase(tx, userId) {
      await repo.eraseUser(tx as unknown as Kysely<ProgressTables>, userId);
    },
  };

  const ms = (iso: string) => Date.parse(iso);

  return {
    participant,

    recordChatMessages: (eventId: string, e: ChatMessagesSent) =>
      record(eventId, [{ userId: e.userId, kind: 'chat', at: ms(e.firstAt), amount: e.count, partnerId: null, detail: null }]),

    recordCall: (eventId: string, e: CallCompleted) =>
      record(
        eventId,
        e.participants.map((userId, i) => ({
          userId,
          kind: 'call' as const,
          at: ms(e.endedAt),
          amount: Math.max(0, Math.round(e.connectedSeconds)),
          partnerId: e.participants[1 - i]!,
          detail: JSON.stringify({ kind: e.kind, sessionId: e.sessionId, callId: e.callId }),
        })),
      ),

    recordBooking: (eventId: string, e: SessionBooked) => {
      const detail = JSON.stringify({ sessionId: e.sessionId, kind: e.kind, startsAt: e.startsAt, minutes: e.minutes });
      const at = now();
      return record(eventId, [
        { userId: e.organiserId, kind: 'booking', at, amount: 1, partnerId: e.partnerId, detail },
        { userId: e.partnerId, kind: 'booking', at, amount: 1, partnerId: e.organiserId, detail },
      ]);
    },

    recordLevelTest: (eventId: string, e: LevelTestScored) =>
      record(eventId, [
        {
          userId: e.userId,
          kind: 'level-test',
          at: ms(e.at),
          amount: 1,
          partnerId: null,
          language: e.language,
          detail: JSON.stringify({ level: e.level, verified: e.verified, testId: e.testId }),
        },
      ]),

    recordMate: (eventId: string, e: MateAdded) =>
      record(eventId, [
        { userId: e.a, kind: 'mate', at: ms(e.at), amount: 1, partnerId: e.b, detail: null },
        { userId: e.b, kind: 'mate', at: ms(e.at), amount: 1, partnerId: e.a, detail: null },
      ]),

    async dashboard(userId: string): Promise<Dashboard> {
      const at = now();
      // None of these needs another's answer: one round of queries, not two.
      const summary = await summaryOf(userId);
      const { days, tests, person } = summary;
      // Read after the summary and kept beside it: from the second request on, none of these queries runs.
      // The next session is always asked afresh (see `nextSession`).
      const [activePartners, mateEntries, next] = await Promise.all([
        partnersOfMonth(userId, summary, at),
        besideSummary(summary, 'mates', () => repo.latestEntries(db, userId, 'mate', MATE_ENTRIES_READ)),
        deps.nextSession(userId),
      ]);
      const mates = await recentMates(userId, mateEntries);
      const zone = person.timeZone;
      const today = localDay(at, zone);
      const monday = weekStart(today);
      const streak = streaksOf(activeDays(days), at, zone);
      const byDay = new Map(days.map((d) => [d.day, d]));
      const card = await peopleCards([userId, ...mates.map((m) => m.partnerId!), ...(next ? [next.partnerId] : [])]);
      const week = Array.from({ length: 7 }, (_, i) => {
        const day = addDays(monday, i);
        const minutes = Math.floor(byDay.get(day)?.minutes ?? 0);
        return { day, minutes, met: minutes >= person.dailyMinutes };
      });
      return {
        // A summary stored before it kept the account's name falls back to the name others see.
        name: person.name ?? card(userId).name,
        timeZone: zone,
        verifiedLevels: person.verified,
        totalMinutes: Math.floor(days.reduce((s, d) => s + d.minutes, 0)),
        monthMinutes: Math.floor(days.filter((d) => d.day >= monthStart(today)).reduce((s, d) => s + d.minutes, 0)),
        streak: { current: streak.current, best: streak.best, today: streak.lastDay !== null && streak.lastDay >= today },
        activePartners,
        sessionsThisWeek: days.filter((d) => d.day >= monday && d.day <= addDays(monday, 6)).reduce((s, d) => s + d.calls, 0),
        recentMates: mates.map((m) => ({ ...card(m.partnerId!), since: toIso(m.at)! })),
        nextSession: next
          ? { sessionId: next.sessionId, kind: next.kind, startsAt: next.startsAt, minutes: next.minutes, partner: card(next.partnerId) }
          : null,
        levelHistory: tests.map(({ ms: _ms, ...point }) => point),
        weeklyGoal: {
          dailyMinutes: person.dailyMinutes,
          days: week,
          minutes: week.reduce((s, d) => s + d.minutes, 0),
          goalMinutes: person.dailyMinutes * 7,
        },
        chatCredit: { ...CHAT_CREDIT },
      };
    },

    async statistics(userId: string, range: StatisticsRange): Promise<Statistics> {
      const at = now();
      const summary = await summaryOf(userId);
      const { person } = summary;
      const today = localDay(at, person.timeZone);
      const from =
        range === 'week' ? weekStart(today) : range === 'month' ? monthStart(today) : monthStart(addDays(monthStart(today), -335));
      const to = range === 'week' ? addDays(from, 6) : range === 'month' ? addDays(monthStart(addDays(from, 31)), -1) : today;
      const start = dayStart(from, person.timeZone);
      const partners = await besideSummary(summary, `top-partners:${start}`, () => repo.topPartners(db, userId, start, 5));
      const inRange = (r: { day: string }) => r.day >= from && r.day <= to;
      const days = summary.days.filter(inRange);
      const tests = summary.tests.filter((t) => t.ms >= start);
      const bucketOf = (day: string) => (range === 'year' ? monthStart(day) : day);
      const labels: string[] = [];
      if (range === 'year') for (let m = from; m <= to; m = monthStart(addDays(m, 31))) labels.push(m);
      else for (let d = from; d <= to; d = addDays(d, 1)) labels.push(d);
      const buckets = new Map(labels.map((label) => [label, { label, callMinutes: 0, chatMinutes: 0 }]));
      for (const d of days) {
        const b = buckets.get(bucketOf(d.day));
        if (b) {
          b.callMinutes += d.callMinutes;
          b.chatMinutes += d.chatMinutes;
        }
      }
      const perLanguage = new Map<string, number>();
      for (const r of summary.languageDays.filter(inRange)) perLanguage.set(r.language, (perLanguage.get(r.language) ?? 0) + r.minutes);
      const card = await peopleCards(partners.map((p) => p.partnerId));
      return {
        range,
        from,
        to,
        practice: [...buckets.values()].map((b) => ({
          label: b.label,
          callMinutes: Math.floor(b.callMinutes),
          chatMinutes: Math.floor(b.chatMinutes),
        })),
        sessionTypes: {
          video: days.reduce((s, d) => s + d.videoCalls, 0),
          voice: days.reduce((s, d) => s + d.voiceCalls, 0),
          chatDays: days.filter((d) => d.messages > 0).length,
        },
        perLanguage: [...perLanguage]
          .map(([language, minutes]) => ({ language, minutes: Math.floor(minutes) }))
          .sort((a, b) => b.minutes - a.minutes),
        topPartners: partners.map((p) => ({ ...card(p.partnerId), minutes: Math.floor(p.seconds / 60), calls: p.calls })),
        levelTests: tests.map(({ ms: _ms, ...point }) => point),
        totalMinutes: Math.floor(days.reduce((s, d) => s + d.minutes, 0)),
      };
    },

    async achievements(userId: string): Promise<AchievementList> {
      const [{ facts }, awarded] = await Promise.all([factsFor(userId), repo.awardsOf(db, userId)]);
      return {
        items: achievementProgress(facts).map((p) => {
          const when = awarded.get(p.id);
          // An award stays, even if a rebuild or a changed goal would read the figure lower now.
          return {
            id: p.id,
            value: when !== undefined ? p.target : p.value,
            target: p.target,
            awardedAt: when !== undefined ? toIso(when) : null,
          };
        }),
      };
    },

    /** Zone, goal and verified levels live in the summary: a profile change starts a new one on every node. */
    profileChanged: (userId: string) => summaries.invalidate(userId),

    rebuild: () => rebuildRollups(db),
  };
}

interface LevelPoint {
  at: string;
  language: string;
  level: string;
  verified: boolean;
}
interface Summary {
  /** Unique to each load, so a node's parsed copy (and what is kept beside it) follows every change. */
  loadId: string;
  person: {
    /** The account's own name (from sign-in): the greeting speaks to the person as they signed in. */
    name: string | null;
    timeZone: string;
    language: string;
    dailyMinutes: number;
    verified: { language: string; level: string }[];
  };
  days: DaySummary[];
  languageDays: { day: string; language: string; minutes: number }[];
  tests: (LevelPoint & { ms: number })[];
}

/** A roll-up row's practice minutes (calls, and the chat credit of that row's messages). */
const languageMinutes = (r: DailyTotals) => r.callSeconds / 60 + chatCreditMinutes(r.chatMessages);

/** Recomputes every roll-up from the ledger (after a fix to how entries count). Awards stay. */
export async function rebuildRollups(db: Kysely<ProgressTables>): Promise<{ entries: number; days: number }> {
  const rollups = new Map<string, DailyTotals>();
  let after: { userId: string; at: number; eventId: string } | null = null;
  let entries = 0;
  for (;;) {
    const page = await repo.ledgerPage(db, after, 2000);
    for (const entry of page) applyEntry(rollups, entry);
    entries += page.length;
    if (page.length < 2000) break;
    const last = page.at(-1)!;
    after = { userId: last.userId, at: last.at, eventId: last.eventId };
  }
  await db.transaction().execute((tx) => repo.replaceAllDaily(tx, [...rollups.values()]));
  return { entries, days: rollups.size };
}
