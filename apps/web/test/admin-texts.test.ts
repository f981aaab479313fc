import { describe, expect, it } from 'vitest';
import { ACCOUNT_STATUSES, AUDIT_ACTIONS } from '@studymate/contracts';
import ko from '../src/features/admin/i18n/ko.json';
import en from '../src/features/admin/i18n/en.json';

describe('administrators read states and actions in their language', () => {
  it.each([
    ['Korean', ko],
    ['English', en],
  ])('every audit action and account state has a %s label, never the stored code', (_language, texts) => {
    expect(AUDIT_ACTIONS.filter((action) => !(action in texts.audit.actions))).toEqual([]);
    expect(ACCOUNT_STATUSES.filter((status) => !(status in texts.accountStatus))).toEqual([]);
  });
});
