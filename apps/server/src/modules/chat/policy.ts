import type { Kysely } from 'kysely';
import type { Bus } from '../../platform/bus/bus.js';
import * as repo from './repository.js';
import type { ChatTables } from './repository.js';

declare const authorized: unique symbol;
/**
 * A room id proven to belong to a room the person is a member of. Only this file mints it; the
 * repository's room reads and the realtime SUBSCRIBE path require it, so HTTP and STOMP cannot
 * drift apart.
 */
export type AuthorizedRoomId = string & { readonly [authorized]: true };

/** The bus channel on which a node says that memberships ended, so every node forgets them. */
const ENDED_CHANNEL = 'chat:membership-ended';
/** How long a remembered membership is believed without news: the bound on a lost bus message. */
const REMEMBER_MS = 30_000;
const MAX_REMEMBERED = 200_000;

export type RoomGate = ReturnType<typeof createRoomGate>;

/**
 * Members may read and write a room; anyone else is told it does not exist.
 *
 * A membership found in the database is remembered on this node. Every SEND, typing signal and
 * read mark asks, and on SQLite each database read paid for the write thread's last commit
 * (the main connection starts a read transaction each time): about 30 µs of the event loop per
 * chat message. Memberships only end by leaving or by deleting the account; the node that
 * commits that forgets at once and tells the others through the bus, and each node's listeners
 * end the subscriptions that depended on them. A lookup that overlaps an
 * ending is not remembered, and until the bus subscription is live nothing is.
 */
export function createRoomGate(db: Kysely<ChatTables>, bus: Bus) {
  const remembered = new Map<string, number>();
  const key = (userId: string, roomId: string) => `${userId} ${roomId}`;
  let endings = 0;
  let listening = false;
  const listeners = new Set<(userId: string, roomId?: string) => void>();

  function forget(message: string) {
    endings++;
    const { userId, roomId } = JSON.parse(message) as { userId: string; roomId?: string };
    if (roomId !== undefined) remembered.delete(key(userId, roomId));
    else for (const k of remembered.keys()) if (k.startsWith(`${userId} `)) remembered.delete(k);
    for (const listener of listeners) listener(userId, roomId);
  }
  bus.subscribe(ENDED_CHANNEL, forget).then(
    () => (listening = true),
    () => undefined, // without the channel, every question goes to the database
  );

  return {
    async authorize(userId: string, roomId: string): Promise<AuthorizedRoomId | null> {
      const k = key(userId, roomId);
      const at = remembered.get(k);
      if (at !== undefined && Date.now() - at < REMEMBER_MS) return roomId as AuthorizedRoomId;
      const before = endings;
      const membership = await repo.findMembership(db, roomId, userId);
      if (!membership) return null;
      if (listening && before === endings) {
        remembered.delete(k);
        if (remembered.size >= MAX_REMEMBERED) remembered.delete(remembered.keys().next().value!);
        remembered.set(k, Date.now());
      }
      return roomId as AuthorizedRoomId;
    },

    /**
     * After the commit that ended them: one membership, or without a room all of the person's.
     * Forgotten here at once; should the bus fail, other nodes forget within REMEMBER_MS.
     */
    /** Told on every node, synchronously, when memberships end there or elsewhere (to end what depended on them). */
    onEnded(listener: (userId: string, roomId?: string) => void): () => void {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },

    async ended(userId: string, roomId?: string): Promise<void> {
      const message = JSON.stringify(roomId === undefined ? { userId } : { userId, roomId });
      forget(message);
      await bus.publish(ENDED_CHANNEL, message).catch(() => undefined);
    },
  };
}

export const mayEditMessage = (userId: string, message: { sender_id: string; deleted_at: number | null }) =>
  message.sender_id === userId && message.deleted_at == null;

/** Only the owner invites or hands over; nobody is invited into a direct room. */
export const mayManageMembers = (room: { kind: string; owner_id: string | null }, userId: string) =>
  room.kind === 'group' && room.owner_id === userId;
