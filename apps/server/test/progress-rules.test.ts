import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { achievementProgress, newlyReached } from '../src/modules/progress/achievements.js';
import { dayStart, localDay } from '../src/modules/progress/days.js';
import { activeDays, applyEntry, daySummaries, factsOf, type ActivityEntry, type DailyTotals } from '../src/modules/progress/ledger.js';
import { streaksOf } from '../src/modules/progress/streaks.js';

const SEOUL = 'Asia/Seoul';
const NEW_YORK = 'America/New_York';
const KATHMANDU = 'Asia/Kathmandu';
const LOS_ANGELES = 'America/Los_Angeles';

/** A chat at a wall-clock instant (ISO with its offset), lived in a zone. */
const at = (iso: string, timeZone: string) => ({ day: localDay(Date.parse(iso), timeZone), timeZone });
const streakAt = (days: { day: string; timeZone: string }[], nowIso: string, zoneNow: string) =>
  streaksOf(days, Date.parse(nowIso), zoneNow);

describe('streaks in the person’s own zone (tests run in Asia/Kathmandu)', () => {
  it('runs in Kathmandu: 23:50 and 00:05 the next night are two days, and the streak is alive the morning after', () => {
    expect(process.env.TZ).toBe('Asia/Kathmandu');
    const days = [at('2026-06-01T23:50:00+05:45', KATHMANDU), at('2026-06-02T00:05:00+05:45', KATHMANDU)];
    expect(days.map((d) => d.day)).toEqual(['2026-06-01', '2026-06-02']);
    expect(streakAt(days, '2026-06-03T09:00:00+05:45', KATHMANDU)).toEqual({ current: 2, best: 2, lastDay: '2026-06-02' });
    // Two days later nothing was done yesterday: the streak is over, the best stays.
    expect(streakAt(days, '2026-06-04T00:01:00+05:45', KATHMANDU)).toMatchObject({ current: 0, best: 2 });
  });

  it('counts Seoul days by Seoul midnight, not by the server’s or UTC’s', () => {
    // 23:30 KST is 14:30 UTC and 20:15 in Kathmandu: still the same Seoul day as 00:30 the night before is not.
    const days = [
      at('2026-04-01T00:30:00+09:00', SEOUL),
      at('2026-04-01T23:30:00+09:00', SEOUL),
      at('2026-04-02T23:59:00+09:00', SEOUL),
      at('2026-04-03T00:01:00+09:00', SEOUL),
    ];
    expect(streakAt(days, '2026-04-03T12:00:00+09:00', SEOUL)).toEqual({ current: 3, best: 3, lastDay: '2026-04-03' });
  });

  it('in New York, the 23-hour day in March and the 25-hour day in November neither break nor add a day', () => {
    const march = ['03-06', '03-07', '03-08', '03-09', '03-10'].map((d) =>
      at(`2026-${d}T23:30:00${d >= '03-08' ? '-04:00' : '-05:00'}`, NEW_YORK),
    );
    // 2026-03-08 is 23 hours long in New York; a day start moves from -05:00 to -04:00.
    expect(dayStart('2026-03-09', NEW_YORK) - dayStart('2026-03-08', NEW_YORK)).toBe(23 * 3_600_000);
    expect(streakAt(march, '2026-03-11T08:00:00-04:00', NEW_YORK)).toMatchObject({ current: 5, best: 5 });
    const november = [
      at('2026-10-31T00:30:00-04:00', NEW_YORK),
      at('2026-11-01T00:30:00-04:00', NEW_YORK),
      at('2026-11-01T23:30:00-05:00', NEW_YORK),
      at('2026-11-02T00:10:00-05:00', NEW_YORK),
    ];
    expect(dayStart('2026-11-02', NEW_YORK) - dayStart('2026-11-01', NEW_YORK)).toBe(25 * 3_600_000);
    expect(streakAt(november, '2026-11-02T20:00:00-05:00', NEW_YORK)).toEqual({ current: 3, best: 3, lastDay: '2026-11-02' });
  });

  it('in New York, missing the short March day breaks the streak', () => {
    const days = [at('2026-03-07T12:00:00-05:00', NEW_YORK), at('2026-03-09T12:00:00-04:00', NEW_YORK)];
    expect(streakAt(days, '2026-03-09T13:00:00-04:00', NEW_YORK)).toMatchObject({ current: 1, best: 1 });
  });

  it('a flight from Seoul to Los Angeles mid-streak: the repeated date counts once and the streak goes on', () => {
    const days = [
      at('2026-07-13T20:00:00+09:00', SEOUL), // Mon
      at('2026-07-14T20:00:00+09:00', SEOUL), // Tue
      at('2026-07-15T09:00:00+09:00', SEOUL), // Wed morning, then the flight (departs 18:00 KST)
      at('2026-07-15T14:00:00-07:00', LOS_ANGELES), // lands Wed 11:00 PDT: still Wednesday, once
      at('2026-07-16T19:00:00-07:00', LOS_ANGELES), // Thu in LA
    ];
    expect(new Set(days.map((d) => d.day)).size).toBe(4);
    expect(streakAt(days, '2026-07-17T08:00:00-07:00', LOS_ANGELES)).toEqual({ current: 4, best: 4, lastDay: '2026-07-16' });
  });

  it('flying back east skips a date (Los Angeles Friday night to Seoul Sunday morning) without breaking the streak', () => {
    const days = [
      at('2026-07-16T19:00:00-07:00', LOS_ANGELES), // Thu
      at('2026-07-17T21:00:00-07:00', LOS_ANGELES), // Fri, departs 23:30 PDT
      at('2026-07-19T07:00:00+09:00', SEOUL), // lands Sun 05:30 KST; Saturday never happened to them
    ];
    expect(streakAt(days, '2026-07-19T12:00:00+09:00', SEOUL)).toMatchObject({ current: 3, best: 3 });
    // But a Sunday after a whole skipped Saturday in one zone breaks.
    const stayed = [at('2026-07-17T21:00:00-07:00', LOS_ANGELES), at('2026-07-19T07:00:00-07:00', LOS_ANGELES)];
    expect(streakAt(stayed, '2026-07-19T12:00:00-07:00', LOS_ANGELES)).toMatchObject({ current: 1, best: 1 });
  });

  it('after moving from Seoul to Los Angeles, yesterday in Seoul still keeps today’s streak alive', () => {
    const days = [at('2026-07-14T20:00:00+09:00', SEOUL), at('2026-07-15T20:00:00+09:00', SEOUL)];
    // Wed 20:00 KST = Wed 04:00 PDT. On Thursday evening in LA the last active day (Wed) was yesterday.
    expect(streakAt(days, '2026-07-16T20:00:00-07:00', LOS_ANGELES).current).toBe(2);
    expect(streakAt(days, '2026-07-17T20:00:00-07:00', LOS_ANGELES).current).toBe(0);
  });
});

// ---- achievements as tables of event sequences ----

type Step =
  | { kind: 'call'; iso: string; minutes: number }
  | { kind: 'chat'; iso: string; messages: number }
  | { kind: 'mate'; iso: string }
  | { kind: 'test'; iso: string; level: string };

/** Feeds the steps one by one through the ledger, as the service does, and lists what each step awarded. */
function awardsOver(steps: Step[], opts: { zone?: string; goal?: number } = {}): string[][] {
  const zone = opts.zone ?? SEOUL;
  const rollups = new Map<string, DailyTotals>();
  const tests: { language: string; level: string }[] = [];
  const awarded = new Set<string>();
  return steps.map((step, i) => {
    const t = Date.parse(step.iso);
    const entry: ActivityEntry = {
      eventId: `e${i}`,
      userId: 'minji',
      kind: step.kind === 'test' ? 'level-test' : step.kind,
      at: t,
      day: localDay(t, zone),
      timeZone: zone,
      language: 'en',
      amount: step.kind === 'call' ? step.minutes * 60 : step.kind === 'chat' ? step.messages : 1,
      partnerId: step.kind === 'call' || step.kind === 'mate' ? 'alex' : null,
      detail: step.kind === 'call' ? JSON.stringify({ kind: 'video' }) : null,
    };
    applyEntry(rollups, entry);
    if (step.kind === 'test') tests.push({ language: 'en', level: step.level });
    const facts = factsOf(daySummaries([...rollups.values()]), tests, opts.goal ?? 15, t, zone);
    const now = newlyReached(facts, awarded);
    for (const id of now) awarded.add(id);
    return now;
  });
}

const day = (n: number, time = '20:00') => `2026-05-${String(n).padStart(2, '0')}T${time}:00+09:00`;
// Calls on one day: no streak or perfect week on the way.
const calls = (n: number, minutes = 30) => Array.from({ length: n }, () => ({ kind: 'call' as const, iso: day(1), minutes }));

describe('achievements, each awarded once when the event that reaches it arrives', () => {
  const table: { rule: string; steps: Step[]; expected: [number, string[]][] }[] = [
    { rule: 'first session: the first completed call', steps: calls(2), expected: [[0, ['first-session']]] },
    {
      rule: '10 sessions: on the tenth call',
      steps: calls(11, 5),
      expected: [
        [0, ['first-session']],
        [9, ['sessions-10']],
      ],
    },
    {
      rule: '50 sessions: on the fiftieth call (and 10 hours arrive on the way at 20 × 30 min)',
      steps: calls(50),
      expected: [
        [0, ['first-session']],
        [9, ['sessions-10']],
        [19, ['hours-10']],
        [49, ['sessions-50']],
      ],
    },
    {
      rule: 'first mate and 5 mates',
      steps: Array.from({ length: 6 }, (_, i) => ({ kind: 'mate' as const, iso: day(1 + i) })),
      expected: [
        [0, ['first-mate']],
        [4, ['mates-5']],
      ],
    },
    {
      rule: '7-day streak from a chat a day (10 messages: 1 minute of credit)',
      steps: Array.from({ length: 8 }, (_, i) => ({ kind: 'chat' as const, iso: day(1 + i), messages: 10 })),
      expected: [[6, ['streak-7']]],
    },
    {
      rule: 'a missed day starts the streak again: no 7-day award for 3 + 4 days',
      steps: [1, 2, 3, 5, 6, 7, 8].map((n) => ({ kind: 'chat' as const, iso: day(n), messages: 1 })),
      expected: [],
    },
    {
      rule: '30-day streak',
      steps: Array.from({ length: 30 }, (_, i) => ({
        kind: 'chat' as const,
        iso: `2026-06-${String(1 + i).padStart(2, '0')}T09:00:00+09:00`,
        messages: 1,
      })),
      expected: [
        [6, ['streak-7']],
        [29, ['streak-30']],
      ],
    },
    {
      rule: '10, 50 and 100 hours from long calls',
      steps: Array.from({ length: 5 }, (_, i) => ({ kind: 'call' as const, iso: day(1 + i), minutes: 1200 })),
      expected: [
        [0, ['first-session', 'hours-10']],
        [2, ['hours-50']],
        [4, ['hours-100']],
      ],
    },
    {
      rule: 'chat credit is capped at 30 minutes a day: 20 days of 10,000 messages are 10 hours, not 333',
      steps: Array.from({ length: 20 }, (_, i) => ({ kind: 'chat' as const, iso: day(1 + i), messages: 10_000 })),
      expected: [
        [6, ['streak-7']],
        [9, ['perfect-week']],
        [19, ['hours-10']],
      ],
    },
    {
      rule: 'first level-up: a higher level than an earlier test, not the first placement and not the same level again',
      steps: [
        { kind: 'test', iso: day(1), level: 'A2' },
        { kind: 'test', iso: day(2), level: 'A2' },
        { kind: 'test', iso: day(3), level: 'B1' },
        { kind: 'test', iso: day(4), level: 'B2' },
      ],
      expected: [[2, ['first-level-up']]],
    },
    {
      // 2026-05-04 is a Monday in Seoul. 150 messages a day are 15 minutes, the goal.
      rule: 'perfect week: the daily goal met Monday to Sunday, awarded on the Sunday',
      steps: Array.from({ length: 7 }, (_, i) => ({ kind: 'chat' as const, iso: day(4 + i), messages: 150 })),
      expected: [[6, ['streak-7', 'perfect-week']]],
    },
    {
      rule: 'no perfect week when one day falls short of the goal',
      steps: Array.from({ length: 7 }, (_, i) => ({ kind: 'chat' as const, iso: day(4 + i), messages: i === 3 ? 140 : 150 })),
      expected: [[6, ['streak-7']]],
    },
  ];
  for (const { rule, steps, expected } of table)
    it(rule, () => {
      const awards = awardsOver(steps);
      const got = awards.flatMap((ids, i) => (ids.length ? [[i, ids] as [number, string[]]] : []));
      expect(got).toEqual(expected);
    });

  it('a perfect week in New York follows New York’s Monday, across the March clock change', () => {
    // 2026-03-09 is a Monday; the week holds the 23-hour day? No: 03-08 is the Sunday before. Use 03-02..03-08.
    const steps = ['03-02', '03-03', '03-04', '03-05', '03-06', '03-07', '03-08'].map((d) => ({
      kind: 'chat' as const,
      iso: `2026-${d}T23:30:00-05:00`,
      messages: 200,
    }));
    steps[6]!.iso = '2026-03-08T23:30:00-04:00';
    const awards = awardsOver(steps, { zone: NEW_YORK, goal: 20 });
    expect(awards[6]).toContain('perfect-week');
  });

  it('progress toward each achievement is shown capped at its target', () => {
    const progress = achievementProgress({ sessions: 12, bestStreak: 3, mates: 1, practiceMinutes: 61 * 60, levelUps: 0, perfectWeeks: 0 });
    const by = Object.fromEntries(progress.map((p) => [p.id, p]));
    expect(by['sessions-10']).toEqual({ id: 'sessions-10', value: 10, target: 10, reached: true });
    expect(by['sessions-50']).toMatchObject({ value: 12, reached: false });
    expect(by['hours-50']).toMatchObject({ value: 50, reached: true });
    expect(by['hours-100']).toMatchObject({ value: 61, reached: false });
    expect(by['streak-7']).toMatchObject({ value: 3, reached: false });
  });

  it('property: over any sequence of events, what is reached never goes back and no award repeats', () => {
    const zones = [SEOUL, NEW_YORK, KATHMANDU, LOS_ANGELES];
    const step = fc.record({
      kind: fc.constantFrom('call', 'chat', 'mate', 'test'),
      offsetHours: fc.integer({ min: 0, max: 24 * 120 }),
      amount: fc.integer({ min: 1, max: 400 }),
      level: fc.constantFrom('A1', 'A2', 'B1', 'B2', 'C1', 'C2'),
      zone: fc.constantFrom(...zones),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.integer({ min: 5, max: 60 }), (steps, goal) => {
        const rollups = new Map<string, DailyTotals>();
        const tests: { language: string; level: string }[] = [];
        const awarded: string[] = [];
        let reachedBefore = new Set<string>();
        const base = Date.parse('2026-01-01T00:00:00Z');
        steps.forEach((s, i) => {
          const t = base + s.offsetHours * 3_600_000;
          const kind = s.kind === 'test' ? 'level-test' : (s.kind as 'call' | 'chat' | 'mate');
          applyEntry(rollups, {
            eventId: `e${i}`,
            userId: 'u',
            kind,
            at: t,
            day: localDay(t, s.zone),
            timeZone: s.zone,
            language: 'en',
            amount: s.kind === 'call' ? s.amount * 60 : s.amount,
            partnerId: null,
            detail: null,
          });
          if (s.kind === 'test') tests.push({ language: 'en', level: s.level });
          const facts = factsOf(daySummaries([...rollups.values()]), tests, goal, t, s.zone);
          const reached = new Set<string>(
            achievementProgress(facts)
              .filter((p) => p.reached)
              .map((p) => p.id),
          );
          for (const id of reachedBefore) expect(reached.has(id)).toBe(true);
          awarded.push(...newlyReached(facts, new Set(awarded)));
          reachedBefore = reached;
        });
        expect(new Set(awarded).size).toBe(awarded.length);
        expect(activeDays(daySummaries([...rollups.values()])).length).toBeLessThanOrEqual(steps.length);
      }),
      { numRuns: 300 },
    );
  });
});
