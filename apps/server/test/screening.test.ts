import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InProcessBus } from '../src/platform/bus/bus.js';
import { createScreening } from '../src/modules/safety/screening.js';

/** The word lists alone (no database rows: the administrators' list is empty here). */
const screening = createScreening({
  db: { selectFrom: () => ({ selectAll: () => ({ orderBy: () => ({ execute: async () => [] }) }) }) } as never,
  bus: new InProcessBus(),
  moderation: null,
  log: { warn() {} },
});

describe('screening by word lists', () => {
  it.each(['what the fuck', 'you are a b1tch', 'shut up, asshole', '씨발 진짜', '이 병신아', '개새끼', 'ㅅㅂ', '씨 발'])(
    'masks abuse: %s',
    (text) => expect(screening.check(text).masked).toBe(true),
  );
  it.each([
    'Scunthorpe is a town',
    'the class assignment is due tomorrow',
    'a cocktail after the bass concert',
    'Sussex and Essex',
    'an assessment of the grass',
    '시발점에서 출발합니다',
    '수박씨를 발라 먹어요',
    '고기를 꼭꼭 씹어 먹어',
    '병신년은 1956년이었다',
    '안녕하세요 반가워요',
  ])('leaves ordinary words alone (the Scunthorpe problem): %s', (text) => expect(screening.check(text).masked).toBe(false));
  it('never throws on any text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 500 }), (text) => typeof screening.check(text).masked === 'boolean'));
  });
});
