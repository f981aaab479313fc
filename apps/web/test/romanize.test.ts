import { describe, expect, it } from 'vitest';
import { hasHangul, romanize } from '../src/features/chat/romanize';

describe('Revised Romanization of Korean, as it sounds', () => {
  it.each([
    ['안녕하세요', 'annyeonghaseyo'],
    ['서울', 'seoul'],
    ['부산', 'busan'],
    ['한국어', 'hangugeo'],
    ['감사합니다', 'gamsahamnida'],
    ['좋아요', 'joayo'],
    ['괜찮아요', 'gwaenchanayo'],
    ['많이', 'mani'],
    ['없어요', 'eopseoyo'],
    ['읽어요', 'ilgeoyo'],
    ['먹었어요', 'meogeosseoyo'],
    ['닭', 'dak'],
    ['값', 'gap'],
    ['설날', 'seollal'],
    ['신라', 'silla'],
    ['독립', 'dongnip'],
    ['종로', 'jongno'],
    ['국물', 'gungmul'],
    ['백마', 'baengma'],
    ['같이', 'gachi'],
    ['굳이', 'guji'],
    ['좋다', 'jota'],
    ['놓고', 'noko'],
    ['축하', 'chuka'],
    ['라면', 'ramyeon'],
    ['의사', 'uisa'],
    ['외국', 'oeguk'],
  ])('%s → %s', (hangul, expected) => expect(romanize(hangul)).toBe(expected));

  it('keeps spaces, punctuation and other scripts, and does not join across words', () => {
    expect(romanize('안녕, 친구! hello 한국 음식')).toBe('annyeong, chingu! hello hanguk eumsik');
  });

  it('tells Korean text from other text', () => {
    expect(hasHangul('hello 친구')).toBe(true);
    expect(hasHangul('hello')).toBe(false);
  });
});
