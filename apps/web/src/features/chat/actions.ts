import type { ChatMessage, PresenceEvent, RealtimeNotification, RoomEvent, RoomSummary, SendMessageBody } from '@studymate/contracts';
import { httpStatus } from '../../lib/http';
import { useAuthStore } from '../auth/store';
import * as api from './api';
import {
  NotConfirmed,
  StompRefusal,
  onConnected,
  onRealtimeStatus,
  publish,
  publishConfirmed,
  realtimeStatus,
  startRealtime,
  stopRealtime,
  subscribe,
} from './realtime';
import { reportedPresence } from './format';
import { contiguousSeq, lastSeq, useChatStore, type OutgoingMessage } from './store';

/** Chat's moving parts: subscriptions, history, catch-up, the outbox, typing and read marks. */

const me = () => useAuthStore.getState().user?.id ?? '';
const store = () => useChatStore.getState();

/** Refusals that say nothing about the message itself: it stays queued and goes out again. */
const RETRYABLE = new Set(['TOKEN_EXPIRED', 'UNAUTHENTICATED', 'INTERNAL', 'UNAVAILABLE', 'RATE_LIMITED', 'TOO_MANY_REQUESTS']);
const MAX_ATTEMPTS = 5;
const TYPING_SHOWN_MS = 6_000;

const roomSubscriptions = new Map<string, () => void>();
const presenceSubscriptions = new Map<string, () => void>();
/** Without input for this long (or with the tab hidden) this device reports itself away. */
const IDLE_MS = 3 * 60_000;
const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
const catchingUp = new Map<string, Promise<void>>();
/** Receipted but not yet seen back: not sent again. */
const confirmed = new Set<string>();
/** Undo functions for the wiring ensureChat sets up; empty while chat is not started. */
let wiring: (() => void)[] = [];

/** Every way a message reaches us ends here; a hole left below it is fetched. */
function merge(roomId: string, messages: ChatMessage[]) {
  store().mergeMessages(roomId, messages, me());
  const view = store().views[roomId];
  if (view?.loaded && contiguousSeq(view) < lastSeq(view)) void catchUp(roomId).catch(() => {});
}

/** Starts the connection and wiring once; every chat page calls it. */
export function ensureChat(): void {
  if (wiring.length) return;
  store().setStatus('connecting');
  wiring.push(onRealtimeStatus((status) => store().setStatus(status)));
  wiring.push(reportPresence());
  wiring.push(
    subscribe('/user/queue/notifications', (body) => {
      // Added to a room (a new group, an invitation, a partner's first 1:1): list it and follow it now.
      if ((body as RealtimeNotification).kind === 'chat-room-added') void loadRooms().catch(() => {});
    }),
  );
  wiring.push(
    onConnected(() => {
      // Anything sent while we were away: fetch it, then send what is still queued.
      for (const [roomId, view] of Object.entries(store().views)) if (view.loaded) void catchUp(roomId);
      void loadRooms().catch(() => {});
      void flush();
    }),
  );
  wiring.push(
    useAuthStore.subscribe((auth, before) => {
      // Signing out (or in as someone else) ends this user's chat: connection, state and files.
      if (auth.user?.id !== before.user?.id) shutdown();
    }),
  );
  startRealtime();
}

function shutdown() {
  for (const undo of wiring) undo();
  wiring = [];
  stopRealtime();
  readSent.clear();
  clearTimeout(flushTimer);
  for (const unsubscribe of roomSubscriptions.values()) unsubscribe();
  roomSubscriptions.clear();
  for (const unsubscribe of presenceSubscriptions.values()) unsubscribe();
  presenceSubscriptions.clear();
  for (const o of store().outbox) if (o.preview?.localUrl) URL.revokeObjectURL(o.preview.localUrl);
  confirmed.clear();
  api.releaseAttachmentUrls();
  store().reset();
}

function watchRoom(roomId: string) {
  if (roomSubscriptions.has(roomId)) return;
  roomSubscriptions.set(
    roomId,
    subscribe(`/sub/chat/rooms/${roomId}`, (event) => onRoomEvent(roomId, event as RoomEvent)),
  );
}

/**
 * Follows the presence of everyone I share a room with, and stops following anyone I no longer
 * do: the server refuses (and ends the connection on) a subscription it would not authorise.
 */
function syncPresenceWatches() {
  const self = me();
  const wanted = new Set((store().rooms ?? []).flatMap((r) => r.members.filter((m) => m.id !== self && !m.deleted).map((m) => m.id)));
  for (const [userId, unsubscribe] of presenceSubscriptions)
    if (!wanted.has(userId)) {
      unsubscribe();
      presenceSubscriptions.delete(userId);
    }
  for (const userId of wanted)
    if (!presenceSubscriptions.has(userId))
      presenceSubscriptions.set(
        userId,
        subscribe(`/sub/presence/${userId}`, (event) => {
          const p = event as PresenceEvent;
          store().setPresence(p.userId, { status: p.status, lastSeenAt: p.lastSeenAt });
        }),
      );
}

function roomChanged(room: RoomSummary) {
  store().upsertRoom(room);
  syncPresenceWatches();
}

/** After leaving a group: no more events from it, nor presence of people I no longer share a room with. */
function forgetRoom(roomId: string) {
  roomSubscriptions.get(roomId)?.();
  roomSubscriptions.delete(roomId);
  store().removeRoom(roomId);
  syncPresenceWatches();
}

/**
 * Tells the server when this device is away (tab hidden, or no input for IDLE_MS) and when it is
 * back. A new connection starts as online on the server, so each connect reports again.
 */
function reportPresence(): () => void {
  let lastInput = Date.now();
  let reported: 'online' | 'away' = 'online';
  const evaluate = () => {
    const next = reportedPresence(document.visibilityState === 'visible', lastInput, Date.now(), IDLE_MS);
    if (next !== reported && publish('/pub/presence', { status: next })) reported = next;
  };
  const onInput = () => {
    lastInput = Date.now();
    if (reported === 'away') evaluate();
  };
  const inputs = ['pointerdown', 'keydown', 'touchstart', 'wheel', 'mousemove'] as const;
  for (const name of inputs) window.addEventListener(name, onInput, { passive: true });
  document.addEventListener('visibilitychange', evaluate);
  const timer = setInterval(evaluate, 30_000);
  const undoConnected = onConnected(() => {
    reported = 'online';
    evaluate();
  });
  return () => {
    for (const name of inputs) window.removeEventListener(name, onInput);
    document.removeEventListener('visibilitychange', evaluate);
    clearInterval(timer);
    undoConnected();
  };
}

function onRoomEvent(roomId: string, event: RoomEvent) {
  const s = store();
  const self = me();
  switch (event.type) {
    case 'message':
    case 'message-updated': {
      merge(roomId, [event.message]);
      if (event.message.senderId !== self) s.setTyping(roomId, event.message.senderId, false);
      if (s.openRoomId === roomId) markRead(roomId);
      break;
    }
    case 'typing': {
      if (event.userId === self) break;
      const key = `${roomId}:${event.userId}`;
      clearTimeout(typingTimers.get(key));
      s.setTyping(roomId, event.userId, event.typing);
      // A "stopped typing" can be lost with a dropped connection; the indicator fades anyway.
      if (event.typing)
        typingTimers.set(
          key,
          setTimeout(() => store().setTyping(roomId, event.userId, false), TYPING_SHOWN_MS),
        );
      break;
    }
    case 'read':
      if (event.userId === self)
        s.setMyRead(roomId, event.lastReadSeq); // read on another device
      else s.setReadBy(roomId, event.userId, event.lastReadSeq);
      break;
    case 'members-changed':
      void api.fetchRoom(roomId).then(roomChanged, (error: unknown) => {
        // No longer a member (left on another device): the room is gone for me.
        if (httpStatus(error) === 404) forgetRoom(roomId);
      });
      break;
  }
}

let roomsLoading: Promise<void> | null = null;
let roomsAgain: Promise<void> | null = null;

/**
 * The room list, fetched afresh. Pages, reconnects and notifications all ask for it, often at
 * once: a call while a request is out waits for one more request after it (the list may have
 * changed since that one left), and every caller meanwhile shares that one.
 */
export function loadRooms(): Promise<void> {
  if (roomsLoading)
    return (roomsAgain ??= roomsLoading
      .catch(() => {})
      .then(() => {
        roomsAgain = null;
        return loadRooms();
      }));
  roomsLoading = fetchRoomList().finally(() => (roomsLoading = null));
  return roomsLoading;
}

async function fetchRoomList(): Promise<void> {
  const known = new Set(store().rooms?.map((r) => r.id) ?? []);
  const rooms = await api.fetchRooms();
  // A room created or opened while the list was on its way stays; one known before and missing now was left elsewhere.
  const fresh = (store().rooms ?? []).filter((r) => !known.has(r.id) && !rooms.some((x) => x.id === r.id));
  store().setRooms([...rooms, ...fresh]);
  for (const room of rooms) watchRoom(room.id);
  // Stop listening to rooms I left, before a reconnect re-subscribes and is refused.
  for (const roomId of [...roomSubscriptions.keys()]) if (known.has(roomId) && !rooms.some((r) => r.id === roomId)) forgetRoom(roomId);
  syncPresenceWatches();
}

/** The room summary (fetched if the list has not got it) and its newest page of messages. */
export async function openRoom(roomId: string): Promise<void> {
  if (!store().rooms?.some((r) => r.id === roomId)) roomChanged(await api.fetchRoom(roomId));
  watchRoom(roomId);
  if (store().views[roomId]?.loaded) return catchUp(roomId);
  const page = await api.fetchOlder(roomId);
  store().mergeMessages(roomId, page.items, me());
  store().setHistoryPage(roomId, page.nextBefore);
}

export async function loadOlder(roomId: string): Promise<void> {
  const before = store().views[roomId]?.nextBefore;
  if (before == null) return;
  const page = await api.fetchOlder(roomId, before);
  store().mergeMessages(roomId, page.items, me());
  store().setHistoryPage(roomId, page.nextBefore);
}

// ---- groups ----

export async function createGroup(name: string, memberIds: string[]): Promise<RoomSummary> {
  const room = await api.createGroup(name, memberIds);
  roomChanged(room);
  watchRoom(room.id);
  return room;
}

export async function invite(roomId: string, userId: string): Promise<void> {
  roomChanged(await api.inviteMember(roomId, userId));
}

export async function handOver(roomId: string, userId: string): Promise<void> {
  roomChanged(await api.handOver(roomId, userId));
}

export async function removeMember(roomId: string, userId: string): Promise<void> {
  roomChanged(await api.removeMember(roomId, userId));
}

export async function leave(roomId: string): Promise<void> {
  await api.leaveGroup(roomId);
  forgetRoom(roomId);
}

/**
 * Loads older pages until the message with this seq is held (for showing a search hit in
 * context); false when it cannot be reached.
 */
export async function loadUntil(roomId: string, seq: number): Promise<boolean> {
  for (let pages = 0; pages < 50; pages++) {
    const view = store().views[roomId];
    if (view?.messages.some((m) => m.seq === seq)) return true;
    if (!view?.loaded || view.nextBefore == null) return false;
    await loadOlder(roomId);
  }
  return false;
}

/** Fetches everything after the newest message we hold (`after=`), page by page. */
function catchUp(roomId: string): Promise<void> {
  const running = catchingUp.get(roomId);
  if (running) return running;
  const run = (async () => {
    for (;;) {
      const from = contiguousSeq(store().views[roomId]);
      const page = await api.fetchAfter(roomId, from, 100);
      store().mergeMessages(roomId, page.items, me());
      // Stop at the end, or if the server itself has a hole (nothing more to learn by asking again).
      if (page.items.length < 100 || contiguousSeq(store().views[roomId]) <= from) break;
    }
  })().finally(() => catchingUp.delete(roomId));
  catchingUp.set(roomId, run);
  return run;
}

/** 8-64 chars of [A-Za-z0-9_-], chosen once per message and reused on every retry. */
function newClientId(): string {
  return crypto.randomUUID().replace(/-/g, '');
}

export function send(
  roomId: string,
  body: Omit<SendMessageBody, 'clientId'>,
  extra: Pick<OutgoingMessage, 'preview' | 'replyExcerpt'> = {},
): void {
  const clientId = newClientId();
  store().enqueue({
    clientId,
    roomId,
    body: { ...body, clientId },
    createdAt: new Date().toISOString(),
    status: 'sending',
    attempts: 0,
    ...extra,
  });
  stopTyping(roomId);
  void flush();
}

export function retry(clientId: string): void {
  store().updateOutgoing(clientId, { status: 'sending', attempts: 0, error: undefined });
  void flush();
}

export function discard(clientId: string): void {
  const entry = store().outbox.find((o) => o.clientId === clientId);
  if (entry?.preview?.localUrl) URL.revokeObjectURL(entry.preview.localUrl);
  store().removeOutgoing(clientId);
}

let flushing = false;
let flushTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * Sends queued messages one at a time, in the order they were written: over STOMP with a
 * receipt when connected, over HTTP otherwise. Either way the server stores a clientId once.
 */
async function flush(): Promise<void> {
  if (flushing) return;
  flushing = true;
  clearTimeout(flushTimer);
  try {
    for (;;) {
      const next = store().outbox.find((o) => o.status === 'sending' && !confirmed.has(o.clientId));
      if (!next) return;
      if (!(await sendOne(next))) {
        // Left queued; a reconnect flushes again, and so does this timer if the connection is fine
        // (after the pause the server asked for, when it said the person is sending too fast).
        const paused = (store().sendingPausedUntil ?? 0) - Date.now();
        flushTimer = setTimeout(() => void flush(), Math.max(5_000, paused));
        return;
      }
      if (store().sendingPausedUntil !== null) store().pauseSending(null);
    }
  } finally {
    flushing = false;
  }
}

/** The wait a RATE_LIMITED refusal asks for (its details' retryAfterSeconds), else a minute. */
function retryAfterMs(details: unknown): number {
  const seconds = (details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return (typeof seconds === 'number' && seconds > 0 ? seconds : 60) * 1000;
}

/** True when the message is safe on the server (or needs the user); false to try again later. */
async function sendOne(entry: OutgoingMessage): Promise<boolean> {
  const countAttempt = (error: string) => {
    const attempts = entry.attempts + 1;
    store().updateOutgoing(entry.clientId, attempts >= MAX_ATTEMPTS ? { attempts, status: 'failed', error } : { attempts });
  };
  if (realtimeStatus() === 'connected') {
    try {
      await publishConfirmed(`/pub/chat/rooms/${entry.roomId}/messages`, entry.body);
      confirmed.add(entry.clientId);
      // The broadcast normally arrives before the receipt; if it did not, fetch the message.
      if (store().outbox.some((o) => o.clientId === entry.clientId)) void catchUp(entry.roomId).catch(() => {});
      return true;
    } catch (error) {
      if (error instanceof StompRefusal && !RETRYABLE.has(error.code)) {
        store().updateOutgoing(entry.clientId, { status: 'failed', error: error.message });
        return true;
      }
      if (error instanceof StompRefusal && error.code === 'INTERNAL') countAttempt(error.message);
      if (error instanceof StompRefusal && error.code === 'RATE_LIMITED') store().pauseSending(Date.now() + retryAfterMs(error.details));
      // A dropped connection is not the message's fault: it waits for the reconnect, uncounted.
      if (error instanceof NotConfirmed && error.message === 'no receipt in time') countAttempt(error.message);
      return false;
    }
  }
  try {
    merge(entry.roomId, [await api.sendOverHttp(entry.roomId, entry.body)]);
    return true;
  } catch (error) {
    const status = httpStatus(error);
    if (status !== null && status >= 400 && status < 500 && status !== 401 && status !== 429) {
      store().updateOutgoing(entry.clientId, { status: 'failed', error: String(status) });
      return true;
    }
    return false;
  }
}

const readSent = new Map<string, number>();

/** Marks the room read up to its newest message; called while the conversation is on screen. */
export function markRead(roomId: string): void {
  const seq = lastSeq(store().views[roomId]);
  const room = store().rooms?.find((r) => r.id === roomId);
  if (!seq || (readSent.get(roomId) ?? room?.lastReadSeq ?? 0) >= seq) {
    if (room?.unreadCount) store().setMyRead(roomId, seq);
    return;
  }
  readSent.set(roomId, seq);
  store().setMyRead(roomId, seq);
  if (!publish(`/pub/chat/rooms/${roomId}/read`, { seq })) {
    void api.markReadOverHttp(roomId, seq).catch(() => readSent.delete(roomId));
  }
}

const typingSentAt = new Map<string, number>();
const typingIdle = new Map<string, ReturnType<typeof setTimeout>>();

/** Called on every keystroke; tells the room at most every 3 s, and "stopped" after 4 s idle. */
export function notifyTyping(roomId: string): void {
  const now = Date.now();
  if (now - (typingSentAt.get(roomId) ?? 0) > 3_000) {
    if (publish(`/pub/chat/rooms/${roomId}/typing`, { typing: true })) typingSentAt.set(roomId, now);
  }
  clearTimeout(typingIdle.get(roomId));
  typingIdle.set(
    roomId,
    setTimeout(() => stopTyping(roomId), 4_000),
  );
}

export function stopTyping(roomId: string): void {
  clearTimeout(typingIdle.get(roomId));
  typingIdle.delete(roomId);
  if (typingSentAt.has(roomId)) {
    typingSentAt.delete(roomId);
    publish(`/pub/chat/rooms/${roomId}/typing`, { typing: false });
  }
}
