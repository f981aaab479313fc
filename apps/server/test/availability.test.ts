import { describe, expect, it } from 'vitest';
import { weeklyOverlapMinutes, weeklySlotsInUtc, zoneOffsetMinutes } from '../src/modules/profile/availability.js';

const slot = (day: number, hh: number, mm = 0) => ({ day, slot: hh * 2 + mm / 30 });
const JAN = new Date('2027-01-13T12:00:00Z'); // a week without daylight-saving changes in NY
const MARCH_DST = new Date('2027-03-15T12:00:00Z'); // US clocks moved on Sunday 14 March 2027

describe('weekly availability across time zones', () => {
  it('knows the offsets that trip naive code', () => {
    expect(zoneOffsetMinutes('Asia/Seoul', JAN)).toBe(540);
    expect(zoneOffsetMinutes('Asia/Kathmandu', JAN)).toBe(345);
    expect(zoneOffsetMinutes('America/New_York', JAN)).toBe(-300);
    expect(zoneOffsetMinutes('America/New_York', MARCH_DST)).toBe(-240);
  });

  it('places Monday 21:00 in Seoul at Monday 12:00 UTC', () => {
    expect(weeklySlotsInUtc([slot(1, 21)], 'Asia/Seoul', JAN)).toEqual([[12 * 60, 12 * 60 + 30]]);
  });

  it('wraps Monday 01:00 in Seoul to Sunday 16:00 UTC, the end of the week', () => {
    const sundayUtc = 6 * 24 * 60 + 16 * 60;
    expect(weeklySlotsInUtc([slot(1, 1)], 'Asia/Seoul', JAN)).toEqual([[sundayUtc, sundayUtc + 30]]);
  });

  it('finds the hour a Seoul evening and a New York morning share', () => {
    // Seoul Tue 21:00-22:00 = Tue 12:00-13:00 UTC = Tue 07:00-08:00 in New York (January).
    const seoul = { timeZone: 'Asia/Seoul', slots: [slot(2, 21), slot(2, 21, 30)] };
    const newYork = { timeZone: 'America/New_York', slots: [slot(2, 7), slot(2, 7, 30), slot(2, 8)] };
    expect(weeklyOverlapMinutes(seoul, newYork, JAN)).toBe(60);
    // After New York moves its clocks, its 07:00 is 11:00 UTC: only half an hour is shared.
    expect(weeklyOverlapMinutes(seoul, newYork, MARCH_DST)).toBe(30);
  });

  it('handles the 45-minute offset of Kathmandu exactly', () => {
    // Kathmandu Wed 18:15 does not exist as a slot; 18:00-18:30 there is 12:15-12:45 UTC.
    const kathmandu = { timeZone: 'Asia/Kathmandu', slots: [slot(3, 18)] };
    const london = { timeZone: 'Europe/London', slots: [slot(3, 12), slot(3, 12, 30)] };
    expect(weeklyOverlapMinutes(kathmandu, london, JAN)).toBe(30);
    const londonHalf = { timeZone: 'Europe/London', slots: [slot(3, 12)] };
    expect(weeklyOverlapMinutes(kathmandu, londonHalf, JAN)).toBe(15);
  });

  it('is symmetric and never more than either side offers', () => {
    const a = { timeZone: 'Asia/Tokyo', slots: [slot(5, 20), slot(5, 20, 30), slot(6, 9)] };
    const b = { timeZone: 'Europe/Paris', slots: [slot(5, 12), slot(5, 12, 30), slot(5, 13), slot(6, 1)] };
    const ab = weeklyOverlapMinutes(a, b, JAN);
    expect(ab).toBe(weeklyOverlapMinutes(b, a, JAN));
    expect(ab).toBeLessThanOrEqual(90);
    expect(ab).toBe(90);
  });
});
