import { CHAT_CREDIT, LEVELS } from '@studymate/contracts';
import { weekNumber } from './days.js';
import type { ProgressFacts } from './achievements.js';
import { streaksOf, type ActiveDay } from './streaks.js';

/**
 * The activity ledger's pure side: how one entry changes a day's roll-up, and what the roll-ups
 * add up to. The service and `progress:rebuild` both go through `applyEntry`, so a rebuild
 * recomputes exactly what live recording wrote.
 */
export type ActivityKind = 'chat' | 'call' | 'booking' | 'level-test' | 'mate';

export interface ActivityEntry {
  eventId: string;
  userId: string;
  kind: ActivityKind;
  /** Epoch ms of the fact. */
  at: number;
  /** The person's calendar day at `at`, in `timeZone` (their zone when the event arrived). */
  day: string;
  timeZone: string;
  /** The language the person practised ('' when not known). */
  language: string;
  /** chat: messages sent; call: seconds both were connected; otherwise 1. */
  amount: number;
  partnerId: string | null;
  /** JSON: call {kind, sessionId}; booking {sessionId, kind, startsAt, minutes}; level-test {level, verified, testId}. */
  detail: string | null;
}

export interface DailyTotals {
  userId: string;
  day: string;
  language: string;
  /** The zone of the first entry that day: the day is kept as it was lived. */
  timeZone: string;
  chatMessages: number;
  callSeconds: number;
  calls: number;
  videoCalls: number;
  voiceCalls: number;
  levelTests: number;
  mates: number;
}

/** What one entry adds to its day. */
export function dailyIncrement(entry: ActivityEntry): DailyTotals {
  const callKind = entry.kind === 'call' && entry.detail ? (JSON.parse(entry.detail) as { kind?: string }).kind : undefined;
  return {
    userId: entry.userId,
    day: entry.day,
    language: entry.language,
    timeZone: entry.timeZone,
    chatMessages: entry.kind === 'chat' ? entry.amount : 0,
    callSeconds: entry.kind === 'call' ? entry.amount : 0,
    calls: entry.kind === 'call' ? 1 : 0,
    videoCalls: callKind === 'video' ? 1 : 0,
    voiceCalls: callKind === 'voice' ? 1 : 0,
    levelTests: entry.kind === 'level-test' ? 1 : 0,
    mates: entry.kind === 'mate' ? 1 : 0,
  };
}

const SUMMED = ['chatMessages', 'callSeconds', 'calls', 'videoCalls', 'voiceCalls', 'levelTests', 'mates'] as const;

/** Folds entries (in order of arrival) into roll-ups keyed by user, day and language. */
export function applyEntry(rollups: Map<string, DailyTotals>, entry: ActivityEntry): void {
  const add = dailyIncrement(entry);
  const key = `${add.userId}|${add.day}|${add.language}`;
  const row = rollups.get(key);
  if (!row) rollups.set(key, add);
  else for (const column of SUMMED) row[column] += add[column];
}

/**
 * Chat counts toward practice modestly: one minute for every 10 messages a person sends in a day,
 * at most 30 minutes a day. Calls count the seconds both people were connected.
 */
export const chatCreditMinutes = (messages: number) =>
  Math.min(CHAT_CREDIT.maxMinutesPerDay, Math.floor(messages / CHAT_CREDIT.messagesPerMinute));

export interface DaySummary {
  day: string;
  timeZone: string;
  minutes: number;
  callMinutes: number;
  chatMinutes: number;
  messages: number;
  calls: number;
  videoCalls: number;
  voiceCalls: number;
  levelTests: number;
  mates: number;
  /** A chat, a call or a level test: the day counts toward the streak. */
  active: boolean;
}

/** One summary per day (languages added together), in day order. */
export function daySummaries(rows: readonly DailyTotals[]): DaySummary[] {
  const byDay = new Map<string, DaySummary & { callSeconds: number }>();
  for (const r of rows) {
    let d = byDay.get(r.day);
    if (!d) {
      d = {
        day: r.day,
        timeZone: r.timeZone,
        minutes: 0,
        callMinutes: 0,
        chatMinutes: 0,
        messages: 0,
        callSeconds: 0,
        calls: 0,
        videoCalls: 0,
        voiceCalls: 0,
        levelTests: 0,
        mates: 0,
        active: false,
      };
      byDay.set(r.day, d);
    }
    d.messages += r.chatMessages;
    d.callSeconds += r.callSeconds;
    d.calls += r.calls;
    d.videoCalls += r.videoCalls;
    d.voiceCalls += r.voiceCalls;
    d.levelTests += r.levelTests;
    d.mates += r.mates;
  }
  const days = [...byDay.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
  return days.map(({ callSeconds, ...d }) => {
    const callMinutes = callSeconds / 60;
    const chatMinutes = chatCreditMinutes(d.messages);
    return {
      ...d,
      callMinutes,
      chatMinutes,
      minutes: callMinutes + chatMinutes,
      active: d.messages > 0 || d.calls > 0 || d.levelTests > 0,
    };
  });
}

export const activeDays = (days: readonly DaySummary[]): ActiveDay[] =>
  days.filter((d) => d.active).map((d) => ({ day: d.day, timeZone: d.timeZone }));

/** Monday-to-Sunday weeks in which every one of the seven days reached the daily goal. */
export function perfectWeeks(days: readonly DaySummary[], dailyGoalMinutes: number): number {
  // Days are distinct: a week with seven days that met the goal is a perfect one.
  const metPerWeek = new Map<number, number>();
  for (const d of days) if (d.minutes >= dailyGoalMinutes) metPerWeek.set(weekNumber(d.day), (metPerWeek.get(weekNumber(d.day)) ?? 0) + 1);
  let perfect = 0;
  for (const met of metPerWeek.values()) if (met === 7) perfect++;
  return perfect;
}

const LEVEL_ORDER: readonly string[] = LEVELS.map((l) => l.id);

/** Level tests, in order, that placed a language above the best earlier level of that language. */
export function levelUps(tests: readonly { language: string; level: string }[]): number {
  const best = new Map<string, number>();
  let ups = 0;
  for (const t of tests) {
    const rank = LEVEL_ORDER.indexOf(t.level);
    const before = best.get(t.language);
    if (before !== undefined && rank > before) ups++;
    if (before === undefined || rank > before) best.set(t.language, rank);
  }
  return ups;
}

export function factsOf(
  days: readonly DaySummary[],
  levelTests: readonly { language: string; level: string }[],
  dailyGoalMinutes: number,
  now: number,
  zoneNow: string,
): ProgressFacts {
  let sessions = 0;
  let mates = 0;
  let minutes = 0;
  for (const d of days) {
    sessions += d.calls;
    mates += d.mates;
    minutes += d.minutes;
  }
  return {
    sessions,
    mates,
    practiceMinutes: Math.floor(minutes),
    bestStreak: streaksOf(activeDays(days), now, zoneNow).best,
    levelUps: levelUps(levelTests),
    perfectWeeks: perfectWeeks(days, dailyGoalMinutes),
  };
}
