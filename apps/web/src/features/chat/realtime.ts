import { Client, ReconnectionTimeMode, type IFrame, type IMessage, type StompSubscription } from '@stomp/stompjs';
import { REALTIME_PATH } from '@studymate/contracts';
import { refreshSession } from '../../lib/http';
import { useAuthStore } from '../auth/store';
import { noteSuspension } from '../safety/store';

/**
 * The app's one STOMP connection (`/ws`, STOMP 1.2). It owns reconnection and the access token:
 * the server ends a connection when its token expires (ERROR, then close), and every reconnect
 * sends a token that is still valid. A frame the server refuses (a message into a closed chat, over
 * the budget, a presence it will not show) is told on `/user/queue/errors`, which every connection
 * follows first, and the connection stays. Subscriptions are kept here and re-sent after each
 * reconnect, since a new connection starts with none.
 */
export type RealtimeStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting';

/** A SEND the server refused (on the errors queue, or an ERROR frame, with our receipt id). */
export class StompRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Where the server tells this connection of the frames it refused. */
const ERRORS_QUEUE = '/user/queue/errors';
/** Receipts of SUBSCRIBEs whose answer someone waits for, refused or not. */
const subscribeReceipts = new Map<string, () => void>();
/** The connection went away before the RECEIPT: the frame may or may not have been handled. */
export class NotConfirmed extends Error {}

type Handler = (body: unknown) => void;
interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

// Several features may listen on one destination (chat and matching on /user/queue/notifications):
// one STOMP subscription per destination, every handler told.
const topics = new Map<string, { handlers: Set<Handler>; subscription?: StompSubscription }>();
const receipts = new Map<string, Waiter>();
const statusListeners = new Set<(status: RealtimeStatus) => void>();
const connectListeners = new Set<() => void>();
let client: Client | null = null;
let status: RealtimeStatus = 'idle';
let tokenRejected = false;
let receiptCounter = 0;

function setStatus(next: RealtimeStatus) {
  if (next === status) return;
  status = next;
  for (const listener of statusListeners) listener(next);
}

function socketUrl(): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${REALTIME_PATH}`;
}

/** Seconds-since-epoch `exp` of a JWT, or null when it cannot be read (then we just try it). */
function expiry(token: string): number | null {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp : null;
  } catch {
    return null;
  }
}

/** A token good for at least another half minute; refreshed (shared with the HTTP layer) otherwise. */
async function usableToken(): Promise<string | null> {
  const current = useAuthStore.getState().accessToken;
  const exp = current ? expiry(current) : null;
  if (current && !tokenRejected && (exp === null || exp * 1000 - Date.now() > 30_000)) return current;
  tokenRejected = false;
  return (await refreshSession())?.accessToken ?? null;
}

function subscribeNow(destination: string, headers: Record<string, string> = {}) {
  const entry = topics.get(destination);
  if (!entry || !client?.connected) return;
  entry.subscription = client.subscribe(
    destination,
    (message) => {
      try {
        const body: unknown = JSON.parse(message.body);
        for (const handler of entry.handlers) handler(body);
      } catch (error) {
        console.error('chat: unreadable realtime message', error);
      }
    },
    headers,
  );
}

/** The server refused one of our frames and kept the connection: whoever waits for its receipt is told. */
function refused(message: IMessage) {
  const receiptId = message.headers['receipt-id'];
  let error: { code?: string; message?: string; details?: unknown } = {};
  try {
    error = (JSON.parse(message.body) as { error?: typeof error }).error ?? {};
  } catch {
    // an unreadable refusal still answers its receipt
  }
  if (!receiptId) return;
  subscribeReceipts.get(receiptId)?.();
  const waiter = receipts.get(receiptId);
  if (!waiter) return;
  clearTimeout(waiter.timer);
  receipts.delete(receiptId);
  const code = error.code ?? 'ERROR';
  waiter.reject(new StompRefusal(code, error.message ?? code, error.details));
}

function rejectAllReceipts() {
  subscribeReceipts.clear();
  for (const [id, waiter] of receipts) {
    clearTimeout(waiter.timer);
    waiter.reject(new NotConfirmed('connection closed before the receipt'));
    receipts.delete(id);
  }
}

const RECONNECT_FIRST_MS = 250;
const RECONNECT_JITTER_MS = 250;
let everConnected = false;

/** Opens the connection once for the app; later calls do nothing. */
export function startRealtime(): void {
  if (client) return;
  setStatus('connecting');
  const c = new Client({
    brokerURL: socketUrl(),
    heartbeatIncoming: 10_000,
    heartbeatOutgoing: 10_000,
    // A node that restarts closes its sockets (1012): the first retry goes at once to another node,
    // later ones back off. The jitter spreads a whole node's clients over a quarter second.
    reconnectDelay: RECONNECT_FIRST_MS,
    maxReconnectDelay: 30_000,
    reconnectTimeMode: ReconnectionTimeMode.EXPONENTIAL,
    beforeConnect: async (self) => {
      if (everConnected) await new Promise((r) => setTimeout(r, Math.random() * RECONNECT_JITTER_MS));
      const token = await usableToken();
      if (!token) {
        // Signed out: the route guards take over; nothing to reconnect for.
        if (useAuthStore.getState().status === 'signedOut') return void stopRealtime();
      }
      self.connectHeaders = token ? { Authorization: `Bearer ${token}` } : {};
    },
    onConnect: () => {
      everConnected = true;
      const tell = () => {
        for (const listener of connectListeners) listener();
      };
      const destinations = [...topics.keys()];
      // The server handles a connection's frames in order, so once the last SUBSCRIBE's receipt is
      // back every subscription is live: what the listeners then read (the bell's count, missed
      // messages) cannot miss a push made while the subscriptions were still on their way.
      const receipt = destinations.length ? `s${++receiptCounter}-${Date.now().toString(36)}` : null;
      if (receipt) {
        // A refused last SUBSCRIBE answers on the errors queue instead: the others are live all the same.
        const once = () => {
          if (subscribeReceipts.delete(receipt)) tell();
        };
        subscribeReceipts.set(receipt, once);
        c.watchForReceipt(receipt, once);
      }
      c.subscribe(ERRORS_QUEUE, (message) => refused(message));
      destinations.forEach((destination, i) => subscribeNow(destination, i === destinations.length - 1 ? { receipt: receipt! } : {}));
      setStatus('connected');
      if (!receipt) tell();
    },
    onStompError: (frame: IFrame) => {
      const code = frame.headers.code ?? 'ERROR';
      if (code === 'TOKEN_EXPIRED' || code === 'UNAUTHENTICATED' || code === 'SESSION_ENDED') tokenRejected = true;
      if (code === 'ACCOUNT_SUSPENDED') {
        // Suspended or banned on some node: signed out everywhere at once, with the reason and the end date.
        let details: unknown = null;
        try {
          details = (JSON.parse(frame.body) as { error?: { details?: unknown } }).error?.details;
        } catch {
          details = null;
        }
        noteSuspension(details);
        stopRealtime();
        useAuthStore.getState().signedOut();
        return;
      }
      const receiptId = frame.headers['receipt-id'];
      const waiter = receiptId ? receipts.get(receiptId) : undefined;
      if (receiptId && waiter) {
        clearTimeout(waiter.timer);
        receipts.delete(receiptId);
        waiter.reject(new StompRefusal(code, frame.headers.message ?? code));
      }
    },
    onWebSocketClose: () => {
      for (const entry of topics.values()) entry.subscription = undefined;
      rejectAllReceipts();
      if (client) setStatus('reconnecting');
    },
  });
  client = c;
  c.activate();
}

export function stopRealtime(): void {
  const c = client;
  client = null;
  everConnected = false;
  rejectAllReceipts();
  for (const entry of topics.values()) entry.subscription = undefined;
  setStatus('idle');
  void c?.deactivate();
}

export function realtimeStatus(): RealtimeStatus {
  return status;
}

export function onRealtimeStatus(listener: (status: RealtimeStatus) => void): () => void {
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}

/** Runs after every (re)connect, once the server has the subscriptions: the place to catch up and resend. */
export function onConnected(listener: () => void): () => void {
  connectListeners.add(listener);
  return () => connectListeners.delete(listener);
}

/** Keeps a subscription across reconnects until the returned function is called. */
export function subscribe(destination: string, handler: Handler): () => void {
  const existing = topics.get(destination);
  if (existing) {
    existing.handlers.add(handler);
  } else {
    topics.set(destination, { handlers: new Set([handler]) });
    subscribeNow(destination);
  }
  return () => {
    const entry = topics.get(destination);
    if (!entry?.handlers.delete(handler) || entry.handlers.size > 0) return;
    topics.delete(destination);
    if (entry.subscription && client?.connected) entry.subscription.unsubscribe();
  };
}

/** Fire and forget (typing, read marks); false when not connected. */
export function publish(destination: string, body: unknown): boolean {
  if (!client?.connected) return false;
  client.publish({ destination, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return true;
}

/**
 * SEND with a receipt: resolves once the server has handled the frame (for chat: stored it).
 * Rejects with StompRefusal when refused, NotConfirmed when the connection dropped or went quiet.
 */
export function publishConfirmed(destination: string, body: unknown, timeoutMs = 15_000): Promise<void> {
  const c = client;
  if (!c?.connected) return Promise.reject(new NotConfirmed('not connected'));
  const receipt = `r${++receiptCounter}-${Date.now().toString(36)}`;
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      receipts.delete(receipt);
      reject(new NotConfirmed('no receipt in time'));
    }, timeoutMs);
    receipts.set(receipt, { resolve, reject, timer });
    c.watchForReceipt(receipt, () => {
      const waiter = receipts.get(receipt);
      if (!waiter) return;
      clearTimeout(waiter.timer);
      receipts.delete(receipt);
      waiter.resolve();
    });
    c.publish({ destination, body: JSON.stringify(body), headers: { 'content-type': 'application/json', receipt } });
  });
}
