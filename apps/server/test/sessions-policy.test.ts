import { describe, expect, it } from 'vitest';
import {
  mayAnswer,
  mayAnswerMove,
  mayCancel,
  mayMove,
  mayMoveSeries,
  overlaps,
  type OccurrenceFacts,
  type SessionFacts,
} from '../src/modules/sessions/policy.js';

const NOW = 1_800_000_000_000;
const HOUR = 3600_000;
const session = (state: SessionFacts['state'], over: Partial<SessionFacts> = {}): SessionFacts => ({
  organiserId: 'organiser',
  partnerId: 'partner',
  state,
  firstStart: NOW + HOUR,
  lastEnd: NOW + 2 * HOUR,
  repeating: true,
  ...over,
});
const occurrence = (over: Partial<OccurrenceFacts> = {}): OccurrenceFacts => ({
  exists: true,
  cancelled: false,
  start: NOW + HOUR,
  end: NOW + 2 * HOUR,
  proposedBy: null,
  proposedStart: null,
  ...over,
});

describe('who may accept or decline a proposed session', () => {
  it.each([
    ['the partner answers a proposal', 'partner', session('proposed'), null],
    ['the organiser cannot accept their own proposal', 'organiser', session('proposed'), 'closed'],
    ['a stranger learns nothing', 'stranger', session('proposed'), 'not-found'],
    ['a booked session cannot be accepted again', 'partner', session('booked'), 'closed'],
    ['a declined session cannot be accepted later', 'partner', session('declined'), 'closed'],
    ['a withdrawn proposal cannot be accepted', 'partner', session('cancelled'), 'closed'],
    ['a proposal whose time has come cannot be accepted', 'partner', session('proposed', { firstStart: NOW - 1 }), 'started'],
  ] as const)('%s', (_name, userId, s, expected) => {
    expect(mayAnswer(s, userId, NOW)).toBe(expected);
  });
});

describe('who may cancel what', () => {
  it.each([
    ['the organiser withdraws a proposal', 'organiser', session('proposed'), null, null],
    ['the partner declines a proposal rather than cancelling it', 'partner', session('proposed'), null, 'decline-instead'],
    ['one occurrence of a mere proposal cannot be cancelled', 'organiser', session('proposed'), occurrence(), 'closed'],
    ['the organiser cancels a booked series', 'organiser', session('booked'), null, null],
    ['the partner cancels a booked series too', 'partner', session('booked'), null, null],
    ['either cancels one booked occurrence', 'partner', session('booked'), occurrence(), null],
    ['a stranger learns nothing', 'stranger', session('booked'), occurrence(), 'not-found'],
    ['an occurrence the rule does not have is not found', 'organiser', session('booked'), occurrence({ exists: false }), 'not-found'],
    ['a cancelled occurrence cannot be cancelled twice', 'organiser', session('booked'), occurrence({ cancelled: true }), 'closed'],
    [
      'an occurrence that is over cannot be cancelled',
      'organiser',
      session('booked'),
      occurrence({ start: NOW - 2 * HOUR, end: NOW - HOUR }),
      'closed',
    ],
    [
      'an occurrence under way can still be called off',
      'organiser',
      session('booked'),
      occurrence({ start: NOW - 1, end: NOW + HOUR }),
      null,
    ],
    ['a series that is all behind us cannot be cancelled', 'organiser', session('booked', { lastEnd: NOW - 1 }), null, 'closed'],
    ['a declined session cannot be cancelled', 'organiser', session('declined'), null, 'closed'],
    ['a cancelled session cannot be cancelled again', 'partner', session('cancelled'), null, 'closed'],
  ] as const)('%s', (_name, userId, s, o, expected) => {
    expect(mayCancel(s, userId, o, NOW)).toBe(expected);
  });
});

describe('who may move an occurrence, and who answers the move', () => {
  const later = NOW + 5 * HOUR;
  it.each([
    ['the organiser asks to move a booked occurrence', 'organiser', session('booked'), occurrence(), later, null],
    ['the partner asks to move it too', 'partner', session('booked'), occurrence(), later, null],
    [
      'a new ask replaces a waiting one',
      'partner',
      session('booked'),
      occurrence({ proposedBy: 'organiser', proposedStart: later }),
      later + HOUR,
      null,
    ],
    ['a stranger learns nothing', 'stranger', session('booked'), occurrence(), later, 'not-found'],
    ['a proposal is not moved (withdraw and propose again)', 'organiser', session('proposed'), occurrence(), later, 'closed'],
    ['a cancelled occurrence cannot move', 'organiser', session('booked'), occurrence({ cancelled: true }), later, 'closed'],
    ['an occurrence that has started cannot move', 'organiser', session('booked'), occurrence({ start: NOW - 1 }), later, 'started'],
    ['nothing moves into the past', 'organiser', session('booked'), occurrence(), NOW - HOUR, 'started'],
  ] as const)('move: %s', (_name, userId, s, o, newStart, expected) => {
    expect(mayMove(s, userId, o, newStart, NOW)).toBe(expected);
  });
  const asked = occurrence({ proposedBy: 'organiser', proposedStart: later });
  it.each([
    ['the other person answers a move', 'partner', session('booked'), asked, null],
    ['the one who asked cannot accept their own move', 'organiser', session('booked'), asked, 'own-move'],
    ['a stranger learns nothing', 'stranger', session('booked'), asked, 'not-found'],
    ['there is nothing to answer without a waiting move', 'partner', session('booked'), occurrence(), 'closed'],
    ['a move of a cancelled occurrence cannot be accepted', 'partner', session('booked'), { ...asked, cancelled: true }, 'closed'],
    ['a move of a cancelled series cannot be accepted', 'partner', session('cancelled'), asked, 'closed'],
    ['a move to a time that has passed cannot be accepted', 'partner', session('booked'), { ...asked, proposedStart: NOW - 1 }, 'started'],
  ] as const)('answer: %s', (_name, userId, s, o, expected) => {
    expect(mayAnswerMove(s, userId, o, NOW)).toBe(expected);
  });
});

describe('who may move the rest of a series (the other accepts, as for one occurrence)', () => {
  const later = NOW + 5 * HOUR;
  it.each([
    ['the organiser asks to move a booked series from an occurrence to come', 'organiser', session('booked'), occurrence(), later, null],
    ['the partner asks to move it too', 'partner', session('booked'), occurrence(), later, null],
    ['a one-off session has no series to move', 'organiser', session('booked', { repeating: false }), occurrence(), later, 'not-series'],
    ['a stranger learns nothing', 'stranger', session('booked'), occurrence(), later, 'not-found'],
    ['a proposed series is not moved (withdraw and propose again)', 'partner', session('proposed'), occurrence(), later, 'closed'],
    ['a cancelled series does not move', 'organiser', session('cancelled'), occurrence(), later, 'closed'],
    ['the move starts from an occurrence still to come', 'organiser', session('booked'), occurrence({ start: NOW - 1 }), later, 'started'],
    ['the series does not move into the past', 'partner', session('booked'), occurrence(), NOW - HOUR, 'started'],
    [
      'an occurrence the rule does not have is not found',
      'organiser',
      session('booked'),
      occurrence({ exists: false }),
      later,
      'not-found',
    ],
  ] as const)('%s', (_name, userId, s, o, newStart, expected) => {
    expect(mayMoveSeries(s, userId, o, newStart, NOW)).toBe(expected);
  });
});

describe('what counts as an overlap', () => {
  const at = (h: number, m: number) => ({ start: NOW + h * HOUR, end: NOW + h * HOUR + m * 60_000 });
  it.each([
    ['the same time', at(1, 30), at(1, 30), true],
    ['one inside the other', at(1, 60), { start: NOW + HOUR + 600_000, end: NOW + HOUR + 1_200_000 }, true],
    ['a later start before the end', at(1, 30), { start: NOW + HOUR + 900_000, end: NOW + 2 * HOUR }, true],
    ['one right after the other (19:00-19:30, then 19:30)', at(1, 30), { start: NOW + HOUR + 1_800_000, end: NOW + 2 * HOUR }, false],
    ['apart', at(1, 30), at(3, 30), false],
  ] as const)('%s', (_name, a, b, expected) => {
    expect(overlaps(a, b)).toBe(expected);
    expect(overlaps(b, a)).toBe(expected);
  });
});
