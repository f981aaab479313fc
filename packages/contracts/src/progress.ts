import { Type, type Static } from '@sinclair/typebox';
import { Nullable, PersonName } from './schema.js';

/**
 * Progress: what a person practised, their streak and achievements, all derived from the activity
 * ledger. Practice time is minutes both people were connected in calls plus a modest chat credit
 * (CHAT_CREDIT below), which the web app says in words.
 */
export const CHAT_CREDIT = { messagesPerMinute: 10, maxMinutesPerDay: 30 } as const;

export const ACHIEVEMENTS = [
  'first-session',
  'sessions-10',
  'sessions-50',
  'streak-7',
  'streak-30',
  'first-mate',
  'mates-5',
  'hours-10',
  'hours-50',
  'hours-100',
  'first-level-up',
  'perfect-week',
] as const;
export type AchievementId = (typeof ACHIEVEMENTS)[number];

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: "a calendar day in the person's own zone" });
const Instant = Type.String({ format: 'date-time' });

const Person = Type.Object({ userId: Type.String(), name: PersonName, photoUrl: Nullable(Type.String()) });

export const LevelPoint = Type.Object({ at: Instant, language: Type.String(), level: Type.String(), verified: Type.Boolean() });

export const Dashboard = Type.Object({
  name: Type.String(),
  timeZone: Type.String(),
  /** Verified levels (level test), per language. */
  verifiedLevels: Type.Array(Type.Object({ language: Type.String(), level: Type.String() })),
  totalMinutes: Type.Integer(),
  monthMinutes: Type.Integer(),
  streak: Type.Object({ current: Type.Integer(), best: Type.Integer(), today: Type.Boolean() }),
  /** Distinct call partners in the last 30 days. */
  activePartners: Type.Integer(),
  sessionsThisWeek: Type.Integer(),
  recentMates: Type.Array(Type.Intersect([Person, Type.Object({ since: Instant })])),
  nextSession: Nullable(
    Type.Object({
      sessionId: Type.String(),
      kind: Type.String(),
      startsAt: Instant,
      minutes: Type.Integer(),
      partner: Person,
    }),
  ),
  levelHistory: Type.Array(LevelPoint),
  weeklyGoal: Type.Object({
    dailyMinutes: Type.Integer(),
    /** Monday to Sunday of this week, each day's practice minutes. */
    days: Type.Array(Type.Object({ day: Day, minutes: Type.Integer(), met: Type.Boolean() })),
    minutes: Type.Integer(),
    goalMinutes: Type.Integer(),
  }),
  chatCredit: Type.Object({ messagesPerMinute: Type.Integer(), maxMinutesPerDay: Type.Integer() }),
});
export type Dashboard = Static<typeof Dashboard>;

export const StatisticsRange = Type.Union([Type.Literal('week'), Type.Literal('month'), Type.Literal('year')]);
export type StatisticsRange = Static<typeof StatisticsRange>;
export const StatisticsQuery = Type.Object({ range: Type.Optional(StatisticsRange) });

export const Statistics = Type.Object({
  range: StatisticsRange,
  from: Day,
  to: Day,
  /** One bucket per day (week, month) or per month (year). */
  practice: Type.Array(Type.Object({ label: Day, callMinutes: Type.Integer(), chatMinutes: Type.Integer() })),
  sessionTypes: Type.Object({ video: Type.Integer(), voice: Type.Integer(), chatDays: Type.Integer() }),
  perLanguage: Type.Array(Type.Object({ language: Type.String(), minutes: Type.Integer() })),
  topPartners: Type.Array(Type.Intersect([Person, Type.Object({ minutes: Type.Integer(), calls: Type.Integer() })])),
  levelTests: Type.Array(LevelPoint),
  totalMinutes: Type.Integer(),
});
export type Statistics = Static<typeof Statistics>;

export const Achievement = Type.Object({
  id: Type.Union(ACHIEVEMENTS.map((id) => Type.Literal(id))),
  value: Type.Integer(),
  target: Type.Integer(),
  awardedAt: Nullable(Instant),
});
export const AchievementList = Type.Object({ items: Type.Array(Achievement) });
export type AchievementList = Static<typeof AchievementList>;
