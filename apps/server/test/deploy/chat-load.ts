import { randomBytes } from 'node:crypto';
import { Client as Stomp, ReconnectionTimeMode } from '@stomp/stompjs';
import type { ChatMessage, RoomEvent } from '@studymate/contracts';
import { WebSocket } from 'ws';
import { api, givenUser, type Client } from '../helpers/app.js';

/**
 * Chat traffic through a load balancer, the way the web app talks: the real @stomp/stompjs client
 * with the web app's back-off (1 s doubling to 30 s, apps/web/src/features/chat/realtime.ts), an
 * outbox keyed by clientId resent unchanged after every reconnect until receipted, catch-up by
 * cursor after a reconnect, and REST reads alongside. Used by the rolling-restart test and
 * bench/rolling-restart.mjs.
 */

interface Sent {
  clientId: string;
  body: string;
  roomId: string;
  sentAt: number;
  acked: boolean;
}

class Talker {
  readonly client: Stomp;
  /** clientId -> when this member first held it (ms, performance.now()): live on the room topic or caught up. */
  readonly live = new Map<string, number>();
  /** seq -> clientId, live or caught up; a clientId under two seqs is a duplicate. */
  readonly held = new Map<number, string>();
  readonly reconnectMs: number[] = [];
  private closedAt: number | null = null;
  private connections = 0;
  private receipts = 0;
  private n = 0;

  constructor(
    readonly name: string,
    readonly user: Client,
    readonly roomId: string,
    private readonly load: ChatLoad,
    wsUrl: string,
  ) {
    this.client = new Stomp({
      webSocketFactory: () => new WebSocket(wsUrl, ['v12.stomp']),
      connectHeaders: { Authorization: `Bearer ${user.token}` },
      // As the web app (features/chat/realtime.ts): a first retry after 250 ms plus up to 250 ms of jitter, then backing off.
      reconnectDelay: 250,
      maxReconnectDelay: 30_000,
      reconnectTimeMode: ReconnectionTimeMode.EXPONENTIAL,
      beforeConnect: async () => {
        if (this.connections > 0) await new Promise((r) => setTimeout(r, Math.random() * 250));
      },
      heartbeatIncoming: 10_000,
      heartbeatOutgoing: 10_000,
      debug: () => {},
    });
    this.client.onWebSocketClose = () => {
      this.closedAt ??= performance.now();
    };
    this.client.onConnect = () => {
      this.connections++;
      if (this.closedAt !== null) this.reconnectMs.push(performance.now() - this.closedAt);
      this.closedAt = null;
      this.client.subscribe(`/sub/chat/rooms/${roomId}`, (frame) => {
        const event = JSON.parse(frame.body) as RoomEvent;
        if (event.type !== 'message') return;
        this.hold(event.message);
      });
      for (const item of load.sent.values()) if (item.roomId === roomId && !item.acked && this.mine(item)) this.publish(item);
      if (this.connections > 1) void this.catchUp().catch((error) => load.errors.push(`catch-up: ${error}`));
    };
  }

  get connected() {
    return this.client.connected;
  }

  private mine(item: Sent) {
    return item.clientId.startsWith(this.name);
  }

  hold(message: ChatMessage) {
    // Shown from the moment the app first holds it, live or by catch-up after a reconnect (a resent
    // message is broadcast again later, long after the partner caught it up).
    if (!this.live.has(message.clientId)) this.live.set(message.clientId, performance.now());
    const previous = this.held.get(message.seq);
    if (previous !== undefined && previous !== message.clientId) this.load.errors.push(`seq ${message.seq} held two messages`);
    this.held.set(message.seq, message.clientId);
  }

  inFlight() {
    let n = 0;
    for (const item of this.load.sent.values()) if (!item.acked && this.mine(item)) n++;
    return n;
  }

  sendNew() {
    const clientId = `${this.name}-${++this.n}-${randomBytes(3).toString('hex')}`;
    const item: Sent = { clientId, body: `${this.name} says ${this.n}`, roomId: this.roomId, sentAt: performance.now(), acked: false };
    this.load.sent.set(clientId, item);
    this.publish(item);
  }

  private publish(item: Sent) {
    const receipt = `${this.name}-r${++this.receipts}`;
    this.client.watchForReceipt(receipt, () => (item.acked = true));
    try {
      this.client.publish({
        destination: `/pub/chat/rooms/${this.roomId}/messages`,
        headers: { receipt },
        body: JSON.stringify({ clientId: item.clientId, kind: 'text', body: item.body }),
      });
    } catch {
      // Not connected at this instant: the outbox resends it on the next CONNECTED.
    }
  }

  /** Pages forward from the highest seq below which everything is held, as the web app does. */
  async catchUp() {
    for (;;) {
      let from = 0;
      while (this.held.has(from + 1)) from++;
      const page = await this.load.http('GET', `/api/v1/chat/rooms/${this.roomId}/messages?after=${from}&limit=100`, this.user.token);
      if (page.status !== 200) return;
      for (const m of page.json.items as ChatMessage[]) this.hold(m);
      if (page.json.items.length < 100) return;
    }
  }
}

export interface LoadFigures {
  sent: number;
  acked: number;
  /** Receipted but not stored, or stored but never reaching the partner (live or by catch-up). */
  lost: number;
  /** Stored more than once, or held by a member under two seqs. */
  duplicated: number;
  http: number;
  http5xx: number;
  httpErrors: number;
  reconnects: number;
  maxReconnectMs: number;
  /** Messages sent in the window, in ms from first send to the partner first holding it (live or caught up). */
  deliveryMs: number[];
  errors: string[];
}

export class ChatLoad {
  readonly sent = new Map<string, Sent>();
  readonly talkers: Talker[] = [];
  readonly errors: string[] = [];
  private readonly statuses: number[] = [];
  private httpErrors = 0;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly httpUrl: string,
    private readonly wsUrl: string,
  ) {}

  /** One REST call through the load balancer, counted; a network error counts as a failure. */
  async http(method: string, path: string, token: string) {
    try {
      const response = await api({ url: this.httpUrl }, method, path, { token });
      this.statuses.push(response.status);
      if (response.status >= 500) this.errors.push(`${method} ${path}: ${response.status} ${response.text.slice(0, 200)}`);
      return response;
    } catch (error) {
      this.httpErrors++;
      this.errors.push(`${method} ${path}: ${error}`);
      return { status: 0, json: null, text: '' };
    }
  }

  /** Signs `pairs` pairs in through the balancer (dev sign-in), opens their rooms and connects everyone. */
  async open(pairs: number) {
    for (let i = 0; i < pairs; i++) {
      const [a, b] = await Promise.all([
        givenUser({ url: this.httpUrl }, { name: `A${i}` }),
        givenUser({ url: this.httpUrl }, { name: `B${i}` }),
      ]);
      const room = await api({ url: this.httpUrl }, 'POST', '/api/v1/chat/rooms/direct', { token: a.token, body: { partnerId: b.userId } });
      if (room.status !== 200) throw new Error(`room: ${room.status} ${room.text}`);
      this.talkers.push(new Talker(`a${i}`, a, room.json.id, this, this.wsUrl), new Talker(`b${i}`, b, room.json.id, this, this.wsUrl));
    }
    for (const t of this.talkers) t.client.activate();
    const deadline = Date.now() + 30_000;
    while (this.talkers.some((t) => !t.connected)) {
      if (Date.now() > deadline) throw new Error('clients did not connect through the balancer');
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Every talker sends `perSecond` messages a second (at most `window` unreceipted); REST reads every `httpEveryMs`. */
  start(perSecond: number, httpEveryMs: number, window = 8) {
    for (const t of this.talkers) {
      this.timers.push(setInterval(() => t.connected && t.inFlight() < window && t.sendNew(), 1000 / perSecond));
    }
    let turn = 0;
    this.timers.push(
      setInterval(() => {
        const t = this.talkers[turn++ % this.talkers.length]!;
        void this.http('GET', `/api/v1/chat/rooms/${t.roomId}/messages?limit=20`, t.user.token);
      }, httpEveryMs),
    );
  }

  stop() {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
  }

  inFlight() {
    return [...this.sent.values()].filter((s) => !s.acked).length;
  }

  /** After the traffic: everyone catches up, then the stored history is compared with what was sent and held. */
  async figures(windowStart = 0, windowEnd = Infinity): Promise<LoadFigures> {
    await Promise.all(this.talkers.map((t) => t.catchUp()));
    let lost = 0;
    let duplicated = 0;
    const rooms = new Map<string, Talker[]>();
    for (const t of this.talkers) rooms.set(t.roomId, [...(rooms.get(t.roomId) ?? []), t]);
    for (const [roomId, members] of rooms) {
      const history: ChatMessage[] = [];
      let before: number | null = null;
      do {
        const page = await this.http(
          'GET',
          `/api/v1/chat/rooms/${roomId}/messages?limit=100${before ? `&before=${before}` : ''}`,
          members[0]!.user.token,
        );
        if (page.status !== 200) throw new Error(`history: ${page.status}`);
        history.push(...(page.json.items as ChatMessage[]));
        before = page.json.nextBefore;
      } while (before !== null);
      const stored = new Map<string, number>();
      for (const m of history) stored.set(m.clientId, (stored.get(m.clientId) ?? 0) + 1);
      for (const count of stored.values()) if (count > 1) duplicated += count - 1;
      for (const item of this.sent.values()) if (item.roomId === roomId && item.acked && !stored.has(item.clientId)) lost++;
      for (const member of members) {
        const heldIds = [...member.held.values()];
        duplicated += heldIds.length - new Set(heldIds).size;
        for (const clientId of stored.keys()) if (!heldIds.includes(clientId)) lost++;
      }
    }
    const deliveryMs: number[] = [];
    for (const t of this.talkers) {
      for (const [clientId, at] of t.live) {
        const item = this.sent.get(clientId);
        if (!item || t.name === clientId.split('-')[0] || item.sentAt < windowStart || item.sentAt > windowEnd) continue;
        deliveryMs.push(at - item.sentAt);
      }
    }
    const reconnects = this.talkers.flatMap((t) => t.reconnectMs);
    return {
      sent: this.sent.size,
      acked: [...this.sent.values()].filter((s) => s.acked).length,
      lost,
      duplicated,
      http: this.statuses.length,
      http5xx: this.statuses.filter((s) => s >= 500).length,
      httpErrors: this.httpErrors,
      reconnects: reconnects.length,
      maxReconnectMs: Math.round(Math.max(0, ...reconnects)),
      deliveryMs: deliveryMs.sort((x, y) => x - y),
      errors: this.errors,
    };
  }

  async close() {
    this.stop();
    await Promise.allSettled(this.talkers.map((t) => t.client.deactivate()));
  }
}
