import { describe, expect, it } from 'vitest';
import i18next from 'i18next';
import callsEn from '../src/features/calls/i18n/en.json';
import callsKo from '../src/features/calls/i18n/ko.json';

/** The rating page's stars, as a screen reader reads each button. */
async function starsIn(lng: 'en' | 'ko') {
  const i18n = i18next.createInstance();
  await i18n.init({ lng, resources: { en: { calls: callsEn }, ko: { calls: callsKo } }, ns: ['calls'], defaultNS: 'calls' });
  return [1, 2, 5].map((count) => i18n.t('rate.stars', { count }));
}

describe('star ratings read in words', () => {
  it('says "1 star" and "2 stars" in English', async () => {
    expect(await starsIn('en')).toEqual(['1 star', '2 stars', '5 stars']);
  });
  it('has one form in Korean', async () => {
    expect(await starsIn('ko')).toEqual(['별 1개', '별 2개', '별 5개']);
  });
});
