import { Type, type Static } from '@sinclair/typebox';
import { Nullable, PersonName } from './schema.js';
import { CefrLevelSchema, GenderSchema, LanguageCodeSchema, TopicSchema } from './catalog.js';
import { PresenceState } from './chat.js';

const Id = Type.String({ format: 'uuid' });

/** A match request's message is a greeting, not a letter. */
export const MAX_REQUEST_MESSAGE = 300;
/** Recommendations come in pages of this many; the ranked list holds at most MAX_RECOMMENDATIONS. */
export const RECOMMENDATION_PAGE_SIZE = 20;
export const MAX_RECOMMENDATIONS = 100;

/** A language someone speaks, as a card shows it: native, or a CEFR level (verified by the level test or self-rated). */
export const CardLanguage = Type.Object({
  language: LanguageCodeSchema,
  level: Type.Union([CefrLevelSchema, Type.Literal('native')]),
  verified: Type.Boolean(),
});

/** Another person as matching shows them: what a card needs, never an e-mail. */
export const PartnerCard = Type.Object({
  userId: Id,
  name: Type.String(),
  photoUrl: Nullable(Type.String()),
  cityId: Nullable(Type.String()),
  timeZone: Nullable(Type.String()),
  intro: Nullable(Type.String()),
  /**
   * Screening found abusive words in the introduction: shown masked, with "show anyway". The
   * name is masked by the server instead (too short to offer a choice); the owner sees both as written.
   */
  introScreened: Type.Optional(Type.Literal(true)),
  /** The languages they can offer me and the ones they learn. */
  speaks: Type.Array(CardLanguage),
  learns: Type.Array(CardLanguage),
  topics: Type.Array(Type.String()),
  /** Compatibility in percent, and the strongest reasons in the viewer's language. */
  percent: Type.Integer({ minimum: 0, maximum: 100 }),
  reasons: Type.Array(Type.String()),
});
export type PartnerCard = Static<typeof PartnerCard>;

export const LocaleQuery = Type.Optional(
  Type.Union([Type.Literal('ko'), Type.Literal('en')], { description: 'language of the reasons; Accept-Language otherwise' }),
);

export const RecommendationsQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_RECOMMENDATIONS / RECOMMENDATION_PAGE_SIZE, default: 1 })),
  locale: LocaleQuery,
});
export const RecommendationPage = Type.Object({
  items: Type.Array(PartnerCard),
  page: Type.Integer(),
  /** The next page's number, or null on the last. */
  nextPage: Nullable(Type.Integer()),
});
export type RecommendationPage = Static<typeof RecommendationPage>;

export const PartnerSearchQuery = Type.Object({
  language: Type.Optional(LanguageCodeSchema),
  levelMin: Type.Optional(CefrLevelSchema),
  levelMax: Type.Optional(CefrLevelSchema),
  topics: Type.Optional(Type.Array(TopicSchema, { maxItems: 9 })),
  gender: Type.Optional(GenderSchema),
  ageMin: Type.Optional(Type.Integer({ minimum: 14, maximum: 120 })),
  ageMax: Type.Optional(Type.Integer({ minimum: 14, maximum: 120 })),
  /** Hours a week both are free, at least. */
  minOverlapHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 168 })),
  onlineNow: Type.Optional(Type.Boolean()),
  locale: LocaleQuery,
});
export type PartnerSearchQuery = Static<typeof PartnerSearchQuery>;
export const SearchReply = Type.Object({ items: Type.Array(PartnerCard) });

export const PersonParams = Type.Object({ userId: Id });

export const SendRequestBody = Type.Object(
  { receiverId: Id, message: Type.String({ maxLength: MAX_REQUEST_MESSAGE }) },
  { additionalProperties: false },
);
export type SendRequestBody = Static<typeof SendRequestBody>;

/**
 * How a request looks to the person looking: a receiver sees only open ones; a sender sees a
 * declined request as `pending` until it would have expired, then as `no-answer` (a decline is silent).
 */
export const RequestState = Type.Union([
  Type.Literal('pending'),
  Type.Literal('accepted'),
  Type.Literal('no-answer'),
  Type.Literal('cancelled'),
]);
export const MatchRequest = Type.Object({
  id: Id,
  /** The other person: the receiver in my sent list, the sender in my received list. */
  partner: PartnerCard,
  message: Type.String(),
  state: RequestState,
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
});
export type MatchRequest = Static<typeof MatchRequest>;
export const RequestList = Type.Object({ items: Type.Array(MatchRequest) });
export const RequestParams = Type.Object({ requestId: Id });
export const AcceptReply = Type.Object({ roomId: Id, mateId: Id });

export const Mate = Type.Object({
  partner: PartnerCard,
  since: Type.String({ format: 'date-time' }),
  /** The 1:1 room; null only while the accept that made us mates is still being completed. */
  roomId: Nullable(Id),
  presence: PresenceState,
  lastSeenAt: Nullable(Type.String({ format: 'date-time' })),
});
export type Mate = Static<typeof Mate>;
export const MateList = Type.Object({ items: Type.Array(Mate) });

export const BlockBody = Type.Object({ userId: Id }, { additionalProperties: false });
/**
 * Whether I may write to someone: `read-only` after an unmatch (the chat stays readable),
 * `blocked` after a block either way; the chat page shows why instead of the composer.
 */
export const ContactReply = Type.Object({
  state: Type.Union([Type.Literal('open'), Type.Literal('read-only'), Type.Literal('blocked')]),
});
export const BlockedPerson = Type.Object({
  userId: Id,
  name: PersonName,
  photoUrl: Nullable(Type.String()),
  blockedAt: Type.String({ format: 'date-time' }),
});
export type BlockedPerson = Static<typeof BlockedPerson>;
export const BlockedList = Type.Object({ items: Type.Array(BlockedPerson) });

/**
 * Quick match: `waiting` until a compatible person who is also waiting is found (then both are
 * told on the notifications queue, kind `quick-match`, with the room's link), or `matched` at once.
 * A waiting page checks in again (the same call) every 20 seconds; silence drops it from the queue.
 */
export const QuickMatchReply = Type.Object({
  state: Type.Union([Type.Literal('waiting'), Type.Literal('matched')]),
  roomId: Nullable(Id),
  partnerId: Nullable(Id),
});
export type QuickMatchReply = Static<typeof QuickMatchReply>;
export const QuickMatchQuery = Type.Object({
  relaxed: Type.Optional(Type.Boolean({ description: 'after 2 minutes of waiting: set my own partner gender and age wishes aside' })),
});
