import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { PresenceBody, PresenceEvent, ReadBody, RoomEvent, SendMessageBody, TypingBody } from './chat.js';
import { ErrorBody } from './errors.js';
import { CallEvent, CallInvite, CallSignalBody } from './calls.js';
import { NotificationCategory } from './notifications.js';
import { AdminReport } from './safety.js';

/**
 * The realtime wire protocol on one screen: STOMP 1.2 over a WebSocket at `/ws`.
 *
 *   connect   CONNECT with `Authorization: Bearer <access token>`; the connection ends when the token expires
 *   subscribe `/sub/...`          room-like topics, each authorised on SUBSCRIBE       (Topics below)
 *             `/user/queue/{q}`   the signed-in user's own queues, on all their devices (UserQueues below)
 *   send      `/pub/...`          handled by a module; RECEIPT only after it succeeded  (Inbound below)
 *   refusal   of a SUBSCRIBE or SEND: a MESSAGE on the connection's own `/user/queue/errors` when it follows that
 *             queue (body = ErrorBody, `receipt-id` header = the frame's receipt, no RECEIPT; the connection stays);
 *             otherwise, and for broken frames and floods, ERROR with a `message` header and body = ErrorBody, then close
 *   limits    (values: the server's DEFAULT_REALTIME_LIMITS) bytes before CONNECT and bytes a second, SENDs a
 *             second (RATE_LIMITED); one subscription per destination on a connection (CONFLICT); connections
 *             per user (TOO_MANY_CONNECTIONS); chat messages per user a minute, RATE_LIMIT_MESSAGES
 *             (RATE_LIMITED); typing past its rate is dropped without a word
 *
 * Every MESSAGE body is JSON (`content-type: application/json`). Modules add their destinations here,
 * and the gateway's `publish`/`sendToUser` only accept the payload their destination declares.
 */
export const REALTIME_PATH = '/ws';
export const STOMP_SUBPROTOCOLS = ['v12.stomp', 'v11.stomp', 'v10.stomp'] as const;

/** Named so that it never shadows the browser's own `Notification` in the web app. */
export const RealtimeNotification = Type.Object({
  id: Type.String(),
  kind: Type.String({
    description:
      "what happened, e.g. chat-room-added (a new group, an invitation, a partner's first 1:1), chat-room-removed (you left the group or were removed: the server has already ended your subscriptions to it), match-request (someone asks me; title: their name, body: their message), match-accepted (my request was accepted; link: our room), quick-match (paired; link: our room), notifications-read (marked read on another device; unread holds the count), contact-changed (an unmatch or a block between me and the person in link: ask again whether we may write), session-reminder, announcement (a system notice from the STUDYMATE team)",
  }),
  title: Type.String(),
  body: Type.Optional(Type.String()),
  link: Type.Optional(Type.String({ description: 'an app path to open, never an external URL' })),
  createdAt: Type.String({ format: 'date-time' }),
  /** Set for a stored notification (it is in the list and counts as unread); absent for a signal only the app acts on. */
  category: Type.Optional(NotificationCategory),
  /** My unread count after this notification, or after a mark-read on another device (kind `notifications-read`), for the bell. */
  unread: Type.Optional(Type.Integer({ minimum: 0 })),
  /** Arrived during my quiet hours: the bell counts it, the app shows no toast and plays nothing. */
  quiet: Type.Optional(Type.Boolean()),
});
export type RealtimeNotification = Static<typeof RealtimeNotification>;

/** Server -> one user, `/user/queue/{name}`: delivered to every connection of that user on every node. */
export const UserQueues = {
  notifications: RealtimeNotification,
  /**
   * This connection's refused SUBSCRIBEs and SENDs, each with the frame's receipt as `receipt-id`:
   * only the connection that sent the frame hears of it (the fatal refusals are ERROR frames).
   */
  errors: ErrorBody,
  /** An instant call ringing (accept or decline over HTTP), then accepted, declined, missed or cancelled. */
  calls: CallInvite,
} satisfies Record<string, TSchema>;

/** Server -> subscribers of a topic, `/sub/...`: fanned out to every node. */
export const Topics = {
  /** Messages, edits, typing, read marks and member changes of one room; members only. */
  '/sub/chat/rooms/{roomId}': RoomEvent,
  /**
   * One person's presence (online, away, offline, last seen), published when a connection of theirs
   * opens or closes or reports away/online; only the person and people sharing a chat room with them.
   */
  '/sub/presence/{userId}': PresenceEvent,
  /** Every new report, for the administrators' queue page; administrators only. */
  '/sub/admin/reports': AdminReport,
  /** A call's signalling: who is in it, offers/answers/candidates, its end; its two participants only. */
  '/sub/calls/{callId}': CallEvent,
} satisfies Record<string, TSchema>;

/** Client -> server, SEND to `/pub/...`; a handler registered with `{ body: Inbound[pattern] }` only ever sees a valid body. */
export const Inbound = {
  /** Stored once per clientId, broadcast, then RECEIPT: a receipt means the message is safe. */
  '/pub/chat/rooms/{roomId}/messages': SendMessageBody,
  '/pub/chat/rooms/{roomId}/typing': TypingBody,
  '/pub/chat/rooms/{roomId}/read': ReadBody,
  /** This connection is idle or in the background (`away`), or in use again (`online`); a new connection starts online. */
  '/pub/presence': PresenceBody,
  /** Join a call, pass an offer/answer/candidate to the other participant, or hang up; participants only. */
  '/pub/calls/{callId}': CallSignalBody,
} satisfies Record<string, TSchema>;

// ---- typing helpers (no runtime) ----
export type TopicMap = Record<string, TSchema>;
export type UserQueueMap = Record<string, TSchema>;
/** `{ roomId: string }` for `/sub/chat/rooms/{roomId}`. */
export type DestinationParams<P extends string> = P extends `${string}{${infer Name}}${infer Rest}`
  ? { [K in Name | keyof DestinationParams<Rest>]: string }
  : Record<never, string>;
export type TopicPayload<M extends TopicMap, P extends keyof M> = Static<M[P]>;
export type UserQueuePayload<M extends UserQueueMap, Q extends keyof M> = Static<M[Q]>;
