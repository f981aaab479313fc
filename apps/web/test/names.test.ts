import { describe, expect, it } from 'vitest';
import { otherName } from '../src/lib/names';

describe('otherName', () => {
  it('gives the name others see when it differs from the sign-in name', () => {
    expect(otherName('김미나', 'Mina Kim')).toBe('Mina Kim');
  });
  it('says nothing when it is the same name in other case or spacing, or there is none', () => {
    expect(otherName('Sam Taylor', ' sam taylor ')).toBeNull();
    expect(otherName('Sam', null)).toBeNull();
    expect(otherName('Sam', '')).toBeNull();
  });
});
