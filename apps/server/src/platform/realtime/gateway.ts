import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { registerFormats } from '@studymate/contracts';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  REALTIME_PATH,
  STOMP_SUBPROTOCOLS,
  type DestinationParams,
  type TopicMap,
  type Topics,
  type UserQueueMap,
  type UserQueues,
} from '@studymate/contracts/realtime';
import type { AccessTokens } from '../auth/tokens.js';
import type { Bus } from '../bus/bus.js';
import { AppError } from '../http/errors.js';
import { DEFAULT_CODEC_LIMITS, headerValue, StompParser, type CodecLimits, type StompFrame, type StompHeader } from './codec.js';
import {
  canonicalDestination,
  canonicalIds,
  compilePattern,
  fillPattern,
  matchPattern,
  overlaps,
  type CompiledPattern,
} from './patterns.js';
import { MemoryPresence, type PresenceStatus, type PresenceStore } from './presence.js';
import { TokenBucket, WindowCounter } from './rate-limits.js';
import {
  Session,
  type AckMode,
  type LocalSubscription,
  type OutgoingMessage,
  type RealtimePrincipal,
  type SessionHost,
} from './session.js';

registerFormats();

export type { RealtimePrincipal } from './session.js';

export interface RealtimeLimits extends CodecLimits {
  /** Largest WebSocket message (it may carry several frames); ws closes with 1009 above it. */
  maxWebSocketMessageBytes: number;
  /** Outbound bytes a connection may have queued before it is dropped as a slow consumer. */
  maxBufferedBytes: number;
  maxSubscriptionsPerSession: number;
  /** Client frames waiting for their handler before we stop reading the socket. */
  maxQueuedFrames: number;
  /** SEND frames per second per connection on average (a burst may reach twice that). */
  maxSendsPerSecond: number;
  connectTimeoutMs: number;
  /** How often we send heart-beats (the `sx` we offer). */
  heartbeatSendMs: number;
  /** How often we want to hear from the client (the `sy` we ask for). */
  heartbeatReceiveMs: number;
  /** How long a connection counts as online without its node renewing it. */
  presenceTtlMs: number;
  /** Connections renewed per presence write; the event loop is free between slices. */
  presenceRenewSlice: number;
  /** How long a SUBSCRIBE waits for the bus (Redis) before it is refused as UNAVAILABLE. */
  busSubscribeTimeoutMs: number;
  /** Bytes a socket may send before its CONNECT frame; an anonymous socket gets no more. */
  maxBytesBeforeConnect: number;
  /** Inbound bytes per second per connection on average (a burst may reach inboundBurstBytes). */
  inboundBytesPerSecond: number;
  inboundBurstBytes: number;
  /** Counted for each WebSocket message on top of its bytes: tiny messages cost us more than bytes. */
  inboundBytesPerMessage: number;
  /** Open connections per user: per node exactly, across nodes as far as the presence store has seen them. */
  maxConnectionsPerUser: number;
  /**
   * CONNECTs one user may open a second on a node, with a burst: a refused client that reconnects
   * at once, over and over, made each node register and publish presence ~90 times a second.
   */
  connectsPerSecond: number;
  connectBurst: number;
  /** SENDs per second per connection to destinations registered as `signal` (typing); the excess is dropped. */
  signalsPerSecond: number;
  signalBurst: number;
}

export const DEFAULT_REALTIME_LIMITS: RealtimeLimits = {
  ...DEFAULT_CODEC_LIMITS,
  maxWebSocketMessageBytes: 256 * 1024,
  maxBufferedBytes: 1024 * 1024,
  maxSubscriptionsPerSession: 200,
  maxQueuedFrames: 64,
  maxSendsPerSecond: 20,
  connectTimeoutMs: 10_000,
  heartbeatSendMs: 10_000,
  heartbeatReceiveMs: 10_000,
  presenceTtlMs: 60_000,
  presenceRenewSlice: 250,
  busSubscribeTimeoutMs: 5_000,
  // A CONNECT with its bearer token is about 1 KB.
  maxBytesBeforeConnect: 8 * 1024,
  // A chat client sends a few hundred bytes a second at most; a burst admits any one message.
  inboundBytesPerSecond: 64 * 1024,
  inboundBurstBytes: 256 * 1024,
  inboundBytesPerMessage: 64,
  maxConnectionsPerUser: 10,
  // A phone's app reconnects after each network change, a few times a minute at the very most;
  // ten tabs opening at once fit the burst.
  connectsPerSecond: 0.5,
  connectBurst: 20,
  // The web app says "typing" at most every 3 s per room, and "stopped" once.
  signalsPerSecond: 2,
  signalBurst: 6,
};

export interface RealtimeLogger {
  debug(context: object, message: string): void;
  info(context: object, message: string): void;
  warn(context: object, message: string): void;
  error(context: object, message: string): void;
}
const silent: RealtimeLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** A SEND frame as a handler sees it; `payload` is the parsed body when the handler declared a schema. */
export interface InboundFrame<T = unknown> {
  destination: string;
  headers: StompHeader[];
  header(name: string): string | undefined;
  body: Buffer;
  payload: T;
}

export type SubscriptionAuthorizer<P extends string> = (principal: RealtimePrincipal, params: DestinationParams<P>) => Promise<boolean>;
export type SendHandler<P extends string, T> = (
  principal: RealtimePrincipal,
  params: DestinationParams<P>,
  frame: InboundFrame<T>,
) => Promise<void | { error: AppError }>;
export type SessionListener = (principal: RealtimePrincipal) => void | Promise<void>;
/** Told after someone's presence may have changed (a connection opened, closed or went away/back), with the new status. */
export type PresenceListener = (userId: string, status: PresenceStatus) => void | Promise<void>;

export interface RealtimeGatewayOptions {
  tokens: Pick<AccessTokens, 'verify'>;
  bus: Bus;
  /** Shared by all nodes in production (RedisPresence); in-process by default. */
  presence?: PresenceStore;
  registry?: Registry;
  logger?: RealtimeLogger;
  limits?: Partial<RealtimeLimits>;
  path?: string;
  /**
   * Counts shared by every node (the cache: Redis in production), so a per-user SEND budget holds
   * over all of a person's connections wherever they landed; counted per node without it, or
   * while it does not answer.
   */
  counter?: { increment(key: string, by: number, ttlMs: number): Promise<number> };
}

/** How long a CONNECT waits for the presence store's count of the user's connections. */
const PRESENCE_READ_TIMEOUT_MS = 1000;

/** Header names the gateway sets on every MESSAGE; a publisher may not override them. */
const RESERVED = new Set(['subscription', 'message-id', 'destination', 'content-type', 'content-length', 'ack']);
const USER_QUEUE = /^\/user\/queue\/([A-Za-z0-9._~-]+)$/;
const QUEUE_NAME = /^[A-Za-z0-9._~-]+$/;
/** The bus route of batched user-queue messages (publishToUsers); `u:` and `t:` routes never clash with it. */
const USERS_ROUTE = 'users';

/** What travels on the bus: one JSON line of metadata, then the body as is. */
interface Envelope {
  i: string; // message id
  t: number; // published at, ms since the epoch
  c: string; // content type
  q?: string; // user queue name
  h?: StompHeader[];
}

/**
 * The STOMP 1.2 gateway at `/ws`. Modules register what may be subscribed to and what SENDs they
 * handle; the platform knows no module. Fan-out between nodes goes through the bus, one channel
 * per topic destination and one per user, each subscribed on a node only while that node has a
 * local subscriber, so Redis routes every message only to nodes that need it. The exception is
 * `sendToUsers`: many people's messages in one publish on a channel every node hears (a batch of
 * notifications was one publish per person, 10,000 a second in issue 13's budget).
 */
export function createRealtimeGateway<TopicsM extends TopicMap = typeof Topics, QueuesM extends UserQueueMap = typeof UserQueues>(
  options: RealtimeGatewayOptions,
) {
  const limits: RealtimeLimits = { ...DEFAULT_REALTIME_LIMITS, ...options.limits };
  const codecLimits: CodecLimits = {
    maxBodyBytes: limits.maxBodyBytes,
    maxHeaders: limits.maxHeaders,
    maxHeaderLineBytes: limits.maxHeaderLineBytes,
    maxPendingBytes: limits.maxPendingBytes,
  };
  const { bus, tokens } = options;
  const presence = options.presence ?? new MemoryPresence();
  const logger = options.logger ?? silent;
  const registry = options.registry ?? new Registry();
  const path = options.path ?? REALTIME_PATH;
  const nodeId = randomUUID().slice(0, 8);
  let sessionCounter = 0;
  let messageCounter = 0;
  let closing = false;

  const metrics = {
    connections: new Gauge({ name: 'studymate_realtime_connections', help: 'Open WebSocket connections', registers: [registry] }),
    framesIn: new Counter({
      name: 'studymate_realtime_frames_in_total',
      help: 'STOMP frames received, by command (HEARTBEAT for EOLs)',
      labelNames: ['command'],
      registers: [registry],
    }),
    framesOut: new Counter({
      name: 'studymate_realtime_frames_out_total',
      help: 'STOMP frames sent, by command (HEARTBEAT for EOLs)',
      labelNames: ['command'],
      registers: [registry],
    }),
    delivery: new Histogram({
      name: 'studymate_realtime_delivery_seconds',
      help: 'From publish on any node to the MESSAGE handed to the socket',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    slowConsumers: new Counter({
      name: 'studymate_realtime_slow_consumers_dropped_total',
      help: 'Connections dropped because their outbound buffer passed the limit',
      registers: [registry],
    }),
    limited: new Counter({
      name: 'studymate_realtime_limited_total',
      help: 'Connections refused or frames dropped by an abuse limit, by limit name',
      labelNames: ['limit'],
      registers: [registry],
    }),
    heartbeatTimeouts: new Counter({
      name: 'studymate_realtime_heartbeat_timeouts_total',
      help: 'Connections dropped after twice the agreed heart-beat interval of silence',
      registers: [registry],
    }),
  };

  const subscriptionPatterns: Array<{ compiled: CompiledPattern; authorize: SubscriptionAuthorizer<string> }> = [];
  const sendPatterns: Array<{
    compiled: CompiledPattern;
    handler: SendHandler<string, unknown>;
    schema?: TSchema;
    perUserPerMinute?: number;
    signal?: boolean;
  }> = [];
  /** Per-user SEND budgets of handlers that declare one, shared by the user's connections on this node. */
  const userSends = new WindowCounter(60_000);
  /** 0 while `key` is within `limit` SENDs this minute, over every node; else the milliseconds to wait. */
  async function sendBudget(key: string, limit: number): Promise<number> {
    if (!options.counter) return userSends.hit(key, limit);
    const now = Date.now();
    const minute = Math.floor(now / 60_000);
    try {
      const count = await options.counter.increment(`realtime-sends:${key}:${minute}`, 1, 61_000);
      return count > limit ? (minute + 1) * 60_000 - now : 0;
    } catch {
      return userSends.hit(key, limit);
    }
  }
  /** Signal buckets per connection (its principal is one object per connection). */
  const signalBuckets = new WeakMap<RealtimePrincipal, TokenBucket>();
  // Forgotten once full again (an idle user's bucket holds nothing a new one would not).
  const connectBuckets = new Map<string, TokenBucket>();
  const connectSweeper = setInterval(() => {
    for (const [userId, bucket] of connectBuckets) if (bucket.full()) connectBuckets.delete(userId);
  }, 60_000).unref();
  /** Connections per user on this node, counted from admission to close. */
  const connectionsByUser = new Map<string, number>();
  const releaseConnection = (userId: string) => {
    const left = (connectionsByUser.get(userId) ?? 1) - 1;
    if (left > 0) connectionsByUser.set(userId, left);
    else connectionsByUser.delete(userId);
  };
  const openedListeners = new Set<SessionListener>();
  const closedListeners = new Set<SessionListener>();
  const presenceListeners = new Set<PresenceListener>();
  const sessions = new Map<WebSocket, Session>();
  /** Sessions on this node whose client reported `away`; renewals keep that flag. */
  const awaySessions = new Set<string>();
  /** Sessions on this node between opened and closed: a late "away" must not revive a closed one. */
  const liveSessions = new Set<string>();
  /** Presence writes in flight, so a close never overtakes the open it follows, and shutdown waits for them. */
  const presenceWrites = new Map<string, Promise<void>>();
  /** Runs after the connection's previous presence write; forgotten once done unless another follows. */
  function presenceWrite(connectionId: string, write: () => Promise<void>): Promise<void> {
    const chained: Promise<void> = (presenceWrites.get(connectionId) ?? Promise.resolve()).then(write).finally(() => {
      if (presenceWrites.get(connectionId) === chained) presenceWrites.delete(connectionId);
    });
    presenceWrites.set(connectionId, chained);
    return chained;
  }

  // ---- local routing: route key -> local subscriptions, plus the bus subscription behind it ----
  interface Route {
    subscriptions: Set<LocalSubscription>;
    ready: Promise<(() => Promise<void>) | null>;
  }
  const routes = new Map<string, Route>();
  const channel = (route: string) => `realtime:${route}`;

  async function addToRoute(subscription: LocalSubscription): Promise<boolean> {
    let route = routes.get(subscription.route);
    if (!route) {
      const key = subscription.route;
      const ready = bus
        .subscribe(channel(key), (raw) => onBusMessage(key, raw))
        .catch((error) => {
          logger.error({ err: error, route: key }, 'realtime bus subscribe failed');
          if (routes.get(key) === route) routes.delete(key);
          return null;
        });
      route = { subscriptions: new Set(), ready };
      routes.set(key, route);
    }
    route.subscriptions.add(subscription);
    // The RECEIPT for SUBSCRIBE goes out only once messages from every node can reach us; while
    // Redis is unreachable its client queues commands forever, so give up rather than hang.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), limits.busSubscribeTimeoutMs)));
    const ready = await Promise.race([route.ready, timeout]);
    clearTimeout(timer);
    return ready !== null;
  }

  function removeFromRoute(subscription: LocalSubscription) {
    const route = routes.get(subscription.route);
    if (!route || !route.subscriptions.delete(subscription) || route.subscriptions.size > 0) return;
    routes.delete(subscription.route);
    void route.ready
      .then((unsubscribe) => unsubscribe?.())
      .catch((error) => logger.warn({ err: error, route: subscription.route }, 'realtime bus unsubscribe failed'));
  }

  function onBusMessage(key: string, raw: string) {
    const route = routes.get(key);
    if (!route) return;
    let envelope: Envelope;
    let body: Buffer;
    try {
      const split = raw.indexOf('\n');
      envelope = JSON.parse(raw.slice(0, split)) as Envelope;
      body = Buffer.from(raw.slice(split + 1), 'utf8');
    } catch (error) {
      logger.error({ err: error, route: key }, 'realtime bus message unreadable');
      return;
    }
    const message: OutgoingMessage = { id: envelope.i, contentType: envelope.c, body, headers: envelope.h ?? [], publishedAt: envelope.t };
    for (const subscription of route.subscriptions) {
      if (envelope.q !== undefined && subscription.queue !== envelope.q) continue;
      if (suspended.size > 0 && suspended.has(subscription)) continue;
      subscription.session.deliver(subscription, message);
    }
  }

  async function publishRaw(route: string, payload: unknown, headers: Record<string, string> | undefined, queue?: string) {
    const extra: StompHeader[] = [];
    for (const [name, value] of Object.entries(headers ?? {})) {
      if (RESERVED.has(name)) throw new Error(`realtime header ${name} is set by the gateway`);
      extra.push([name, value]);
    }
    const envelope: Envelope = {
      i: `${nodeId}-${++messageCounter}`,
      t: performance.timeOrigin + performance.now(),
      c: 'application/json',
      ...(queue === undefined ? {} : { q: queue }),
      ...(extra.length ? { h: extra } : {}),
    };
    await bus.publish(channel(route), `${JSON.stringify(envelope)}\n${JSON.stringify(payload)}`);
  }

  /**
   * Many people's messages for one user queue as one bus message on a channel every node hears:
   * a batch of notifications costs one publish, not one per person. Lines after the envelope are
   * `userId<TAB>payload` (JSON never holds a raw newline); each node delivers the lines whose
   * person it holds a subscription for, and skips the rest without decoding them.
   */
  async function publishToUsers(
    queue: string,
    deliveries: readonly ({ userId: string; payload: unknown } | { userId: string; json: string })[],
  ) {
    if (!deliveries.length) return;
    const envelope: Envelope = {
      i: `${nodeId}-${++messageCounter}`,
      t: performance.timeOrigin + performance.now(),
      c: 'application/json',
      q: queue,
    };
    let text = JSON.stringify(envelope);
    for (const d of deliveries) text += `\n${d.userId}\t${'json' in d ? d.json : JSON.stringify(d.payload)}`;
    await usersChannel;
    await bus.publish(channel(USERS_ROUTE), text);
  }

  function onUsersMessage(raw: string) {
    let end = raw.indexOf('\n');
    let envelope: Envelope;
    try {
      envelope = JSON.parse(raw.slice(0, end === -1 ? raw.length : end)) as Envelope;
    } catch (error) {
      logger.error({ err: error }, 'realtime bus message unreadable');
      return;
    }
    let line = 0;
    while (end !== -1) {
      const start = end + 1;
      end = raw.indexOf('\n', start);
      line++;
      const tab = raw.indexOf('\t', start);
      if (tab === -1 || (end !== -1 && tab > end)) continue;
      const route = routes.get(`u:${raw.slice(start, tab)}`);
      if (!route) continue;
      const message: OutgoingMessage = {
        id: `${envelope.i}.${line}`,
        contentType: envelope.c,
        body: Buffer.from(raw.slice(tab + 1, end === -1 ? raw.length : end), 'utf8'),
        headers: [],
        publishedAt: envelope.t,
      };
      for (const subscription of route.subscriptions) {
        if (subscription.queue !== envelope.q) continue;
        if (suspended.size > 0 && suspended.has(subscription)) continue;
        subscription.session.deliver(subscription, message);
      }
    }
  }
  /** Every node listens to the batched user-queue channel from the start. */
  const usersChannel = bus.subscribe(channel(USERS_ROUTE), onUsersMessage).catch((error) => {
    logger.error({ err: error }, 'realtime bus subscribe failed for batched user messages');
    return null;
  });

  // ---- what sessions ask of the gateway ----
  const notFound = () => new AppError('NOT_FOUND', 'No such destination, or not yours.');

  const host: SessionHost = {
    serverName: 'STUDYMATE',
    timings: limits,
    verify: (token) => tokens.verify(token),

    async subscribe(session, id, asked, ack: AckMode) {
      const principal = session.principal!;
      const destination = canonicalDestination(asked);
      let subscription: LocalSubscription;
      const queue = USER_QUEUE.exec(destination)?.[1];
      if (queue !== undefined) {
        // `/user/queue/x` always means the connection's own user: there is no way to name another's.
        subscription = { session, id, destination, ack, route: `u:${principal.userId}`, queue };
      } else {
        if (destination.startsWith('/user/')) return notFound();
        let allowed = false;
        for (const { compiled, authorize } of subscriptionPatterns) {
          const params = matchPattern(compiled, destination);
          if (params) {
            allowed = await authorize(principal, params as DestinationParams<string>);
            break;
          }
        }
        if (!allowed) return notFound();
        subscription = { session, id, destination, ack, route: `t:${destination}` };
      }
      if (await addToRoute(subscription)) return subscription;
      removeFromRoute(subscription);
      return new AppError('UNAVAILABLE', 'Messages cannot be routed right now; try again shortly.');
    },

    unsubscribe: removeFromRoute,

    async send(principal, asked, frame: StompFrame) {
      const destination = canonicalDestination(asked);
      for (const { compiled, handler, schema, perUserPerMinute, signal } of sendPatterns) {
        const params = matchPattern(compiled, destination);
        if (!params) continue;
        if (perUserPerMinute !== undefined) {
          const waitMs = await sendBudget(`${principal.userId}\n${compiled.pattern}`, perUserPerMinute);
          if (waitMs > 0) {
            metrics.limited.inc({ limit: 'perUserPerMinute' });
            const retryAfterSeconds = Math.ceil(waitMs / 1000);
            return new AppError('RATE_LIMITED', `More than ${perUserPerMinute} a minute; try again in ${retryAfterSeconds} s.`, {
              retryAfterSeconds,
            });
          }
        }
        if (signal) {
          let bucket = signalBuckets.get(principal);
          if (!bucket) signalBuckets.set(principal, (bucket = new TokenBucket(limits.signalsPerSecond, limits.signalBurst)));
          // Best effort by nature: the excess is dropped (and receipted) rather than ending the connection.
          if (!bucket.take()) {
            metrics.limited.inc({ limit: 'signalsPerSecond' });
            return null;
          }
        }
        let payload: unknown = undefined;
        if (schema) {
          try {
            payload = canonicalIds(JSON.parse(frame.body.toString('utf8')));
          } catch {
            return new AppError('VALIDATION_FAILED', 'The body must be JSON.');
          }
          if (!Value.Check(schema, payload)) {
            const details = [...Value.Errors(schema, payload)].slice(0, 10).map((e) => ({ field: e.path || '/', message: e.message }));
            return new AppError('VALIDATION_FAILED', `Invalid body: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`, details);
          }
        }
        const inbound: InboundFrame = {
          destination,
          headers: frame.headers,
          header: (name) => headerValue(frame, name),
          body: frame.body,
          payload,
        };
        const result = await handler(principal, params as DestinationParams<string>, inbound);
        return result?.error ?? null;
      }
      return notFound();
    },

    async admit(principal) {
      const { userId } = principal;
      let connects = connectBuckets.get(userId);
      if (!connects) connectBuckets.set(userId, (connects = new TokenBucket(limits.connectsPerSecond, limits.connectBurst)));
      if (!connects.take()) {
        metrics.limited.inc({ limit: 'connectsPerSecond' });
        const retryAfterSeconds = Math.ceil(1 / limits.connectsPerSecond);
        return new AppError('RATE_LIMITED', `Too many connections opened; try again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
      }
      const here = connectionsByUser.get(userId) ?? 0;
      // Counted before the await, so that a burst of CONNECTs by one user cannot all pass together.
      let refused = here >= limits.maxConnectionsPerUser;
      if (!refused) {
        connectionsByUser.set(userId, here + 1);
        // Other nodes' connections, as far as the presence store has them: one read per CONNECT.
        // An unreachable store admits (this node's count still holds) rather than hold every CONNECT.
        let timer: NodeJS.Timeout | undefined;
        const everywhere = await Promise.race([
          presence.connections(userId).catch((error) => {
            logger.warn({ err: error }, 'realtime presence read failed');
            return 0;
          }),
          new Promise<number>((resolve) => (timer = setTimeout(() => resolve(0), PRESENCE_READ_TIMEOUT_MS))),
        ]);
        clearTimeout(timer);
        refused = everywhere >= limits.maxConnectionsPerUser;
        if (refused) releaseConnection(userId);
      }
      if (!refused) return null;
      metrics.limited.inc({ limit: 'maxConnectionsPerUser' });
      return new AppError('TOO_MANY_CONNECTIONS', `At most ${limits.maxConnectionsPerUser} connections at once; close another first.`, {
        limit: limits.maxConnectionsPerUser,
      });
    },
    release: (principal) => releaseConnection(principal.userId),

    opened(session) {
      const principal = session.principal!;
      liveSessions.add(session.id);
      void presenceWrite(session.id, async () => {
        await presence
          .keepAlive([{ userId: principal.userId, connectionId: session.id }], limits.presenceTtlMs)
          .catch((error) => logger.warn({ err: error }, 'realtime presence write failed'));
        await notify(openedListeners, principal);
        await presenceChanged(principal.userId);
      });
    },

    closed(session) {
      const principal = session.principal!;
      releaseConnection(principal.userId);
      liveSessions.delete(session.id);
      void presenceWrite(session.id, async () => {
        await presence
          .remove({ userId: principal.userId, connectionId: session.id })
          .catch((error) => logger.warn({ err: error }, 'realtime presence write failed'));
        await notify(closedListeners, principal);
        await presenceChanged(principal.userId);
        awaySessions.delete(session.id);
      });
    },

    frameIn: (command) => metrics.framesIn.inc({ command }),
    frameOut: (command) => metrics.framesOut.inc({ command }),
    delivered: (publishedAt) => metrics.delivery.observe(Math.max(0, performance.timeOrigin + performance.now() - publishedAt) / 1000),
    slowConsumer(session) {
      metrics.slowConsumers.inc();
      logger.warn({ session: session.id, user: session.principal?.userId }, 'realtime slow consumer dropped');
    },
    limited: (limit) => metrics.limited.inc({ limit }),
    heartbeatLost(session) {
      metrics.heartbeatTimeouts.inc();
      logger.debug({ session: session.id }, 'realtime peer silent past the heart-beat window');
    },
    error: (context, message) => logger.error(context, message),
  };

  async function presenceChanged(userId: string) {
    if (presenceListeners.size === 0) return;
    let status: PresenceStatus;
    try {
      status = await presence.status(userId);
    } catch (error) {
      logger.warn({ err: error }, 'realtime presence read failed');
      return;
    }
    for (const listener of presenceListeners) {
      try {
        await listener(userId, status);
      } catch (error) {
        logger.error({ err: error }, 'realtime presence listener failed');
      }
    }
  }

  async function notify(listeners: Set<SessionListener>, principal: RealtimePrincipal) {
    for (const listener of listeners) {
      try {
        await listener(principal);
      } catch (error) {
        logger.error({ err: error }, 'realtime session listener failed');
      }
    }
  }

  // ---- the WebSocket side ----
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false, // CPU per message matters more than bytes for small chat frames
    maxPayload: limits.maxWebSocketMessageBytes,
    handleProtocols: (offered) => STOMP_SUBPROTOCOLS.find((p) => offered.has(p)) ?? false,
  });

  function onConnection(ws: WebSocket) {
    const session = new Session(`${nodeId}-${++sessionCounter}`, ws, host, new StompParser(codecLimits));
    sessions.set(ws, session);
    metrics.connections.inc();
    // ws hands over a Buffer of its own (binaryType nodebuffer): read it as it is, without a copy.
    ws.on('message', (data) =>
      session.receive(Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)),
    );
    ws.on('close', () => {
      sessions.delete(ws);
      metrics.connections.dec();
      session.socketClosed();
    });
    ws.on('error', (error) => logger.debug({ err: error, session: session.id }, 'realtime socket error'));
  }

  let attachedTo: Server | null = null;
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = (request.url ?? '').split('?')[0];
    if (pathname !== path) {
      // Another upgrade handler may own this path; if none does, answer rather than leave it hanging.
      if (attachedTo && attachedTo.listenerCount('upgrade') === 1) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    if (closing) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, onConnection);
  };

  // Renewed in slices, each its own write, with the event loop free between them: one Redis
  // pipeline for 10,000 connections (50,000 commands) held every socket of the node for tens of
  // milliseconds. A renewal still running when the next is due is not started twice.
  let renewing = false;
  async function renewPresence() {
    const entries = [...sessions.values()]
      .filter((s) => s.principal && s.isOpen)
      .map((s) => ({ userId: s.principal!.userId, connectionId: s.id, away: awaySessions.has(s.id) }));
    for (let i = 0; i < entries.length && !closing; i += limits.presenceRenewSlice) {
      await presence.keepAlive(entries.slice(i, i + limits.presenceRenewSlice), limits.presenceTtlMs);
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Someone whose node died is offline once their connections lapse: say so, as a close would.
    for (const userId of await presence.sweepExpired()) await presenceChanged(userId);
  }
  const renewal = setInterval(
    () => {
      if (renewing) return;
      renewing = true;
      renewPresence()
        .catch((error) => logger.warn({ err: error }, 'realtime presence renewal failed'))
        .finally(() => (renewing = false));
    },
    Math.max(1000, Math.floor(limits.presenceTtlMs / 3)),
  ).unref();

  // ---- ending access that must end (a signed-out session, a deleted account, a membership that ended) ----
  /** Subscriptions being asked about again (reauthorize): delivered nothing until the answer. */
  const suspended = new Set<LocalSubscription>();

  /** Ends, with an ERROR that says why, every connection on this node whose principal `ended` picks. */
  function endSessions(ended: (principal: RealtimePrincipal) => boolean, why: AppError): number {
    let count = 0;
    for (const session of [...sessions.values()]) {
      if (!session.principal || !session.isOpen || !ended(session.principal)) continue;
      session.fail(why.code, why.message, why.details === undefined ? {} : { details: why.details });
      count++;
    }
    return count;
  }

  /**
   * Asks the authoriser again about the topic subscriptions on this node that `pick` selects, and
   * ends the ones it now refuses, silently: STOMP 1.2 has no server-sent UNSUBSCRIBE, and an ERROR
   * would close the whole connection with every other subscription on it. The module that ended
   * the access tells the person on their own queue. Nothing is delivered to a picked subscription
   * while it is being asked about (the bus may bring the room's next message before the answer).
   * Resolves with how many ended.
   */
  async function reauthorize(pick: (principal: RealtimePrincipal, destination: string) => boolean): Promise<number> {
    const picked: LocalSubscription[] = [];
    for (const [key, route] of routes) {
      if (!key.startsWith('t:')) continue;
      for (const subscription of route.subscriptions) {
        const principal = subscription.session.principal;
        if (principal && pick(principal, subscription.destination)) picked.push(subscription);
      }
    }
    for (const subscription of picked) suspended.add(subscription);
    let ended = 0;
    await Promise.all(
      picked.map(async (subscription) => {
        let allowed = false;
        for (const { compiled, authorize } of subscriptionPatterns) {
          const params = matchPattern(compiled, subscription.destination);
          if (params) {
            allowed = await authorize(subscription.session.principal!, params as DestinationParams<string>).catch(() => false);
            break;
          }
        }
        suspended.delete(subscription);
        const { session } = subscription;
        if (allowed || session.subscriptions.get(subscription.id) !== subscription) return;
        session.subscriptions.delete(subscription.id);
        removeFromRoute(subscription);
        ended++;
      }),
    );
    return ended;
  }

  return {
    nodeId,
    registry,
    endSessions,
    reauthorize,

    attach(server: Server) {
      if (attachedTo) throw new Error('the realtime gateway is already attached');
      attachedTo = server;
      server.on('upgrade', onUpgrade);
    },

    /** Who may subscribe to a `/sub/...` destination; refused or unknown subscriptions get ERROR and nothing. */
    registerSubscription<P extends string>(pattern: P, authorize: SubscriptionAuthorizer<P>) {
      if (!pattern.startsWith('/sub/')) throw new Error(`subscription pattern ${pattern} must start with /sub/`);
      const compiled = compilePattern(pattern);
      const clash = subscriptionPatterns.find((p) => overlaps(p.compiled, compiled));
      if (clash) throw new Error(`subscription pattern ${pattern} overlaps ${clash.compiled.pattern}`);
      subscriptionPatterns.push({ compiled, authorize: authorize as SubscriptionAuthorizer<string> });
    },

    /** The handler for SENDs to a `/pub/...` destination; the RECEIPT waits for it to resolve. */
    /**
     * `perUserPerMinute`: SENDs one user may make here a minute, all their connections together
     * (refused with RATE_LIMITED beyond). `signal`: best effort, like typing; each connection
     * shares `signalsPerSecond` between all signal destinations, and the excess is dropped.
     */
    registerHandler<P extends string, S extends TSchema | undefined = undefined>(
      pattern: P,
      handler: SendHandler<P, S extends TSchema ? Static<S> : unknown>,
      handlerOptions: { body?: S; perUserPerMinute?: number; signal?: boolean } = {},
    ) {
      if (!pattern.startsWith('/pub/')) throw new Error(`send pattern ${pattern} must start with /pub/`);
      const compiled = compilePattern(pattern);
      const clash = sendPatterns.find((p) => overlaps(p.compiled, compiled));
      if (clash) throw new Error(`send pattern ${pattern} overlaps ${clash.compiled.pattern}`);
      sendPatterns.push({
        compiled,
        handler: handler as SendHandler<string, unknown>,
        ...(handlerOptions.body ? { schema: handlerOptions.body } : {}),
        ...(handlerOptions.perUserPerMinute === undefined ? {} : { perUserPerMinute: handlerOptions.perUserPerMinute }),
        ...(handlerOptions.signal ? { signal: true } : {}),
      });
    },

    /** Every subscriber of the destination, on every node. */
    publish<P extends keyof TopicsM & string>(
      pattern: P,
      params: DestinationParams<P>,
      payload: Static<TopicsM[P]>,
      headers?: Record<string, string>,
    ): Promise<void> {
      return publishRaw(`t:${fillPattern(pattern, params as Record<string, string>)}`, payload, headers);
    },

    /** Every connection of the user, on every node, subscribed to `/user/queue/{queue}`. */
    sendToUser<Q extends keyof QueuesM & string>(userId: string, queue: Q, payload: Static<QueuesM[Q]>, headers?: Record<string, string>) {
      if (!QUEUE_NAME.test(queue)) throw new Error(`user queue name ${queue} is not a plain segment`);
      return publishRaw(`u:${userId}`, payload, headers, queue);
    },

    /**
     * Each person's own payload to every connection of theirs, on every node, subscribed to
     * `/user/queue/{queue}`: one bus message for all of them (see publishToUsers). `json` is a
     * payload serialised already (many people's alike but for a field or two are built from one).
     */
    sendToUsers<Q extends keyof QueuesM & string>(
      queue: Q,
      deliveries: readonly ({ userId: string; payload: Static<QueuesM[Q]> } | { userId: string; json: string })[],
    ) {
      if (!QUEUE_NAME.test(queue)) throw new Error(`user queue name ${queue} is not a plain segment`);
      return publishToUsers(queue, deliveries);
    },

    isOnline: async (userId: string) => (await presence.status(userId)).online,
    /**
     * Marks the principal's connection away (idle, in the background) or active again; resolves once
     * stored and the presence listeners were told. Ordered after the connection's open and before its close.
     */
    setAway(principal: RealtimePrincipal, away: boolean): Promise<void> {
      const connectionId = principal.sessionId;
      if (!liveSessions.has(connectionId) || awaySessions.has(connectionId) === away) return Promise.resolve();
      if (away) awaySessions.add(connectionId);
      else awaySessions.delete(connectionId);
      return presenceWrite(connectionId, async () => {
        await presence
          .keepAlive([{ userId: principal.userId, connectionId, away }], limits.presenceTtlMs)
          .catch((error) => logger.warn({ err: error }, 'realtime presence write failed'));
        await presenceChanged(principal.userId);
      });
    },
    /** Called with the new status whenever someone's presence may have changed, on the node where it happened. */
    onPresenceChanged(listener: PresenceListener) {
      presenceListeners.add(listener);
      return () => void presenceListeners.delete(listener);
    },
    presence: (userId: string): Promise<PresenceStatus> => presence.status(userId),

    onSessionOpened(listener: SessionListener) {
      openedListeners.add(listener);
      return () => void openedListeners.delete(listener);
    },
    onSessionClosed(listener: SessionListener) {
      closedListeners.add(listener);
      return () => void closedListeners.delete(listener);
    },

    /** Route keys this node currently listens to on the bus (for health pages and tests). */
    localRoutes: () => [...routes.keys()],

    /** Closes every connection (1012: clients reconnect, to another node if there is one). */
    async close() {
      closing = true;
      clearInterval(renewal);
      userSends.close();
      clearInterval(connectSweeper);
      attachedTo?.off('upgrade', onUpgrade);
      const gone = [...sessions.keys()].map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === ws.CLOSED) return resolve();
            ws.once('close', () => resolve());
            ws.close(1012, 'server restarting');
            // A peer that never answers the close handshake must not hold shutdown up.
            setTimeout(() => {
              ws.terminate();
              resolve();
            }, 1000).unref();
          }),
      );
      await Promise.all(gone);
      await Promise.all([...presenceWrites.values()]);
      await Promise.all([...routes.values()].map((route) => route.ready.then((unsubscribe) => unsubscribe?.()).catch(() => undefined)));
      routes.clear();
      wss.close();
    },
  };
}

export type RealtimeGateway = ReturnType<typeof createRealtimeGateway>;
