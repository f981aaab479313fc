import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { sessionsCalendar } from '../src/modules/sessions/calendar-feed.js';
import type { SessionRow } from '../src/modules/sessions/repository.js';
import { occurrencesOf, ruleStarts, type SeriesRule, type StoredException } from '../src/modules/sessions/series.js';

/** The wall clock of an instant in a zone, as a person there reads it: 'Mon 19:00'. */
const wallClock = (at: number, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
const weekly = (timeZone: string, localStart: string, count: number): SeriesRule => ({
  timeZone,
  localStart,
  minutes: 30,
  every: 'week',
  until: null,
  count,
});

describe('a weekly series keeps the organiser’s wall clock across daylight-saving changes', () => {
  it('New York organiser, spring forward (14 March 2027): every session at 19:00 in New York, an hour earlier in UTC after the change', () => {
    const starts = ruleStarts(weekly('America/New_York', '2027-03-01T19:00', 4));
    expect(starts.map((s) => wallClock(s, 'America/New_York'))).toEqual(['Mon 19:00', 'Mon 19:00', 'Mon 19:00', 'Mon 19:00']);
    expect(starts.map((s) => new Date(s).toISOString())).toEqual([
      '2027-03-02T00:00:00.000Z',
      '2027-03-09T00:00:00.000Z',
      '2027-03-15T23:00:00.000Z',
      '2027-03-22T23:00:00.000Z',
    ]);
  });

  it('Berlin organiser, autumn (25 October 2026) and spring (28 March 2027): Sunday 10:00 in Berlin every time', () => {
    const autumn = ruleStarts(weekly('Europe/Berlin', '2026-10-18T10:00', 2));
    expect(autumn.map((s) => wallClock(s, 'Europe/Berlin'))).toEqual(['Sun 10:00', 'Sun 10:00']);
    expect(autumn.map((s) => new Date(s).toISOString())).toEqual(['2026-10-18T08:00:00.000Z', '2026-10-25T09:00:00.000Z']);
    const spring = ruleStarts(weekly('Europe/Berlin', '2027-03-21T10:00', 2));
    expect(spring.map((s) => new Date(s).toISOString())).toEqual(['2027-03-21T09:00:00.000Z', '2027-03-28T08:00:00.000Z']);
  });

  it('a Seoul organiser’s 19:00 stays 19:00 in Seoul while the New York partner’s clock changes, so the partner sees it move', () => {
    const starts = ruleStarts(weekly('Asia/Seoul', '2027-03-08T19:00', 3));
    expect(starts.map((s) => wallClock(s, 'Asia/Seoul'))).toEqual(['Mon 19:00', 'Mon 19:00', 'Mon 19:00']);
    expect(starts.map((s) => wallClock(s, 'America/New_York'))).toEqual(['Mon 05:00', 'Mon 06:00', 'Mon 06:00']);
    // And in this test's own awkward zone (Kathmandu, +05:45), nothing leaks into the arithmetic.
    expect(starts.map((s) => wallClock(s, 'Asia/Kathmandu'))).toEqual(['Mon 15:45', 'Mon 15:45', 'Mon 15:45']);
  });

  it('ends on its until date or count, every two weeks or monthly (a 31st skips shorter months)', () => {
    const fortnightly = ruleStarts({
      ...weekly('Asia/Seoul', '2027-01-04T20:00', 0),
      every: 'two-weeks',
      count: null,
      until: '2027-02-01',
    });
    expect(fortnightly.map((s) => new Date(s).toISOString().slice(0, 10))).toEqual(['2027-01-04', '2027-01-18', '2027-02-01']);
    const monthly = ruleStarts({ ...weekly('Asia/Seoul', '2027-01-31T20:00', 4), every: 'month' });
    expect(monthly.map((s) => new Date(s + 9 * 3600_000).toISOString().slice(0, 10))).toEqual([
      '2027-01-31',
      '2027-03-31',
      '2027-05-31',
      '2027-07-31',
    ]);
  });
});

describe('the .ics file', () => {
  const row: SessionRow = {
    id: '0190a0a0-0000-7000-8000-000000000001',
    organiser_id: 'a',
    partner_id: 'b',
    kind: 'video',
    topic: 'Ordering food; small talk',
    time_zone: 'America/New_York',
    local_start: '2027-03-01T19:00',
    minutes: 45,
    repeat_every: 'week',
    repeat_until: null,
    repeat_count: 5,
    reminders: '15,1440',
    state: 'booked',
    first_start: 0,
    last_end: 0,
    reason: null,
    sequence: 3,
    created_at: 0,
    updated_at: 0,
  };
  const exceptions = new Map<number, StoredException>([
    [
      1,
      {
        occurrence: 1,
        cancelled: 1,
        cancel_reason: 'travelling',
        moved_start: null,
        proposed_start: null,
        proposed_by: null,
        proposed_reason: null,
      },
    ],
    [
      3,
      {
        occurrence: 3,
        cancelled: 0,
        cancel_reason: null,
        moved_start: Date.parse('2027-03-24T23:30:00Z'),
        proposed_start: null,
        proposed_by: null,
        proposed_reason: null,
      },
    ],
  ]);

  it('parses with ical.js, round-trips the rule, and expands to exactly our occurrences (DST, a cancellation and a move included)', () => {
    const occurrences = occurrencesOf(row, exceptions);
    const text = sessionsCalendar('STUDYMATE', [{ row, occurrences, partnerName: 'Alex' }], 'https://studymate.example');
    const calendar = new ICAL.Component(ICAL.parse(text));
    for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(zone));
    const [series, moved] = calendar.getAllSubcomponents('vevent').map((c) => new ICAL.Event(c));
    expect(series!.summary).toBe('STUDYMATE video session with Alex');
    expect(series!.description).toBe('Ordering food; small talk');
    expect(series!.startDate.zone.tzid).toBe('America/New_York');
    expect(series!.startDate.toString()).toBe('2027-03-01T19:00:00');
    expect(series!.duration.toSeconds()).toBe(45 * 60);
    const rule = series!.component.getFirstPropertyValue('rrule') as ICAL.Recur;
    expect(ICAL.Recur.fromString(rule.toString()).toString()).toBe('FREQ=WEEKLY;COUNT=5');
    expect(series!.component.getFirstPropertyValue('sequence')).toBe(3);
    expect(series!.component.getAllSubcomponents('valarm').map((a) => a.getFirstPropertyValue('trigger')!.toString())).toEqual([
      '-PT15M',
      '-P1D',
    ]);
    // ical.js expands the rule itself: the occurrences it yields are ours, less the cancelled and moved ones.
    const expanded: string[] = [];
    const iterator = series!.iterator();
    for (let next = iterator.next(); next; next = iterator.next()) expanded.push(next.toJSDate().toISOString());
    const ours = occurrences.filter((o) => !o.cancelled && !o.moved).map((o) => new Date(o.start).toISOString());
    expect(expanded).toEqual(ours);
    expect(ours).toEqual(['2027-03-02T00:00:00.000Z', '2027-03-15T23:00:00.000Z', '2027-03-29T23:00:00.000Z']);
    // The moved occurrence is its own event at its new time.
    expect(moved!.startDate.toJSDate().toISOString()).toBe('2027-03-24T23:30:00.000Z');
    expect(moved!.endDate.toJSDate().toISOString()).toBe('2027-03-25T00:15:00.000Z');
  });

  it('writes an until-ended series as UNTIL at its last occurrence, which ical.js stops at', () => {
    const until = { ...row, repeat_every: 'two-weeks' as const, repeat_count: null, repeat_until: '2027-04-20' };
    const occurrences = occurrencesOf(until);
    const text = sessionsCalendar('STUDYMATE', [{ row: until, occurrences, partnerName: 'Alex' }], 'https://studymate.example');
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent')!);
    const rule = event.component.getFirstPropertyValue('rrule') as ICAL.Recur;
    expect(rule.freq).toBe('WEEKLY');
    expect(rule.interval).toBe(2);
    const expanded: string[] = [];
    const iterator = event.iterator();
    for (let next = iterator.next(); next; next = iterator.next()) expanded.push(next.toJSDate().toISOString());
    expect(expanded).toEqual(occurrences.map((o) => new Date(o.start).toISOString()));
    expect(expanded).toHaveLength(4);
  });
});
