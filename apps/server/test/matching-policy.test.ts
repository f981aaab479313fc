import { describe, expect, it } from 'vitest';
import {
  DAILY_REQUEST_LIMIT,
  contactState,
  mayAnswer,
  mayBlock,
  mayCancel,
  mayRequest,
  maySee,
  senderSees,
} from '../src/modules/matching/policy.js';

const NOW = 1_800_000_000_000;
const LATER = NOW + 1000;
const EARLIER = NOW - 1000;
const ok = {
  self: false,
  partnerActive: true,
  blockedEitherWay: false,
  senderOnboarded: true,
  mates: false,
  pairOccupied: false,
  sentInLastDay: 0,
};

describe('who may ask whom for a match', () => {
  it.each([
    ['lets an onboarded person ask a new partner', {}, null],
    ['lets the fifth request of the day through', { sentInLastDay: DAILY_REQUEST_LIMIT - 1 }, null],
    ['refuses asking yourself', { self: true }, 'self'],
    ['refuses a partner who blocked you, as if they did not exist', { blockedEitherWay: true }, 'unknown-partner'],
    ['refuses a deleted or unfinished partner, as if they did not exist', { partnerActive: false }, 'unknown-partner'],
    ['refuses a sender who has not finished onboarding', { senderOnboarded: false }, 'not-onboarded'],
    ['refuses someone who is already your mate', { mates: true }, 'already-mates'],
    ['refuses a second request while one between the two waits', { pairOccupied: true }, 'pending'],
    ['refuses a sixth request in a day', { sentInLastDay: DAILY_REQUEST_LIMIT }, 'daily-limit'],
    ['hides a block even behind a full day', { blockedEitherWay: true, sentInLastDay: 9 }, 'unknown-partner'],
  ] as const)('%s', (_name, facts, expected) => {
    expect(mayRequest({ ...ok, ...facts })).toBe(expected);
  });
});

describe('who may answer and cancel a request', () => {
  const request = (status: string, expiresAt = LATER) =>
    ({ sender_id: 'sender', receiver_id: 'receiver', status, expires_at: expiresAt }) as never;
  it.each([
    ['the receiver answers an open request', 'receiver', request('open'), null],
    ['the sender cannot answer their own request', 'sender', request('open'), 'unknown-request'],
    ['a stranger cannot see it at all', 'stranger', request('open'), 'unknown-request'],
    ['an expired request cannot be answered even before its job ran', 'receiver', request('open', EARLIER), 'closed'],
    ['a declined request cannot be accepted later', 'receiver', request('declined'), 'closed'],
    ['a cancelled request cannot be accepted', 'receiver', request('cancelled'), 'closed'],
  ] as const)('answer: %s', (_name, userId, row, expected) => {
    expect(mayAnswer(row, userId, NOW)).toBe(expected);
  });
  it.each([
    ['the sender cancels an open request', 'sender', request('open'), null],
    ['the sender cancels a silently declined one, which looks pending to them', 'sender', request('declined'), null],
    ['the receiver cannot cancel it', 'receiver', request('open'), 'unknown-request'],
    ['an accepted request cannot be cancelled', 'sender', request('accepted'), 'closed'],
    ['an expired one cannot be cancelled', 'sender', request('open', EARLIER), 'closed'],
  ] as const)('cancel: %s', (_name, userId, row, expected) => {
    expect(mayCancel(row, userId, NOW)).toBe(expected);
  });
});

describe('what the sender sees of a request', () => {
  it.each([
    ['open', LATER, 'pending'],
    ['declined', LATER, 'pending'],
    ['declined', EARLIER, 'no-answer'],
    ['open', EARLIER, 'no-answer'],
    ['expired', EARLIER, 'no-answer'],
    ['accepted', LATER, 'accepted'],
    ['cancelled', LATER, 'cancelled'],
    ['withdrawn', LATER, 'no-answer'],
  ] as const)('a request %s, expiring %s, shows as %s', (status, expiresAt, expected) => {
    expect(senderSees({ status, expires_at: expiresAt }, NOW)).toBe(expected);
  });
});

describe('who sees and blocks whom', () => {
  it.each([
    ['sees a stranger', 'b', new Set<string>(), true],
    ['never sees someone blocked either way', 'b', new Set(['b']), false],
    ['is never shown to themselves', 'a', new Set<string>(), false],
  ] as const)('a viewer %s', (_name, subject, blocked, expected) => {
    expect(maySee('a', subject, blocked)).toBe(expected);
  });
  it('blocks anyone but themselves', () => {
    expect([mayBlock('a', 'b'), mayBlock('a', 'a')]).toEqual([true, false]);
  });
  it.each([
    [{ blocked: false, unmatched: false }, 'open'],
    [{ blocked: false, unmatched: true }, 'read-only'],
    [{ blocked: true, unmatched: false }, 'blocked'],
    [{ blocked: true, unmatched: true }, 'blocked'],
  ] as const)('a pair with %o may write: %s', (facts, expected) => {
    expect(contactState(facts)).toBe(expected);
  });
});
