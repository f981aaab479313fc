import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bothPresentMs, mayAnswer, mayJoin, mayRate, mayRing, roleIn } from '../src/modules/calls/policy.js';

const call = (state: string, extra: object = {}) =>
  ({ state, caller_id: 'caller', callee_id: 'callee', connected_ms: null, ...extra }) as never;

describe('who may ring whom', () => {
  it.each([
    ['rings a mate you may still talk to', { self: false, mates: true, contact: 'open' }, null],
    ['refuses someone who is not your mate, as if they did not exist', { self: false, mates: false, contact: 'open' }, 'unknown-mate'],
    ['refuses a mate who blocked you, as if they did not exist', { self: false, mates: true, contact: 'blocked' }, 'unknown-mate'],
    ['refuses a pair that unmatched', { self: false, mates: true, contact: 'read-only' }, 'contact-closed'],
    ['refuses calling yourself', { self: true, mates: true, contact: 'open' }, 'unknown-mate'],
  ] as const)('%s', (_name, facts, expected) => {
    expect(mayRing(facts)).toBe(expected);
  });
});

describe('who may join, answer and rate a call', () => {
  it.each([
    ['the caller joins while it rings (and waits there)', 'caller', 'ringing', null],
    ['the callee answers before joining', 'callee', 'ringing', 'not-answered'],
    ['both join an accepted call', 'callee', 'accepted', null],
    ['nobody joins a call that is over', 'caller', 'ended', 'over'],
    ['nobody joins a declined call', 'caller', 'declined', 'over'],
    ['a third person learns nothing', 'stranger', 'accepted', 'unknown-call'],
  ] as const)('join: %s', (_name, userId, state, expected) => {
    expect(mayJoin(call(state), userId)).toBe(expected);
  });
  it.each([
    ['the callee answers a ringing call', 'callee', 'ringing', null],
    ['the caller cannot answer their own call', 'caller', 'ringing', 'not-callee'],
    ['a missed call cannot be answered later', 'callee', 'missed', 'not-ringing'],
    ['a third person learns nothing', 'stranger', 'ringing', 'unknown-call'],
  ] as const)('answer: %s', (_name, userId, state, expected) => {
    expect(mayAnswer(call(state), userId)).toBe(expected);
  });
  it.each([
    ['either participant rates once it is over', 'callee', 'ended', null],
    ['not while it goes on', 'caller', 'accepted', 'not-over'],
    ['a third person learns nothing', 'stranger', 'ended', 'unknown-call'],
  ] as const)('rate: %s', (_name, userId, state, expected) => {
    expect(mayRate(call(state), userId)).toBe(expected);
  });
  it('knows each side', () => {
    expect([roleIn(call('ringing'), 'caller'), roleIn(call('ringing'), 'callee'), roleIn(call('ringing'), 'x')]).toEqual([
      'caller',
      'callee',
      null,
    ]);
  });
});

describe('how long both were in the call', () => {
  const leg = (joined_at: number, left_at: number | null = null) => ({ joined_at, left_at });
  it.each([
    ['both from the start to the end', [leg(0, 100)], [leg(0, 100)], 100, 100],
    ['only from when the second one joined', [leg(0, 100)], [leg(40, 100)], 100, 60],
    ['not while one had dropped', [leg(0, 100)], [leg(0, 30), leg(50, 100)], 100, 80],
    ['an open leg counts until the end', [leg(0)], [leg(20)], 90, 70],
    ['nothing when they never overlapped', [leg(0, 10)], [leg(20, 30)], 30, 0],
    ['nothing when one never joined', [leg(0, 50)], [], 50, 0],
    ['two devices of one person do not count twice', [leg(0, 60), leg(30, 100)], [leg(0, 100)], 100, 100],
  ] as const)('%s', (_name, a, b, end, expected) => {
    expect(bothPresentMs([...a], [...b], end)).toBe(expected);
  });
  it('never exceeds either person’s own time, and is the same whichever side is asked', () => {
    const legs = fc.array(
      fc.tuple(fc.nat(1000), fc.nat(1000)).map(([x, y]) => leg(Math.min(x, y), Math.max(x, y))),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(legs, legs, (a, b) => {
        const both = bothPresentMs(a, b, 1000);
        expect(both).toBe(bothPresentMs(b, a, 1000));
        expect(both).toBeLessThanOrEqual(bothPresentMs(a, a, 1000));
        expect(both).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
