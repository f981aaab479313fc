import { createServer, type Server } from 'node:http';
import { Client, type IFrame, type IMessage } from '@stomp/stompjs';
import { WebSocket } from 'ws';
import { AccessTokens } from '../../src/platform/auth/tokens.js';
import { InProcessBus, type Bus } from '../../src/platform/bus/bus.js';
import { encodeFrame, StompParser, type OutgoingFrame, type StompFrame } from '../../src/platform/realtime/codec.js';
import { createRealtimeGateway, type RealtimeGatewayOptions } from '../../src/platform/realtime/gateway.js';
import { Type } from '@sinclair/typebox';

export const TEST_SECRET = 'realtime-test-secret-that-is-long-enough-0123';

/** The payloads the test gateways speak: one room-like topic and the default user queues. */
export const TestTopics = {
  '/sub/test/rooms/{roomId}': Type.Object({ text: Type.String() }),
  '/sub/test/big/{roomId}': Type.Object({ blob: Type.String() }),
};
export const TestQueues = {
  notifications: Type.Object({ text: Type.String() }),
  errors: Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }) }),
  bulk: Type.Object({ blob: Type.String() }),
};

export interface Node {
  gateway: ReturnType<typeof createRealtimeGateway<typeof TestTopics, typeof TestQueues>>;
  server: Server;
  url: string;
  tokens: AccessTokens;
  close(): Promise<void>;
}

/** A gateway on a plain HTTP server: independent of app.ts, as a module would see it. */
export async function startNode(options: Partial<RealtimeGatewayOptions> & { secret?: string; bus?: Bus } = {}): Promise<Node> {
  const tokens = new AccessTokens(options.secret ?? TEST_SECRET, 900);
  const bus = options.bus ?? new InProcessBus();
  const gateway = createRealtimeGateway<typeof TestTopics, typeof TestQueues>({ tokens, ...options, bus });
  const server = createServer((_req, res) => res.writeHead(404).end());
  gateway.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    gateway,
    server,
    tokens,
    url: `ws://127.0.0.1:${port}/ws`,
    async close() {
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!options.bus) await bus.close();
    },
  };
}

export const tokenFor = (node: Node, userId: string) => node.tokens.sign({ sub: userId, role: 'user' });

export interface StompSession {
  client: Client;
  connected: IFrame;
  errors: IFrame[];
  closed: Promise<void>;
  messages: (destination: string) => IMessage[];
  /** Resolves with the next message on a subscription (subscribed now). */
  subscribe(
    destination: string,
    headers?: Record<string, string>,
  ): Promise<{ next(): Promise<IMessage>; received: IMessage[]; unsubscribe(): void }>;
  receipt(send: (receipt: string) => void): Promise<IFrame>;
  disconnect(): Promise<void>;
}

let receiptCounter = 0;

/** The real @stomp/stompjs client over a `ws` WebSocket (Node 20 has no global WebSocket). */
export function connectStomp(
  url: string,
  headers: Record<string, string>,
  config: { heartbeatIncoming?: number; heartbeatOutgoing?: number } = {},
): Promise<StompSession> {
  return new Promise((resolve, reject) => {
    const errors: IFrame[] = [];
    const received = new Map<string, IMessage[]>();
    let markClosed!: () => void;
    const closed = new Promise<void>((r) => (markClosed = r));
    let connected = false;
    const client = new Client({
      webSocketFactory: () => new WebSocket(url, ['v12.stomp']),
      connectHeaders: headers,
      reconnectDelay: 0,
      heartbeatIncoming: config.heartbeatIncoming ?? 10_000,
      heartbeatOutgoing: config.heartbeatOutgoing ?? 10_000,
      debug: () => {},
    });
    client.onStompError = (frame) => {
      errors.push(frame);
      if (!connected) reject(Object.assign(new Error(frame.headers.message ?? 'STOMP error'), { frame }));
    };
    client.onWebSocketClose = () => {
      markClosed();
      if (!connected) reject(new Error('closed before CONNECTED'));
    };
    client.onConnect = (frame) => {
      connected = true;
      resolve({
        client,
        connected: frame,
        errors,
        closed,
        messages: (destination) => received.get(destination) ?? [],
        async subscribe(destination, subHeaders = {}) {
          const list: IMessage[] = [];
          const waiting: Array<(m: IMessage) => void> = [];
          const backlog: IMessage[] = [];
          const receipt = `sub-${++receiptCounter}`;
          const acknowledged = new Promise<void>((r) => client.watchForReceipt(receipt, () => r()));
          const sub = client.subscribe(
            destination,
            (message) => {
              list.push(message);
              received.set(destination, [...(received.get(destination) ?? []), message]);
              const waiter = waiting.shift();
              if (waiter) waiter(message);
              else backlog.push(message);
            },
            { ...subHeaders, receipt },
          );
          await Promise.race([acknowledged, closed.then(() => Promise.reject(new Error(`closed while subscribing to ${destination}`)))]);
          return {
            received: list,
            unsubscribe: () => sub.unsubscribe(),
            next: () =>
              backlog.length
                ? Promise.resolve(backlog.shift()!)
                : new Promise<IMessage>((r, j) => {
                    waiting.push(r);
                    closed.then(() => j(new Error('closed while waiting for a message')));
                  }),
          };
        },
        receipt(send) {
          const id = `r-${++receiptCounter}`;
          const got = new Promise<IFrame>((r) => client.watchForReceipt(id, r));
          send(id);
          return got;
        },
        async disconnect() {
          await client.deactivate();
        },
      });
    };
    client.activate();
  });
}

/** A WebSocket speaking raw STOMP bytes, for what a polite client library would never send. */
export interface RawPeer {
  ws: WebSocket;
  frames: StompFrame[];
  heartbeats: number;
  closed: Promise<{ code: number }>;
  sendBytes(data: Buffer | string): void;
  send(frame: OutgoingFrame): void;
  /** Waits until a frame matching `predicate` has arrived (or the socket closes). */
  waitFor(predicate: (frame: StompFrame) => boolean, timeoutMs?: number): Promise<StompFrame>;
}

export async function rawPeer(url: string, protocols: string[] = ['v12.stomp']): Promise<RawPeer> {
  const ws = new WebSocket(url, protocols);
  const parser = new StompParser({ maxPendingBytes: 4 << 20, maxBodyBytes: 4 << 20 });
  const frames: StompFrame[] = [];
  const listeners = new Set<() => void>();
  const peer: RawPeer = {
    ws,
    frames,
    heartbeats: 0,
    closed: new Promise((resolve) => ws.once('close', (code) => resolve({ code }))),
    sendBytes: (data) => ws.send(data),
    send: (frame) => ws.send(encodeFrame(frame)),
    waitFor(predicate, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = frames.find(predicate);
          if (found) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no matching frame within ${timeoutMs} ms; got ${frames.map((f) => f.command).join(',')}`));
        }, timeoutMs);
        listeners.add(check);
        check();
        peer.closed.then(() => setTimeout(check, 0));
      });
    },
  };
  ws.on('message', (data: Buffer) => {
    for (const event of parser.push(data)) {
      if (event.type === 'frame') frames.push(event.frame);
      else if (event.type === 'heartbeat') peer.heartbeats++;
    }
    for (const listener of [...listeners]) listener();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return peer;
}

export const connectFrame = (token: string, extra: Record<string, string> = {}): OutgoingFrame => ({
  command: 'CONNECT',
  headers: { 'accept-version': '1.2', host: 'studymate', 'heart-beat': '0,0', Authorization: `Bearer ${token}`, ...extra },
});

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A metric's current value from the gateway's registry. */
export async function metricValue(node: Node, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = await node.gateway.registry.getSingleMetric(name)?.get();
  const entry = metric?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return entry?.value ?? 0;
}

/**
 * The next notification on a `/user/queue/notifications` subscription that is not an achievement:
 * progress awards those (first mate, ...) on its own time, in any order with the rest.
 */
export async function nextNotification(sub: { next(): Promise<IMessage> }): Promise<Record<string, unknown>> {
  for (;;) {
    const body = JSON.parse((await sub.next()).body) as Record<string, unknown>;
    if (body.kind !== 'achievement') return body;
  }
}
