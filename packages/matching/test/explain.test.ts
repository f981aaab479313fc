import { describe, expect, it } from 'vitest';
import { availabilityBitset, formatReason, formatReasons, recommend, sharedWindows, type Reason } from '../src/index.js';
import { evening, minji, OPTIONS, tom, WEEK } from './helpers.js';

describe('reasons as text', () => {
  it('says which topics both like, with the right Korean particles', () => {
    const reason: Reason = { code: 'shared-topics', topics: ['travel', 'drama-film'] };
    expect(formatReason(reason, 'en')).toBe('both like travel and drama and film');
    expect(formatReason(reason, 'ko')).toBe('여행과 드라마·영화를 둘 다 좋아해요');
    expect(formatReason({ code: 'shared-topics', topics: ['food', 'travel', 'it'] }, 'ko')).toBe('음식, 여행과 IT를 둘 다 좋아해요');
    expect(formatReason({ code: 'shared-topics', topics: ['food', 'it'] }, 'en')).toBe('both like food and IT');
  });

  it('gives the shared hours and the best window in both people’s time', () => {
    // Seoul Tue 20:00-23:00 against Los Angeles (PDT, UTC-7) Tue 04:00-05:30: 1.5 h shared.
    const seoul = availabilityBitset(evening(2, 20, 23), 'Asia/Seoul', WEEK);
    const la = availabilityBitset([...evening(2, 4, 5), { day: 2, slot: 10 }], 'America/Los_Angeles', WEEK);
    const windows = sharedWindows(seoul, la, WEEK, 'Asia/Seoul', 'America/Los_Angeles');
    const reason: Reason = { code: 'availability', minutes: 90, windows };
    expect(formatReason(reason, 'en')).toBe('1.5 h a week when you are both free: Tue 20:00-21:30 your time, 04:00-05:30 theirs');
    expect(formatReason(reason, 'ko')).toBe('둘 다 시간이 되는 때가 주 1.5시간: 내 시간 화 20:00-21:30, 상대 시간 04:00-05:30');
  });

  it('names the partner’s day when it differs from the viewer’s', () => {
    // Seoul Wed 09:00-10:00 is Tuesday 17:00-18:00 in Los Angeles.
    const seoul = availabilityBitset(evening(3, 9, 10), 'Asia/Seoul', WEEK);
    const la = availabilityBitset(evening(2, 17, 18), 'America/Los_Angeles', WEEK);
    const windows = sharedWindows(seoul, la, WEEK, 'Asia/Seoul', 'America/Los_Angeles');
    expect(formatReason({ code: 'availability', minutes: 60, windows }, 'en')).toBe(
      '1 h a week when you are both free: Wed 09:00-10:00 your time, Tue 17:00-18:00 theirs',
    );
  });

  it('states the level against the level asked for', () => {
    expect(formatReason({ code: 'level', language: 'ko', level: 'B2', wanted: 'B2', verified: false }, 'en')).toBe(
      'B2 in Korean, the level you asked for',
    );
    expect(formatReason({ code: 'level', language: 'ko', level: 'B2', wanted: 'B2', verified: false }, 'ko')).toBe(
      '한국어 B2, 원하는 수준이에요',
    );
    expect(formatReason({ code: 'level', language: 'en', level: 'C1', wanted: 'C2', verified: true }, 'en')).toBe(
      'C1 in English (level test) (you asked for C2)',
    );
    expect(formatReason({ code: 'level', language: 'en', level: 'native', wanted: 'B2', verified: false }, 'ko')).toBe('영어 원어민');
  });

  it('formats every reason of a real recommendation in both languages', () => {
    const r = recommend(minji(), tom(), OPTIONS);
    if (!r.eligible) throw new Error('expected an eligible pair');
    expect(formatReasons(r.reasons, 'en')).toEqual([
      'native English speaker',
      '2 h a week when you are both free: Tue 20:00-22:00 your time, 12:00-14:00 theirs',
      'both like travel and drama and film',
    ]);
    expect(formatReasons(r.reasons, 'ko')).toEqual([
      '영어 원어민',
      '둘 다 시간이 되는 때가 주 2시간: 내 시간 화 20:00-22:00, 상대 시간 12:00-14:00',
      '여행과 드라마·영화를 둘 다 좋아해요',
    ]);
  });

  it('has text for every other reason code', () => {
    for (const locale of ['ko', 'en'] as const) {
      const others: Reason[] = [
        { code: 'shared-motivations', motivations: ['career'] },
        { code: 'same-method', method: 'video' },
        { code: 'partner-style', styles: ['friendly'] },
        { code: 'active-recently' },
        { code: 'like-accepted-before' },
      ];
      for (const reason of others) {
        expect(formatReason(reason, locale).length).toBeGreaterThan(3);
      }
    }
    expect(formatReason({ code: 'same-method', method: 'video' }, 'ko')).toBe('둘 다 영상으로 대화하고 싶어해요');
    expect(formatReason({ code: 'same-method', method: 'text' }, 'ko')).toBe('둘 다 텍스트로 대화하고 싶어해요');
  });
});
