import { Type, type Static } from '@sinclair/typebox';
import { Nullable, PersonName, Uuid as Id } from './schema.js';

/**
 * Sessions: two mates book a video or voice call at a time. A session is one occurrence or a
 * series (a rule in the organiser's time zone plus exceptions); every instant on the wire is ISO
 * 8601 UTC, and each person's page shows it in their own zone.
 */
export const SESSION_MIN_MINUTES = 15;
export const SESSION_MAX_MINUTES = 120;
/** A series is expanded at most this far and this many times. */
export const SESSION_MAX_OCCURRENCES = 60;
export const SESSION_MAX_DAYS_AHEAD = 366;
/** Reminder choices, in minutes before the start: 15 min, 30 min, 1 h, 1 day. */
export const SESSION_REMINDERS = [15, 30, 60, 1440] as const;
/** The call may be joined from this long before the start until the end. */
export const SESSION_JOIN_EARLY_MINUTES = 10;

export const SessionKind = Type.Union([Type.Literal('video'), Type.Literal('voice')]);
export type SessionKind = Static<typeof SessionKind>;
export const SessionRepeatEvery = Type.Union([Type.Literal('week'), Type.Literal('two-weeks'), Type.Literal('month')]);
export type SessionRepeatEvery = Static<typeof SessionRepeatEvery>;

const LocalDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a calendar date, YYYY-MM-DD' });
const LocalTime = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'a wall-clock time, HH:mm' });
const Reason = Type.String({ maxLength: 300 });

export const SessionRepeat = Type.Object(
  {
    every: SessionRepeatEvery,
    /** The last date (in the organiser's zone) an occurrence may fall on. */
    until: Type.Optional(LocalDate),
    /** How many occurrences, the first included. */
    count: Type.Optional(Type.Integer({ minimum: 2, maximum: SESSION_MAX_OCCURRENCES })),
  },
  { additionalProperties: false },
);
export type SessionRepeat = Static<typeof SessionRepeat>;

export const ProposeSessionBody = Type.Object(
  {
    partnerId: Id,
    kind: SessionKind,
    /** Date and start time in the organiser's time zone (their profile's, else `timeZone`). */
    date: LocalDate,
    time: LocalTime,
    minutes: Type.Integer({ minimum: SESSION_MIN_MINUTES, maximum: SESSION_MAX_MINUTES }),
    repeat: Type.Optional(SessionRepeat),
    reminders: Type.Array(Type.Union(SESSION_REMINDERS.map((m) => Type.Literal(m))), {
      maxItems: SESSION_REMINDERS.length,
      uniqueItems: true,
      default: [],
    }),
    topic: Type.Optional(Type.String({ maxLength: 200 })),
    /** The organiser's IANA zone when their profile has none (the browser's). */
    timeZone: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type ProposeSessionBody = Static<typeof ProposeSessionBody>;

export const SessionState = Type.Union([
  Type.Literal('proposed'),
  Type.Literal('booked'),
  Type.Literal('declined'),
  Type.Literal('cancelled'),
]);
export type SessionState = Static<typeof SessionState>;

/** What a move changes: one occurrence, or this one and the rest of the series. */
export const MoveScope = Type.Union([Type.Literal('occurrence'), Type.Literal('following')]);
export type MoveScope = Static<typeof MoveScope>;

export const SessionPartner = Type.Object({ userId: Id, name: PersonName, photoUrl: Nullable(Type.String()) });

/** One occurrence as one person sees it. */
export const SessionOccurrence = Type.Object({
  sessionId: Id,
  /** Its place in the series (0 for the first or only one). */
  index: Type.Integer({ minimum: 0 }),
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
  minutes: Type.Integer(),
  kind: SessionKind,
  state: SessionState,
  /** Whether I proposed the session. */
  organiser: Type.Boolean(),
  partner: SessionPartner,
  topic: Nullable(Type.String()),
  repeat: Nullable(SessionRepeatEvery),
  /** The organiser's zone, which the series follows. */
  timeZone: Type.String(),
  reminders: Type.Array(Type.Integer()),
  /** A new time one of us asked for and the other has not answered yet. */
  pendingMove: Nullable(
    Type.Object({
      startsAt: Type.String({ format: 'date-time' }),
      byMe: Type.Boolean(),
      reason: Type.String(),
      /** `following`: this occurrence and every later one of the series move alike. */
      scope: MoveScope,
    }),
  ),
  /** Moved from its rule's time (accepted). */
  moved: Type.Boolean(),
  cancelReason: Nullable(Type.String()),
});
export type SessionOccurrence = Static<typeof SessionOccurrence>;

export const SessionRangeQuery = Type.Object({
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time', description: 'at most 62 days after from' }),
});
export const SessionList = Type.Object({ items: Type.Array(SessionOccurrence) });
export type SessionList = Static<typeof SessionList>;

export const SessionParams = Type.Object({ sessionId: Id });
export const OccurrenceParams = Type.Object({ sessionId: Id, index: Type.Integer({ minimum: 0, maximum: SESSION_MAX_OCCURRENCES }) });

export const CancelSessionBody = Type.Object(
  {
    reason: Reason,
    /** One occurrence; without it, the whole series (what is still to come). */
    index: Type.Optional(Type.Integer({ minimum: 0, maximum: SESSION_MAX_OCCURRENCES })),
  },
  { additionalProperties: false },
);
export type CancelSessionBody = Static<typeof CancelSessionBody>;
export const DeclineSessionBody = Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false });

export const MoveSessionBody = Type.Object(
  {
    date: LocalDate,
    time: LocalTime,
    timeZone: Type.Optional(Type.String({ maxLength: 64 })),
    reason: Reason,
    /**
     * `occurrence` (default): this one only. `following`: this one and every later one of the
     * series. `series`: every occurrence still to come (the whole rule when none has happened yet).
     * Each moves by the same number of days to the same wall-clock time in the organiser's zone.
     */
    scope: Type.Optional(Type.Union([MoveScope, Type.Literal('series')])),
  },
  {
    additionalProperties: false,
    description: 'the new start of this occurrence, as a date and time in timeZone (default: my profile zone)',
  },
);
export type MoveSessionBody = Static<typeof MoveSessionBody>;

export const SuggestionsQuery = Type.Object({
  mateId: Id,
  minutes: Type.Optional(Type.Integer({ minimum: SESSION_MIN_MINUTES, maximum: SESSION_MAX_MINUTES, default: 30 })),
});
export const SessionSuggestions = Type.Object({
  /** The next starts when both of us are available (weekly schedules, each in its own zone) and free. */
  items: Type.Array(Type.Object({ startsAt: Type.String({ format: 'date-time' }), endsAt: Type.String({ format: 'date-time' }) })),
});
export type SessionSuggestions = Static<typeof SessionSuggestions>;

/** The private calendar feed: its URL is shown once, when made; making a new one revokes the old. */
export const CalendarFeedStatus = Type.Object({ active: Type.Boolean(), createdAt: Nullable(Type.String({ format: 'date-time' })) });
export const CalendarFeedCreated = Type.Object({ url: Type.String(), createdAt: Type.String({ format: 'date-time' }) });
/** The token rides in the query string, which the request log leaves out. */
export const CalendarFeedQuery = Type.Object({ token: Type.String({ maxLength: 100 }) });
