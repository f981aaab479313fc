import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatDay, formatDayTime, formatRecent, localeOf } from '../src/lib/dates';

// Tests run with TZ=Asia/Kathmandu (+05:45): 09:15 UTC is 15:00 there.
const at = '2026-12-06T09:15:00.000Z';

describe('one date format per language', () => {
  it('writes dates the Korean way in Korean and the British way in English', () => {
    expect(formatDate(at, 'ko')).toBe('2026년 12월 6일');
    expect(formatDate(at, 'en')).toBe('6 Dec 2026');
    // Node's ICU may name the half of the day in English; browsers write 오후.
    expect(formatDateTime(at, 'ko')).toMatch(/^2026년 12월 6일 (오후|PM) 3:00$/);
    expect(formatDateTime(at, 'en')).toBe('6 Dec 2026, 15:00');
    expect(formatDay(at, 'ko')).toBe('12월 6일');
    expect(formatDay(at, 'en')).toBe('6 Dec');
    expect(formatDayTime(at, 'en')).toBe('6 Dec, 15:00');
  });

  it('shows the time for today and the day otherwise', () => {
    expect(formatRecent(at, 'en', new Date('2026-12-06T12:00:00Z'))).toBe('15:00');
    expect(formatRecent(at, 'ko', new Date('2026-12-08T12:00:00Z'))).toBe('12월 6일');
  });

  it('treats any English variant as English and everything else as Korean', () => {
    expect(localeOf('en-US')).toBe('en-GB');
    expect(localeOf(undefined)).toBe('ko-KR');
  });
});
