import { describe, expect, it } from 'vitest';
import { ineligibility, levelIn, offeredLanguages } from '../src/index.js';
import { minji, NOW, tom } from './helpers.js';

describe('hard filters', () => {
  it('lets a Korean learner of English meet an English learner of Korean', () => {
    expect(ineligibility(minji(), tom(), NOW)).toBeNull();
  });

  it('accepts a partner who speaks the language at C1 instead of natively, and refuses B2', () => {
    const spanishC1 = tom({ nativeLanguage: 'es', speaks: [{ language: 'en', level: 'C1' }] });
    expect(ineligibility(minji(), spanishC1, NOW)).toBeNull();
    const spanishB2 = tom({ nativeLanguage: 'es', speaks: [{ language: 'en', level: 'B2' }] });
    expect(ineligibility(minji(), spanishB2, NOW)).toBe('languages');
  });

  it('requires the languages to work both ways', () => {
    // Tom offers English, but Minji offers nothing Tom learns.
    expect(ineligibility(minji(), tom({ learns: [{ language: 'ja', selfLevel: 'A1', partnerLevel: 'B1' }] }), NOW)).toBe('languages');
  });

  it('uses the verified level from the level test over the self-rating', () => {
    const learner = tom({
      nativeLanguage: 'es',
      learns: [
        { language: 'en', selfLevel: 'B2', verifiedLevel: 'C1', partnerLevel: 'B2' },
        { language: 'ko', selfLevel: 'A1', partnerLevel: 'B2' },
      ],
    });
    expect(levelIn(learner, 'en')).toEqual({ rank: 5, verified: true });
    expect(offeredLanguages(minji(), learner)).toEqual(['en']);
  });

  it('keeps apart a pair where either blocked the other', () => {
    expect(ineligibility(minji({ blocked: ['tom'] }), tom(), NOW)).toBe('blocked');
    expect(ineligibility(minji(), tom({ blocked: ['minji'] }), NOW)).toBe('blocked');
  });

  it('honours the partner gender and age range each one asked for', () => {
    expect(ineligibility(minji({ partnerGender: 'female' }), tom(), NOW)).toBe('requirements');
    expect(ineligibility(minji(), tom({ partnerAge: { min: 30, max: 50 } }), NOW)).toBe('requirements'); // Minji is 28
    expect(ineligibility(minji({ partnerAge: { min: 20, max: 30 } }), tom(), NOW)).toBe('requirements'); // Tom is 31 this year
    expect(ineligibility(minji({ partnerAge: { min: 31, max: 31 } }), tom(), NOW)).toBeNull();
  });

  it('shows only onboarded, active people who are not already mates', () => {
    expect(ineligibility(minji({ onboarded: false }), tom(), NOW)).toBe('inactive');
    expect(ineligibility(minji(), tom({ active: false }), NOW)).toBe('inactive');
    expect(ineligibility(minji({ mates: ['tom'] }), tom(), NOW)).toBe('mates');
    expect(ineligibility(minji(), minji(), NOW)).toBe('self');
  });
});
