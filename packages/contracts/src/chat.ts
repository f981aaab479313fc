import { Type, type Static } from '@sinclair/typebox';
import { ClientInteger, Nullable, PersonName, Uuid as Id } from './schema.js';

export const MAX_GROUP_MEMBERS = 20;
export const MESSAGE_KINDS = ['text', 'image', 'file', 'voice', 'correction'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const Attachment = Type.Object({
  id: Id,
  kind: Type.Union([Type.Literal('image'), Type.Literal('file'), Type.Literal('voice')]),
  fileName: Type.String(),
  contentType: Type.String(),
  size: Type.Integer(),
  /** Fetched with the access token; never a public URL. */
  url: Type.String(),
  uploadedAt: Type.String({ format: 'date-time' }),
  /** Voice notes: length in milliseconds (null for other files and notes sent before it was kept). */
  durationMs: Nullable(Type.Integer()),
  /** Voice notes: loudness over time, `VOICE_WAVEFORM_BARS` digits 0-9, drawn as bars. */
  waveform: Nullable(Type.String()),
});
export const VOICE_WAVEFORM_BARS = 32;
/** The longest voice note the composer records. */
export const MAX_VOICE_NOTE_MS = 5 * 60_000;
export type Attachment = Static<typeof Attachment>;

export const ChatMessage = Type.Object({
  id: Id,
  roomId: Id,
  seq: Type.Integer({ description: 'dense per-room order; history cursors use it' }),
  senderId: Id,
  clientId: Type.String(),
  kind: Type.Union(MESSAGE_KINDS.map((k) => Type.Literal(k))),
  /** The text; for a correction, the corrected text. Empty once deleted. */
  body: Type.String(),
  /** For a correction: the partner's original text, shown side by side with `body`. */
  originalText: Nullable(Type.String()),
  replyTo: Nullable(Type.Object({ id: Id, senderId: Id, excerpt: Type.String() })),
  attachment: Nullable(Attachment),
  createdAt: Type.String({ format: 'date-time' }),
  editedAt: Nullable(Type.String({ format: 'date-time' })),
  deletedAt: Nullable(Type.String({ format: 'date-time' })),
  /** Screening found abusive words: recipients see it masked, with "show anyway". */
  screened: Type.Optional(Type.Boolean()),
});
export type ChatMessage = Static<typeof ChatMessage>;

/** online: connected and active; away: connected, but every device idle or in the background; offline: not connected. */
export const PresenceState = Type.Union([Type.Literal('online'), Type.Literal('away'), Type.Literal('offline')]);
export type PresenceState = Static<typeof PresenceState>;

/** Someone's presence, as published to `/sub/presence/{userId}` whenever it may have changed. */
export const PresenceEvent = Type.Object({
  userId: Id,
  status: PresenceState,
  /** When they were last connected (now while connected); null if never seen. */
  lastSeenAt: Nullable(Type.String({ format: 'date-time' })),
});
export type PresenceEvent = Static<typeof PresenceEvent>;

/** What a client reports about itself: `away` when the tab is hidden or idle, `online` when back. */
export const PresenceBody = Type.Object(
  { status: Type.Union([Type.Literal('online'), Type.Literal('away')]) },
  { additionalProperties: false },
);

export const RoomMember = Type.Object({
  id: Id,
  displayName: PersonName,
  photoUrl: Nullable(Type.String()),
  role: Type.Union([Type.Literal('owner'), Type.Literal('member')]),
  deleted: Type.Boolean(),
  /** This member's read mark: my messages up to this seq have been read by them. */
  lastReadSeq: Type.Integer(),
  /** Presence when the summary was made; `/sub/presence/{userId}` keeps it current. */
  presence: PresenceState,
  lastSeenAt: Nullable(Type.String({ format: 'date-time' })),
});
export type RoomMember = Static<typeof RoomMember>;

export const RoomSummary = Type.Object({
  id: Id,
  kind: Type.Union([Type.Literal('direct'), Type.Literal('group')]),
  name: Nullable(Type.String()),
  members: Type.Array(RoomMember),
  lastMessage: Nullable(ChatMessage),
  unreadCount: Type.Integer(),
  lastReadSeq: Type.Integer(),
});
export type RoomSummary = Static<typeof RoomSummary>;

export const RoomList = Type.Object({ items: Type.Array(RoomSummary) });

export const DirectRoomBody = Type.Object({ partnerId: Id }, { additionalProperties: false });
export const GroupRoomBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    memberIds: Type.Array(Id, { maxItems: MAX_GROUP_MEMBERS - 1, uniqueItems: true }),
  },
  { additionalProperties: false },
);
export const MemberBody = Type.Object({ userId: Id }, { additionalProperties: false });

export const SendMessageBody = Type.Object(
  {
    /** Chosen by the client once per message and reused on every retry: the server stores it once. */
    clientId: Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
    kind: Type.Union(MESSAGE_KINDS.map((k) => Type.Literal(k))),
    body: Type.String({ maxLength: 4000 }),
    originalText: Type.Optional(Type.String({ minLength: 1, maxLength: 4000 })),
    replyToId: Type.Optional(Id),
    attachmentId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type SendMessageBody = Static<typeof SendMessageBody>;

export const EditMessageBody = Type.Object({ body: Type.String({ minLength: 1, maxLength: 4000 }) }, { additionalProperties: false });

export const HistoryQuery = Type.Object({
  before: Type.Optional(ClientInteger({ minimum: 1, description: 'messages with seq below this, newest first' })),
  after: Type.Optional(ClientInteger({ minimum: 0, description: 'messages with seq above this, oldest first (catch-up)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 30 })),
});
export const MessagePage = Type.Object({
  items: Type.Array(ChatMessage),
  /** Pass as `before` for the next (older) page; null at the beginning of the room. */
  nextBefore: Nullable(Type.Integer()),
});
export type MessagePage = Static<typeof MessagePage>;

export const ReadBody = Type.Object({ seq: ClientInteger({ minimum: 0 }) }, { additionalProperties: false });
export const SearchQuery = Type.Object({
  q: Type.String({ minLength: 1, maxLength: 100 }),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});
export const TranslateBody = Type.Object({ target: Type.String({ pattern: '^[a-z]{2}$' }) }, { additionalProperties: false });
export const TranslateReply = Type.Object({ text: Type.String(), target: Type.String(), provider: Type.String() });
export const FileList = Type.Object({ items: Type.Array(Type.Intersect([Attachment, Type.Object({ roomId: Id, uploaderId: Id })])) });

export const TypingBody = Type.Object({ typing: Type.Boolean() }, { additionalProperties: false });

/** Everything that happens in a room, as published to `/sub/chat/rooms/{roomId}`. */
export const RoomEvent = Type.Union([
  Type.Object({ type: Type.Literal('message'), message: ChatMessage }),
  Type.Object({ type: Type.Literal('message-updated'), message: ChatMessage }),
  Type.Object({ type: Type.Literal('typing'), roomId: Id, userId: Id, typing: Type.Boolean() }),
  Type.Object({ type: Type.Literal('read'), roomId: Id, userId: Id, lastReadSeq: Type.Integer() }),
  Type.Object({ type: Type.Literal('members-changed'), roomId: Id }),
]);
export type RoomEvent = Static<typeof RoomEvent>;
