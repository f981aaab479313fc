import type { Kysely } from 'kysely';
import * as repo from './repository.js';
import type { ChatTables } from './repository.js';

declare const authorized: unique symbol;
/**
 * A room id proven to belong to a room the person is a member of. Only this file mints it; the
 * repository's room reads and the realtime SUBSCRIBE path require it, so HTTP and STOMP cannot
 * drift apart.
 */
export type AuthorizedRoomId = string & { readonly [authorized]: true };

/** Members may read and write a room; anyone else is told it does not exist. */
export async function authorizeRoom(db: Kysely<ChatTables>, userId: string, roomId: string): Promise<AuthorizedRoomId | null> {
  const membership = await repo.findMembership(db, roomId, userId);
  return membership ? (roomId as AuthorizedRoomId) : null;
}

export const mayEditMessage = (userId: string, message: { sender_id: string; deleted_at: number | null }) =>
  message.sender_id === userId && message.deleted_at == null;

/** Only the owner invites or hands over; nobody is invited into a direct room. */
export const mayManageMembers = (room: { kind: string; owner_id: string | null }, userId: string) =>
  room.kind === 'group' && room.owner_id === userId;
