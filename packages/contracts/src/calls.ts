import { Type, type Static } from '@sinclair/typebox';
import { Nullable, PersonName, Uuid } from './schema.js';

/** Calls are 1:1, video or voice (a voice call shows avatars instead of video). */
export const CallKind = Type.Union([Type.Literal('video'), Type.Literal('voice')]);
export type CallKind = Static<typeof CallKind>;

export const MAX_CALL_NOTE = 1000;

/**
 * What a call is for: an instant call to a mate (it rings), a booked session, or the pair of a
 * 1:1 chat room (a quick match opens one); the server works out the two participants.
 */
export const CreateCallBody = Type.Union([
  Type.Object({ mateId: Uuid, kind: CallKind }, { additionalProperties: false }),
  Type.Object({ sessionId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
  Type.Object({ roomId: Uuid, kind: CallKind }, { additionalProperties: false }),
]);
export type CreateCallBody = Static<typeof CreateCallBody>;
export const CreateCallReply = Type.Object({ id: Uuid });

export const CallState = Type.Union([
  Type.Literal('ringing'),
  Type.Literal('accepted'),
  Type.Literal('declined'),
  Type.Literal('missed'),
  Type.Literal('cancelled'),
  Type.Literal('ended'),
]);
export type CallState = Static<typeof CallState>;

export const CallRating = Type.Object({
  stars: Type.Integer({ minimum: 1, maximum: 5 }),
  talkAgain: Type.Boolean(),
  note: Type.Optional(Type.String({ maxLength: MAX_CALL_NOTE })),
});
export type CallRating = Static<typeof CallRating>;

/** A call as one of its two participants sees it. */
export const CallView = Type.Object({
  id: Uuid,
  kind: CallKind,
  state: CallState,
  /** I started it (the impolite peer in perfect negotiation); the other is polite. */
  role: Type.Union([Type.Literal('caller'), Type.Literal('callee')]),
  partner: Type.Object({ userId: Uuid, name: PersonName, photoUrl: Nullable(Type.String()) }),
  me: Type.Object({ userId: Uuid, name: Type.String(), photoUrl: Nullable(Type.String()) }),
  /** The pair's 1:1 chat room: the in-call chat, kept in their history. */
  roomId: Nullable(Uuid),
  sessionId: Nullable(Type.String()),
  /** A booked session's window, for the 5- and 1-minute warnings. */
  startsAt: Nullable(Type.String({ format: 'date-time' })),
  endsAt: Nullable(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }),
  endedAt: Nullable(Type.String({ format: 'date-time' })),
  /** Seconds both were in the call at once, as the server saw it (joins, leaves, dropped connections). */
  connectedSeconds: Nullable(Type.Integer()),
  myRating: Nullable(CallRating),
});
export type CallView = Static<typeof CallView>;

export const IceServer = Type.Object({
  urls: Type.Array(Type.String()),
  username: Type.Optional(Type.String()),
  credential: Type.Optional(Type.String()),
});
/** STUN and TURN for RTCPeerConnection; `turn: false` when no TURN server is configured (local candidates only). */
export const IceServersReply = Type.Object({
  iceServers: Type.Array(IceServer),
  turn: Type.Boolean(),
  expiresAt: Nullable(Type.String({ format: 'date-time' })),
});
export type IceServersReply = Static<typeof IceServersReply>;

// ---- realtime ----

const Person = Type.Object({ userId: Uuid, name: PersonName, photoUrl: Nullable(Type.String()) });

/** `/user/queue/calls`: an instant call ringing, and what became of it (on every device of the person). */
export const CallInvite = Type.Union([
  Type.Object({
    type: Type.Literal('ringing'),
    callId: Uuid,
    kind: CallKind,
    from: Person,
    expiresAt: Type.String({ format: 'date-time' }),
  }),
  Type.Object({
    type: Type.Union([Type.Literal('accepted'), Type.Literal('declined'), Type.Literal('missed'), Type.Literal('cancelled')]),
    callId: Uuid,
  }),
]);
export type CallInvite = Static<typeof CallInvite>;

const SessionDescription = Type.Object({
  type: Type.Union([Type.Literal('offer'), Type.Literal('answer'), Type.Literal('pranswer'), Type.Literal('rollback')]),
  sdp: Type.Optional(Type.String({ maxLength: 60_000 })),
});
const IceCandidate = Type.Object({
  candidate: Type.String({ maxLength: 1000 }),
  sdpMid: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
  sdpMLineIndex: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 255 }))),
  usernameFragment: Type.Optional(Nullable(Type.String({ maxLength: 256 }))),
});

const LegId = Type.String({ maxLength: 64 });

/** Client -> server, SEND `/pub/calls/{callId}`: join, negotiate, hang up. */
export const CallSignalBody = Type.Union([
  Type.Object({ type: Type.Literal('join') }),
  /** `to`: the partner's leg this peer connection was built for, so a message of an older one is told apart. */
  Type.Object({ type: Type.Literal('description'), description: SessionDescription, to: Type.Optional(LegId) }),
  /** `candidate: null` is the end of candidates. */
  Type.Object({ type: Type.Literal('candidate'), candidate: Nullable(IceCandidate), to: Type.Optional(LegId) }),
  Type.Object({ type: Type.Literal('hangup') }),
]);
export type CallSignalBody = Static<typeof CallSignalBody>;

/**
 * Server -> both participants, `/sub/calls/{callId}`. `presence` lists who is in the call, each
 * with the id of their current connection to it (`leg`): a peer connection is built for one pair
 * of legs, and a new leg (a dropped participant came back) means a fresh one. Negotiation
 * messages carry the sender and their leg; each side ignores its own and stale ones.
 */
export const CallEvent = Type.Union([
  Type.Object({
    type: Type.Literal('presence'),
    present: Type.Array(Type.Object({ userId: Uuid, leg: Type.String() })),
    /** Participants who dropped and may come back until this instant. */
    reconnecting: Type.Array(Type.Object({ userId: Uuid, until: Type.String({ format: 'date-time' }) })),
  }),
  Type.Object({
    type: Type.Literal('description'),
    from: Uuid,
    leg: Type.String(),
    to: Type.Optional(Type.String()),
    description: SessionDescription,
  }),
  Type.Object({
    type: Type.Literal('candidate'),
    from: Uuid,
    leg: Type.String(),
    to: Type.Optional(Type.String()),
    candidate: Nullable(IceCandidate),
  }),
  Type.Object({
    type: Type.Literal('ended'),
    by: Nullable(Uuid),
    reason: Type.Union([
      Type.Literal('hangup'),
      Type.Literal('dropped'),
      Type.Literal('declined'),
      Type.Literal('missed'),
      Type.Literal('cancelled'),
    ]),
    connectedSeconds: Type.Integer(),
  }),
]);
export type CallEvent = Static<typeof CallEvent>;
