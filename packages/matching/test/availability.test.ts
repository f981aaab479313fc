import { describe, expect, it } from 'vitest';
import {
  availabilityBitset,
  CELLS_PER_WEEK,
  hasCell,
  overlapIntervals,
  overlapMinutes,
  sharedWindows,
  utcOffsetMinutes,
  weekStartUtc,
} from '../src/index.js';
import { evening, WEEK } from './helpers.js';

const cells = (bits: Uint32Array) => Array.from({ length: CELLS_PER_WEEK }, (_, c) => c).filter((c) => hasCell(bits, c));
const cellOf = (day: number, hour: number, minute = 0) => (day - 1) * 96 + hour * 4 + minute / 15;

describe('weekly availability bitset', () => {
  it('places a Kathmandu (+05:45) evening on the exact 15-minute UTC cells', () => {
    // Monday 20:00-21:00 in Kathmandu is Monday 14:15-15:15 UTC.
    const bits = availabilityBitset(evening(1, 20, 21), 'Asia/Kathmandu', WEEK);
    expect(cells(bits)).toEqual([cellOf(1, 14, 15), cellOf(1, 14, 30), cellOf(1, 14, 45), cellOf(1, 15, 0)]);
  });

  it('counts 45 minutes shared between Kathmandu 20:00-21:00 and Seoul 23:00-24:00', () => {
    const kathmandu = availabilityBitset(evening(1, 20, 21), 'Asia/Kathmandu', WEEK);
    const seoul = availabilityBitset(evening(1, 23, 24), 'Asia/Seoul', WEEK);
    expect(overlapMinutes(kathmandu, seoul)).toBe(45);
    // The same 45 minutes as one window of UTC minutes from the week's start: Monday 14:15-15:00.
    expect(overlapIntervals(kathmandu, seoul)).toEqual([[14 * 60 + 15, 15 * 60]]);
  });

  it('gives shared windows as separate runs that add up to the shared minutes', () => {
    const a = availabilityBitset([...evening(1, 19, 22), ...evening(3, 19, 22)], 'Asia/Seoul', WEEK);
    const b = availabilityBitset([...evening(1, 20, 21), ...evening(3, 21, 23)], 'Asia/Seoul', WEEK);
    const windows = overlapIntervals(a, b);
    expect(windows).toHaveLength(2);
    expect(windows.reduce((sum, [s, e]) => sum + e - s, 0)).toBe(overlapMinutes(a, b));
  });

  it('follows a daylight-saving change inside the week (New York, Sunday 8 March 2026)', () => {
    const week = Date.UTC(2026, 2, 2); // Monday 2 March
    // 09:00-10:00 local on Monday (EST, UTC-5) and on Sunday after the change (EDT, UTC-4).
    const bits = availabilityBitset([...evening(1, 9, 10), ...evening(7, 9, 10)], 'America/New_York', week);
    expect(cells(bits)).toEqual([
      ...[0, 15, 30, 45].map((m) => cellOf(1, 14, m)), // Monday 14:00-15:00 UTC
      ...[0, 15, 30, 45].map((m) => cellOf(7, 13, m)), // Sunday 13:00-14:00 UTC
    ]);
    // The same wall-clock hours a week later are both in EDT.
    const next = availabilityBitset([...evening(1, 9, 10), ...evening(7, 9, 10)], 'America/New_York', week + 7 * 86_400_000);
    expect(cells(next)[0]).toBe(cellOf(1, 13, 0));
  });

  it('wraps a slot that falls before Monday 00:00 UTC to the end of the week', () => {
    // Monday 00:00-00:30 in Seoul is Sunday 15:00-15:30 UTC.
    expect(cells(availabilityBitset([{ day: 1, slot: 0 }], 'Asia/Seoul', WEEK))).toEqual([cellOf(7, 15), cellOf(7, 15, 15)]);
  });

  it('agrees with a brute-force reading of the zone clock in awkward zones and in the weeks their clocks change', () => {
    const zones = [
      'Asia/Kathmandu',
      'Asia/Kolkata',
      'America/New_York',
      'Europe/London',
      'Australia/Sydney',
      'Pacific/Auckland',
      'Asia/Seoul',
    ];
    const slots = [...evening(1, 0, 3), ...evening(3, 7, 9), ...evening(7, 21, 24), { day: 7, slot: 2 }, { day: 7, slot: 5 }];
    // New York 8 Mar and 1 Nov, London 29 Mar and 25 Oct, Sydney 5 Apr, Auckland 27 Sep 2026.
    const weeks = [2, 23, 30]
      .map((d) => Date.UTC(2026, 2, d))
      .concat([Date.UTC(2026, 9, 19), Date.UTC(2026, 9, 26), Date.UTC(2026, 8, 21), WEEK]);
    const cellMs = 15 * 60_000;
    for (const week of weeks) {
      for (const zone of zones) {
        // Every UTC cell from 15 h before the week to 15 h after it, by the wall clock Intl reads there.
        const format = new Intl.DateTimeFormat('en-GB', {
          timeZone: zone,
          weekday: 'short',
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
        });
        const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
        const byWallClock = new Map<string, number[]>();
        for (let at = week - 15 * 3_600_000; at < week + 7 * 86_400_000 + 15 * 3_600_000; at += cellMs) {
          const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
          const key = `${days.indexOf(parts.weekday!) + 1} ${parts.hour}:${parts.minute}`;
          byWallClock.set(key, [
            ...(byWallClock.get(key) ?? []),
            ((((at - week) / cellMs) % CELLS_PER_WEEK) + CELLS_PER_WEEK) % CELLS_PER_WEEK,
          ]);
        }
        const got = new Set(cells(availabilityBitset(slots, zone, week)));
        const label = `${zone} ${new Date(week).toISOString()}`;
        let checked = 0;
        for (const { day, slot } of slots) {
          for (const m of [0, 15]) {
            const minute = slot * 30 + m;
            const key = `${day} ${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
            const found = byWallClock.get(key) ?? [];
            // A wall-clock time skipped by a clock change has no cell to check; a repeated one may be either.
            if (!found.length) continue;
            expect(
              found.some((c) => got.has(c)),
              `${label} ${key}`,
            ).toBe(true);
            checked++;
          }
        }
        expect(got.size, label).toBeLessThanOrEqual(checked + 4);
      }
    }
  });

  it('moves a Seoul evening shared with a New York morning when New York changes its clocks', () => {
    // Seoul Tue 21:00-22:00 = Tue 12:00-13:00 UTC = Tue 07:00-08:00 in New York (January).
    const jan = weekStartUtc(Date.UTC(2027, 0, 13));
    const march = weekStartUtc(Date.UTC(2027, 2, 15)); // US clocks moved on Sunday 14 March 2027
    const seoul = (w: number) => availabilityBitset(evening(2, 21, 22), 'Asia/Seoul', w);
    const newYork = (w: number) => availabilityBitset(evening(2, 7, 8.5), 'America/New_York', w);
    expect(overlapMinutes(seoul(jan), newYork(jan))).toBe(60);
    // After the change, New York's 07:00 is 11:00 UTC: only half an hour is shared.
    expect(overlapMinutes(seoul(march), newYork(march))).toBe(30);
  });

  it('reads zone offsets, including 45-minute and negative ones', () => {
    expect(utcOffsetMinutes('Asia/Kathmandu', WEEK)).toBe(345);
    expect(utcOffsetMinutes('America/St_Johns', WEEK)).toBe(-150);
    expect(utcOffsetMinutes('UTC', WEEK)).toBe(0);
  });

  it('finds Monday 00:00 UTC of the week', () => {
    expect(weekStartUtc(Date.UTC(2026, 5, 7, 23, 59))).toBe(WEEK);
    expect(weekStartUtc(WEEK)).toBe(WEEK);
  });

  it('shows the longest shared windows in each person’s own time', () => {
    const seoul = availabilityBitset(evening(2, 20, 22), 'Asia/Seoul', WEEK);
    const london = availabilityBitset(evening(2, 12, 13), 'Europe/London', WEEK); // BST: 11:00-12:00 UTC = 20:00-21:00 Seoul
    const [w] = sharedWindows(seoul, london, WEEK, 'Asia/Seoul', 'Europe/London');
    expect(w).toEqual({
      minutes: 60,
      viewer: { from: { day: 2, minute: 20 * 60 }, to: { day: 2, minute: 21 * 60 } },
      partner: { from: { day: 2, minute: 12 * 60 }, to: { day: 2, minute: 13 * 60 } },
    });
  });

  it('keeps a window that crosses the end of the week in one piece', () => {
    const all = availabilityBitset([...evening(7, 23, 24), ...evening(1, 0, 1)], 'UTC', WEEK);
    expect(sharedWindows(all, all, WEEK, 'UTC', 'UTC')).toEqual([
      {
        minutes: 120,
        viewer: { from: { day: 7, minute: 23 * 60 }, to: { day: 1, minute: 60 } },
        partner: { from: { day: 7, minute: 23 * 60 }, to: { day: 1, minute: 60 } },
      },
    ]);
  });
});

describe('week maps from sampled offsets', () => {
  // Asking the zone at every cell, as the map was first built: the reference the sampled map must equal.
  const everyCell = (timeZone: string, weekStart: number) => {
    const ask = (at: number) => {
      const name =
        new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')
          ?.value ?? 'GMT';
      const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
      return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) : 0;
    };
    const slots = Array.from({ length: 7 * 48 }, (_, i) => ({ day: Math.floor(i / 48) + 1, slot: i % 48 }));
    const cellMs = 15 * 60_000;
    const cellOfLocal = (local: number) => {
      const at = local - ask(local - ask(local) * 60_000) * 60_000;
      return ((Math.floor((at - weekStart) / cellMs) % CELLS_PER_WEEK) + CELLS_PER_WEEK) % CELLS_PER_WEEK;
    };
    return slots.map(({ day, slot }) => {
      const local = weekStart + ((day - 1) * 1440 + slot * 30) * 60_000;
      return [...new Set([cellOfLocal(local), cellOfLocal(local + cellMs)])].sort((a, b) => a - b);
    });
  };
  const slotCells = (timeZone: string, weekStart: number) =>
    Array.from({ length: 7 * 48 }, (_, i) =>
      cells(availabilityBitset([{ day: Math.floor(i / 48) + 1, slot: i % 48 }], timeZone, weekStart)),
    );

  it('places every slot as asking the zone at every cell does, in weeks where clocks change and where they do not', () => {
    const weeks = [
      weekStartUtc(Date.UTC(2026, 2, 9)), // United States spring forward (8 March)
      weekStartUtc(Date.UTC(2026, 2, 30)), // Europe (29 March) and Australia's Sydney (5 April)
      weekStartUtc(Date.UTC(2026, 9, 26)), // Europe falls back (25 October)
      weekStartUtc(Date.UTC(2026, 10, 2)), // United States falls back (1 November)
      WEEK,
    ];
    const zones = [
      'America/New_York',
      'America/Los_Angeles',
      'Europe/London',
      'Europe/Paris',
      'Australia/Sydney',
      'Asia/Kathmandu',
      'Asia/Seoul',
      'Pacific/Chatham',
    ];
    for (const weekStart of weeks) for (const zone of zones) expect(slotCells(zone, weekStart)).toEqual(everyCell(zone, weekStart));
  });
});
