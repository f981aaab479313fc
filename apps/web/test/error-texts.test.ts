import { describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '@studymate/contracts';
import ko from '../src/i18n/ko.json';
import en from '../src/i18n/en.json';

describe('error texts', () => {
  it('every error code the server can answer with has a Korean and an English text', () => {
    const codes = Object.keys(ERROR_STATUS);
    expect(codes.filter((code) => !(code in ko.errors))).toEqual([]);
    expect(codes.filter((code) => !(code in en.errors))).toEqual([]);
  });
});
