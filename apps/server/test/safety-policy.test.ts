import { DEFAULT_PRIVACY, type PrivacySettings } from '@studymate/contracts';
import { describe, expect, it } from 'vitest';
import {
  accountStatus,
  mayAdminister,
  mayFind,
  mayMessage,
  mayReport,
  maySeeProfile,
  mayShowPresence,
  sanctionShape,
  shownDetails,
  type Subject,
} from '../src/modules/safety/policy.js';

const person = (privacy: Partial<PrivacySettings> = {}, sanctioned = false): Subject => ({
  privacy: { ...DEFAULT_PRIVACY, ...privacy },
  sanctioned,
});

describe('who may find whom (recommendations, search, quick match)', () => {
  it.each([
    ['finds someone with the default settings', person(), true],
    ['never finds someone who turned matching off', person({ allowMatching: false }), false],
    ['never finds a suspended or banned person', person({}, true), false],
    ['a private profile is still findable while matching is on', person({ profileVisibility: 'mates' }), true],
    ['hidden online status does not hide someone from matching', person({ showOnline: false }), true],
  ] as const)('%s', (_name, subject, expected) => {
    expect(mayFind('viewer', 'subject', subject)).toBe(expected);
  });
  it('never finds yourself', () => expect(mayFind('me', 'me', person())).toBe(false));
});

describe("who may see a person's profile page", () => {
  it.each([
    ['anyone sees a profile visible to everyone', { self: false, mates: false, subject: person() }, true],
    ['a stranger does not see a mates-only profile', { self: false, mates: false, subject: person({ profileVisibility: 'mates' }) }, false],
    ['a mate sees a mates-only profile', { self: false, mates: true, subject: person({ profileVisibility: 'mates' }) }, true],
    ['nobody sees a suspended person’s profile, not even a mate', { self: false, mates: true, subject: person({}, true) }, false],
    [
      'one always sees one’s own profile, even when suspended',
      { self: true, mates: false, subject: person({ profileVisibility: 'mates' }, true) },
      true,
    ],
  ] as const)('%s', (_name, facts, expected) => {
    expect(maySeeProfile(facts)).toBe(expected);
  });
  it.each([
    ['age and city shown by default', false, person().privacy, { age: true, city: true }],
    ['age hidden from others when switched off', false, person({ showAge: false }).privacy, { age: false, city: true }],
    ['city hidden from others when switched off', false, person({ showCity: false }).privacy, { age: true, city: false }],
    ['the owner always sees their own', true, person({ showAge: false, showCity: false }).privacy, { age: true, city: true }],
  ] as const)('%s', (_name, self, privacy, expected) => {
    expect(shownDetails(self, privacy)).toEqual(expected);
  });
});

describe('who may message whom in a 1:1', () => {
  it.each([
    [
      'a stranger in a shared room may write to someone who accepts groups',
      { senderSanctioned: false, recipient: person(), mates: false },
      true,
    ],
    [
      'a mate may write to someone who accepts mates only',
      { senderSanctioned: false, recipient: person({ whoCanMessage: 'mates' }), mates: true },
      true,
    ],
    [
      'a non-mate may not write to someone who accepts mates only',
      { senderSanctioned: false, recipient: person({ whoCanMessage: 'mates' }), mates: false },
      false,
    ],
    ['nobody writes to a suspended person', { senderSanctioned: false, recipient: person({}, true), mates: true }, false],
    ['a suspended person writes to nobody', { senderSanctioned: true, recipient: person(), mates: true }, false],
  ] as const)('%s', (_name, facts, expected) => {
    expect(mayMessage(facts)).toBe(expected);
  });
});

describe("who sees a person's online status and last seen", () => {
  it.each([
    ['others see it by default', false, person(), true],
    ['others see neither online nor last seen when it is switched off', false, person({ showOnline: false }), false],
    ['others never see a suspended person online', false, person({}, true), false],
    ['one always sees one’s own', true, person({ showOnline: false }), true],
  ] as const)('%s', (_name, self, subject, expected) => {
    expect(mayShowPresence(self, subject)).toBe(expected);
  });
});

describe('who may report whom', () => {
  it.each([
    ['anyone may report another person', { self: false, subjectExists: true, reporterSanctioned: false }, null],
    ['nobody reports themselves', { self: true, subjectExists: true, reporterSanctioned: false }, 'self'],
    ['a person who does not exist cannot be reported', { self: false, subjectExists: false, reporterSanctioned: false }, 'unknown-person'],
    ['a suspended person reports nobody', { self: false, subjectExists: true, reporterSanctioned: true }, 'reporter-sanctioned'],
  ] as const)('%s', (_name, facts, expected) => {
    expect(mayReport(facts)).toBe(expected);
  });
});

describe('who administers, and what a sanction needs', () => {
  it.each([
    ['an administrator', 'admin', true],
    ['a person', 'user', false],
  ] as const)('%s may administer: %s', (_name, role, expected) => expect(mayAdminister(role)).toBe(expected));
  it.each([
    ['a suspension needs its length', 'suspend', undefined, 'days-required'],
    ['a suspension of 7 days is fine', 'suspend', 7, null],
    ['a ban takes no length', 'ban', 7, 'days-not-allowed'],
    ['a warning takes no length', 'warn', undefined, null],
  ] as const)('%s', (_name, kind, days, expected) => expect(sanctionShape(kind, days)).toBe(expected));
});

describe('the state of an account as administrators read it', () => {
  it.each([
    ['active with nothing in force', 'active', [], 'active'],
    ['banned while a ban is in force, though stored as suspended', 'suspended', [{ kind: 'ban' }], 'banned'],
    ['banned when a ban and a suspension are both in force', 'suspended', [{ kind: 'suspend' }, { kind: 'ban' }], 'banned'],
    ['suspended while a suspension is in force', 'suspended', [{ kind: 'suspend' }], 'suspended'],
    ['active once the suspension has run out, though still stored as suspended', 'suspended', [], 'active'],
    ['deleted stays deleted', 'deleted', [{ kind: 'ban' }], 'deleted'],
  ] as const)('%s', (_name, stored, inForce, expected) => {
    expect(accountStatus(stored, [...inForce])).toBe(expected);
  });
});
