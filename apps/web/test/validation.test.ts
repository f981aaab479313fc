import { describe, expect, it } from 'vitest';
import type { StepBodies } from '@studymate/contracts';
import { serverFieldErrors } from '../src/lib/field-errors';
import { validateStep } from '../src/features/onboarding/validation';

const basic: StepBodies['basic'] = {
  englishName: 'Minji Kim',
  cityId: 'seoul',
  intro: 'I like travel and food.',
  gender: null,
  birthYear: 1996,
};
const languages: StepBodies['languages'] = { native: 'ko', speaks: [], learns: [{ language: 'en', level: 'A2', partnerLevel: 'C1' }] };

describe('onboarding step checks in the browser', () => {
  it('accepts a complete basic step', () => {
    expect(validateStep('basic', basic)).toEqual({});
  });

  it('names each wrong field of the basic step and only those', () => {
    const errors = validateStep('basic', { ...basic, englishName: 'Minji2', intro: 'too short', cityId: 'atlantis' as never });
    expect(Object.keys(errors).sort()).toEqual(['cityId', 'englishName', 'intro']);
  });

  it('refuses English names with double spaces, one letter, or more than 50 characters', () => {
    for (const englishName of ['Minji  Kim', 'M', 'A'.repeat(51), ' Minji']) {
      expect(validateStep('basic', { ...basic, englishName }).englishName, englishName).toBeDefined();
    }
  });

  it('refuses a birth year in the future', () => {
    expect(validateStep('basic', { ...basic, birthYear: new Date().getFullYear() + 1 }).birthYear).toBeDefined();
  });

  it('refuses learning one’s own native language, or the same language twice', () => {
    expect(validateStep('languages', languages)).toEqual({});
    expect(validateStep('languages', { ...languages, native: 'en' }).learns).toEqual({ key: 'validation.learnsNative' });
    const twice = { ...languages, learns: [languages.learns[0]!, { ...languages.learns[0]! }] };
    expect(validateStep('languages', twice).learns).toEqual({ key: 'validation.duplicateLanguage' });
    expect(validateStep('languages', { ...languages, learns: [] }).learns).toEqual({ key: 'validation.learns' });
  });

  it('refuses listing the native language among the languages spoken', () => {
    expect(validateStep('languages', { ...languages, speaks: [{ language: 'ko', level: 'C2' }] }).speaks).toBeDefined();
  });

  it('refuses a partner age range that runs backwards or under 14', () => {
    const partner: StepBodies['partner'] = { partnerGender: 'any', partnerStyles: ['friendly'], ageMin: 30, ageMax: 20 };
    expect(validateStep('partner', partner).ageMax).toEqual({ key: 'validation.ageOrder' });
    expect(validateStep('partner', { ...partner, ageMin: 13, ageMax: 20 }).ageMin).toBeDefined();
  });

  it('needs at least one available slot and a daily goal from the list', () => {
    const errors = validateStep('schedule', { communicationMethod: 'video', dailyMinutes: 7 as never, availability: [] });
    expect(Object.keys(errors).sort()).toEqual(['availability', 'dailyMinutes']);
    expect(validateStep('schedule', { communicationMethod: 'video', dailyMinutes: 20, availability: [{ day: 7, slot: 47 }] })).toEqual({});
  });

  it('maps the server’s field pointers onto the same fields', () => {
    const known = (key: string) => key === 'validation.learns';
    const errors = serverFieldErrors(
      [
        { field: '/learns/0/language', message: 'must be a language' },
        { field: '/somethingNew', message: 'is odd' },
      ],
      known,
    );
    expect(errors).toEqual({ learns: { key: 'validation.learns' }, somethingNew: { text: 'is odd' } });
    expect(serverFieldErrors('not a list', known)).toEqual({});
  });

  it('uses a form’s own words for a field the server names, under the prefix the form keeps them', () => {
    const known = (key: string) => key === 'sessions:propose.fields.date';
    const details = [{ field: '/date', message: 'is in the past' }];
    expect(serverFieldErrors(details, known, 'sessions:propose.fields')).toEqual({ date: { key: 'sessions:propose.fields.date' } });
    // Without words of its own the form shows the server's, beside the same field.
    expect(serverFieldErrors(details, () => false, 'sessions:propose.fields')).toEqual({ date: { text: 'is in the past' } });
  });
});
