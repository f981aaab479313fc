import { isUtf8 } from 'node:buffer';
import type { ErrorCode, Role } from '@studymate/contracts';
import { AppError } from '../http/errors.js';
import {
  encodeFrame,
  encodeMessageHead,
  encodeMessageTail,
  headerValue,
  StompParser,
  type CodecError,
  type ServerCommand,
  type StompFrame,
  type StompHeader,
} from './codec.js';
import { TokenBucket } from './rate-limits.js';

/** Who is on the other end of a connection; handed to every authorisation hook and handler. */
export interface RealtimePrincipal {
  userId: string;
  role: Role;
  sessionId: string;
  /** The session family of the token the connection opened with: signing that family out closes it. */
  familyId?: string;
}

/** The only parts of a WebSocket a session uses. */
export interface RealtimeSocket {
  send(data: Buffer, options: { binary: boolean }): void;
  close(code: number, reason: string): void;
  terminate(): void;
  pause(): void;
  resume(): void;
  readonly bufferedAmount: number;
  readonly readyState: number;
}
const OPEN = 1;

export type AckMode = 'auto' | 'client' | 'client-individual';

export interface LocalSubscription {
  session: Session;
  id: string;
  /** As the client wrote it, echoed in every MESSAGE. */
  destination: string;
  ack: AckMode;
  /** Index key: a topic's destination, or a user's queue route. */
  route: string;
  /** For `/user/queue/{queue}` subscriptions. */
  queue?: string;
  /** Its own MESSAGE headers encoded, kept when they never change (no ack ids). */
  head?: Buffer;
}

/** A published message, encoded once per node and stamped per subscription. */
export interface OutgoingMessage {
  id: string;
  contentType: string;
  body: Buffer;
  headers: StompHeader[];
  publishedAt: number;
  /** The encoded part every subscriber of one destination gets alike; made by the first delivery. */
  tail?: { destination: string; bytes: Buffer };
}

export interface SessionTimings {
  connectTimeoutMs: number;
  heartbeatSendMs: number;
  heartbeatReceiveMs: number;
  maxBufferedBytes: number;
  maxSubscriptionsPerSession: number;
  maxQueuedFrames: number;
  /** SEND frames a connection may make per second on average; twice as many in a burst. */
  maxSendsPerSecond: number;
  /** Bytes a connection may send before its CONNECT frame. */
  maxBytesBeforeConnect: number;
  /** Inbound bytes per second per connection on average, and the burst above it. */
  inboundBytesPerSecond: number;
  inboundBurstBytes: number;
  /** What each WebSocket message costs on top of its bytes, so a flood of tiny messages counts too. */
  inboundBytesPerMessage: number;
}

type Verified =
  | { ok: true; claims: { sub: string; role: Role; sid?: string; exp: number } }
  | { ok: false; reason: 'missing' | 'expired' | 'invalid' | 'revoked' };

/** What a session needs from its gateway: authorisation, routing and bookkeeping. */
export interface SessionHost {
  readonly serverName: string;
  readonly timings: SessionTimings;
  verify(token: string | undefined): Promise<Verified>;
  /** Resolves once messages for the destination flow to this subscription; refusals are AppErrors. */
  subscribe(session: Session, id: string, destination: string, ack: AckMode): Promise<LocalSubscription | AppError>;
  unsubscribe(subscription: LocalSubscription): void;
  send(principal: RealtimePrincipal, destination: string, frame: StompFrame): Promise<AppError | null>;
  /** May this principal open one more connection? Counts it if so, until `release` or `closed`. */
  admit(principal: RealtimePrincipal): Promise<AppError | null>;
  release(principal: RealtimePrincipal): void;
  opened(session: Session): void;
  closed(session: Session): void;
  frameIn(command: string): void;
  frameOut(command: ServerCommand | 'HEARTBEAT'): void;
  delivered(publishedAt: number): void;
  slowConsumer(session: Session): void;
  heartbeatLost(session: Session): void;
  /** A connection hit the named limit (it was refused, or its frame dropped). */
  limited(limit: string): void;
  error(context: object, message: string): void;
}

/** WebSocket close codes (RFC 6455) for each way a session can end. */
const CLOSE_FOR: Partial<Record<ErrorCode, number>> = {
  BAD_REQUEST: 1002,
  PAYLOAD_TOO_LARGE: 1009,
  INTERNAL: 1011,
  UNAVAILABLE: 1012,
};

const codecErrorCode = (error: CodecError): ErrorCode =>
  error.kind === 'body-too-large' ||
  error.kind === 'pending-limit' ||
  error.kind === 'header-line-too-long' ||
  error.kind === 'too-many-headers'
    ? 'PAYLOAD_TOO_LARGE'
    : 'BAD_REQUEST';

const ACK_MODES = new Set<string>(['auto', 'client', 'client-individual']);

/**
 * One STOMP 1.2 connection: handshake, heart-beats, and the client frames in the order they came.
 * Frames are handled one at a time so that a SEND's RECEIPT, and the messages it causes, keep order.
 */
export class Session {
  principal: RealtimePrincipal | null = null;
  readonly subscriptions = new Map<string, LocalSubscription>();
  private state: 'awaiting-connect' | 'connecting' | 'connected' | 'closed' = 'awaiting-connect';
  private readonly parser: StompParser;
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  private paused = false;
  private lastRead = Date.now();
  private connectTimer: NodeJS.Timeout | null;
  private readonly timers: NodeJS.Timeout[] = [];
  private deliveries = 0;
  private refusals = 0;
  private released = false;
  /** Frames written in this turn of the event loop, sent together as one WebSocket message. */
  private outbox: Buffer[] = [];

  /** SEND frames: the configured rate, with a burst of twice that. */
  private readonly sendTokens: TokenBucket;
  /**
   * Inbound bytes. Past the limit the connection is closed rather than paused: no client of ours
   * comes near it, and a paused abuser would keep its socket and buffers for as long as it liked.
   */
  private readonly inboundTokens: TokenBucket;
  private bytesBeforeConnect = 0;
  private connectSeen = false;

  constructor(
    readonly id: string,
    private readonly socket: RealtimeSocket,
    private readonly host: SessionHost,
    parser: StompParser,
  ) {
    this.parser = parser;
    const timings = host.timings;
    this.sendTokens = new TokenBucket(timings.maxSendsPerSecond, timings.maxSendsPerSecond * 2);
    this.inboundTokens = new TokenBucket(timings.inboundBytesPerSecond, timings.inboundBurstBytes);
    this.connectTimer = setTimeout(() => {
      if (this.state === 'awaiting-connect' || this.state === 'connecting') this.fail('UNAUTHENTICATED', 'No CONNECT frame in time.');
    }, host.timings.connectTimeoutMs).unref();
  }

  get isOpen() {
    return this.state !== 'closed';
  }

  /** Bytes from the WebSocket, whatever their framing. */
  receive(data: Buffer) {
    if (this.state === 'closed') return;
    const { inboundBytesPerSecond, inboundBurstBytes, inboundBytesPerMessage, maxBytesBeforeConnect } = this.host.timings;
    if (!this.inboundTokens.take(data.length + inboundBytesPerMessage)) {
      return this.refuse(
        'inboundBytesPerSecond',
        'RATE_LIMITED',
        `More than ${inboundBytesPerSecond} bytes a second (bursts up to ${inboundBurstBytes}) on one connection.`,
        { stopReading: true },
      );
    }
    if (!this.connectSeen && (this.bytesBeforeConnect += data.length) > maxBytesBeforeConnect) {
      return this.refuse('maxBytesBeforeConnect', 'UNAUTHENTICATED', `No CONNECT frame within the first ${maxBytesBeforeConnect} bytes.`, {
        stopReading: true,
      });
    }
    this.lastRead = Date.now();
    // Heart-beats of one WebSocket message are one metric increment, however many there were.
    let heartbeat = false;
    for (const event of this.parser.push(data)) {
      if (event.type === 'heartbeat') heartbeat = true;
      else if (event.type === 'error') {
        this.fail(codecErrorCode(event.error), `Malformed frame: ${event.error.message}`);
      } else {
        if (event.frame.command === 'CONNECT' || event.frame.command === 'STOMP') this.connectSeen = true;
        this.enqueue(event.frame);
      }
    }
    if (heartbeat) this.host.frameIn('HEARTBEAT');
  }

  /**
   * A limit refused this connection: counted by name, then ERROR and close. A flooding peer
   * (`stopReading`) is not read any further: ws would otherwise go on unmasking whatever it sent
   * until its close frame came; it gets a moment for our ERROR to arrive, then the socket ends.
   */
  private refuse(
    limit: string,
    code: ErrorCode,
    message: string,
    options: { receipt?: string; details?: unknown; stopReading?: boolean } = {},
  ) {
    this.host.limited(limit);
    this.fail(code, message, options);
    if (options.stopReading) {
      this.socket.pause();
      setTimeout(() => this.socket.terminate(), FLOODER_GRACE_MS).unref();
    }
  }

  /** The socket is gone (closed by either side): release everything exactly once. */
  socketClosed() {
    if (this.released) return;
    this.released = true;
    this.state = 'closed';
    clearTimeout(this.connectTimer ?? undefined);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.length = 0;
    for (const subscription of this.subscriptions.values()) this.host.unsubscribe(subscription);
    this.subscriptions.clear();
    if (this.principal) this.host.closed(this);
  }

  /** Writes one MESSAGE for a subscription; never queues more than the slow-consumer limit. */
  deliver(subscription: LocalSubscription, message: OutgoingMessage) {
    if (this.state !== 'connected') return;
    let head = subscription.head;
    if (!head) {
      const own: StompHeader[] = [['subscription', subscription.id]];
      if (subscription.ack !== 'auto') own.push(['ack', `${this.id}.${++this.deliveries}`]);
      head = encodeMessageHead(own);
      // Without acks a subscription's own headers are the same in every MESSAGE.
      if (subscription.ack === 'auto') subscription.head = head;
    }
    if (message.tail?.destination !== subscription.destination) {
      const shared: StompHeader[] = [
        ['message-id', message.id],
        ['destination', subscription.destination],
        ['content-type', message.contentType],
        ...message.headers,
      ];
      message.tail = { destination: subscription.destination, bytes: encodeMessageTail(shared, message.body) };
    }
    this.write('MESSAGE', head, message.tail.bytes);
    this.host.delivered(message.publishedAt);
  }

  /**
   * A SUBSCRIBE or SEND the server will not carry out (not yours, blocked, over a budget): told on
   * this connection's `/user/queue/errors` when it follows that queue, with the frame's receipt as
   * `receipt-id` and no RECEIPT, and the connection stays; else an ERROR that ends it, as STOMP
   * has it. One refused presence watch or one message over the budget then no longer drops every
   * other subscription and sets the app reconnecting (and refused again, round and round).
   */
  private refused(refusal: AppError, receipt: string | undefined) {
    const errors = [...this.subscriptions.values()].find((s) => s.queue === 'errors');
    if (!errors) return this.fail(refusal.code, refusal.message, { receipt, details: refusal.details });
    const body = {
      error: { code: refusal.code, message: refusal.message, ...(refusal.details === undefined ? {} : { details: refusal.details }) },
    };
    this.deliver(errors, {
      id: `${this.id}.refused.${++this.refusals}`,
      contentType: 'application/json',
      body: Buffer.from(JSON.stringify(body), 'utf8'),
      headers: receipt === undefined ? [] : [['receipt-id', receipt]],
      publishedAt: Date.now(),
    });
  }

  /** ERROR, then close: STOMP allows nothing after an ERROR. */
  fail(code: ErrorCode, message: string, options: { receipt?: string; details?: unknown } = {}) {
    if (this.state === 'closed') return;
    const body = JSON.stringify({ error: { code, message, ...(options.details === undefined ? {} : { details: options.details }) } });
    this.write(
      'ERROR',
      encodeFrame({
        command: 'ERROR',
        headers: { message, code, 'receipt-id': options.receipt, 'content-type': 'application/json' },
        body,
      }),
    );
    this.flush();
    this.state = 'closed';
    this.socket.close(CLOSE_FOR[code] ?? 1008, code);
    this.socketClosed();
  }

  /** Ends the connection without ceremony (dead or slow peer). */
  terminate() {
    this.outbox = [];
    this.state = 'closed';
    this.socket.terminate();
    this.socketClosed();
  }

  private enqueue(frame: StompFrame) {
    this.host.frameIn(frame.command);
    this.queued++;
    if (this.queued >= this.host.timings.maxQueuedFrames && !this.paused) {
      // Stop reading until the handlers catch up, rather than holding an ever longer queue.
      this.paused = true;
      this.socket.pause();
    }
    this.queue = this.queue
      .then(() => (this.state === 'closed' ? undefined : this.handle(frame)))
      .catch((error) => {
        this.host.error({ err: error, session: this.id, command: frame.command }, 'realtime frame handler failed');
        this.fail('INTERNAL', 'Something went wrong on our side.', { receipt: headerValue(frame, 'receipt') });
      })
      .finally(() => {
        this.queued--;
        if (this.paused && this.queued <= this.host.timings.maxQueuedFrames / 2) {
          this.paused = false;
          this.lastRead = Date.now();
          this.socket.resume();
        }
      });
  }

  private async handle(frame: StompFrame) {
    const receipt = headerValue(frame, 'receipt');
    if (this.state !== 'connected') {
      if (frame.command === 'CONNECT' || frame.command === 'STOMP') return this.connect(frame);
      return this.fail('UNAUTHENTICATED', 'The first frame must be CONNECT.', { receipt });
    }
    const principal = this.principal!;
    switch (frame.command) {
      case 'SUBSCRIBE': {
        const id = headerValue(frame, 'id');
        const destination = headerValue(frame, 'destination');
        const ack = headerValue(frame, 'ack') ?? 'auto';
        if (!id || !destination) return this.fail('BAD_REQUEST', 'SUBSCRIBE needs id and destination headers.', { receipt });
        if (!ACK_MODES.has(ack)) return this.fail('BAD_REQUEST', `Unknown ack mode ${ack}.`, { receipt });
        if (this.subscriptions.has(id)) return this.fail('BAD_REQUEST', `Subscription id ${id} is already in use.`, { receipt });
        for (const existing of this.subscriptions.values()) {
          // A second subscription to one destination would deliver every message twice over one socket.
          if (existing.destination === destination) {
            return this.refuse('duplicateSubscription', 'CONFLICT', `Already subscribed to ${destination} on this connection.`, {
              receipt,
              details: { destination, subscription: existing.id },
            });
          }
        }
        if (this.subscriptions.size >= this.host.timings.maxSubscriptionsPerSession) {
          return this.fail('BAD_REQUEST', 'Too many subscriptions on one connection.', { receipt });
        }
        const result = await this.host.subscribe(this, id, destination, ack as AckMode);
        if (result instanceof AppError) return this.refused(result, receipt);
        if (this.state !== 'connected') return this.host.unsubscribe(result); // closed while we waited
        this.subscriptions.set(id, result);
        break;
      }
      case 'UNSUBSCRIBE': {
        const id = headerValue(frame, 'id');
        if (!id) return this.fail('BAD_REQUEST', 'UNSUBSCRIBE needs an id header.', { receipt });
        const subscription = this.subscriptions.get(id);
        // An unknown id is not an error: the subscription may have ended on our side first.
        if (subscription) {
          this.subscriptions.delete(id);
          this.host.unsubscribe(subscription);
        }
        break;
      }
      case 'SEND': {
        const destination = headerValue(frame, 'destination');
        if (!destination) return this.fail('BAD_REQUEST', 'SEND needs a destination header.', { receipt });
        if (!this.sendTokens.take())
          return this.refuse('maxSendsPerSecond', 'RATE_LIMITED', 'Too many messages at once; slow down.', { receipt });
        const refusal = await this.host.send(principal, destination, frame);
        if (refusal) return this.refused(refusal, receipt);
        break;
      }
      case 'ACK':
      case 'NACK':
        // Messages are not redelivered (chat history is the durable copy), so an ACK only needs an id.
        if (!headerValue(frame, 'id')) return this.fail('BAD_REQUEST', `${frame.command} needs an id header.`, { receipt });
        break;
      case 'BEGIN':
      case 'COMMIT':
      case 'ABORT':
        return this.fail('BAD_REQUEST', 'Transactions are not supported.', { receipt });
      case 'DISCONNECT':
        if (receipt)
          this.write('RECEIPT', encodeFrame({ command: 'RECEIPT', headers: { 'receipt-id': receipt } }, { contentLength: false }));
        this.flush();
        this.state = 'closed';
        this.socket.close(1000, 'DISCONNECT');
        this.socketClosed();
        return;
      case 'CONNECT':
      case 'STOMP':
        return this.fail('BAD_REQUEST', 'Already connected.', { receipt });
      default:
        return this.fail('BAD_REQUEST', `${frame.command} is not a client frame.`, { receipt });
    }
    if (receipt) this.write('RECEIPT', encodeFrame({ command: 'RECEIPT', headers: { 'receipt-id': receipt } }, { contentLength: false }));
  }

  private async connect(frame: StompFrame) {
    if (this.state !== 'awaiting-connect') return this.fail('BAD_REQUEST', 'CONNECT was already sent.');
    this.state = 'connecting';
    const versions = (headerValue(frame, 'accept-version') ?? '1.0').split(',').map((v) => v.trim());
    if (!versions.includes('1.2')) {
      return this.fail('BAD_REQUEST', 'Supported protocol version is 1.2.');
    }
    const beat = parseHeartBeat(headerValue(frame, 'heart-beat') ?? '0,0');
    if (!beat) return this.fail('BAD_REQUEST', 'heart-beat must be two non-negative integers.');

    // Header names are case-sensitive in STOMP, but browsers and tools spell this one both ways.
    const authorization = frame.headers.find(([name]) => name.toLowerCase() === 'authorization')?.[1];
    const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization.trim()) : null;
    const verified = await this.host.verify(match?.[1]);
    if (this.state !== 'connecting') return; // the socket went away while we checked
    if (!verified.ok) {
      return verified.reason === 'expired'
        ? this.fail('TOKEN_EXPIRED', 'The access token has expired; refresh it and reconnect.')
        : verified.reason === 'revoked'
          ? this.fail('SESSION_ENDED', 'This session was ended; sign in again.')
          : this.fail('UNAUTHENTICATED', 'CONNECT needs a valid Authorization: Bearer token.');
    }
    const { sub, role, sid } = verified.claims;
    const principal: RealtimePrincipal =
      sid === undefined ? { userId: sub, role, sessionId: this.id } : { userId: sub, role, sessionId: this.id, familyId: sid };
    const refusal = await this.host.admit(principal);
    if (this.state !== 'connecting') {
      if (!refusal) this.host.release(principal); // the socket went away while we counted
      return;
    }
    if (refusal) return this.fail(refusal.code, refusal.message, { details: refusal.details });
    this.principal = principal;
    this.state = 'connected';
    // Ten thousand connections each holding a spent timer were heap for every GC to walk.
    clearTimeout(this.connectTimer ?? undefined);
    this.connectTimer = null;

    const { heartbeatSendMs, heartbeatReceiveMs } = this.host.timings;
    // STOMP 1.2 negotiation: each direction uses the larger of what one side offers and the other wants.
    const outgoing = beat.clientWants > 0 && heartbeatSendMs > 0 ? Math.max(heartbeatSendMs, beat.clientWants) : 0;
    const incoming = beat.clientSends > 0 && heartbeatReceiveMs > 0 ? Math.max(heartbeatReceiveMs, beat.clientSends) : 0;
    this.write(
      'CONNECTED',
      encodeFrame(
        {
          command: 'CONNECTED',
          headers: {
            version: '1.2',
            server: this.host.serverName,
            session: this.id,
            'heart-beat': `${heartbeatSendMs},${heartbeatReceiveMs}`,
            'user-name': this.principal.userId,
          },
        },
        { contentLength: false },
      ),
    );
    if (outgoing > 0) {
      this.timers.push(
        setInterval(() => {
          if (this.state !== 'connected' || this.socket.readyState !== OPEN) return;
          this.socket.send(HEARTBEAT, { binary: false });
          this.host.frameOut('HEARTBEAT');
        }, outgoing).unref(),
      );
    }
    if (incoming > 0) {
      this.lastRead = Date.now();
      this.timers.push(
        setInterval(
          () => {
            // While we paused reading, silence is ours, not the peer's.
            if (this.paused || Date.now() - this.lastRead <= 2 * incoming) return;
            this.host.heartbeatLost(this);
            this.terminate();
          },
          Math.max(10, Math.floor(incoming / 2)),
        ).unref(),
      );
    }
    this.armExpiry(verified.claims.exp * 1000);
    this.host.opened(this);
  }

  /** Each connection lives at most as long as the token it was opened with. */
  private armExpiry(expiresAt: number) {
    const delay = Math.min(expiresAt - Date.now(), 2 ** 31 - 1);
    this.timers.push(
      setTimeout(
        () => {
          if (Date.now() < expiresAt) return this.armExpiry(expiresAt);
          this.fail('TOKEN_EXPIRED', 'The access token has expired; refresh it and reconnect.');
        },
        Math.max(0, delay),
      ).unref(),
    );
  }

  /**
   * Queues a frame for the end of this turn of the event loop. A sender's own MESSAGE and its
   * RECEIPT (and a burst of deliveries to one subscriber) then leave as one WebSocket message,
   * one socket write instead of one each: STOMP 1.2 over WebSocket allows several frames in a
   * message, and the socket writes were a fifth of the gateway's CPU at 2,000 messages/s.
   */
  private write(command: ServerCommand, ...parts: Buffer[]) {
    if (this.socket.readyState !== OPEN) return;
    if (this.outbox.length === 0) setImmediate(() => this.flush());
    this.outbox.push(...parts);
    this.host.frameOut(command);
  }

  private flush() {
    if (!this.outbox.length) return;
    const data = this.outbox.length === 1 ? this.outbox[0]! : Buffer.concat(this.outbox);
    this.outbox.length = 0; // kept, not replaced: see StompParser.reset
    if (this.socket.readyState !== OPEN) return;
    // Text frames keep browser dev tools readable; bodies that are not UTF-8 must go as binary.
    this.socket.send(data, { binary: !isUtf8(data) });
    if (this.socket.bufferedAmount > this.host.timings.maxBufferedBytes && this.state !== 'closed') {
      this.host.slowConsumer(this);
      this.terminate();
    }
  }
}

const HEARTBEAT = Buffer.from('\n');
/** How long a peer refused for flooding has to read our ERROR before its socket is destroyed. */
const FLOODER_GRACE_MS = 1000;

function parseHeartBeat(value: string): { clientSends: number; clientWants: number } | null {
  const match = /^\s*(\d{1,9})\s*,\s*(\d{1,9})\s*$/.exec(value);
  return match ? { clientSends: Number(match[1]), clientWants: Number(match[2]) } : null;
}
