import type { DomainEvents as Events } from '../platform/events/domain-events.js';

/**
 * The facts modules tell each other, on one screen: the publisher owns the fact and commits the
 * event with it; subscribers (progress, notifications, achievements) react idempotently by event
 * id and never read the publisher's tables. Times are ISO instants.
 */
export interface DomainEventCatalogue extends Record<string, unknown> {
  /** Two people became mates (a match request was accepted). */
  'matching.mate-added': { a: string; b: string; at: string };
  /**
   * Two people may no longer meet: one unmatched the other, or blocked them (mates or not).
   * Sessions cancels what they booked together.
   */
  'matching.contact-closed': { a: string; b: string; why: 'unmatched' | 'blocked'; at: string };
  /** A session was booked (the partner accepted), first occurrence. */
  'session.booked': {
    sessionId: string;
    organiserId: string;
    partnerId: string;
    kind: 'video' | 'voice';
    startsAt: string;
    minutes: number;
  };
  /** A call ended; `connectedSeconds` is the time both were connected, as the server saw it. */
  'call.completed': {
    callId: string;
    sessionId: string | null;
    kind: 'video' | 'voice';
    participants: [string, string];
    startedAt: string;
    endedAt: string;
    connectedSeconds: number;
  };
  /**
   * Messages one person sent in a stretch of time (chat tallies them from its own table once a
   * minute, off the send path): progress credits chat practice and marks the day active.
   */
  'chat.messages-sent': { userId: string; count: number; firstAt: string; lastAt: string };
  /**
   * An administrator suspended or banned a person (`until` is null for a ban): matching withdraws
   * every open request the person sent or received, so nobody can become their mate meanwhile.
   */
  'safety.account-sanctioned': { userId: string; kind: 'suspend' | 'ban'; at: string; until: string | null };
  /** A level test was scored; `verified` is false for a provisional result. */
  'level-test.scored': { userId: string; testId: string; level: string; verified: boolean; language: string; at: string };
}

export type DomainEvents = Events<DomainEventCatalogue>;
