import { create } from 'zustand';
import type { ChatMessage, PresenceState, RoomSummary, SendMessageBody } from '@studymate/contracts';
import type { RealtimeStatus } from './realtime';

/** A message composed here and not yet seen back from the server. */
export interface OutgoingMessage {
  clientId: string;
  roomId: string;
  body: SendMessageBody;
  createdAt: string;
  /** `sending` also covers "waiting for the connection"; `failed` needs the user (retry or remove). */
  status: 'sending' | 'failed';
  attempts: number;
  error?: string;
  /** What the bubble shows before the server's copy arrives. */
  preview?: { kind: 'image' | 'file' | 'voice'; fileName: string; localUrl?: string };
  replyExcerpt?: string;
}

export interface RoomView {
  /** Ascending by seq, one entry per message id. */
  messages: ChatMessage[];
  loaded: boolean;
  /** Cursor for the next older page; null once the beginning is reached. */
  nextBefore: number | null;
  /** Other members' read marks, as announced live. */
  readBy: Record<string, number>;
  /** Other members currently typing (user ids). */
  typing: string[];
}

const emptyView = (): RoomView => ({ messages: [], loaded: false, nextBefore: null, readBy: {}, typing: [] });

export interface Presence {
  status: PresenceState;
  lastSeenAt: string | null;
}

interface ChatState {
  status: RealtimeStatus;
  rooms: RoomSummary[] | null;
  /** Partners' presence by user id: seeded from room summaries, then kept current by `/sub/presence/{userId}`. */
  presence: Record<string, Presence>;
  views: Record<string, RoomView>;
  outbox: OutgoingMessage[];
  /** Until when (epoch ms) the server asked for no more messages: the person sent too many in a minute. */
  sendingPausedUntil: number | null;
  /** The conversation on screen (and visible), whose new messages count as read. */
  openRoomId: string | null;

  setStatus: (status: RealtimeStatus) => void;
  pauseSending: (until: number | null) => void;
  setRooms: (rooms: RoomSummary[]) => void;
  upsertRoom: (room: RoomSummary) => void;
  removeRoom: (roomId: string) => void;
  setPresence: (userId: string, presence: Presence) => void;
  setOpenRoom: (roomId: string | null) => void;
  /** Merges messages from any source (history, catch-up, live) and settles matching outbox entries. */
  mergeMessages: (roomId: string, messages: ChatMessage[], me: string) => void;
  setHistoryPage: (roomId: string, nextBefore: number | null) => void;
  setTyping: (roomId: string, userId: string, typing: boolean) => void;
  setReadBy: (roomId: string, userId: string, seq: number) => void;
  setMyRead: (roomId: string, seq: number) => void;
  enqueue: (message: OutgoingMessage) => void;
  updateOutgoing: (clientId: string, patch: Partial<OutgoingMessage>) => void;
  removeOutgoing: (clientId: string) => void;
  reset: () => void;
}

function seedPresence(current: Record<string, Presence>, rooms: RoomSummary[]): Record<string, Presence> {
  const next = { ...current };
  for (const room of rooms) for (const m of room.members) next[m.id] = { status: m.presence, lastSeenAt: m.lastSeenAt };
  return next;
}

export const lastActivity = (room: RoomSummary) => room.lastMessage?.createdAt ?? '';

function sortRooms(rooms: RoomSummary[]): RoomSummary[] {
  // ISO timestamps sort as strings; rooms without messages keep their order at the end.
  return [...rooms].sort((a, b) => lastActivity(b).localeCompare(lastActivity(a)));
}

function mergeById(current: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] {
  const byId = new Map(current.map((m) => [m.id, m]));
  for (const m of incoming) {
    const known = byId.get(m.id);
    // An edit or delete arrives as the same id; keep whichever copy is newer.
    if (!known || (m.editedAt ?? '') >= (known.editedAt ?? '') || m.deletedAt) byId.set(m.id, m);
  }
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

export const lastSeq = (view: RoomView | undefined) => view?.messages[view.messages.length - 1]?.seq ?? 0;

/**
 * The newest seq up to which we hold every message. Seqs are dense per room, so a message that
 * arrived out of order (an HTTP send answered after someone else's message) leaves a hole below
 * it; catching up from here fills it.
 */
export function contiguousSeq(view: RoomView | undefined): number {
  const messages = view?.messages ?? [];
  let tip = messages[0]?.seq ?? 0;
  for (const m of messages.slice(1)) {
    if (m.seq !== tip + 1) break;
    tip = m.seq;
  }
  return tip;
}

export const useChatStore = create<ChatState>()((set) => ({
  status: 'idle',
  rooms: null,
  presence: {},
  views: {},
  outbox: [],
  sendingPausedUntil: null,
  openRoomId: null,

  setStatus: (status) => set({ status }),
  setRooms: (rooms) => set((s) => ({ rooms: sortRooms(rooms), presence: seedPresence(s.presence, rooms) })),
  upsertRoom: (room) =>
    set((s) => ({
      rooms: sortRooms([...(s.rooms ?? []).filter((r) => r.id !== room.id), room]),
      presence: seedPresence(s.presence, [room]),
    })),
  removeRoom: (roomId) => set((s) => ({ rooms: s.rooms?.filter((r) => r.id !== roomId) ?? null })),
  setPresence: (userId, presence) => set((s) => ({ presence: { ...s.presence, [userId]: presence } })),
  setOpenRoom: (openRoomId) => set({ openRoomId }),

  mergeMessages: (roomId, messages, me) =>
    set((s) => {
      if (messages.length === 0) return {};
      const view = s.views[roomId] ?? emptyView();
      const merged = mergeById(view.messages, messages);
      const settled = new Set(messages.filter((m) => m.senderId === me).map((m) => m.clientId));
      const newest = merged[merged.length - 1]!;
      const rooms = s.rooms?.map((room) => {
        if (room.id !== roomId) return room;
        const fresh = messages.filter((m) => m.seq > (room.lastMessage?.seq ?? 0) && m.seq > room.lastReadSeq && m.senderId !== me);
        const isNewer = !room.lastMessage || newest.seq >= room.lastMessage.seq;
        return {
          ...room,
          lastMessage: isNewer ? newest : room.lastMessage,
          // Unread grows only for someone else's new messages in a room that is not on screen.
          unreadCount: s.openRoomId === roomId ? room.unreadCount : room.unreadCount + fresh.length,
        };
      });
      return {
        views: { ...s.views, [roomId]: { ...view, messages: merged } },
        outbox: settled.size ? s.outbox.filter((o) => !(o.roomId === roomId && settled.has(o.clientId))) : s.outbox,
        rooms: rooms ? sortRooms(rooms) : rooms,
      };
    }),
  setHistoryPage: (roomId, nextBefore) =>
    set((s) => ({ views: { ...s.views, [roomId]: { ...(s.views[roomId] ?? emptyView()), loaded: true, nextBefore } } })),
  setTyping: (roomId, userId, typing) =>
    set((s) => {
      const view = s.views[roomId] ?? emptyView();
      const others = view.typing.filter((u) => u !== userId);
      return { views: { ...s.views, [roomId]: { ...view, typing: typing ? [...others, userId] : others } } };
    }),
  setReadBy: (roomId, userId, seq) =>
    set((s) => {
      const view = s.views[roomId] ?? emptyView();
      if ((view.readBy[userId] ?? 0) >= seq) return {};
      return { views: { ...s.views, [roomId]: { ...view, readBy: { ...view.readBy, [userId]: seq } } } };
    }),
  setMyRead: (roomId, seq) =>
    set((s) => ({
      rooms: s.rooms?.map((r) => (r.id === roomId ? { ...r, lastReadSeq: Math.max(r.lastReadSeq, seq), unreadCount: 0 } : r)) ?? null,
    })),
  enqueue: (message) => set((s) => ({ outbox: [...s.outbox, message] })),
  updateOutgoing: (clientId, patch) => set((s) => ({ outbox: s.outbox.map((o) => (o.clientId === clientId ? { ...o, ...patch } : o)) })),
  removeOutgoing: (clientId) => set((s) => ({ outbox: s.outbox.filter((o) => o.clientId !== clientId) })),
  pauseSending: (until) => set({ sendingPausedUntil: until }),
  reset: () => set({ status: 'idle', rooms: null, presence: {}, views: {}, outbox: [], sendingPausedUntil: null, openRoomId: null }),
}));
